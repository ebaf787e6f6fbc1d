"""Notes on a person, for the CLI (`keepwarm note`) and the app (`n` on a contact): one check, one write each.

`check_note` turns what was typed (text, date, kind) into the `Note` both
faces store, with each problem under its field, so the CLI's one-line error
and the form's message under the field say the same thing. The writes do not
run the engine afterwards, as a logged touch or a promise does: a note is no
touch and no rule reads it (keepwarm.store.notes says why).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from ..errors import UserError
from ..home.session import Session
from ..model.entities import NOTES_MAX, Note
from ..model.enums import NoteKind, normalize_word
from ..store import notes as store
from ..text import dates
from ..text.controls import control_problem
from ..text.wording import typed
from .forms import Checked

#: The kinds as they are typed and offered: `how-we-met`.
KINDS = tuple(typed(k) for k in NoteKind)


def kind_of(value: object) -> NoteKind:
    """`how-we-met`, `How we met` and `how_we_met` alike; empty means `other`."""
    if isinstance(value, NoteKind):
        return value
    word = normalize_word(str(value or "")) or NoteKind.OTHER.value
    try:
        return NoteKind(word)
    except ValueError:
        raise UserError(f"kind: {value!r} is not one of: {', '.join(KINDS)}") from None


def check_note(values: Mapping[str, object], contact_id: int, today: dt.date) -> Checked:
    """A note as typed (`text`, `on`: a day as `keepwarm` reads days, empty for today; `kind`) -> a `Note`.

    A note is dated when you learned it or when it happened, so not after today.
    """
    errors: dict[str, str] = {}
    text = str(values.get("text") or "").strip()
    if not text:
        errors["text"] = "empty (expected what to remember about them)"
    else:
        problem = control_problem(text, multiline=True)
        if problem:
            errors["text"] = problem
        elif len(text) > NOTES_MAX:
            errors["text"] = f"too long ({len(text):,} characters; expected at most {NOTES_MAX:,})"
    on = today
    raw = str(values.get("on") or "").strip()
    if raw:
        try:
            on = dates.parse_day(raw, today, field="on")
        except UserError as exc:
            errors["on"] = exc.message.removeprefix("on: ")
        else:
            if on > today:
                errors["on"] = f"{raw!r} is {on.isoformat()}, after today (expected today or an earlier day)"
    kind = NoteKind.OTHER
    try:
        kind = kind_of(values.get("kind"))
    except UserError as exc:
        errors["kind"] = exc.message.removeprefix("kind: ")
    if errors:
        return Checked(None, errors)
    return Checked(Note(contact_id=contact_id, on=on, kind=kind, text=text), {})


def checked_or_error(checked: Checked) -> Note:
    """The note, or the first problem as the one-line error the CLI prints (`on: ...`)."""
    if checked.ok and isinstance(checked.value, Note):
        return checked.value
    field, problem = next(iter(checked.errors.items()))
    raise UserError(f"{field}: {problem}")


def add_note(session: Session, note: Note) -> int:
    with session.store.write() as conn:
        return store.insert_note(conn, note, session.now)


def change_note(session: Session, note_id: int, note: Note) -> None:
    with session.store.write() as conn:
        store.update_note(conn, note_id, note)


def delete_note(session: Session, note_id: int) -> Note:
    """Remove a note; the note as it was."""
    with session.store.write() as conn:
        was = store.get_note(conn, note_id)
        store.delete_note(conn, note_id)
    return was


def get_note(session: Session, note_id: int) -> Note:
    with session.store.read() as conn:
        return store.get_note(conn, note_id)


def notes_of(session: Session, contact_id: int) -> list[Note]:
    with session.store.read() as conn:
        return store.list_notes(conn, contact_id)
