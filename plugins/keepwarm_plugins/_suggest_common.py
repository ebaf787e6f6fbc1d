"""Small helpers shared by the action suggesters (not a plugin: the name starts with "_").

They keep the suggesters' texts consistent: the same first name, the same way
of saying a date or a gap in days, the same plain-words name for each warning.
"""

from __future__ import annotations

from collections.abc import Iterable

from keepwarm.plugin import first_name as _call_name
from keepwarm.plugin import ContactContext, Warning
from ._words import ago, day_text  # noqa: F401 - re-exported for the rules

#: How a suggestion names the warning it answers, in plain words.
WARNING_LABELS: dict[str, str] = {
    "frequency_drop": "fewer touches than usual",
    "reply_slowdown": "slower or fewer replies",
    "access_restriction": "meetings declined or hard to get",
    "sentiment_shift": "a turn towards a negative mood",
    "stakeholder_change": "a change among the stakeholders",
    "market_signals": "competitor or budget signals",
    "push_away": "push-away reactions",
    "overdue_promises": "promises of yours that are overdue",
    "one_way": "a one-way relationship",
    "single_threaded": "an account that hangs on one person",
    "untouched_stakeholder": "a key stakeholder nobody has met",
}

#: Warnings that say a relationship is cooling (as opposed to how it is shaped).
COOLING = (
    "frequency_drop",
    "reply_slowdown",
    "access_restriction",
    "sentiment_shift",
    "stakeholder_change",
    "market_signals",
    "push_away",
    "overdue_promises",
)


def applies(ctx: ContactContext, section: str):
    """The rule's settings when it should run for this contact, else None."""
    cfg = ctx.rules.get(section)
    if cfg is None or not cfg.enabled or ctx.contact.do_not_contact:
        return None
    return cfg


def first_name(ctx: ContactContext) -> str:
    return _call_name(ctx.contact.name)


def present(ctx: ContactContext, keys: Iterable[str]) -> list[Warning]:
    """The contact's warnings among `keys`, in the order the keys are given, one per key (the first of it)."""
    if not ctx.warnings:
        return []
    first = _first_of_each(ctx.warnings)
    return [first[key] for key in keys if key in first]


#: The last contact's warnings by key: the suggesters ask one after the other about the same contact.
_last: tuple[tuple[Warning, ...] | None, dict[str, Warning]] = (None, {})


def _first_of_each(warnings: tuple[Warning, ...]) -> dict[str, Warning]:
    global _last
    seen, first = _last
    if seen is not warnings:  # the tuple is held in _last, so its id cannot be reused while it is compared
        first = {}
        for warning in warnings:
            first.setdefault(warning.key, warning)
        if type(warnings) is tuple:  # kept only when it cannot change under us
            _last = (warnings, first)
    return first


def label(key: str) -> str:
    return WARNING_LABELS.get(key, key.replace("_", " "))






def topics(ctx: ContactContext, use_industry: bool = True) -> list[str]:
    """What this person cares about: their interests, else their account's industry."""
    found = list(ctx.contact.interests)
    if not found and use_industry and ctx.account is not None and ctx.account.account.industry.strip():
        found.append(ctx.account.account.industry.strip())
    return found


def joined(items: Iterable[str]) -> str:
    """`a`, `a and b`, `a, b and c`."""
    items = list(items)
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]
