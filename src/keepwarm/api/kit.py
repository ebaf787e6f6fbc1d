"""The helpers every rule plugin needs, keepwarm's own as much as a third party's.

Every rule declares a section, asks whether it applies to this contact, and
words names, dates and lists the same way. Kept here once and exported by
`keepwarm.plugin`, they give a third-party rule exactly what the built-in
rules use, and the built-ins no private copy that could drift from it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from functools import lru_cache
from typing import Any, TypeVar

from pydantic import BaseModel

from ..model import Stage
from ..text.wording import plural
from .hookspecs import hookimpl
from .types import AccountContext, ConfigSection, ContactContext, Member, Warning

__all__ = ["section", "applies", "in_play", "warnings_for", "joined", "ago", "full_date", "day_text", "per_settings"]

T = TypeVar("T")


def section(name: str, model: type[BaseModel]) -> Callable[[], ConfigSection]:
    """The `keepwarm_config_section` hook of a module whose settings are `model` under `[name]`.

    Assign it to the hook's name: `keepwarm_config_section = section("my_rule", Settings)`.
    """

    @hookimpl
    def keepwarm_config_section() -> ConfigSection:
        return ConfigSection(name, model)

    keepwarm_config_section.__doc__ = f"The [{name}] section, validated by {model.__name__}."
    return keepwarm_config_section


def applies(ctx: ContactContext | AccountContext, name: str, *, reachable: bool = False) -> Any:
    """The validated settings of section `name` when the rule should run, else None.

    None when the section is missing or its `enabled` is false. `reachable`: the
    rule asks me to reach out or measures my outreach, so a contact marked
    do-not-contact is left alone (an account context has no single contact).
    """
    cfg = ctx.rules.get(name)
    if cfg is None or not getattr(cfg, "enabled", True):
        return None
    if reachable and isinstance(ctx, ContactContext) and ctx.contact.do_not_contact:
        return None
    return cfg


def in_play(members: Iterable[Member]) -> list[Member]:
    """An account's stakeholders still in play: not gone (stage former) and not marked do-not-contact."""
    return [m for m in members if m.contact.stage != Stage.FORMER and not m.contact.do_not_contact]


def warnings_for(ctx: ContactContext, keys: Iterable[str]) -> list[Warning]:
    """The contact's warnings among `keys`, in the order of the keys, the first of each key only."""
    if not ctx.warnings:
        return []
    first = _first_of_each(ctx.warnings)
    return [first[key] for key in keys if key in first]


#: The last contact's warnings by key: the suggesters ask one after the other about the same contact.
_last: tuple[Sequence[Warning] | None, dict[str, Warning]] = (None, {})


def _first_of_each(warnings: Sequence[Warning]) -> dict[str, Warning]:
    global _last
    seen, first = _last
    if seen is not warnings:  # the tuple is held in _last, so its id cannot be reused while it is compared
        first = {}
        for warning in warnings:
            first.setdefault(warning.key, warning)
        if type(warnings) is tuple:  # kept only when it cannot change under us
            _last = (warnings, first)
    return first


def joined(items: Iterable[str], last: str = "and") -> str:
    """`a`, `a and b`, `a, b and c` (or `a, b or c` with `last="or"`)."""
    items = list(items)
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + f" {last} " + items[-1]


@lru_cache(maxsize=4096)
def day_text(day: dt.date) -> str:
    """`Sunday 29 November`: how people say a date in a note to themselves."""
    # Cached: thousands of contacts share the few hundred days of the coming year.
    return f"{day:%A} {day.day} {day:%B}"


@lru_cache(maxsize=4096)
def full_date(day: dt.date) -> str:
    """`12 September 2025`: a date that reads the same on every later day.

    For text that is kept: a proposal's reason is stored with its follow-up and
    exported to calendars, and a reason that says `3 days ago` is false the next
    day (and rewritten every day: each run's reason replaces the stored one).
    """
    return f"{day.day} {day:%B} {day.year}"


def ago(day: dt.date, today: dt.date) -> str:
    """`today`, `yesterday`, `3 days ago`, `tomorrow`, `in 3 days`: for what is read at once
    (a suggestion, a tip); see `full_date` for what is kept."""
    days = (today - day).days
    if days == 0:
        return "today"
    if days == 1:
        return "yesterday"
    if days > 0:
        return f"{plural(days, 'day')} ago"
    return "tomorrow" if days == -1 else f"in {plural(-days, 'day')}"


def per_settings(build: Callable[[Any], T]) -> Callable[[Any], T]:
    """`build(cfg)`, worked out once for each settings object in turn (the last one is kept).

    keepwarm validates the rule packs once and hands every contact of a run the
    same settings objects, so what depends on the settings alone (a lookup
    table, a compiled pattern) is worked out once per run rather than per
    contact. A new settings object (rules reloaded) is never served the old one's.
    """
    last: list[tuple[Any, Any]] = [(None, None)]  # one tuple, swapped whole: safe with two runs in two threads

    def get(cfg: Any) -> T:
        owner, value = last[0]
        if owner is not cfg:
            value = build(cfg)
            last[0] = (cfg, value)
        return value

    get.__doc__ = build.__doc__
    return get
