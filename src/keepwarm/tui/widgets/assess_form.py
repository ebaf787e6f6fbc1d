"""Rate a relationship on the six dimensions, 1 to 5 each (`keepwarm assess`, in a dialog).

The day is typed as the CLI's `--on` and read by the same function; the form
checks through `forms.check_assessment` and hands the Assessment back; the app
writes it through `operations.assess`.
"""

from __future__ import annotations

import datetime as dt

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Input, Label

from ...model import ASSESSMENT_DIMENSIONS
from ...services import forms
from .fields import Field
from .form_dialog import CheckedDialog

#: Each dimension as the dialog names it, and what a 5 means there.
LABELS = {
    "trust": ("Trust", "5: you would rely on them blindly"),
    "communication": ("Communication", "5: you are in touch as often as the work needs"),
    "sharing": ("Sharing", "5: they tell you what is really going on"),
    "advocacy": ("Advocacy", "5: they speak for you when you are not there"),
    "conflict": ("Conflict", "5: disagreements get settled openly"),
    "commitment": ("Future", "5: they plan to keep working with you"),
}


class AssessScreen(CheckedDialog):
    BINDINGS = [
        Binding("ctrl+s", "save", "Save", id="assess.save"),
        Binding("escape", "cancel", "Cancel", id="assess.cancel"),
    ]
    DISCARD = "Discard this assessment?"
    FIRST = "#in-trust"

    def __init__(self, contact_id: int, who: str, today: dt.date) -> None:
        super().__init__(forms.assessment_to_form())
        self.contact_id, self.who, self.today = contact_id, who, today

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="assess-dialog"):
            yield Label(f"How strong is the relationship with {self.who}? (1 to 5)", classes="form-title", markup=False)
            for name in ASSESSMENT_DIMENSIONS:
                label, hint = LABELS[name]
                yield Field(
                    label,
                    Input(id=f"in-{name}", compact=True, max_length=2, select_on_focus=False),
                    name=name,
                    hint=f"1 to 5; {hint}",
                )
            yield Field(
                "On",
                Input(id="in-on", compact=True, select_on_focus=False),
                name="on",
                hint="yesterday, 2026-11-02; empty for today",
            )
            yield Field("Note", Input(id="in-note", compact=True, select_on_focus=False), name="note")
            with Horizontal(classes="form-buttons"):
                yield Button("Save  ctrl+s", id="save", variant="primary", compact=True)
                yield Button("Cancel  esc", id="cancel", compact=True)

    def validate(self, values: dict[str, object]) -> forms.Checked:
        return forms.check_assessment(values, self.contact_id, self.today)
