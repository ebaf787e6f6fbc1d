"""The state of each card of an address book synced both ways (table card_states, migration 0014)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import Connection, delete, insert, select, update

from .schema import card_states

#: What a card's state says: in step; waiting for the user (a conflict, a card deleted in the book, its
#: contact deleted here); or kept out of the book by the user's choice.
SYNCED, CONFLICT, GONE_THERE, GONE_HERE, DETACHED = "synced", "conflict", "gone_there", "gone_here", "detached"
WAITING = (CONFLICT, GONE_THERE, GONE_HERE)


@dataclass
class CardState:
    uid: str
    href: str
    etag: str
    base: str
    contact_id: int | None
    state: str
    detail: str


def load(conn: Connection, source: str) -> dict[str, CardState]:
    c = card_states.c
    rows = conn.execute(
        select(c.uid, c.href, c.etag, c.base, c.contact_id, c.state, c.detail).where(c.source == source)
    )
    return {r.uid: CardState(*r) for r in rows}


def save(conn: Connection, source: str, card: CardState, now: dt.datetime) -> None:
    c = card_states.c
    values = {
        "href": card.href,
        "etag": card.etag,
        "base": card.base,
        "contact_id": card.contact_id,
        "state": card.state,
        "detail": card.detail,
        "synced_at": now.replace(tzinfo=None),
    }
    done = conn.execute(update(card_states).where(c.source == source, c.uid == card.uid).values(**values))
    if done.rowcount == 0:
        conn.execute(insert(card_states).values(source=source, uid=card.uid, **values))


def drop(conn: Connection, source: str, uid: str) -> None:
    c = card_states.c
    conn.execute(delete(card_states).where(c.source == source, c.uid == uid))


def forget(conn: Connection, source: str) -> int:
    """A source removed: its cards' states go (the contacts stay); how many there were."""
    return conn.execute(delete(card_states).where(card_states.c.source == source)).rowcount


def waiting(conn: Connection, source: str | None = None) -> list[tuple[str, CardState]]:
    """The cards waiting for the user, of one source or all, as (source, state)."""
    c = card_states.c
    query = select(c.source, c.uid, c.href, c.etag, c.base, c.contact_id, c.state, c.detail).where(c.state.in_(WAITING))
    if source is not None:
        query = query.where(c.source == source)
    return [(r[0], CardState(*r[1:])) for r in conn.execute(query.order_by(c.source, c.uid))]
