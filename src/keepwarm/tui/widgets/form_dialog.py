"""A small form in a dialog, checked as you type, that hands back the record its check built.

The promise, follow-up, assessment and note dialogs differ only in their fields and
in the `forms.check_*` function that reads them; what they share lives here: a
problem shows by its field once that field was changed (all of them on save),
ctrl+s or enter saves only a form that checks out, and esc on a changed form
asks before the changes are thrown away.
"""

from __future__ import annotations

from typing import Any

from textual import on
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Select, TextArea

from ...services import forms
from ..keys import TypingWhenShown
from .confirm import ConfirmScreen
from .fields import Field


class CheckedDialog(TypingWhenShown, ModalScreen[Any]):
    """Subclasses compose `Field`s whose controls have the ids `in-<field name>`, a `#save` and a `#cancel`
    button, and say how to check the values (`validate`) and what esc on a changed form asks (`DISCARD`)."""

    DISCARD = "Discard the changes?"
    #: The control focused when the dialog opens.
    FIRST = ""

    def __init__(self, initial: dict[str, Any]) -> None:
        super().__init__(classes="dialog-screen")
        self.initial = initial
        self.checked: forms.Checked | None = None
        self.touched: set[str] = set()

    def on_mount(self) -> None:
        if self.FIRST:
            self.query_one(self.FIRST).focus()

    def validate(self, values: dict[str, Any]) -> forms.Checked:
        raise NotImplementedError

    def values(self) -> dict[str, Any]:
        """What each field holds, by field name (the controls' ids without `in-`)."""
        out: dict[str, Any] = {}
        for control in self.query(Input):
            if control.id and control.id.startswith("in-"):
                out[control.id.removeprefix("in-")] = control.value
        for select in self.query(Select):
            if select.id and select.id.startswith("in-"):
                out[select.id.removeprefix("in-")] = None if select.value is Select.NULL else select.value
        for area in self.query(TextArea):  # a text of several lines: Enter is a new line, ctrl+s saves
            if area.id and area.id.startswith("in-"):
                out[area.id.removeprefix("in-")] = area.text
        return out

    def check(self, reveal: bool = False) -> forms.Checked:
        self.checked = self.validate(self.values())
        for field in self.query(Field):
            shown = reveal or field.field_name in self.touched
            field.set_error(self.checked.errors.get(field.field_name) if shown else None)
        return self.checked

    @on(Input.Changed)
    @on(Select.Changed)
    @on(TextArea.Changed)
    def _changed(self, event) -> None:
        control = event.control
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
            self.dismiss(checked.value)

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        if self.values() == self.initial:
            self.dismiss(None)
            return

        def answered(discard: bool | None) -> None:
            if discard:
                self.dismiss(None)

        self.app.push_screen(ConfirmScreen(self.DISCARD, yes="Discard", no="Keep editing"), callback=answered)
