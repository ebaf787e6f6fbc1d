"""Add or edit a note on a person: what to remember, when, what about (`keepwarm note add` / `edit`, in a dialog).

The form checks through `services.notes.check_note` as you type, the same
check the CLI makes, and hands the Note back; the contact screen writes it.
A note spans lines, so Enter in the text is a new line and ctrl+s saves.
Editing a note, ctrl+r removes it, after asking (`keepwarm note delete`).
"""

from __future__ import annotations

import datetime as dt
from typing import Literal, cast

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Select, TextArea

from ...model.entities import Note
from ...model.enums import NoteKind
from ...services import notes
from ...services.forms import Checked
from ...text.wording import spoken
from ..keys import TypingWhenShown
from .confirm import ConfirmScreen
from .fields import Field

_EMPTY = {"text": "", "on": "", "kind": NoteKind.OTHER.value}
#: What the dialog answers when the note it edits is to be deleted.
DELETE: Literal["delete"] = "delete"


class NoteScreen(TypingWhenShown, ModalScreen[Note | Literal["delete"] | None]):
    DEFAULT_CSS = """
    #note-dialog { width: 72; }
    """
    BINDINGS = [
        Binding("ctrl+s", "save", "Save", id="note.save"),
        Binding("escape", "cancel", "Cancel", id="note.cancel"),
        Binding("ctrl+r", "delete", "Delete", id="note.delete"),  # ctrl+d deletes a character in the text
    ]

    def __init__(self, contact_id: int, who: str, today: dt.date, note: Note | None = None) -> None:
        super().__init__(classes="dialog-screen")
        self.contact_id, self.who, self.today = contact_id, who, today
        self.note = note
        self.initial: dict[str, object] = (
            dict(_EMPTY) if note is None else {"text": note.text, "on": note.on.isoformat(), "kind": note.kind.value}
        )
        self.touched: set[str] = set()

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

    def on_mount(self) -> None:
        self.query_one("#in-text", TextArea).focus()

    def values(self) -> dict[str, object]:
        return {
            "text": self.query_one("#in-text", TextArea).text,
            "on": self.query_one("#in-on", Input).value,
            "kind": self.query_one("#in-kind", Select).value,
        }

    def check(self, reveal: bool = False) -> Checked:
        checked = notes.check_note(self.values(), self.contact_id, self.today)
        for field in self.query(Field):
            shown = reveal or field.field_name in self.touched
            field.set_error(checked.errors.get(field.field_name) if shown else None)
        return checked

    @on(TextArea.Changed)
    @on(Input.Changed)
    @on(Select.Changed)
    def _changed(self, event) -> None:
        control = getattr(event, "control", None) or getattr(event, "text_area", None)
        if control is not None and control.id:
            name = control.id.removeprefix("in-")
            if self.values().get(name) != self.initial.get(name):
                self.touched.add(name)
        self.check()

    @on(Input.Submitted)
    @on(Button.Pressed, "#save")
    def action_save(self) -> None:
        checked = self.check(reveal=True)
        if checked.ok:
            self.dismiss(cast(Note, checked.value))  # check_note makes a Note when there is no problem

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        if self.values() == self.initial:
            self.dismiss(None)
            return

        def answered(discard: bool | None) -> None:
            if discard:
                self.dismiss(None)

        question = "Discard the changes to this note?" if self.note else "Discard this note?"
        self.app.push_screen(ConfirmScreen(question, yes="Discard", no="Keep editing"), callback=answered)

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
