"""Plan a follow-up with a contact: why, when, how, what to do (`keepwarm followup add`, in a dialog).

The due date is typed as the CLI's `--due` ("next tuesday 10:00", "+2w",
"2026-12-01") and read by the same function; the form checks through
`forms.check_followup` and hands the FollowUp back; the app writes it through
`operations.add_followup`.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Input, Label, Select

from ...model import Channel
from ...services import forms
from ..render import words
from .fields import Field
from .form_dialog import CheckedDialog


class FollowUpScreen(CheckedDialog):
    BINDINGS = [
        Binding("ctrl+s", "save", "Save", id="followup.save"),
        Binding("escape", "cancel", "Cancel", id="followup.cancel"),
    ]
    DISCARD = "Discard this follow-up?"
    FIRST = "#in-reason"

    def __init__(self, contact_id: int, who: str, now: dt.datetime, tz: ZoneInfo) -> None:
        super().__init__(forms.followup_to_form())
        self.contact_id, self.who, self.now, self.tz = contact_id, who, now, tz

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="followup-dialog"):
            yield Label(f"A follow-up with {self.who}", classes="form-title", markup=False)
            yield Field(
                "Why",
                Input(id="in-reason", compact=True, select_on_focus=False),
                name="reason",
                hint="e.g. ask how the roll-out went",
            )
            yield Field(
                "Due",
                Input(id="in-due", compact=True, select_on_focus=False),
                name="due",
                hint="next tuesday 10:00, +2w, 2026-12-01; empty for today",
            )
            yield Field(
                "Channel",
                Select([(words(c.value), c.value) for c in Channel], prompt="any", id="in-channel", compact=True),
                name="channel",
            )
            yield Field(
                "Action",
                Input(id="in-action", compact=True, select_on_focus=False),
                name="action",
                hint="what to do, e.g. send the benchmark report (optional)",
            )
            with Horizontal(classes="form-buttons"):
                yield Button("Save  ctrl+s", id="save", variant="primary", compact=True)
                yield Button("Cancel  esc", id="cancel", compact=True)

    def validate(self, values: dict[str, object]) -> forms.Checked:
        return forms.check_followup(values, self.contact_id, self.now, self.tz)
