"""Captured messages and events, and the touches made from them.

A source's items are kept whether or not anyone on them is a contact yet
(`captures`, with the people by folded address and the ids they reply to), and
touches are made from them in bulk SQL for the addresses that are contacts'
e-mails. So adding a contact later brings their history, a reply is matched
to my message whichever sync read which, and the people I talk to who are not
contacts can be listed. Every function takes an open write connection: a
sync saves one checkpoint's items, their touches and the cursor together.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, DateTime, bindparam, delete, insert, select, text, update
from sqlalchemy import Row as StoredRow

from ..model import Channel, Outcome
from . import dialect
from .new_ids import new_id
from .schema import (
    capture_people,
    capture_refs,
    captures,
    contact_emails,
    ignored_addresses,
    interactions,
    source_state,
)

#: The longest id, name or subject kept; longer ones are cut (a header may be megabytes long).
LONGEST = 998
#: Ids per statement: well under SQLite's limit on bound values.
CHUNK = 500


def fold(address: str) -> str:
    return address.strip().lower()


def _naive(value: dt.datetime) -> dt.datetime:
    return value.astimezone(dt.timezone.utc).replace(tzinfo=None)


def _chunks(values: Sequence, size: int = CHUNK) -> Iterable[Sequence]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


@dataclass(frozen=True, slots=True)
class Row:
    """A capture as it will be stored (plain values: the sync makes it from what a reader yielded)."""

    external_id: str
    at: dt.datetime
    channel: str
    purpose: str | None
    outcome: str
    from_me: bool
    message_id: str | None
    sequence: int
    subject: str | None
    people: tuple[tuple[str, str, str, str], ...]  # (address folded, name, role, status)
    refs: tuple[str, ...]
    digest: str


@dataclass
class Saved:
    """What saving one batch did: ids of new and changed captures, and how many were moved meetings."""

    new: list[int]
    changed: list[int]
    moved: list[int] = field(default_factory=list)
    unchanged: int = 0


@dataclass
class Dropped:
    """Captures forgotten, and the contacts whose touches went with them."""

    count: int = 0
    contacts: set[int] = field(default_factory=set)

    def __or__(self, other: "Dropped") -> "Dropped":
        return Dropped(self.count + other.count, self.contacts | other.contacts)


def save(conn: Connection, source: str, rows: Sequence[Row], now: dt.datetime) -> Saved:
    """Insert new captures, update changed ones (their touches are made again), keep unchanged ones.

    A meeting whose start moved with a higher SEQUENCE leaves its earlier start
    behind as a `moved` capture: the rescheduled meeting the access warnings count.
    """
    result = Saved([], [])
    if not rows:
        return result
    latest: dict[str, Row] = {}
    for row in rows:  # the same id twice in one batch (a message in two folders): the last one read wins
        latest[row.external_id] = row
    rows = list(latest.values())
    c = captures.c
    existing: dict[str, StoredRow] = {}
    for part in _chunks([r.external_id for r in rows]):
        for found in conn.execute(
            select(c.external_id, c.id, c.digest, c.at, c.sequence, c.channel, c.from_me).where(
                c.source == source, c.external_id.in_(part)
            )
        ):
            existing[found.external_id] = found
    fresh = [r for r in rows if r.external_id not in existing]
    changed = [r for r in rows if r.external_id in existing and existing[r.external_id].digest != r.digest]
    result.unchanged = len(rows) - len(fresh) - len(changed)
    if fresh:
        conn.execute(insert(captures), [_values(source, r) for r in fresh])
        ids: dict[str, int] = {}
        for part in _chunks([r.external_id for r in fresh]):
            ids.update(
                conn.execute(select(c.external_id, c.id).where(c.source == source, c.external_id.in_(part))).all()
            )
        _attach(conn, [(ids[r.external_id], r) for r in fresh])
        result.new = [ids[r.external_id] for r in fresh]
    for row in changed:
        old = existing[row.external_id]
        if (
            row.channel == Channel.MEETING.value
            and old.channel == row.channel
            and row.sequence > old.sequence
            and old.at != row.at
        ):
            result.moved += _leave_moved(conn, source, old, row, now)
        conn.execute(update(captures).where(c.id == old.id).values(**_values(source, row)))
        conn.execute(delete(capture_people).where(capture_people.c.capture_id == old.id))
        conn.execute(delete(capture_refs).where(capture_refs.c.capture_id == old.id))
        conn.execute(delete(interactions).where(interactions.c.capture_id == old.id))
        _attach(conn, [(old.id, row)])
        result.changed.append(old.id)
    return result


def _values(source: str, row: Row) -> dict:
    return {
        "source": source,
        "external_id": row.external_id,
        "at": row.at,
        "channel": row.channel,
        "purpose": row.purpose,
        "outcome": row.outcome,
        "from_me": row.from_me,
        "message_id": row.message_id,
        "sequence": row.sequence,
        "subject": row.subject,
        "moved": False,
        "digest": row.digest,
    }


def _attach(conn: Connection, pairs: list[tuple[int, Row]]) -> None:
    people = [
        {"capture_id": cid, "address": a, "name": n, "role": role, "status": st}
        for cid, row in pairs
        for a, n, role, st in row.people
    ]
    refs = [{"capture_id": cid, "ref": ref} for cid, row in pairs for ref in row.refs]
    if people:
        conn.execute(insert(capture_people), people)
    if refs:
        conn.execute(insert(capture_refs), refs)


def _leave_moved(conn: Connection, source: str, old, row: Row, now: dt.datetime) -> list[int]:
    """Keep the meeting's earlier start as a rescheduled one (once per earlier start and sequence)."""
    external_id = f"{row.external_id}#moved-{old.sequence}@{old.at.isoformat()}"[:LONGEST]
    if conn.execute(
        select(captures.c.id).where(captures.c.source == source, captures.c.external_id == external_id)
    ).first():
        return []
    at = min(old.at, _naive(now))
    moved = new_id(
        conn.execute(
            insert(captures).values(
                source=source,
                external_id=external_id,
                at=at,
                channel=row.channel,
                purpose=row.purpose,
                outcome=Outcome.RESCHEDULED.value,
                from_me=old.from_me,
                message_id=None,
                sequence=old.sequence,
                subject=row.subject,
                moved=True,
                digest="moved",
            )
        )
    )
    conn.execute(
        text(
            "INSERT INTO capture_people (capture_id, address, name, role, status) "
            "SELECT :moved, address, name, role, '' FROM capture_people WHERE capture_id = :old"
        ),
        {"moved": moved, "old": old.id},
    )
    return [moved]


