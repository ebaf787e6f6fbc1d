"""Typed views of the team dashboard (`services.team.team_dashboard`), built in the worker that fetched it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .screen_views import KeyOnCadence, Named
from .views import view_of


@dataclass(frozen=True, slots=True)
class TeamTouches:
    done: int
    plan: float
    plan_to_date: float
    ratio: float | None
    #: Touches logged each week shown, and what the rhythms asked for (the last week: so far).
    weekly: tuple[int, ...]
    weekly_plan: tuple[float, ...]


@dataclass(frozen=True, slots=True)
class TeamPromises:
    due: int
    on_time: int
    late: int
    missed: int
    share: float | None


@dataclass(frozen=True, slots=True)
class TeamHealth:
    mean: float | None
    weekly: tuple[float | None, ...]
    change: float | None
    warm: int = 0
    cooling: int = 0
    cold: int = 0


@dataclass(frozen=True, slots=True)
class Coverage:
    key_roles: int
    covered: int
    share: float | None


@dataclass(frozen=True, slots=True)
class TeamAccount:
    id: int
    name: str
    health: int | None
    band: str | None
    weekly: tuple[float | None, ...]
    change: float | None
    roles_covered: int
    roles: int
    key_roles_missing: tuple[str, ...]
    roles_cold: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class TeamPerson:
    name: str
    contacts: int
    touches: TeamTouches
    followups_overdue: int
    promises: TeamPromises
    key_on_cadence: KeyOnCadence
    health: TeamHealth
    account_health: TeamHealth
    coverage: Coverage
    accounts: tuple[TeamAccount, ...]

    @classmethod
    def from_json(cls, p: Mapping[str, Any]) -> TeamPerson:
        k = p["key_on_cadence"]
        return view_of(
            cls,
            p,
            touches=view_of(TeamTouches, p["touches"]),
            promises=view_of(TeamPromises, p["promises"]),
            key_on_cadence=view_of(KeyOnCadence, k, behind=tuple(view_of(Named, b) for b in k["behind"])),
            health=view_of(TeamHealth, p["health"]),
            account_health=view_of(TeamHealth, p["account_health"]),
            coverage=view_of(Coverage, p["coverage"]),
            accounts=tuple(view_of(TeamAccount, a) for a in p["accounts"]),
        )


@dataclass(frozen=True, slots=True)
class TeamView:
    """`team.team_dashboard`, typed."""

    on: dt.date
    week_start: dt.date
    weeks: tuple[dt.date, ...]
    people: tuple[TeamPerson, ...]

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> TeamView:
        return cls(
            on=dt.date.fromisoformat(data["on"]),
            week_start=dt.date.fromisoformat(data["week"]["start"]),
            weeks=tuple(dt.date.fromisoformat(w) for w in data["weeks"]),
            people=tuple(TeamPerson.from_json(p) for p in data["people"]),
        )
