"""`keepwarm note ...`: dated notes on a person (family, preferences, gift ideas, how you met).

Notes are not touches: adding one logs nothing and moves no follow-up
(keepwarm.store.notes says why). Every value goes through
`services.notes.check_note`, as the app's note form does.
"""

from __future__ import annotations

import click

from ..errors import UserError
from ..home.session import Session
from ..model.enums import NoteKind
from ..store import lookup
from ..text.wording import cut, one_line, spoken
from . import cli
from .contacts import _answer
from .output import emit_json, terminal_width, wrapped_table
from .params import ID, NOTES, EnumChoice

# As in cli/contacts.py, the notes' service (with the records and pydantic) loads after the lookup: a note on a
# contact that is not there stops before it is needed.

pass_session = click.make_pass_decorator(Session)
_KIND = EnumChoice(NoteKind)


@cli.group()
def note() -> None:
    """Dated notes on a person: family, preferences, gift ideas, how you met (not touches)."""


@note.command("add")
@click.argument("contact")
@click.argument("text", type=NOTES)
@click.option("--on", "on", help="The day it happened or you learned it (default: today), e.g. '2026-06-01', -2w.")
@click.option("--kind", "-k", type=_KIND, help="What it is about (default: other).")
@click.option("--json", "as_json", is_flag=True, help="Print the new note as JSON.")
@pass_session
def note_add(session: Session, contact: str, text: str, on: str | None, kind, as_json: bool) -> None:
    """Write down TEXT about CONTACT, to remember (it is not logged as a touch)."""
    with session.store.read() as conn:
        contact_id = lookup.resolve_contact(conn, contact)
        from ..services import notes as service  # lazy for start-up: the records load after the lookup
        from ..store import contacts as people  # lazy for start-up (as above)

        name = people.get_contact(conn, contact_id).name
    item = service.checked_or_error(
        service.check_note({"text": text, "on": on, "kind": kind}, contact_id, session.today)
    )
    note_id = service.add_note(session, item)
    if as_json:
        emit_json(service.get_note(session, note_id).model_dump(mode="json"))
        return
    click.echo(f"Added note {note_id} on {name}, {item.on.isoformat()}")


@note.command("list")
@click.argument("contact")
@click.option("--json", "as_json", is_flag=True)
@pass_session
def note_list(session: Session, contact: str, as_json: bool) -> None:
    """List CONTACT's notes, newest first."""
    with session.store.read() as conn:
        contact_id = lookup.resolve_contact(conn, contact)
    from ..services import notes as service  # lazy for start-up: the records load after the lookup

    items = service.notes_of(session, contact_id)
    if as_json:
        emit_json(n.model_dump(mode="json") for n in items)
        return
    # Each note whole, wrapped to the terminal: a note is read, not scanned as a row.
    wrapped_table(
        [(n.id, n.on.isoformat(), spoken(n.kind), n.text) for n in items],
        ("ID", "ON", "KIND", "NOTE"),
        3,
        terminal_width(),
    )


@note.command("edit")
@click.argument("note_id", type=ID)
@click.option("--text", "text", type=NOTES, help="The new text.")
@click.option("--on", "on", help="The new date.")
@click.option("--kind", "-k", type=_KIND, help="The new kind.")
@pass_session
def note_edit(session: Session, note_id: int, text: str | None, on: str | None, kind) -> None:
    """Change a note's text, date or kind (the others stay)."""
    from ..services import notes as service  # lazy for start-up: the records load after the lookup

    was = service.get_note(session, note_id)
    values = {
        "text": was.text if text is None else text,
        "on": was.on.isoformat() if on is None else on,
        "kind": was.kind if kind is None else kind,
    }
    item = service.checked_or_error(service.check_note(values, was.contact_id, session.today))
    if (item.on, item.kind, item.text) == (was.on, was.kind, was.text):
        click.echo(f"Note {note_id} unchanged")
        return
    service.change_note(session, note_id, item)
    click.echo(f"Updated note {note_id}")


@note.command("delete")
@click.argument("note_id", type=ID)
@click.option("--yes", "-y", is_flag=True, help="Do not ask for confirmation.")
@pass_session
def note_delete(session: Session, note_id: int, yes: bool) -> None:
    """Remove a note (asks first, unless --yes)."""
    from ..services import notes as service  # lazy for start-up: the records load after the lookup
    from ..store import contacts as people  # lazy for start-up (as above)

    was = service.get_note(session, note_id)
    with session.store.read() as conn:
        name = people.get_contact(conn, was.contact_id).name
    # Ask outside any transaction: a prompt must not hold the write lock.
    if not yes:
        answer = _answer(f"Delete note {note_id} on {name} ({was.on.isoformat()}: {cut(one_line(was.text), 50)})?")
        if answer is None:
            raise UserError("note delete: not deleted (no answer; pass --yes to delete without asking)")
        if not answer:
            raise click.Abort()
    service.delete_note(session, note_id)
    click.echo(f"Deleted note {note_id}")
