"""A person's rhythm and snooze, as people say them: "every 3 weeks", "monthly", "not before March".

One grammar for the CLI, the app's inputs and the cadence rules' wording, so that
what the user types reads back the same way (`rhythm(parse_rhythm("every 2 weeks"))`
is "every 2 weeks"). A rhythm is kept in days: a month counts 30, a year 365, as the
rule packs count them.

Rhythm: `[every] N day(s)|week(s)|month(s)|year(s)` (N in digits or `one`..`twelve`,
`every week` meaning every 1 week), `every other week|month`, or a word: daily,
weekly, fortnightly, monthly, quarterly, twice a year, yearly. From 1 day to 2 years.

Snooze: `until DAY`, `not before DAY`, `for N days|weeks|months|years`, or a DAY alone,
where DAY is anything a date option takes (2027-03-01, friday, +3w) or a month
(`March`: the first of the next March, `March 2027`, `1 March`, `March 1 2027`).
It must fall after today, and within the calendar keepwarm keeps.
"""

from __future__ import annotations

import datetime as dt
import re
from functools import cache, lru_cache

from ..errors import UserError

#: The longest rhythm, in days (two years), as the rule packs' intervals.
MAX_DAYS = 730
UNIT_DAYS = {"day": 1, "week": 7, "month": 30, "year": 365}
_WORDS = {
    "daily": 1,
    "weekly": 7,
    "fortnightly": 14,
    "biweekly": 14,
    "monthly": 30,
    "quarterly": 90,
    "twice a year": 182,
    "half-yearly": 182,
    "yearly": 365,
    "annually": 365,
}
_NUMBERS = {
    name: n for n, name in enumerate("zero one two three four five six seven eight nine ten eleven twelve".split())
}
_NUMBERS.update({"a": 1, "an": 1})


@cache
def _every() -> re.Pattern[str]:
    """Compiled by the first rhythm read: most commands read none (the fixed start-up compiles no pattern)."""
    return re.compile(r"^(?:every\s+)?(?:(?P<n>[+-]?\d{1,6}|[a-z]+|other)\s+)?(?P<unit>day|week|month|year)s?$")


RHYTHM_EXAMPLES = "'every 3 weeks', 'every 10 days', 'monthly'"

#: How a rhythm of so many days is said (the cadence rules' reasons say it the same way).
_NAMED = {
    7: "weekly",
    14: "every 2 weeks",
    30: "monthly",
    60: "every 2 months",
    90: "quarterly",
    91: "quarterly",
    180: "twice a year",
    182: "twice a year",
    365: "yearly",
}


@lru_cache(maxsize=256)
def rhythm(days: int) -> str:
    """`monthly`, `every 2 weeks`, `every 10 days`: a rhythm as people say it."""
    if days in _NAMED:
        return _NAMED[days]
    if days % 7 == 0:
        return "weekly" if days == 7 else f"every {days // 7} weeks"
    return "daily" if days == 1 else f"every {days} days"


def parse_rhythm(text: str, field: str = "rhythm") -> int:
    """The rhythm's length in days; a UserError naming `field` and the forms expected otherwise."""
    raw = " ".join((text or "").split())
    said = raw.lower()
    if not said:
        raise UserError(f"{field}: empty (expected a rhythm such as {RHYTHM_EXAMPLES})")
    if said in _WORDS:
        return _WORDS[said]
    m = _every().match(said)
    if m is None or (m["n"] is None and not said.startswith("every")):
        raise UserError(f"{field}: {raw!r} is not a rhythm (expected {RHYTHM_EXAMPLES}, up to every 2 years)")
    count = m["n"]
    if count is None:
        n = 1
    elif count == "other":
        n = 2
    elif count in _NUMBERS:
        n = _NUMBERS[count]
    elif count.lstrip("+-").isdigit():
        n = int(count)
    else:
        raise UserError(f"{field}: {raw!r} is not a rhythm (expected {RHYTHM_EXAMPLES}, up to every 2 years)")
    days = n * UNIT_DAYS[m["unit"]]
    if days < 1:
        raise UserError(f"{field}: {raw!r} is not a rhythm (expected at least every 1 day, e.g. {RHYTHM_EXAMPLES})")
    if days > MAX_DAYS:
        raise UserError(f"{field}: {raw!r} is longer than 2 years (expected at most every {MAX_DAYS} days)")
    return days


