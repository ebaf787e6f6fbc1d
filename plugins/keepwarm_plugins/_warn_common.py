"""Helpers shared by the warning detectors (not a plugin: the name starts with "_").

They keep the detectors speaking alike — the same way of writing a rate, a date
or a role in a message and in its evidence — and give the two note-signal rules
one way to read the engine's counts.
"""

from __future__ import annotations

import datetime as dt

from keepwarm.model import Role
from keepwarm.plugin import ContactStats, Member

#: Roles whose holders carry an account; account rules default to these.
KEY_ROLES: tuple[Role, ...] = (
    Role.EXECUTIVE_SPONSOR,
    Role.FINANCIAL_APPROVER,
    Role.DECISION_INFLUENCER,
    Role.CHAMPION,
)


def per_month(count: int, days: int) -> float:
    """A count as a rate per 30 days, rounded for display and evidence."""
    return round(count * 30 / days, 2)


def iso(moment: dt.datetime | dt.date | None) -> str | None:
    if moment is None:
        return None
    return (moment.date() if isinstance(moment, dt.datetime) else moment).isoformat()


def role_label(role: Role | None) -> str:
    return role.value.replace("_", " ") if role is not None else "no role"


def signal(stats: ContactStats, name: str) -> tuple[int, str | None]:
    """How many recent notes matched a note signal, and the date of the latest."""
    return int(stats.note_signals.get(name, 0)), iso(stats.note_signal_last.get(name))


def days_quiet(member: Member, today: dt.date) -> int | None:
    """Days since the last touch, or since the person was added when never touched."""
    moment = member.stats.last_touch or member.stats.first_seen
    return None if moment is None else (today - moment.date()).days
