"""Add or edit a promise: what, who promised, by when (`keepwarm promise add`, in a dialog).

The form checks through `forms.check_promise` as you type and hands the
Commitment back; the app writes it through `operations.save_promise`.
"""

from __future__ import annotations

import datetime as dt

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Select

from ...model import Commitment
from ...services import forms
from ..keys import TypingWhenShown
from .confirm import ConfirmScreen
from .fields import Field


class PromiseScreen(TypingWhenShown, ModalScreen[Commitment | None]):
    BINDINGS = [
        Binding("ctrl+s", "save", "Save", id="promise.save"),
        Binding("escape", "cancel", "Cancel", id="promise.cancel"),
    ]

    def __init__(self, contact_id: int, who: str, today: dt.date, promise: Commitment | None = None) -> None:
        super().__init__(classes="dialog-screen")
        self.contact_id, self.who, self.today = contact_id, who, today
        self.promise = promise
        self.initial = forms.promise_to_form(promise)
        self.checked: forms.Checked | None = None
        self.touched: set[str] = set()

    def compose(self) -> ComposeResult:
        title = f"Edit the promise with {self.who}" if self.promise else f"A promise with {self.who}"
        with Vertical(classes="dialog", id="promise-dialog"):
            yield Label(title, classes="form-title", markup=False)
            yield Field(
                "Promise",
                Input(self.initial["text"], id="in-text", compact=True, select_on_focus=False),
                name="text",
                hint="e.g. send the benchmark report",
            )
            yield Field(
                "Who promised",
                Select(
                    [("I did", "me"), ("They did", "them")],
                    value=self.initial["by"],
                    allow_blank=False,
                    id="in-by",
                    compact=True,
                ),
                name="by",
            )
            yield Field(
                "Due",
                Input(self.initial["due"], id="in-due", compact=True, select_on_focus=False),
                name="due",
                hint="friday, +1w, 2026-12-01; empty for no date",
            )
            with Horizontal(classes="form-buttons"):
                yield Button("Save  ctrl+s", id="save", variant="primary", compact=True)
                yield Button("Cancel  esc", id="cancel", compact=True)

    def on_mount(self) -> None:
        self.query_one("#in-text", Input).focus()

    def values(self) -> dict[str, object]:
        return {
            "text": self.query_one("#in-text", Input).value,
            "by": self.query_one("#in-by", Select).value,
            "due": self.query_one("#in-due", Input).value,
        }

    def check(self, reveal: bool = False) -> forms.Checked:
        self.checked = forms.check_promise(self.values(), self.contact_id, self.today)
        for field in self.query(Field):
            shown = reveal or field.field_name in self.touched
            field.set_error(self.checked.errors.get(field.field_name) if shown else None)
        return self.checked

    @on(Input.Changed)
    @on(Select.Changed)
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

        self.app.push_screen(
            ConfirmScreen("Discard this promise's changes?", yes="Discard", no="Keep editing"), callback=answered
        )
