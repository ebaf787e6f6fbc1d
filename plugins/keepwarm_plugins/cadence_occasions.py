"""Dates that matter to the person: birthdays, work anniversaries, milestones.

A note on someone's birthday or on the anniversary of their start says you
see the person, not just the account. The follow-up falls due a few days
ahead so there is time for a card or a thoughtful message, and stays on the
agenda a little after the day for belated wishes. The years since you first
met can be marked too.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from keepwarm.plugin import (
    ContactContext,
    DateKind,
    ImportantDate,
    Proposal,
    applies,
    day_text,
    first_name,
    hookimpl,
    per_settings,
    section,
)

from ._cadence_common import by_channel

SECTION = "occasions"


class LeadDays(BaseModel):
    """How many days before each kind of occasion the follow-up falls due."""

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)

    birthday: int = Field(3, ge=0, le=60, description="Days before a birthday.")
    work_anniversary: int = Field(2, ge=0, le=60, description="Days before a work anniversary.")
    anniversary: int = Field(2, ge=0, le=60, description="Days before another yearly anniversary.")
    custom: int = Field(7, ge=0, le=60, description="Days before a custom date.")
    relationship: int = Field(7, ge=0, le=60, description="Days before the anniversary of your first touch.")


class Settings(BaseModel):
    """Parameters of the occasions rule; the source of rules/cadence.toml (generated)."""

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)

    enabled: bool = Field(True, description="Propose a touch ahead of the contact's important dates.")
    kinds: list[DateKind] = Field(
        default_factory=lambda: list(DateKind),
        description="Kinds of dates that get a follow-up: birthday, work_anniversary, anniversary, custom.",
    )
    lead_days: LeadDays = Field(default_factory=LeadDays, description="Days ahead of each kind of occasion.")
    days_after: int = Field(
        2, ge=0, le=30, description="An occasion stays on the agenda this many days after the date, for belated wishes."
    )
    mention_age: bool = Field(True, description="Say which birthday it is (41st), when the birth year is known.")
    relationship_years: list[Annotated[int, Field(ge=1, le=100)]] = Field(
        default_factory=lambda: [1, 5, 10, 15, 20, 25],
        description="Years since your first recorded touch worth marking; an empty list turns these milestones off.",
    )


keepwarm_config_section = section(SECTION, Settings)


@lru_cache(maxsize=256)
def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def _what(date: ImportantDate, on: dt.date, name: str, cfg: Settings) -> str:
    years = on.year - date.year if date.year is not None and date.year < on.year else None
    if date.kind == DateKind.BIRTHDAY:
        return f"{name}'s {_ordinal(years)} birthday" if years and cfg.mention_age else f"{name}'s birthday"
    if date.kind == DateKind.WORK_ANNIVERSARY:
        return f"{name}'s {_ordinal(years)} work anniversary" if years else f"{name}'s work anniversary"
    label = date.label or ("anniversary" if date.kind == DateKind.ANNIVERSARY else "special day")
    return f"{name}'s {label}" + (f" ({_ordinal(years)} year)" if years else "")


def _proposal(
    key: str, on: dt.date, lead: dt.timedelta, what: str, ctx: ContactContext, action: str, name: str
) -> Proposal:
    channel = ctx.contact.preferred_channel
    return Proposal(
        rule_key=key,
        due=on - lead,
        channel=channel,
        action=action,
        reason=f"{what} is on {day_text(on)} ({on.isoformat()}): mark the day{by_channel(channel, name)}.",
    )


class _Prepared:
    """The settings as the rule reads them for every contact: worked out once per settings object."""

    def __init__(self, cfg: Settings) -> None:
        self.kinds = frozenset(cfg.kinds)
        self.lead = {kind: dt.timedelta(days=getattr(cfg.lead_days, kind.value)) for kind in DateKind}
        self.relationship_lead = dt.timedelta(days=cfg.lead_days.relationship)
        self.after = dt.timedelta(days=cfg.days_after)
        #: Each milestone (years) with its rule key, in order.
        self.milestones = tuple(
            (years, f"{SECTION}.relationship.{years}y") for years in sorted(set(cfg.relationship_years))
        )
        self.keys: dict[tuple[DateKind, int, int], str] = {}  # (kind, month, day) -> rule key

    def key(self, date: ImportantDate) -> str:
        found = self.keys.get((date.kind, date.month, date.day))
        if found is None:
            found = self.keys[(date.kind, date.month, date.day)] = (
                f"{SECTION}.{date.kind.value}.{date.month:02d}-{date.day:02d}"
            )
        return found


_prepared = per_settings(_Prepared)


def _relationship(ctx: ContactContext, prepared: _Prepared, earliest: dt.date, name: str) -> Proposal | None:
    first = ctx.stats.first_touch
    if first is None:
        return None
    # The anniversary in a given year: what ImportantDate(month, day).next_occurrence(1 January) gives.
    month, day = first.month, first.day
    leap_day = month == 2 and day == 29
    for years, key in prepared.milestones:
        year = first.year + years
        if year < earliest.year:  # every day of that year is before the earliest
            continue
        if leap_day and not (year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)):
            on = dt.date(year, 2, 28)
        else:
            on = dt.date(year, month, day)
        if on >= earliest:
            what = f"The {years}-year anniversary of your first touch with {name}"
            return _proposal(
                key,
                on,
                prepared.relationship_lead,
                what,
                ctx,
                "Send a short note of thanks for the time you have worked together.",
                name,
            )
    return None


@hookimpl
def keepwarm_cadence(ctx: ContactContext):
    cfg = applies(ctx, SECTION, reachable=True)
    if cfg is None:
        return None
    prepared = _prepared(cfg)
    name, out = first_name(ctx.contact.name), []
    since = ctx.today - prepared.after
    dates = ctx.contact.dates
    if dates:
        for date in dates:
            if date.kind not in prepared.kinds:
                continue
            on = date.next_occurrence(since)
            out.append(
                _proposal(
                    prepared.key(date),
                    on,
                    prepared.lead[date.kind],
                    _what(date, on, name, cfg),
                    ctx,
                    f"Send {name} a personal message for the day.",
                    name,
                )
            )
    milestone = _relationship(ctx, prepared, since, name)
    if milestone is not None:
        out.append(milestone)
    return out or None
