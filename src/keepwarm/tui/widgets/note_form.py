"""Add or edit a note on a person: what to remember, when, what about (`keepwarm note add` / `edit`, in a dialog).

The form checks through `services.notes.check_note` as you type, the same
check the CLI makes, and hands the Note back; the contact screen writes it.
A note spans lines, so Enter in the text is a new line and ctrl+s saves.
Editing a note, ctrl+r removes it, after asking (`keepwarm note delete`).
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Input, Label, Select, TextArea

from ...model.entities import Note
from ...model.enums import NoteKind
from ...services import notes
from ...services.forms import Checked
from ...text.wording import spoken
from .confirm import ConfirmScreen
from .fields import Field
from .form_dialog import CheckedDialog

_EMPTY = {"text": "", "on": "", "kind": NoteKind.OTHER.value}
#: What the dialog answers when the note it edits is to be deleted.
DELETE: Literal["delete"] = "delete"


class NoteScreen(CheckedDialog):
    DEFAULT_CSS = """
    #note-dialog { width: 72; }
    """
    BINDINGS = [
        Binding("ctrl+s", "save", "Save", id="note.save"),
        Binding("escape", "cancel", "Cancel", id="note.cancel"),
        Binding("ctrl+r", "delete", "Delete", id="note.delete"),  # ctrl+d deletes a character in the text
    ]
    FIRST = "#in-text"

    def __init__(self, contact_id: int, who: str, today: dt.date, note: Note | None = None) -> None:
        super().__init__(
            dict(_EMPTY) if note is None else {"text": note.text, "kind": note.kind.value, "on": note.on.isoformat()}
        )
        self.contact_id, self.who, self.today = contact_id, who, today
        self.note = note
        self.DISCARD = "Discard the changes to this note?" if note else "Discard this note?"

    def validate(self, values: dict[str, object]) -> Checked:
        return notes.check_note(values, self.contact_id, self.today)

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="note-dialog"):
            title = f"The note on {self.who} of {self.note.on.isoformat()}" if self.note else f"A note on {self.who}"
            yield Label(title, classes="form-title", markup=False)
            yield Field(
                "Note",
                TextArea(str(self.initial["text"]), id="in-text", compact=True),
                name="text",
                hint="what to remember: family, what they like, a gift idea, how you met",
            )
            yield Field(
                "About",
                Select(
                    [(spoken(k).capitalize(), k.value) for k in NoteKind],
                    value=str(self.initial["kind"]),
                    allow_blank=False,
                    id="in-kind",
                    compact=True,
                ),
                name="kind",
            )
            yield Field(
                "On",
                Input(str(self.initial["on"]), id="in-on", compact=True, select_on_focus=False),
                name="on",
                hint="empty for today; -2w, last friday, 2026-06-01",
            )
            with Horizontal(classes="form-buttons"):
                yield Button("Save  ctrl+s", id="save", variant="primary", compact=True)
                yield Button("Cancel  esc", id="cancel", compact=True)
                if self.note is not None:
                    yield Button("Delete  ctrl+r", id="delete", variant="error", compact=True)

    def check_action(self, action: str, parameters: tuple) -> bool | None:
        return self.note is not None if action == "delete" else True

    @on(Button.Pressed, "#delete")
    def action_delete(self) -> None:
        if self.note is None:
            return

        def answered(delete: bool | None) -> None:
            if delete:
                self.dismiss(DELETE)

        self.app.push_screen(
            ConfirmScreen(f"Delete this note on {self.who}?", yes="Delete", no="Keep it", detail=self.note.text),
            callback=answered,
        )
