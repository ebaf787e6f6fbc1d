"""A person's own rhythm ("every 3 weeks") and snooze ("not before March"), asked on the contact screen.

Each is the snooze dialog's one checked line (widgets/snooze.LineDialog) read by
the form functions the CLI's grammar is behind (`forms.check_rhythm`,
`forms.check_contact_snooze`); an empty line clears, as `--clear` does.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from ...services import forms
from ...text.rhythms import rhythm
from .snooze import LineDialog


@dataclass(frozen=True)
class Chosen:
    """What the dialog was closed with: a rhythm in days or the day a snooze ends; None clears it."""

    value: int | dt.date | None


class RhythmScreen(LineDialog[Chosen | None]):
    LABEL, FIELD, SAVE = "Rhythm", "rhythm", "Set  enter"

    def question(self) -> str:
        return f"Keep in touch with {self.who}…"

    def hint(self) -> str:
        return "every 3 weeks, every 10 days, monthly; empty: the cadence rules decide"

    def check_text(self, text: str) -> forms.Checked:
        return forms.check_rhythm(text)

    def preview(self, checked: forms.Checked) -> str:
        if checked.value is None:
            return "the tier, role and stage rules set the rhythm"
        return f"{rhythm(checked.value)}, in place of what the rules say"

    def chosen(self, checked: forms.Checked) -> Chosen:
        days = checked.value
        assert days is None or isinstance(days, int)  # forms.check_rhythm gives days
        return Chosen(days)


class PersonSnoozeScreen(LineDialog[Chosen | None]):
    LABEL, FIELD, SAVE = "Until", "until", "Snooze  enter"

    def question(self) -> str:
        return f"Nothing due for {self.who} before…"

    def hint(self) -> str:
        return "not before March, until 2027-03-01, for 3 weeks; empty: wake them"

    def check_text(self, text: str) -> forms.Checked:
        return forms.check_contact_snooze(text, self.today)

    def preview(self, checked: forms.Checked) -> str:
        if checked.value is None:
            return "not snoozed: what was due is due again"
        return f"back on {checked.value:%A %d %B %Y}"

    def chosen(self, checked: forms.Checked) -> Chosen:
        until = checked.value
        assert until is None or isinstance(until, dt.date)  # forms.check_contact_snooze gives a day
        return Chosen(until)
