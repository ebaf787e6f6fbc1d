"""Follow-ups and important dates as calendar entries.

UIDs come from what the item is, never from when it was exported: a
follow-up's id together with its contact's permanent uid (so two databases
never collide), an important date's contact, kind, day and label. Re-importing
a later export therefore updates the same event.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from ..model import Contact, DateKind, FollowUp, FollowUpStatus, ImportantDate
from ..store.followups import effective_due
from ..text import dates
from . import description as words
from .entries import ACTIVE, CANCELLED, COMPLETED, UID_DOMAIN, UID_PREFIX, Entry, Kind, short_hash

#: How long a timed follow-up blocks in the calendar.
TIMED_LENGTH = dt.timedelta(minutes=30)
#: A stable first year for yearly dates whose year is unknown (a leap year, for 29 February).
ANCHOR_YEAR = 1972
EARLIEST_ANCHOR = 1900


def followup_uid(followup: FollowUp, contact: Contact, kind: Kind = "VEVENT") -> str:
    noun = "todo" if kind == "VTODO" else "followup"
    return f"{UID_PREFIX}{noun}-{followup.id}-{short_hash(contact.uid or contact.id)}{UID_DOMAIN}"


def date_uid(date: ImportantDate, contact: Contact) -> str:
    key = short_hash(contact.uid or contact.id, date.kind.value, date.month, date.day, date.label)
    return f"{UID_PREFIX}date-{key}{UID_DOMAIN}"


def categories(followup: FollowUp) -> tuple[str, ...]:
    family = followup.rule_key.split(".", 1)[0].replace("_", " ")
    found = ["keepwarm", family]
    if followup.channel is not None:
        found.append(followup.channel.value)
    return tuple(dict.fromkeys(found))


def _status(followup: FollowUp, kind: Kind) -> str:
    if followup.status in (FollowUpStatus.OPEN, FollowUpStatus.SNOOZED):
        return ACTIVE[kind]
    if followup.status == FollowUpStatus.DONE and kind == "VTODO":
        return COMPLETED
    return CANCELLED


def when(
    followup: FollowUp,
    kind: Kind,
    *,
    tz: ZoneInfo,
    today: dt.date | None = None,
    planned: dt.date | None = None,
) -> tuple[dt.date | dt.datetime, dt.date | dt.datetime, int]:
    """Where a follow-up's entry stands (start, end) and how many days late it is: what orders a
    calendar, known without the entry's notes (see `followup_entry`). `planned`: a later day the
    daily plan moved it to (plan/daily.py), where it stands all day."""
    day = effective_due(followup)
    active = _status(followup, kind) in ACTIVE.values()
    late = (today - day).days if today is not None and day < today and active else 0
    if planned is not None and active and planned > max(day, today or day):
        return planned, planned + dt.timedelta(days=1), late
    if late and today is not None:  # late only counts with a today
        return today, today + dt.timedelta(days=1), late
    if followup.due_time is not None:
        start = dates.to_utc(day, followup.due_time, tz)
        return start, start + TIMED_LENGTH, 0
    return day, day + dt.timedelta(days=1), 0


def followup_entry(
    followup: FollowUp,
    contact: Contact,
    description: str,
    *,
    tz: ZoneInfo,
    kind: Kind = "VEVENT",
    alarm_minutes: int | None = None,
    today: dt.date | None = None,
    alarm_at: dt.time | None = None,
    planned: dt.date | None = None,
    plan_note: str | None = None,
) -> Entry:
    """All day on the due day (the day it wakes up when snoozed); timed when it has a time of day.

    An open item whose day is before `today` stands all day on today instead, saying how many
    days late it is: on its old day, months back, no one would see it. It moves each day until
    it is done, which updates the event (its title changes, so its SEQUENCE rises).
    An all-day item's reminder comes at `alarm_at` on its own day; a timed one's `alarm_minutes` before.
    One the daily plan moved to a later day (`planned`, as the agenda shows it) stands there all day,
    its notes saying why first (`plan_note`).
    """
    status = _status(followup, kind)
    start, end, late = when(followup, kind, tz=tz, today=today, planned=planned)
    moved = planned is not None and start == planned and plan_note is not None
    if late and not moved:
        day = effective_due(followup)
        description = words.late_note(day, followup.due_time, late) + ("\n\n" + description if description else "")
    if moved:
        assert plan_note is not None
        description = f"{plan_note[0].upper()}{plan_note[1:]} (your daily capacity).\n\n{description}".rstrip()
    all_day = not isinstance(start, dt.datetime)
    active = status in ACTIVE.values()
    return Entry(
        uid=followup_uid(followup, contact, kind),
        kind=kind,
        summary=words.summary(followup, contact, late),
        description=description,
        start=start,
        end=end if kind == "VEVENT" else None,
        status=status,
        categories=categories(followup),
        alarm_minutes=alarm_minutes if active else None,
        alarm_at=alarm_at if active and all_day and alarm_minutes is not None else None,
        sequence=followup.sequence,
        last_modified=followup.updated_at,
        completed=followup.closed_at if status == COMPLETED else None,
        followup_id=followup.id,
    )


def yearly_rule(date: ImportantDate) -> str:
    # 29 February falls on the last day of February in common years.
    day = -1 if (date.month, date.day) == (2, 29) else date.day
    return f"FREQ=YEARLY;BYMONTH={date.month};BYMONTHDAY={day}"


def anchor(date: ImportantDate) -> dt.date:
    year = date.year if date.year is not None and date.year >= EARLIEST_ANCHOR else ANCHOR_YEAR
    return dt.date(year, date.month, date.day)


def date_entry(
    date: ImportantDate, contact: Contact, *, alarm_minutes: int | None = None, alarm_at: dt.time | None = None
) -> Entry:
    """A yearly all-day event; it starts on the real year when known (from 1900 on)."""
    start = anchor(date)
    return Entry(
        uid=date_uid(date, contact),
        kind="VEVENT",
        summary=words.date_summary(date, contact),
        description=words.date_description(date, contact),
        start=start,
        end=start + dt.timedelta(days=1),
        status=ACTIVE["VEVENT"],
        categories=(
            "keepwarm",
            "important date" if date.kind == DateKind.CUSTOM else date.kind.value.replace("_", " "),
        ),
        rrule=yearly_rule(date),
        alarm_minutes=alarm_minutes,
        alarm_at=alarm_at if alarm_minutes is not None else None,
    )
