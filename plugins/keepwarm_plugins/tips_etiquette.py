"""Manners that build trust: no business at the table, and check-ins about them.

A dinner, a game or an event is for getting to know each other; turning it
into a sales call spends the goodwill it was meant to build. And a check-in
that is really a pitch teaches people to stop answering. These tips appear
when such a touch is planned or has just happened.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from keepwarm.plugin import (
    Channel,
    ContactContext,
    FollowUp,
    FollowUpStatus,
    Tip,
    applies,
    hookimpl,
    per_settings,
    section,
)

from ._tips_common import TipText, fill

SECTION = "etiquette_tips"
TOPIC = "etiquette"


class Settings(BaseModel):
    """When and what the etiquette tips say; the source of rules/tips.toml (generated). `{name}` is the first name."""

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)

    enabled: bool = Field(True, description="Show etiquette tips for entertaining and check-ins.")
    entertaining_channels: list[Channel] = Field(
        default_factory=lambda: [Channel.MEAL, Channel.EVENT],
        description="Channels that count as entertaining, in a planned follow-up or as the preferred channel.",
    )
    upcoming_days: int = Field(
        7, ge=0, le=365, description="Planned follow-ups count when due within this many days (or overdue)."
    )
    recent_entertainment_days: int = Field(
        14, ge=0, le=365, description="Also show the tip this many days after a touch logged as entertainment."
    )
    entertaining: TipText = Field(
        "When you take {name} out, leave business at the door: the time is for getting to know each other. "
        "If something must be raised, keep it for the very end.",
        description="The tip for entertaining.",
    )
    check_in_rules: list[Annotated[str, Field(min_length=1, max_length=200)]] = Field(
        default_factory=lambda: ["cadence", "recovery_cadence", "prospect_sequence.touch"],
        description="Rule keys of follow-ups that are check-ins (a key also matches its sub-keys).",
    )
    check_in: TipText = Field(
        "Make the check-in about {name}: ask how things are going and what is on their plate, "
        "and keep your own agenda out of it unless they ask.",
        description="The tip for a planned check-in.",
    )


keepwarm_config_section = section(SECTION, Settings)


def _upcoming(ctx: ContactContext, cfg: Settings) -> list[FollowUp]:
    """Open follow-ups due soon; a snoozed one counts from the day it wakes up."""
    if not ctx.followups:
        return []
    horizon = ctx.today + dt.timedelta(days=cfg.upcoming_days)
    return [
        f
        for f in ctx.followups
        if (f.snoozed_until if f.status == FollowUpStatus.SNOOZED and f.snoozed_until else f.due) <= horizon
    ]


def _entertaining(ctx: ContactContext, cfg: Settings, upcoming: list[FollowUp]) -> bool:
    if any(f.channel in cfg.entertaining_channels for f in upcoming):
        return True
    if ctx.contact.preferred_channel in cfg.entertaining_channels:
        return True
    last = ctx.stats.last_entertainment
    return last is not None and ctx.today - last.date() <= dt.timedelta(days=cfg.recent_entertainment_days)


@per_settings
def _check_in_keys(cfg: Settings) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The rule keys that make a follow-up a check-in, and the prefixes of their sub-keys."""
    keys = tuple(cfg.check_in_rules)
    return keys, tuple(k + "." for k in keys)


def _checking_in(ctx: ContactContext, cfg: Settings, upcoming: list[FollowUp]) -> bool:
    if not upcoming:
        return False
    keys, subkeys = _check_in_keys(cfg)
    return any(f.rule_key in keys or f.rule_key.startswith(subkeys) for f in upcoming)


@hookimpl
def keepwarm_tips(ctx: ContactContext):
    cfg = applies(ctx, SECTION)
    if cfg is None:
        return None
    out = []
    upcoming = _upcoming(ctx, cfg)
    if _entertaining(ctx, cfg, upcoming):
        out.append(Tip(text=fill(cfg.entertaining, ctx), topic=TOPIC))
    if _checking_in(ctx, cfg, upcoming):
        out.append(Tip(text=fill(cfg.check_in, ctx), topic=TOPIC))
    return out or None