def remove(conn: Connection, source: str, external_ids: Sequence[str]) -> Dropped:
    """Forget items the source no longer holds, and the touches made from them."""
    c = captures.c
    ids: list[int] = []
    for part in _chunks(list(external_ids)):
        ids += (
            conn.execute(select(c.id).where(c.source == source, c.external_id.in_(part), c.moved.is_(False)))
            .scalars()
            .all()
        )
    return _drop(conn, ids)


def sweep(conn: Connection, source: str, seen: set[str], since: dt.datetime, until: dt.datetime) -> Dropped:
    """After a complete read: the source's items in the window read that were not seen again are gone."""
    c = captures.c
    rows = conn.execute(
        select(c.id, c.external_id).where(
            c.source == source, c.moved.is_(False), c.at >= _naive(since), c.at <= _naive(until)
        )
    ).all()
    return _drop(conn, [r.id for r in rows if r.external_id not in seen])


def _drop(conn: Connection, ids: list[int]) -> Dropped:
    dropped = Dropped(len(ids))
    i = interactions.c
    for part in _chunks(ids):
        dropped.contacts.update(conn.execute(select(i.contact_id).distinct().where(i.capture_id.in_(part))).scalars())
        conn.execute(delete(interactions).where(i.capture_id.in_(part)))
        conn.execute(delete(captures).where(captures.c.id.in_(part)))
    return dropped


# ------------------------------------------------------------------ touches

_MAKE_TOUCHES = """
INSERT INTO interactions (contact_id, at, channel, direction, purpose, outcome, notes, group_key, created_at,
                          capture_id)
SELECT e.contact_id,
       CASE WHEN c.at < :now THEN c.at ELSE :now END,
       c.channel,
       CASE WHEN c.from_me THEN 'outbound' ELSE 'inbound' END,
       COALESCE(c.purpose, 'check_in'),
       CASE WHEN c.outcome != 'completed' THEN c.outcome
            WHEN MAX(CASE WHEN p.status = 'DECLINED' THEN 1 ELSE 0 END) = 1 THEN 'declined'
            ELSE 'completed' END,
       COALESCE(c.subject, ''),
       'capture:' || c.id,
       :now,
       c.id
FROM captures c
JOIN capture_people p ON p.capture_id = c.id
JOIN contact_emails e ON e.email_fold = p.address
WHERE {where}
  AND (c.at <= :now OR c.outcome != 'completed' OR p.status = 'DECLINED')
  AND NOT EXISTS (SELECT 1 FROM interactions i WHERE i.capture_id = c.id AND i.contact_id = e.contact_id)
  AND (c.message_id IS NULL
       OR NOT EXISTS (SELECT 1 FROM captures d WHERE d.message_id = c.message_id AND d.id < c.id))
GROUP BY c.id, e.contact_id
"""


