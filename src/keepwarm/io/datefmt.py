"""Yearly dates as address books write them.

vCard 4.0 writes 19850314 or --0314 (no year), vCard 3.0 and Google write
1985-03-14 or --03-14, Outlook writes 3/14/1985 (and 0/0/00 for none), some
tools write a time after the date or 0000 for an unknown year.
"""

from __future__ import annotations

import datetime as dt
import re

EXPECTED = "19850314, 1985-03-14, --0314 or --03-14 without a year"

_FORMS = (
    re.compile(r"(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})"),
    re.compile(r"(?P<y>\d{4})(?P<m>\d{2})(?P<d>\d{2})"),
    re.compile(r"--(?P<m>\d{2})-?(?P<d>\d{2})"),
    re.compile(r"(?P<m>\d{1,2})-(?P<d>\d{1,2})"),
    re.compile(r"(?P<m>\d{1,2})/(?P<d>\d{1,2})/(?P<y>\d{4})"),
)

_EMPTY = {"", "0/0/00", "0/0/0000", "00/00/0000", "--"}


def parse(text: str) -> tuple[int | None, int, int] | None:
    """(year or None, month, day); None for an empty value; ValueError for anything else."""
    raw = text.strip()
    if raw in _EMPTY:
        return None
    if "T" in raw[4:]:
        raw = raw[: raw.index("T", 4)]
    for form in _FORMS:
        m = form.fullmatch(raw)
        if m:
            parts = m.groupdict()
            year = int(parts["y"]) if parts.get("y") else None
            if year == 0:
                year = None
            month, day = int(parts["m"]), int(parts["d"])
            try:
                dt.date(year if year is not None else 2000, month, day)  # 2000: 29 February needs no year
            except ValueError:
                raise ValueError(f"{text.strip()!r} is not a day of the calendar (expected {EXPECTED})") from None
            return year, month, day
    raise ValueError(f"{text.strip()!r} is not a date (expected {EXPECTED})")


def is_date_shaped(text: str) -> bool:
    """Whether `text` is written like a date (right or wrong): a value such as "circa 1800" is not."""
    raw = text.strip()
    if raw in _EMPTY:
        return True
    if "T" in raw[4:]:
        raw = raw[: raw.index("T", 4)]
    return any(form.fullmatch(raw) for form in _FORMS)


def as_vcard(year: int | None, month: int, day: int) -> str:
    """vCard 4.0's own form: 19850314, or --0314 without a year."""
    return f"{year:04d}{month:02d}{day:02d}" if year is not None else f"--{month:02d}{day:02d}"
