"""Add or edit a promise: what, who promised, by when (`keepwarm promise add`, in a dialog).

The form checks through `forms.check_promise` as you type (`CheckedDialog`) and
hands the Commitment back; the app writes it through `operations.save_promise`.
"""

from __future__ import annotations

import datetime as dt

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Input, Label, Select

from ...model import Commitment
from ...services import forms
from .fields import Field
from .form_dialog import CheckedDialog


class PromiseScreen(CheckedDialog):
    BINDINGS = [
        Binding("ctrl+s", "save", "Save", id="promise.save"),
        Binding("escape", "cancel", "Cancel", id="promise.cancel"),
    ]
    DISCARD = "Discard this promise's changes?"
    FIRST = "#in-text"

    def __init__(self, contact_id: int, who: str, today: dt.date, promise: Commitment | None = None) -> None:
        super().__init__(forms.promise_to_form(promise))
        self.contact_id, self.who, self.today = contact_id, who, today
        self.promise = promise

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

    def validate(self, values: dict[str, object]) -> forms.Checked:
        return forms.check_promise(values, self.contact_id, self.today)
