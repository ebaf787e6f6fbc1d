"""Dated notes on a person: what to remember about them, kept apart from what happened between you.

Notes are not touches. A touch (an interaction) is evidence about the
relationship: the engine counts it, it completes follow-ups and moves the
cadence. A note is what you know about someone (their children's names, that
they do not drink coffee, a gift idea, how you met): writing one down says
nothing about how warm the relationship is, and must not make anyone look
recently touched or push their next follow-up back.

So the engine does not read notes at all: no rule's context holds them, no
statistic counts them, and no trigger marks a contact for the engine when one
is written (migration 0011), which keeps a note's write as cheap as a row and
every stored result valid. A rule that ever wants them would add them to the
context and the marks together.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Connection, delete, insert, select, update

from ..errors import NotFound
from ..model.entities import Note
from .new_ids import new_id
from .schema import contact_notes, contacts


def _naive(value: dt.datetime) -> dt.datetime:
    """SQLite keeps no zone: store UTC wall time."""
    return value.astimezone(dt.timezone.utc).replace(tzinfo=None)


def _note(row) -> Note:
    return Note(
        id=row.id,
        contact_id=row.contact_id,
        on=row.on,
        kind=row.kind,
        text=row.text,
        created_at=row.created_at.replace(tzinfo=dt.timezone.utc),
    )


def insert_note(conn: Connection, item: Note, now: dt.datetime) -> int:
    """Write a note on an existing contact (an unknown id is the user's mistake, not a failed constraint)."""
    if conn.execute(select(contacts.c.id).where(contacts.c.id == item.contact_id)).first() is None:
        raise NotFound(f"contact: no contact with id {item.contact_id}")
    values = item.model_dump(exclude={"id", "created_at"})
    values["kind"] = item.kind.value
    values["created_at"] = _naive(now)
    return new_id(conn.execute(insert(contact_notes).values(**values)))


def get_note(conn: Connection, note_id: int) -> Note:
    row = conn.execute(select(contact_notes).where(contact_notes.c.id == note_id)).first()
    if row is None:
        raise NotFound(f"note: no note with id {note_id}")
    return _note(row)


def list_notes(conn: Connection, contact_id: int) -> list[Note]:
    """A contact's notes, newest first (by their date, then the one written last)."""
    n = contact_notes.c
    query = select(contact_notes).where(n.contact_id == contact_id).order_by(n.on.desc(), n.id.desc())
    return [_note(r) for r in conn.execute(query)]


def update_note(conn: Connection, note_id: int, item: Note) -> None:
    """Change a note's date, kind and text; whose note it is and when it was written stay."""
    get_note(conn, note_id)
    conn.execute(
        update(contact_notes)
        .where(contact_notes.c.id == note_id)
        .values(on=item.on, kind=item.kind.value, text=item.text)
    )


def delete_note(conn: Connection, note_id: int) -> None:
    get_note(conn, note_id)
    conn.execute(delete(contact_notes).where(contact_notes.c.id == note_id))