def make_touches(
    conn: Connection,
    now: dt.datetime,
    *,
    capture_ids: Sequence[int] | None = None,
    contact_ids: Sequence[int] | None = None,
    due_since: dt.datetime | None = None,
) -> int:
    """Touches for the contacts on these captures (or for these contacts, or for every capture now past).

    A contact appears once per capture (both To and Cc, or two of their
    addresses, are one touch); the same message read by two sources is one
    touch; a meeting becomes a touch once it has started, while a cancelled or
    declined one counts at once (access is closing now). `due_since`: the
    captures dated from then until now (meetings that have taken place since
    an earlier sync read them as future ones). Idempotent.
    """
    stamp = _naive(now)
    total = 0
    params: dict
    parts: list[Sequence[Any] | None]  # None: one statement over the time range
    if due_since is not None:
        parts = [None]
        where = "c.at > :since AND c.at <= :now"
    elif capture_ids is not None:
        parts, where = list(_chunks(list(capture_ids))), "c.id IN :ids"
    else:
        parts, where = list(_chunks(list(contact_ids or []))), "e.contact_id IN :ids"
    for part in parts:
        statement = text(_MAKE_TOUCHES.format(where=where)).bindparams(bindparam("now", type_=DateTime()))
        params = {"now": stamp}
        if due_since is not None:
            statement = statement.bindparams(bindparam("since", type_=DateTime()))
            params["since"] = _naive(due_since)
        if part is not None:
            if not part:
                continue
            statement = statement.bindparams(bindparam("ids", expanding=True))
            params["ids"] = list(part)
        total += conn.execute(statement, params).rowcount or 0
    return total


def touches_for(conn: Connection, contact_ids: Sequence[int], now: dt.datetime) -> int:
    """A contact's captured history, made into touches when they are added or given another e-mail."""
    before = last_interaction_id(conn)
    made = make_touches(conn, now, contact_ids=contact_ids)
    if made:
        link_replies(conn, before)
    return made


# Replies among the touches made since :after, found from both ends so that either may be the newer one:
# a new answer to an older message of mine, and a new message of mine that an older answer names. Each
# starts from the new touches (a range of ids), then follows indexes: the message ids, the refs, the captures.
_NEW_ANSWERS = """
SELECT o_i.id AS asked, c_i.id AS answer, {hours} AS hours
FROM interactions c_i
{cross} captures c ON c.id = c_i.capture_id
{cross} capture_people s ON s.capture_id = c.id
{cross} contact_emails se ON se.email_fold = s.address
{cross} capture_refs r ON r.capture_id = c.id
{cross} captures o ON o.message_id = r.ref
{cross} interactions o_i ON o_i.capture_id = o.id
WHERE c_i.id > :after AND c_i.direction = 'inbound' AND NOT c.from_me AND s.role = 'from'
  AND se.contact_id = c_i.contact_id AND o.from_me AND o.at <= c.at AND o_i.contact_id = c_i.contact_id
"""
_NEW_ASKED = """
SELECT o_i.id AS asked, c_i.id AS answer, {hours} AS hours
FROM interactions o_i
{cross} captures o ON o.id = o_i.capture_id
{cross} capture_refs r ON r.ref = o.message_id
{cross} captures c ON c.id = r.capture_id
{cross} interactions c_i ON c_i.capture_id = c.id
{cross} capture_people s ON s.capture_id = c.id
{cross} contact_emails se ON se.email_fold = s.address
WHERE o_i.id > :after AND o_i.direction = 'outbound' AND o.from_me AND o.message_id IS NOT NULL
  AND NOT c.from_me AND o.at <= c.at AND c_i.contact_id = o_i.contact_id AND s.role = 'from'
  AND se.contact_id = c_i.contact_id
"""


