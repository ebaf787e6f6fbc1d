"""How the built-in rules say days (not a plugin: the name starts with "_").

Cadence rules and suggesters speak of the same dates in the same words, so
they take them from here.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

from keepwarm.plugin import plural


@lru_cache(maxsize=4096)
def day_text(day: dt.date) -> str:
    """`Sunday 29 November`: how people say a date in a note to themselves."""
    # Cached: thousands of contacts share the few hundred days of the coming year.
    return f"{day:%A} {day.day} {day:%B}"


def ago(day: dt.date, today: dt.date) -> str:
    days = (today - day).days
    if days == 0:
        return "today"
    if days == 1:
        return "yesterday"
    if days > 0:
        return f"{plural(days, 'day')} ago"
    return "tomorrow" if days == -1 else f"in {plural(-days, 'day')}"
