"""Dates as people type them.

ISO forms, plus `today`, `tomorrow`, `yesterday`, `+3d` / `-2w` / `+1m` / `+1y`,
`in 3 days`, `3 days ago`, weekday names (`friday`, `next friday`, `last monday`),
each optionally followed by a time (`14:00`, `9am`). Times are interpreted in the
user's time zone and stored in UTC.
"""

from __future__ import annotations

import calendar
import datetime as dt
import functools
import os
import re
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from ..errors import UserError

WEEKDAYS = {name.lower(): i for i, name in enumerate(calendar.day_name)}
WEEKDAYS.update({name.lower(): i for i, name in enumerate(calendar.day_abbr)})

_UNITS = {
    "d": "days",
    "day": "days",
    "days": "days",
    "w": "weeks",
    "week": "weeks",
    "weeks": "weeks",
    "m": "months",
    "month": "months",
    "months": "months",
    "y": "years",
    "year": "years",
    "years": "years",
}


@functools.cache
def _shapes() -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str], re.Pattern[str]]:
    """A day or time as people type them: `+3d`, `in 2 weeks`, `3 days ago`, `2pm`.

    Compiled by the first command that reads a typed date or time: most commands read none, and
    every one of them compiled these at start-up.
    """
    return (
        re.compile(r"^(?P<sign>[+-])\s*(?P<n>\d{1,4})\s*(?P<unit>[a-z]+)$"),
        re.compile(r"^in\s+(?P<n>\d{1,4})\s+(?P<unit>[a-z]+)$"),
        re.compile(r"^(?P<n>\d{1,4})\s+(?P<unit>[a-z]+)\s+ago$"),
        re.compile(r"^(?P<h>\d{1,2})(?::(?P<m>\d{2}))?\s*(?P<ampm>am|pm)?$"),
    )


EXPECTED = "a date such as 2026-12-01, today, tomorrow, +3d, -2w, next friday, optionally with a time like 14:00"


def zone(name: str | None) -> ZoneInfo:
    """The IANA zone named, or the machine's own when none is named."""
    if name:
        try:
            return ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError):
            raise UserError(f"time zone {name!r} is not an IANA time zone name (expected e.g. Europe/Berlin)") from None
    env = os.environ.get("TZ", "").lstrip(":")
    if env:
        try:
            return ZoneInfo(env)
        except (ZoneInfoNotFoundError, ValueError):
            pass
    try:
        target = Path("/etc/localtime").resolve()
        parts = target.parts
        if "zoneinfo" in parts:
            return ZoneInfo("/".join(parts[parts.index("zoneinfo") + 1 :]))
    except (OSError, ZoneInfoNotFoundError, ValueError):
        pass
    return ZoneInfo("UTC")


def add_months(day: dt.date, months: int) -> dt.date:
    month_index = day.month - 1 + months
    year = day.year + month_index // 12
    month = month_index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def shift(day: dt.date, n: int, unit: str) -> dt.date:
    kind = _UNITS.get(unit)
    if kind is None:
        raise ValueError(unit)
    if kind == "days":
        return day + dt.timedelta(days=n)
    if kind == "weeks":
        return day + dt.timedelta(weeks=n)
    if kind == "months":
        return add_months(day, n)
    return add_months(day, 12 * n)


def _parse_time(text: str) -> dt.time | None:
    m = _shapes()[3].match(text)
    if not m:
        return None
    hour, minute = int(m["h"]), int(m["m"] or 0)
    if m["ampm"]:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if m["ampm"] == "pm" else 0)
    elif m["m"] is None:
        return None  # a bare number is not a time
    if hour > 23 or minute > 59:
        return None
    return dt.time(hour, minute)


def _parse_day(text: str, today: dt.date) -> dt.date | None:
    text = text.strip().lower()
    if text in ("today", "now"):
        return today
    if text == "tomorrow":
        return today + dt.timedelta(days=1)
    if text == "yesterday":
        return today - dt.timedelta(days=1)
    relative, within, ago, _ = _shapes()
    for pattern, sign in ((relative, None), (within, 1), (ago, -1)):
        m = pattern.match(text)
        if m:
            n = int(m["n"]) * (sign if sign else (1 if m["sign"] == "+" else -1))
            try:
                return shift(today, n, m["unit"])
            except (ValueError, OverflowError):
                return None
    words = text.split()
    if len(words) in (1, 2) and words[-1] in WEEKDAYS:
        target = WEEKDAYS[words[-1]]
        qualifier = words[0] if len(words) == 2 else "next"
        if qualifier in ("next", "this", "on"):
            delta = (target - today.weekday()) % 7 or 7
            return today + dt.timedelta(days=delta)
        if qualifier == "last":
            delta = (today.weekday() - target) % 7 or 7
            return today - dt.timedelta(days=delta)
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        return None