def link_replies(conn: Connection, after: int) -> int:
    """Match replies to my messages for the touches made since interaction id `after`.

    My message answered by that person: responded, with the hours to the
    first answer. Their message that answers one of mine: `in_reply` (so it
    is not counted as unprompted). Returns how many of my messages got an answer.
    """
    first: dict[int, float] = {}
    answers: set[int] = set()
    span, cross = dialect.hours_between(conn, "c.at", "o.at"), dialect.ordered_join(conn.dialect.name)
    pairs = [
        *conn.execute(text(_NEW_ANSWERS.format(hours=span, cross=cross)), {"after": after}),
        *conn.execute(text(_NEW_ASKED.format(hours=span, cross=cross)), {"after": after}),
    ]
    for asked, answer, hours in pairs:
        hours = max(0.0, float(hours))
        first[asked] = min(hours, first.get(asked, hours))
        answers.add(answer)
    i = interactions.c
    for part in _chunks(sorted(answers)):
        conn.execute(update(interactions).where(i.id.in_(part)).values(in_reply=True))
    if first:  # one statement for all: an earlier, quicker answer already recorded is kept
        conn.execute(
            text(
                "UPDATE interactions SET responded = 1, response_hours = :hours WHERE id = :asked "
                "AND NOT (coalesce(responded, 0) AND response_hours IS NOT NULL AND response_hours <= :hours)"
            ),
            [{"asked": asked, "hours": round(hours, 2)} for asked, hours in first.items()],
        )
    return len(first)


def mark_unanswered(conn: Connection, now: dt.datetime, days: int) -> int:
    """My captured e-mails with no answer after `days` days: responded = no."""
    cutoff = _naive(now) - dt.timedelta(days=days)
    statement = text(
        "UPDATE interactions SET responded = 0 WHERE responded IS NULL AND direction = 'outbound' AND capture_id IN "
        "(SELECT id FROM captures WHERE from_me AND channel = 'email' AND at < :cutoff)"
    ).bindparams(bindparam("cutoff", type_=DateTime()))
    return conn.execute(statement, {"cutoff": cutoff}).rowcount or 0


def last_interaction_id(conn: Connection) -> int:
    return conn.execute(select(interactions.c.id).order_by(interactions.c.id.desc()).limit(1)).scalar() or 0


# ------------------------------------------------------------ correspondents


@dataclass(frozen=True, slots=True)
class Correspondent:
    """Someone on captured mail or meetings who is not a contact (and not ignored, and not me)."""

    address: str
    name: str
    messages: int
    inbound: int
    outbound: int
    meetings: int
    last_at: dt.datetime

    def to_json(self) -> dict:
        return {
            "address": self.address,
            "name": self.name,
            "messages": self.messages,
            "inbound": self.inbound,
            "outbound": self.outbound,
            "meetings": self.meetings,
            "last_at": self.last_at.replace(tzinfo=dt.timezone.utc).isoformat(),
        }


_UNKNOWN = """
SELECT p.address AS address,
       MAX(p.name) AS name,
       COUNT(DISTINCT CASE WHEN c.channel != 'meeting' THEN c.id END) AS messages,
       COUNT(DISTINCT CASE WHEN c.channel != 'meeting' AND NOT c.from_me AND p.role = 'from' THEN c.id END) AS inbound,
       COUNT(DISTINCT CASE WHEN c.channel != 'meeting' AND c.from_me THEN c.id END) AS outbound,
       COUNT(DISTINCT CASE WHEN c.channel = 'meeting' AND NOT c.moved THEN c.id END) AS meetings,
       MAX(c.at) AS last_at
FROM capture_people p
JOIN captures c ON c.id = p.capture_id
WHERE p.address NOT IN (SELECT email_fold FROM contact_emails)
  AND p.address NOT IN (SELECT address FROM ignored_addresses)
  AND p.address NOT IN :me
  {only}
GROUP BY p.address
ORDER BY (COUNT(DISTINCT CASE WHEN c.channel != 'meeting' THEN c.id END)
          + COUNT(DISTINCT CASE WHEN c.channel = 'meeting' AND NOT c.moved THEN c.id END)) DESC,
         MAX(c.at) DESC, p.address
LIMIT :limit
"""


