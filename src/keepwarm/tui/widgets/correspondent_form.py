"""Add someone from your mail as a contact: the name their headers gave, to confirm or correct.

The name comes from other people's mail (a display name is whatever the sender
typed, or nothing): it is shown for editing with its control characters taken
out, and what is typed is checked as any contact name is (`text.control_problem`).
The address is theirs as the headers wrote it and is not edited here.
"""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label

from ...sources.correspondents import suggested_name
from ...text.controls import control_problem, visible
from ..keys import TypingWhenShown
from .fields import Field


class NewContactScreen(TypingWhenShown, ModalScreen[str | None]):
    BINDINGS = [
        Binding("ctrl+s", "save", "Add", id="person.save"),
        Binding("escape", "cancel", "Cancel", id="person.cancel"),
    ]

    def __init__(self, address: str, name: str) -> None:
        super().__init__(classes="dialog-screen")
        self.address = address
        self.initial = suggested_name(name, address)

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="person-dialog"):
            yield Label(
                f"Add {visible(self.address, multiline=False)} as a contact", classes="form-title", markup=False
            )
            yield Field(
                "Name",
                Input(self.initial, id="in-name", compact=True, select_on_focus=False),
                name="name",
                hint="as their mail signs it; you can change it later (e on the contact)",
            )
            with Horizontal(classes="form-buttons"):
                yield Button("Add  enter", id="save", variant="primary", compact=True)
                yield Button("Cancel  esc", id="cancel", compact=True)

    def on_mount(self) -> None:
        self.query_one("#in-name", Input).focus()

    def problem(self) -> str | None:
        name = self.query_one("#in-name", Input).value.strip()
        if not name:
            return "a name is needed"
        return control_problem(name)

    @on(Input.Changed)
    def _changed(self) -> None:
        self.query_one(Field).set_error(self.problem())

    @on(Input.Submitted)
    @on(Button.Pressed, "#save")
    def action_save(self) -> None:
        found = self.problem()
        self.query_one(Field).set_error(found)
        if found is None:
            self.dismiss(self.query_one("#in-name", Input).value.strip())

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)
