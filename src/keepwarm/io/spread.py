"""The people an import brings in, spread over the days after it instead of all falling due together.

A new user importing 1,800 LinkedIn connections found every one of them due within the same
few days (a person never touched falls due a few days after being added): a wall no one acts
on. Each new person of an import gets a first day: a day's worth on the import's own day, as
many the next day, and so on (the most important first: tier A, then B, then C, each in the
file's order). A day's worth is the daily capacity less one (at least one): a place a day is
left for the people already kept warm, and it absorbs what falls due together anyway (people
never touched come due a few days after being added, whatever their first day before that). The day is kept where a snooze is ("not before", the same
hold a user sets with `keepwarm contact snooze`), marked as the import's (`held_by`
"import"): every rule, keepwarm's and third parties', holds back to it without knowing
about imports, and the reason, the contact screen and `contact show` say "first touch
planned for ..." rather than "snoozed". The user's own snooze replaces it; clearing it
brings the person forward. The daily plan (plan/daily.py) then never shows more than the
capacity on a day, whatever else falls due.

An import of no more than a day's worth leaves everyone as they are.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # only named in a signature: the import report (and the CLI's import commands) load no record
    from ..model import Contact

_TIER_ORDER = {"a": 0, "b": 1, "c": 2}


@dataclass(frozen=True)
class Spread:
    """How an import spreads its new people: from `first_day`, `per_day` of them a day (0: not at all)."""

    first_day: dt.date
    per_day: int

    @classmethod
    def for_capacity(cls, first_day: dt.date, capacity: int) -> Spread:
        """A day's worth under the daily capacity (see the module); capacity 0 (no limit): no spreading."""
        return cls(first_day, max(1, capacity - 1) if capacity > 0 else 0)


@dataclass(frozen=True)
class Spreading:
    """What a spread did: how many new people it gave a later first day, and the last such day."""

    people: int
    per_day: int
    last_day: dt.date

    def sentence(self) -> str:
        return (
            f"{self.people:,} new people spread out, {self.per_day} a day, the last from {self.last_day.isoformat()} "
            "(each with a first touch planned on their day: `keepwarm contact snooze NAME --clear` brings one forward)"
        )

    def to_json(self) -> dict:
        return {"people": self.people, "per_day": self.per_day, "last_day": self.last_day.isoformat()}


def spread(fresh: Mapping[int, Contact], how: Spread | None) -> Spreading | None:
    """Give the new contacts beyond the first day's worth their first day (in place, as the import's hold);
    None when nothing was spread."""
    if how is None or how.per_day <= 0 or len(fresh) <= how.per_day:
        return None
    order = sorted(fresh, key=lambda cid: _TIER_ORDER.get(str(fresh[cid].tier.value), 1))  # stable: file order
    moved = 0
    last = how.first_day
    for place, cid in enumerate(order):
        days = place // how.per_day
        if not days:
            continue
        day = how.first_day + dt.timedelta(days=days)
        contact = fresh[cid]
        if contact.snoozed_until is None or contact.snoozed_until < day:
            contact.snoozed_until, contact.held_by = day, "import"
        moved += 1
        last = max(last, day)
    return Spreading(moved, how.per_day, last)