def unknown(
    conn: Connection, me: frozenset[str], *, limit: int = 100, address: str | None = None
) -> list[Correspondent]:
    """The people I talk to who are not contacts, most talked-to first."""
    statement = (
        text(_UNKNOWN.format(only="AND p.address = :one" if address else ""))
        .bindparams(bindparam("me", expanding=True))
        .columns(last_at=DateTime())
    )
    params = {"me": sorted(me) or [""], "limit": limit}
    if address:
        params["one"] = fold(address)
    out = []
    for row in conn.execute(statement, params):
        out.append(
            Correspondent(
                row.address, row.name or "", row.messages, row.inbound, row.outbound, row.meetings, row.last_at
            )
        )
    return out


def unknown_among(conn: Connection, capture_ids: Sequence[int], me: frozenset[str]) -> set[str]:
    """The addresses on these captures that are not contacts, not ignored and not mine."""
    found: set[str] = set()
    p = capture_people.c
    for part in _chunks(list(capture_ids)):
        found.update(
            conn.execute(
                select(p.address)
                .distinct()
                .where(
                    p.capture_id.in_(part),
                    p.address.not_in(select(contact_emails.c.email_fold)),
                    p.address.not_in(select(ignored_addresses.c.address)),
                )
            ).scalars()
        )
    return found - me


def ignore(conn: Connection, address: str, now: dt.datetime) -> bool:
    """Never offer this address as a new contact again; False when it was ignored already."""
    key = fold(address)
    if conn.execute(select(ignored_addresses.c.address).where(ignored_addresses.c.address == key)).first():
        return False
    conn.execute(insert(ignored_addresses).values(address=key, ignored_at=_naive(now)))
    return True


def seen_name(conn: Connection, address: str) -> str:
    """The name the headers give most often for this address ("" when none)."""
    row = conn.execute(
        text(
            "SELECT name, COUNT(*) n FROM capture_people WHERE address = :a AND name != '' "
            "GROUP BY name ORDER BY n DESC, name LIMIT 1"
        ),
        {"a": fold(address)},
    ).first()
    return row.name if row else ""


# ------------------------------------------------------------------- state


def load_state(conn: Connection, name: str) -> tuple[dict, dict, dt.datetime | None]:
    """A source's cursor, last summary and last sync time ({} , {}, None before its first sync)."""
    row = conn.execute(select(source_state).where(source_state.c.name == name)).first()
    if row is None:
        return {}, {}, None
    synced = row.synced_at.replace(tzinfo=dt.timezone.utc) if row.synced_at else None
    return json.loads(row.cursor or "{}"), json.loads(row.summary or "{}"), synced


def save_cursor(conn: Connection, name: str, kind: str, cursor: dict) -> None:
    _upsert(conn, name, kind, cursor=json.dumps(cursor, sort_keys=True))


def save_summary(conn: Connection, name: str, kind: str, summary: dict, now: dt.datetime) -> None:
    _upsert(conn, name, kind, summary=json.dumps(summary, sort_keys=True), synced_at=_naive(now))


def _upsert(conn: Connection, name: str, kind: str, **values) -> None:
    s = source_state.c
    if conn.execute(select(s.name).where(s.name == name)).first():
        conn.execute(update(source_state).where(s.name == name).values(kind=kind, **values))
    else:
        conn.execute(
            insert(source_state).values(
                name=name,
                kind=kind,
                cursor=values.get("cursor", "{}"),
                summary=values.get("summary", "{}"),
                synced_at=values.get("synced_at"),
            )
        )


def touches_of(conn: Connection, name: str) -> int:
    """How many touches this source brought."""
    return (
        conn.execute(
            text("SELECT COUNT(*) FROM interactions i JOIN captures c ON c.id = i.capture_id WHERE c.source = :s"),
            {"s": name},
        ).scalar()
        or 0
    )


def forget(conn: Connection, name: str, *, keep_touches: bool) -> tuple[int, list[int]]:
    """Forget a source: its captures and state; its touches kept as plain history or removed.

    Returns the number of touches kept or removed and the contacts they were with.
    """
    rows = conn.execute(
        text(
            "SELECT i.id, i.contact_id FROM interactions i JOIN captures c ON c.id = i.capture_id WHERE c.source = :s"
        ),
        {"s": name},
    ).all()
    ids = [r.id for r in rows]
    for part in _chunks(ids):
        if keep_touches:
            conn.execute(update(interactions).where(interactions.c.id.in_(part)).values(capture_id=None))
        else:
            conn.execute(delete(interactions).where(interactions.c.id.in_(part)))
    conn.execute(delete(captures).where(captures.c.source == name))
    conn.execute(delete(source_state).where(source_state.c.name == name))
    return len(ids), sorted({r.contact_id for r in rows})
