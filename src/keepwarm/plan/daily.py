"""The daily list: at most `capacity` touches a day, the best first, the backlog spread over the days after.

A book of 10,000 people had 8,467 follow-ups due at once; no one acts on that.
This is one pure step after the per-contact results, over the agenda's rows as
`store.snapshots.stored_agenda` makes them (the engine's agenda, the screen's
first paint of the stored rows, the digest and the calendar all pass through it,
so they show the same day): nothing stored, nothing read, so the incremental
agenda and a from-scratch one plan alike, and a new day plans again for free.

Day by day from the first day shown, the follow-ups due by then compete for the
day's places: the most important and most urgent take them (`priority`), the
others wait for the next day, and what does not fit before the window's end is
"later" (listed with `--all`, counted otherwise). A follow-up never comes before
its own day. Two kinds are never moved: the reminder of a promise you made, due
or late (a promise is kept on its day, or today if late, even past the day's
capacity), and a follow-up with a time of day on that day (an appointment).

Each row gets "planned" (the day it is planned for, None: later) and
"plan_note" (why it is not on its own day: "moved to Thu 10 Dec: today is
full"), and its "bucket" says where it now stands: "overdue" and "today" are
today's list, "upcoming" a later day of the window, "later" beyond it. The rows
keep their order (most urgent first) within a day. Planning the 4,837 rows of the
10,000-person bench book takes about 10 ms.
"""

from __future__ import annotations

import datetime as dt
import heapq
from collections.abc import Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

# lazy for start-up: the write layer imports PROMISE_KEY from here; the agenda's rows load with the engine
if TYPE_CHECKING:
    from ..store.snapshots import StoredAgenda

#: The rule key of a promise's reminder is this and the promise's id (plugin `promise_due`).
PROMISE_KEY = "promise_due."

#: How much a relationship's tier weighs: A the handful that matter most.
TIER_POINTS = {"a": 30.0, "b": 20.0, "c": 10.0}
#: The stakeholder roles the routine rhythm tightens for weigh more, as there.
ROLE_POINTS = {"executive_sponsor": 10.0, "champion": 10.0, "decision_influencer": 5.0, "financial_approver": 5.0}
#: A follow-up you planned yourself (rule "manual") over one a rule proposed.
YOURS_POINTS = 15.0
#: How late counts, up to this many days (a third of a point a day: 90 days late weighs as tier A).
LATE_DAYS_CAP = 90
#: Weaker health is more urgent: up to 20 points at score 0; unknown health counts as middling.
UNKNOWN_HEALTH_POINTS = 10.0

LATER = "later"


def priority(item: dict) -> float:
    """How much a row deserves a place today: importance (tier, role, planned by you) and urgency (how late,
    how weak the relationship's health). Promises are not weighed: they are never moved."""
    contact, followup = item["contact"], item["followup"]
    points = TIER_POINTS.get(contact["tier"], 15.0) + ROLE_POINTS.get(contact["role"], 0.0)
    if followup["rule_key"] == "manual":
        points += YOURS_POINTS
    points += min(max(item["overdue_days"], 0), LATE_DAYS_CAP) / 3
    score = item["health"]["score"]
    points += UNKNOWN_HEALTH_POINTS if score is None else (100 - score) / 5
    return points


def is_fixed(item: dict) -> bool:
    """Never moved from the day it stands on (today for late ones): a promise's reminder, or a follow-up
    with a time of day on its own day."""
    followup = item["followup"]
    if followup["rule_key"].startswith(PROMISE_KEY):
        return True
    return followup["due_time"] is not None and item["overdue_days"] <= 0


