"""A snoozed person: no rule's touch falls due before the day the user chose.

The user snoozes a person ("not before March"); every cadence rule, keepwarm's
own and third parties' alike, keeps proposing as it would, and the engine holds
each proposal back to that day, as it silences a do-not-contact person: a rule
need not know about snoozes for them to hold. The rules' open follow-ups move to
that day with the reconcile, however far ahead (engine/reconcile.py), and keep
following the rules meanwhile; the ones the user planned are snoozed to it when
the snooze is set (store/followups.hold_for_contact).

An import's spread of its new people (io/spread.py) is the same hold, kept in
the same place; only its reason says so in its own words (`held_by` "import"),
for a person the user never snoozed.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from ..api.checks import MAX_TEXT
from ..api.kit import full_date
from ..api.types import Proposal
from ..text.wording import first_name

_IMPORT = " First touch planned for {day}: the people an import brought in are spread over the days after it."


def held(proposals: list[tuple[str, Proposal]], until: dt.date, name: str, by: str = "") -> list[tuple[str, Proposal]]:
    """The proposals, each due no earlier than `until`; the reason of one held back says why.

    A snooze that has passed holds nothing back that is not already past it,
    except what fell due while it lasted: that comes due on the day it ended,
    as a snoozed follow-up does.
    """
    if by == "import":
        note = _IMPORT.format(day=full_date(until))
    else:
        note = f" You snoozed {first_name(name)} until {full_date(until)}."
    out = []
    for plugin, proposal in proposals:
        if proposal.due < until:
            proposal = replace(proposal, due=until, reason=proposal.reason[: MAX_TEXT - len(note)] + note)
        out.append((plugin, proposal))
    return out
