"""A labelled form field that shows its problem right under the control."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widget import Widget
from textual.widgets import Label, Static


class Field(Vertical):
    """Label, control, and the problem with what was typed (hidden while there is none)."""

    def __init__(self, label: str, control: Widget, *, name: str, hint: str = "") -> None:
        super().__init__(id=f"field-{name}", classes="field")
        self.field_name = name
        self.label = label
        self.control = control
        self.hint = hint

    def compose(self) -> ComposeResult:
        with Horizontal(classes="field-row"):
            yield Label(self.label, classes="field-label")
            yield self.control
        if self.hint:
            yield Static(self.hint, classes="field-hint", markup=False)
        yield Static("", classes="field-error", markup=False)

    @property
    def error(self) -> str:
        return str(self.query_one(".field-error", Static).content)

    def set_error(self, message: str | None) -> None:
        if (message or "") == getattr(self, "_shown", None):
            return  # a form checks at every key: restyling each field each time made big forms slow
        self._shown = message or ""
        error = self.query_one(".field-error", Static)
        error.update(message or "")
        self.set_class(bool(message), "-invalid")