def _not_a_day(raw: str, field: str, expected: str) -> UserError:
    """Say 'no such day' for 2026-02-30 rather than 'not a date form'."""
    m = re.match(r"^(\d{4})-(\d{2})-(\d{2})(?:[T ].*)?$", raw.strip())  # an error's wording: compiled then
    if m:
        year, month, day = (int(g) for g in m.groups())
        try:
            dt.date(year, month, day)
        except ValueError:
            return UserError(f"{field}: {raw!r} is not a day of the calendar (expected {expected})")
    return UserError(f"{field}: {raw!r} is not {expected}")


#: The days keepwarm takes, the years of its yearly dates: far enough from the ends of
#: Python's calendar (years 1 and 9999) that a day can be moved into any time zone or
#: a year either way without overflowing.
FIRST_DAY = dt.date(1000, 1, 1)
LAST_DAY = dt.date(2200, 12, 31)


def _within_calendar(day: dt.date, raw: str, field: str) -> dt.date:
    if not FIRST_DAY <= day <= LAST_DAY:
        raise _outside_calendar(raw, field)
    return day


def _outside_calendar(raw: str, field: str) -> UserError:
    return UserError(
        f"{field}: {raw.strip()!r} is outside the calendar keepwarm keeps "
        f"(expected a day from {FIRST_DAY.isoformat()} to {LAST_DAY.isoformat()})"
    )


def parse_day(text: str, today: dt.date, field: str = "date") -> dt.date:
    if not text.strip():  # worded as parse_when words it: `promise add --due ''` as `followup add --due ''`
        raise UserError(f"{field}: empty (expected {EXPECTED.split(', optionally')[0]})")
    day = _parse_day(text, today)
    if day is None:
        raise _not_a_day(text, field, EXPECTED.split(", optionally")[0])
    return _within_calendar(day, text, field)


def parse_when(text: str, now: dt.datetime, tz: ZoneInfo, field: str = "when") -> tuple[dt.date, dt.time | None]:
    """A day and, when given, a time of day (both in the user's zone)."""
    try:
        day, time = _parse_when(text, now, tz, field)
    except OverflowError:  # 0001-01-01T00:00+14:00 is before the first day Python knows, in UTC
        raise _outside_calendar(text, field) from None
    return _within_calendar(day, text, field), time


def _parse_when(text: str, now: dt.datetime, tz: ZoneInfo, field: str) -> tuple[dt.date, dt.time | None]:
    raw = text.strip()
    if not raw:
        raise UserError(f"{field}: empty (expected {EXPECTED})")
    # Full ISO timestamps first: 2026-12-01T14:00, 2026-12-01 14:00:00+01:00.
    try:
        stamp = dt.datetime.fromisoformat(raw)
    except ValueError:
        stamp = None
    if stamp is not None and ("T" in raw or " " in raw or ":" in raw):
        if stamp.tzinfo is not None:
            local = stamp.astimezone(tz)
            return local.date(), local.time().replace(tzinfo=None)
        return stamp.date(), stamp.time()
    today = now.astimezone(tz).date()  # after the timestamps: a history file parses a million of them
    words = raw.lower().replace(" at ", " ").split()
    if len(words) >= 2:
        time = _parse_time(words[-1])
        if time is not None:
            day = _parse_day(" ".join(words[:-1]), today)
            if day is not None:
                return day, time
    day = _parse_day(raw, today)
    if day is None:
        time = _parse_time(raw.lower())
        if time is not None:
            return today, time
        raise _not_a_day(raw, field, EXPECTED)
    return day, None


def to_utc(day: dt.date, time: dt.time | None, tz: ZoneInfo, default: dt.time = dt.time(12, 0)) -> dt.datetime:
    local = dt.datetime.combine(day, time or default).replace(tzinfo=tz)
    return local.astimezone(dt.timezone.utc)


def parse_moment(text: str, now: dt.datetime, tz: ZoneInfo, field: str = "when") -> dt.datetime:
    """A point in time in UTC; a day without a time means now's time of day if today, else noon."""
    day, time = parse_when(text, now, tz, field)
    if time is None and day == now.astimezone(tz).date():
        return now.astimezone(dt.timezone.utc)
    return to_utc(day, time, tz)


def local(moment: dt.datetime, tz: ZoneInfo) -> dt.datetime:
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.timezone.utc)
    return moment.astimezone(tz)


def parse_yearless(text: str, field: str = "date") -> tuple[int | None, int, int]:
    """`1985-03-14`, `--03-14` (vCard's form for no year) or `03-14`."""
    raw = text.strip()
    m = re.fullmatch(r"(?:(\d{4})-|--)?(\d{1,2})-(\d{1,2})", raw) or re.fullmatch(r"(\d{4})(\d{2})(\d{2})", raw)
    if not m:
        m2 = re.fullmatch(r"--(\d{2})(\d{2})", raw)
        if not m2:
            raise UserError(f"{field}: {raw!r} is not a date (expected 1985-03-14, or 03-14 without a year)")
        return None, int(m2[1]), int(m2[2])
    year = int(m[1]) if m[1] else None
    return year, int(m[2]), int(m[3])
