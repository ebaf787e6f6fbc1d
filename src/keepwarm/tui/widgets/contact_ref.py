"""Ask for one other contact by name or id (whom to merge into the one shown), with the problem shown by the field."""

from __future__ import annotations

from collections.abc import Callable

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label

from ...errors import UserError
from ..keys import TypingWhenShown
from .fields import Field


class ContactRefScreen(TypingWhenShown, ModalScreen[int | None]):
    """The id of the contact named (None on esc). `resolve` turns the text into an id or raises UserError, whose
    message is shown under the field: the dialog stays open until the text names one contact it accepts."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="contact_ref.cancel")]

    def __init__(self, title: str, resolve: Callable[[str], int], *, default: str = "", action: str = "OK") -> None:
        super().__init__(classes="dialog-screen")
        self.title_text = title
        self.resolve = resolve
        self.default = default
        self.action_label = action

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="contact-ref-dialog"):
            yield Label(self.title_text, classes="form-title", markup=False)
            yield Field(
                "Contact",
                Input(self.default, id="in-contact-ref", compact=True, placeholder="a name or #id"),
                name="contact",
                hint="the contact whose history moves here; it is removed afterwards",
            )
            with Horizontal(classes="form-buttons"):
                yield Button(f"{self.action_label}  enter", id="save", variant="primary", compact=True)
                yield Button("Cancel  esc", id="cancel", compact=True)

    def on_mount(self) -> None:
        self.query_one("#in-contact-ref", Input).focus()

    @on(Input.Changed)
    def _changed(self) -> None:
        self.query_one(Field).set_error(None)

    @on(Input.Submitted)
    @on(Button.Pressed, "#save")
    def _save(self) -> None:
        text = self.query_one("#in-contact-ref", Input).value.strip().removeprefix("#")
        try:
            found = self.resolve(text)
        except UserError as exc:
            self.query_one(Field).set_error(exc.message)
            return
        self.dismiss(found)

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)
