"""Who knows whom: links between two contacts, and how each reads from either side.

A link is stored once. The directed kinds read one way from the first contact and the other way from the
second ("reports to" / "manages"); the kinds that go both ways (partner, former colleague, knows) are
stored with the lower id first, so that the same pair is never linked twice the other way round (a merge
turns them back: `normalize_both_ways`). The rules read them (the introduction suggester, any plugin through
`ContactContext.links` and `Network.links_of`): writing one marks both contacts for the engine (migration
0016).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache

from sqlalchemy import BindParameter, Connection, and_, bindparam, delete, insert, or_, select, update

from ..model import LinkKind
from ..model.entities import Link
from .new_ids import new_id
from .schema import contact_links, contacts

#: How a link reads from its first contact, and from its second.
WORDS: dict[LinkKind, tuple[str, str]] = {
    LinkKind.REPORTS_TO: ("reports to", "manages"),
    LinkKind.INTRODUCED_BY: ("was introduced to you by", "introduced you to"),
    LinkKind.PARTNER: ("is the partner of", "is the partner of"),
    LinkKind.FORMER_COLLEAGUE: ("is a former colleague of", "is a former colleague of"),
    LinkKind.MENTOR_OF: ("mentors", "is mentored by"),
    LinkKind.KNOWS: ("knows", "knows"),
}
#: The kinds that read the same from both sides.
BOTH_WAYS = frozenset({LinkKind.PARTNER, LinkKind.FORMER_COLLEAGUE, LinkKind.KNOWS})


@dataclass(frozen=True)
class Seen:
    """A link as one of its two contacts sees it: what it says, and of whom."""

    id: int
    other_id: int
    other: str
    kind: LinkKind
    label: str
    says: str  # "reports to", "manages", "knows (college roommate)"
    first: bool = True  # whether this contact is the link's first ("A reports to B": A)

    def to_json(self) -> dict:
        return {
            "id": self.id,
            "other_id": self.other_id,
            "other": self.other,
            "kind": self.kind.value,
            "label": self.label,
            "says": self.says,
        }


def stored_order(link: Link) -> Link:
    """The link as it is stored: the kinds that read both ways with the lower id first."""
    if link.kind in BOTH_WAYS and link.contact_id > link.other_id:
        return link.model_copy(update={"contact_id": link.other_id, "other_id": link.contact_id})
    return link


def says(kind: LinkKind, label: str, *, first: bool) -> str:
    words = WORDS[kind][0 if first else 1]
    return f"{words} ({label})" if label else words


def find(conn: Connection, link: Link) -> int | None:
    """The id of this link if it is stored already."""
    link, c = stored_order(link), contact_links.c
    return conn.execute(
        select(c.id).where(
            c.contact_id == link.contact_id,
            c.other_id == link.other_id,
            c.kind == link.kind.value,
            c.label == link.label,
        )
    ).scalar()


def insert_link(conn: Connection, link: Link, now: dt.datetime) -> int:
    link = stored_order(link)
    return new_id(
        conn.execute(
            insert(contact_links).values(
                contact_id=link.contact_id,
                other_id=link.other_id,
                kind=link.kind.value,
                label=link.label,
                created_at=now,
            )
        )
    )


def delete_between(conn: Connection, one: int, other: int, kind: LinkKind | None = None) -> int:
    """The links between two contacts (of one kind, or all), whichever way they are stored; how many."""
    c = contact_links.c
    pair = or_(and_(c.contact_id == one, c.other_id == other), and_(c.contact_id == other, c.other_id == one))
    condition = pair if kind is None else and_(pair, c.kind == kind.value)
    return conn.execute(delete(contact_links).where(condition)).rowcount


def delete_link(conn: Connection, link_id: int) -> int:
    return conn.execute(delete(contact_links).where(contact_links.c.id == link_id)).rowcount


def links_of(conn: Connection, contact_id: int | None = None) -> list[tuple[int, Seen]]:
    """Each link as each of its contacts sees it (of one contact, or of everyone), by contact then name."""
    return links_among(conn, None if contact_id is None else [contact_id])


def rows_among(conn: Connection, ids: Iterable[int] | None = None) -> list[tuple]:
    """The links of these contacts (None: everyone's) as plain rows, by id: (id, contact_id, its name,
    other_id, its name, kind, label). One statement for the book, one per 500 contacts asked for."""
    if ids is None:
        return [tuple(row) for row in conn.execute(_rows_query(False))]
    wanted = sorted(set(ids))
    found: dict[int, tuple] = {}
    for start in range(0, len(wanted), 500):
        chunk = wanted[start : start + 500]
        for row in conn.execute(_rows_query(True), {"ones": chunk, "others": chunk}):
            found[row[0]] = tuple(row)
    return [found[lid] for lid in sorted(found)]


@cache
def _rows_query(among: bool):
    """`rows_among`'s statement, built once (every engine run over some contacts asks it): of everyone, or
    of the contacts bound as "ones" and "others" (the same ids, at either end of a link)."""
    c = contact_links.c
    first, second = contacts.alias("first"), contacts.alias("second")
    query = (
        select(c.id, c.contact_id, first.c.name, c.other_id, second.c.name, c.kind, c.label)
        .join_from(contact_links, first, first.c.id == c.contact_id)
        .join(second, second.c.id == c.other_id)
        .order_by(c.id)
    )
    if among:
        ones: BindParameter[list[int]] = bindparam("ones", expanding=True)
        others: BindParameter[list[int]] = bindparam("others", expanding=True)
        query = query.where(or_(c.contact_id.in_(ones), c.other_id.in_(others)))
    return query


def links_among(conn: Connection, ids: Iterable[int] | None = None) -> list[tuple[int, Seen]]:
    """Each link as each of these contacts (None: everyone) sees it, by contact then name."""
    chosen = None if ids is None else set(ids)
    out: list[tuple[int, Seen]] = []
    for lid, one, one_name, other, other_name, kind_text, label in rows_among(conn, ids):
        kind = LinkKind(kind_text)
        for me, them, name, is_first in ((one, other, other_name, True), (other, one, one_name, False)):
            if chosen is None or me in chosen:
                out.append((me, Seen(lid, them, name, kind, label, says(kind, label, first=is_first), is_first)))
    out.sort(key=lambda pair: (pair[0], pair[1].other.casefold(), pair[1].id))
    return out


def normalize_both_ways(conn: Connection) -> int:
    """The kinds that read both ways stored with the lower id first again (a merge moves a link's end to the
    kept contact, which may have the higher id); a twin so made is dropped. How many were turned."""
    c = contact_links.c
    turned = 0
    rows = conn.execute(
        select(c.id, c.contact_id, c.other_id, c.kind, c.label).where(
            c.kind.in_([k.value for k in BOTH_WAYS]), c.contact_id > c.other_id
        )
    ).all()
    for lid, one, other, kind, label in rows:
        twin = conn.execute(
            select(c.id).where(c.contact_id == other, c.other_id == one, c.kind == kind, c.label == label)
        ).scalar()
        if twin is not None:
            conn.execute(delete(contact_links).where(c.id == lid))
        else:
            conn.execute(update(contact_links).where(c.id == lid).values(contact_id=other, other_id=one))
        turned += 1
    return turned
