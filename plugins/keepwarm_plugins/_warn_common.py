"""Helpers shared by the warning detectors (not a plugin: the name starts with "_").

They keep the detectors speaking alike — the same first name, the same way of
writing a rate, a date or a list of people in a message and in its evidence —
and give the two note-signal rules one way to read the engine's counts.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from pydantic import BaseModel

from keepwarm.model import Contact, Role, Stage
from keepwarm.plugin import first_name as _call_name
from keepwarm.plugin import AccountContext, ContactContext, ContactStats, Member

#: Roles whose holders carry an account; account rules default to these.
KEY_ROLES: tuple[Role, ...] = (
    Role.EXECUTIVE_SPONSOR, Role.FINANCIAL_APPROVER, Role.DECISION_INFLUENCER, Role.CHAMPION,
)


def applies(ctx: ContactContext | AccountContext, section: str, *, reachable: bool = False) -> BaseModel | None:
    """The rule's settings when it should run, else None.

    `reachable`: the rule measures my outreach, so a contact marked do-not-contact
    (whose silence is expected) is left alone.
    """
    cfg = ctx.rules.get(section)
    if cfg is None or not getattr(cfg, "enabled", True):
        return None
    if reachable and isinstance(ctx, ContactContext) and ctx.contact.do_not_contact:
        return None
    return cfg


def first_name(contact: Contact) -> str:
    return _call_name(contact.name)


def per_month(count: int, days: int) -> float:
    """A count as a rate per 30 days, rounded for display and evidence."""
    return round(count * 30 / days, 2)


def iso(moment: dt.datetime | dt.date | None) -> str | None:
    if moment is None:
        return None
    return (moment.date() if isinstance(moment, dt.datetime) else moment).isoformat()


def role_label(role: Role | None) -> str:
    return role.value.replace("_", " ") if role is not None else "no role"


def joined(items: Iterable[str], last: str = "and") -> str:
    """`a`, `a and b`, `a, b and c` (or `a, b or c`)."""
    items = list(items)
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + f" {last} " + items[-1]


def signal(stats: ContactStats, name: str) -> tuple[int, str | None]:
    """How many recent notes matched a note signal, and the date of the latest."""
    return int(stats.note_signals.get(name, 0)), iso(stats.note_signal_last.get(name))


def present(members: Iterable[Member]) -> list[Member]:
    """Stakeholders still in play: not gone (stage former) and not marked do-not-contact."""
    return [m for m in members if m.contact.stage != Stage.FORMER and not m.contact.do_not_contact]


def days_quiet(member: Member, today: dt.date) -> int | None:
    """Days since the last touch, or since the person was added when never touched."""
    moment = member.stats.last_touch or member.stats.first_seen
    return None if moment is None else (today - moment.date()).days
