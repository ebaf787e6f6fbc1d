"""The routine rhythm: how often each relationship should hear from you.

Relationships stay warm through steady, unhurried contact rather than bursts.
How steady depends on how much the relationship matters (its tier), on the
person's part in the account (a champion or a sponsor needs more attention)
and on where the relationship stands (a new client more than a dormant one).
The next touch falls due one interval after the last one, whoever reached out.

A rhythm you set for one person (`keepwarm contact rhythm ada "every 3 weeks"`, or
`c` on the contact screen; `contact.rhythm_days` to a plugin) is yours to choose:
it takes the place of the tier, role and stage limits and of `off_stages`, and the
reason says so ("you set this rhythm for Ada, in place of monthly for tier A").
The prospect sequence and the recovery cadence still take over while they apply.
A snoozed person (`keepwarm contact snooze ada "not before March"`, or `s`) is held
back by the engine for every cadence rule alike: nothing falls due before the day.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from keepwarm.plugin import (
    ContactContext,
    Proposal,
    Role,
    Stage,
    applies,
    first_name,
    full_date,
    hookimpl,
    per_settings,
    rhythm,
    section,
)

from ._cadence_common import by_channel, check_in, start_day, taken_over_by

SECTION = "cadence"

Days = Annotated[int, Field(ge=1, le=730)]
Stretch = Annotated[float, Field(ge=1, le=10)]


class TierDays(BaseModel):
    """The base interval of each tier, in days."""

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)

    a: int = Field(30, ge=1, le=730, description="Days between touches for tier A, the relationships that matter most.")
    b: int = Field(60, ge=1, le=730, description="Days between touches for tier B.")
    c: int = Field(120, ge=1, le=730, description="Days between touches for tier C, the wide network.")


class Settings(BaseModel):
    """Parameters of the routine rhythm; the source of rules/cadence.toml (generated)."""

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)

    enabled: bool = Field(True, description="Propose a routine touch for every contact at their rhythm.")
    tier_days: TierDays = Field(default_factory=TierDays, description="Base interval of each tier, in days.")
    role_days: dict[Role, Days] = Field(
        default_factory=lambda: {
            Role.CHAMPION: 21,
            Role.EXECUTIVE_SPONSOR: 30,
            Role.DECISION_INFLUENCER: 45,
            Role.FINANCIAL_APPROVER: 45,
        },
        description="Longest interval, in days, for a stakeholder role; roles not listed keep their tier's.",
    )
    stage_days: dict[Stage, Days] = Field(
        default_factory=lambda: {Stage.PROSPECT: 14, Stage.NEW_CLIENT: 14, Stage.AT_RISK: 14},
        description="Longest interval, in days, in a relationship stage; stages not listed keep the others'.",
    )
    stage_stretch: dict[Stage, Stretch] = Field(
        default_factory=lambda: {Stage.DORMANT: 2.0},
        description="Factor (1-10) that lengthens the interval in a stage, applied after the tightest limit.",
    )
    off_stages: list[Stage] = Field(
        default_factory=lambda: [Stage.FORMER], description="Stages with no routine rhythm at all."
    )
    first_touch_grace_days: int = Field(
        3, ge=0, le=60, description="A contact never touched is due this many days after being added."
    )
    defer_to_sequences: bool = Field(
        True,
        description="Step aside while the new-prospect sequence or the recovery cadence sets this contact's rhythm.",
    )


keepwarm_config_section = section(SECTION, Settings)


def interval_for(ctx: ContactContext, cfg: Settings) -> tuple[int, list[str]] | None:
    """The effective interval and what set it: the tightest of tier, role and stage, then stretched."""
    contact = ctx.contact
    if contact.stage in cfg.off_stages:
        return None
    limits = [(getattr(cfg.tier_days, contact.tier.value), f"tier {contact.tier.value.upper()}")]
    if contact.role in cfg.role_days:
        limits.append((cfg.role_days[contact.role], contact.role.value.replace("_", " ")))
    if contact.stage in cfg.stage_days:
        limits.append((cfg.stage_days[contact.stage], contact.stage.value.replace("_", " ")))
    days = min(value for value, _ in limits)
    why = [label for value, label in limits if value == days]
    if contact.stage in cfg.stage_stretch:
        days = round(days * cfg.stage_stretch[contact.stage])
        why.append(contact.stage.value)
    return min(days, 730), why


@per_settings
def _intervals(cfg: Settings) -> dict:
    """(tier, role, stage) -> (days, what set them, the check-in's name): the same for every contact alike."""
    return {}


def _interval(ctx: ContactContext, cfg: Settings) -> tuple[int, str, str] | None:
    contact = ctx.contact
    known = _intervals(cfg)
    key = (contact.tier, contact.role, contact.stage)
    if key not in known:
        found = interval_for(ctx, cfg)
        if found is None:
            known[key] = None
        else:
            days, why = found
            label = check_in(days)
            known[key] = (days, ", ".join(why), f"{label[0].upper()}{label[1:]}")
    return known[key]


def _own_interval(ctx: ContactContext, cfg: Settings, name: str) -> tuple[int, str, str]:
    """The rhythm the user set for this person, and what it stands in place of (the rules' own interval)."""
    days = ctx.contact.rhythm_days
    assert days is not None  # only asked for a contact who has one
    ruled = _interval(ctx, cfg)
    if ruled is None:
        instead = f"though stage {ctx.contact.stage.value} has no routine rhythm"
    else:
        instead = f"in place of {rhythm(ruled[0])} for {ruled[1]}"
    label = check_in(days)
    return days, f"you set this rhythm for {name}, {instead}", f"{label[0].upper()}{label[1:]}"


@hookimpl
def keepwarm_cadence(ctx: ContactContext):
    cfg = applies(ctx, SECTION, reachable=True)
    if cfg is None:
        return None
    if cfg.defer_to_sequences and taken_over_by(ctx) is not None:
        return None
    name = first_name(ctx.contact.name)
    found = _own_interval(ctx, cfg, name) if ctx.contact.rhythm_days is not None else _interval(ctx, cfg)
    if found is None:
        return None
    days, why, label = found
    last = ctx.stats.last_touch
    channel = ctx.contact.preferred_channel
    if last is None:
        due = start_day(ctx) + dt.timedelta(days=cfg.first_touch_grace_days)
        since = "you have not been in touch yet"
    else:
        due = last.date() + dt.timedelta(days=days)
        since = f"last touch on {full_date(last.date())}"
    reason = f"{label} with {name} ({why}): {since}{by_channel(channel, name)}."
    return [
        Proposal(
            rule_key=SECTION,
            due=due,
            reason=reason,
            channel=channel,
            action=f"Check in with {name}: ask how things are going for them.",
            priority=2 if ctx.contact.tier.value == "a" else 3,
            interval_days=days,
        )
    ]
