"""Snooze a follow-up until a day typed the everyday way (`+1w`, `friday`, `2026-12-01`).

The dialog is one line checked as it is typed, its problem shown under it and
Save refused until it reads; `LineDialog` is that dialog for any one-line answer
(a person's rhythm and snooze, widgets/rhythm.py), each saying what it asks and
which form function checks it.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, ClassVar, TypeVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label

from ...services import forms
from ..keys import TypingWhenShown
from .fields import Field

Answer = TypeVar("Answer")


class LineDialog(TypingWhenShown, ModalScreen[Answer]):
    """Ask for one line; dismissed with `chosen(checked)` when it reads, with None when cancelled."""

    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="snooze.cancel"),
    ]
    #: The line's label, the name its problems come under (`Checked.errors`) and its input's id (`in-<name>`).
    LABEL: ClassVar[str] = "Until"
    FIELD: ClassVar[str] = "until"
    SAVE: ClassVar[str] = "Snooze  enter"

    def __init__(self, who: str, today: dt.date, default: str = "+1w") -> None:
        super().__init__(classes="dialog-screen")
        self.who = who
        self.today = today
        self.default = default
        self.checked: forms.Checked | None = None

    def question(self) -> str:
        raise NotImplementedError

    def hint(self) -> str:
        raise NotImplementedError

    def check_text(self, text: str) -> forms.Checked:
        raise NotImplementedError

    def preview(self, checked: forms.Checked) -> str:
        raise NotImplementedError

    def chosen(self, checked: forms.Checked) -> Any:
        return checked.value

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="snooze-dialog"):
            yield Label(self.question(), classes="form-title", markup=False)
            yield Field(
                self.LABEL,
                Input(self.default, id=f"in-{self.FIELD}", compact=True, select_on_focus=True),
                name=self.FIELD,
                hint=self.hint(),
            )
            yield Label("", id="snooze-preview", markup=False)
            with Horizontal(classes="form-buttons"):
                yield Button(self.SAVE, id="save", variant="primary", compact=True)
                yield Button("Cancel  esc", id="cancel", compact=True)

    def on_mount(self) -> None:
        self.check()
        self.query_one(f"#in-{self.FIELD}", Input).focus()

    def check(self) -> forms.Checked:
        self.checked = self.check_text(self.query_one(f"#in-{self.FIELD}", Input).value)
        field = self.query_one(Field)
        field.set_error(self.checked.errors.get(self.FIELD))
        preview = self.query_one("#snooze-preview", Label)
        preview.update(self.preview(self.checked) if self.checked.ok else "")
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
            self.dismiss(self.chosen(checked))

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)


class SnoozeScreen(LineDialog[dt.date | None]):
    def question(self) -> str:
        return f"Snooze the follow-up with {self.who} until…"

    def hint(self) -> str:
        return forms.snooze_examples(self.today)

    def check_text(self, text: str) -> forms.Checked:
        return forms.check_snooze(text, self.today)

    def preview(self, checked: forms.Checked) -> str:
        return f"back on {checked.value:%A %d %B %Y}"
