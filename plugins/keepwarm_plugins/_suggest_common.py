"""Small helpers shared by the action suggesters (not a plugin: the name starts with "_").

They keep the suggesters' texts consistent: the same plain-words name for each
warning, the same topics to talk about. Dates, names and lists are worded by
`keepwarm.plugin`'s helpers, as any plugin's are.
"""

from __future__ import annotations

from keepwarm.plugin import ContactContext

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


def label(key: str) -> str:
    return WARNING_LABELS.get(key, key.replace("_", " "))


def topics(ctx: ContactContext, use_industry: bool = True) -> list[str]:
    """What this person cares about: their interests, else their account's industry."""
    found = list(ctx.contact.interests)
    if not found and use_industry and ctx.account is not None and ctx.account.account.industry.strip():
        found.append(ctx.account.account.industry.strip())
    return found