def plan(items: Sequence[dict], *, on: dt.date, until: dt.date, capacity: int) -> list[dict]:
    """The rows planned (see the module), in their order within each day, the later ones last.

    `items` are the agenda's rows from `on` to `until` (each with "due", "overdue_days" as of `on`);
    each is given "planned", "plan_note" and its "bucket" in place. `capacity` 0: no daily plan, the rows
    as they are (every one on its own day, as before there was one)."""
    if capacity <= 0:
        return list(items)
    span = (until - on).days
    days: dict[str, int] = {}
    offsets = []
    for item in items:
        text = item["due"]
        offset = days.get(text)
        if offset is None:
            offset = days[text] = max((dt.date.fromisoformat(text) - on).days, 0)
        offsets.append(offset)
    planned: list[int | None] = [None] * len(items)
    _fill(items, offsets, planned, span, capacity)
    marks = _Marks(on, until)
    for item, offset, day in zip(items, offsets, planned):
        marks(item, offset, day)
    days_of = [span + 1 if day is None else day for day in planned]  # later ones after the window's last day
    order = sorted(range(len(items)), key=days_of.__getitem__)
    return [items[n] for n in order]


def _fill(items: Sequence[dict], offsets: list[int], planned: list[int | None], span: int, capacity: int) -> None:
    """Each day's places to the fixed rows of the day, then to the best of those due by then."""
    arriving: list[list[int]] = [[] for _ in range(span + 1)]  # the rows whose own day it is, by day
    for n, offset in enumerate(offsets):
        if offset <= span:
            arriving[offset].append(n)
    waiting: list[tuple[float, int]] = []  # (-priority, position): the best first, then the most urgent
    for day, rows in enumerate(arriving):
        fixed = []
        weighed = []
        for n in rows:
            item = items[n]
            if is_fixed(item):
                fixed.append(n)
            else:
                weighed.append((-priority(item), n))
        if len(weighed) > len(waiting):  # the backlog arrives on the first day: one heap of it at once
            waiting += weighed
            heapq.heapify(waiting)
        else:
            for entry in weighed:
                heapq.heappush(waiting, entry)
        for n in fixed:
            planned[n] = day
        for _ in range(capacity - len(fixed)):
            if not waiting:
                break
            planned[heapq.heappop(waiting)[1]] = day


class _Marks:
    """Gives a row its day, bucket and note; the few distinct days and notes worked out once each."""

    def __init__(self, on: dt.date, until: dt.date) -> None:
        self.on = on
        full = "today is" if until == on else f"the days up to {short_day(until)} are"
        self.later_note = f"later: {full} full"
        self.days: dict[int, str] = {}
        self.notes: dict[tuple[int, int], str] = {}

    def __call__(self, item: dict, offset: int, day: int | None) -> None:
        if day is None:
            item["planned"], item["bucket"], item["plan_note"] = None, LATER, self.later_note
            return
        when = self.days.get(day)
        if when is None:
            when = self.days[day] = (self.on + dt.timedelta(days=day)).isoformat()
        item["planned"] = when
        item["bucket"] = ("overdue" if item["overdue_days"] > 0 else "today") if day == 0 else "upcoming"
        item["plan_note"] = None if day == offset else self._moved(offset, day)

    def _moved(self, offset: int, day: int) -> str:
        note = self.notes.get((offset, day))
        if note is None:
            was = "today" if offset == 0 else short_day(self.on + dt.timedelta(days=offset))
            note = self.notes[offset, day] = f"moved to {short_day(self.on + dt.timedelta(days=day))}: {was} is full"
        return note


def short_day(day: dt.date) -> str:
    """`Thu 10 Dec`: a day of the coming week or two, as a list says it."""
    return f"{day:%a} {day.day} {day:%b}"


def planned(stored: StoredAgenda, capacity: int) -> StoredAgenda:
    """The stored agenda's rows planned: what the engine's agenda and the screen's first paint show."""
    return replace(stored, items=plan(stored.items, on=stored.on, until=stored.until, capacity=capacity))


def counts(items: Sequence[dict]) -> dict[str, int]:
    """How many rows each bucket holds."""
    found = {"overdue": 0, "today": 0, "upcoming": 0, LATER: 0}
    for item in items:
        found[item["bucket"]] += 1
    return found
