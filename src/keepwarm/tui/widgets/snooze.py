"""Snooze a follow-up until a day typed the everyday way (`+1w`, `friday`, `2026-12-01`)."""

from __future__ import annotations

import datetime as dt

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label

from ...services import forms
from ..keys import TypingWhenShown
from .fields import Field


class SnoozeScreen(TypingWhenShown, ModalScreen[dt.date | None]):
    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="snooze.cancel"),
    ]

    def __init__(self, who: str, today: dt.date, default: str = "+1w") -> None:
        super().__init__(classes="dialog-screen")
        self.who = who
        self.today = today
        self.default = default
        self.checked: forms.Checked | None = None

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="snooze-dialog"):
            yield Label(f"Snooze the follow-up with {self.who} until…", classes="form-title", markup=False)
            yield Field(
                "Until",
                Input(self.default, id="in-until", compact=True, select_on_focus=True),
                name="until",
                hint=forms.snooze_examples(self.today),
            )
            yield Label("", id="snooze-preview")
            with Horizontal(classes="form-buttons"):
                yield Button("Snooze  enter", id="save", variant="primary", compact=True)
                yield Button("Cancel  esc", id="cancel", compact=True)

    def on_mount(self) -> None:
        self.check()
        self.query_one("#in-until", Input).focus()

    def check(self) -> forms.Checked:
        self.checked = forms.check_snooze(self.query_one("#in-until", Input).value, self.today)
        field = self.query_one(Field)
        field.set_error(self.checked.errors.get("until"))
        preview = self.query_one("#snooze-preview", Label)
        preview.update(f"back on {self.checked.value:%A %d %B %Y}" if self.checked.ok else "")
        self.query_one("#save", Button).disabled = not self.checked.ok
        return self.checked

    @on(Input.Changed)
    def _changed(self) -> None:
        self.check()

    @on(Input.Submitted)
    @on(Button.Pressed, "#save")
    def _save(self) -> None:
        checked = self.check()
        if checked.ok:
            self.dismiss(checked.value)

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)