# ------------------------------------------------------------------ snooze

SNOOZE_EXAMPLES = "'until 2027-03-01', 'not before March', 'for 3 weeks'"


@cache
def _months() -> dict[str, int]:
    import calendar  # lazy for start-up: the plugin API imports `rhythm` from here; a snooze is seldom parsed

    found = {name.lower(): i for i, name in enumerate(calendar.month_name) if name}
    found.update({name.lower(): i for i, name in enumerate(calendar.month_abbr) if name})
    return found


_LEADS = ("not before ", "until ", "till ", "til ", "from ")


@cache
def _snooze_shapes() -> tuple[re.Pattern[str], re.Pattern[str]]:
    """ "for 3 weeks" and "1 March [2027]", compiled by the first snooze read (as `_every`)."""
    return (
        re.compile(r"^for\s+(?P<n>\d{1,4}|[a-z]+)\s+(?P<unit>day|week|month|year)s?$"),
        re.compile(
            r"^(?:(?P<d1>\d{1,2})\s+(?P<m1>[a-z]+)|(?P<m2>[a-z]+)\s+(?P<d2>\d{1,2})|(?P<m3>[a-z]+))"
            r"(?:,?\s+(?P<y>\d{4}))?$"
        ),
    )


def parse_snooze(text: str, today: dt.date, field: str = "snooze") -> dt.date:
    """The day a snooze ends (nothing is due before it): after `today`, or a UserError naming `field`."""
    from . import dates  # lazy for start-up, as `_months`

    raw = " ".join((text or "").split())
    said = raw.lower()
    if not said:
        raise UserError(f"{field}: empty (expected {SNOOZE_EXAMPLES})")
    day = _snooze_day(said, today)
    if day is None:
        raise UserError(f"{field}: {raw!r} is not a day to snooze until (expected {SNOOZE_EXAMPLES})")
    if not dates.FIRST_DAY <= day <= dates.LAST_DAY:
        raise UserError(f"{field}: {raw!r} is outside the calendar keepwarm keeps (expected up to {dates.LAST_DAY})")
    if day <= today:
        raise UserError(f"{field}: {raw!r} is {day.isoformat()}, not after today (expected a future day)")
    return day


def _snooze_day(said: str, today: dt.date) -> dt.date | None:
    from . import dates  # lazy for start-up, as `_months`

    m = _snooze_shapes()[0].match(said)
    if m is not None:
        n = _NUMBERS.get(m["n"], None) if not m["n"].isdigit() else int(m["n"])
        if n is None:
            return None
        try:
            return dates.shift(today, n, m["unit"])
        except (ValueError, OverflowError):
            return None
    for lead in _LEADS:
        if said.startswith(lead):
            said = said[len(lead) :].strip()
            break
    month = _month_day(said, today)
    if month is not None:
        return month
    try:
        return dates.parse_day(said, today, field="snooze")
    except UserError:
        return None


def _month_day(said: str, today: dt.date) -> dt.date | None:
    """`March` (its first day, the next time it comes), `March 2027`, `1 March`, `March 1, 2027`."""
    m = _snooze_shapes()[1].match(said)
    if m is None:
        return None
    name = m["m1"] or m["m2"] or m["m3"]
    months = _months()
    if name not in months:
        return None
    month, day = months[name], int(m["d1"] or m["d2"] or 1)
    year = int(m["y"]) if m["y"] else None
    try:
        if year is not None:
            return dt.date(year, month, day)
        found = dt.date(today.year, month, day)
        return found if found > today else dt.date(today.year + 1, month, day)
    except ValueError:
        return None
