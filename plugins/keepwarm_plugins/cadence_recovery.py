"""More frequent contact while trust is being rebuilt.

After a mistake or a rough patch, silence reads as indifference. While a
relationship is at risk, after a recovery conversation, or when the recent
mood of your touches has turned negative, this rule asks for a short, steady
rhythm (weekly by default) so the person sees you are committed to fixing
things. It replaces the routine rhythm for as long as one of those holds.
"""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, ConfigDict, Field

from keepwarm.plugin import ContactContext, Proposal, Stage, applies, first_name, full_date, hookimpl, section

from ._cadence_common import RECOVERY_SECTION, by_channel, recovery_triggers, rhythm

SECTION = RECOVERY_SECTION


class Settings(BaseModel):
    """Parameters of the recovery cadence; the source of rules/cadence.toml (generated)."""

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)

    enabled: bool = Field(True, description="Tighten the rhythm while trust is being rebuilt.")
    interval_days: int = Field(7, ge=1, le=60, description="Days between touches during recovery.")
    when_at_risk: bool = Field(True, description="Apply to every contact whose stage is at_risk.")
    recovery_touch_days: int = Field(
        30, ge=0, le=365, description="Apply for this many days after a touch logged with purpose recovery."
    )
    sentiment_at_most: float = Field(
        -0.5, ge=-2, le=2, description="Apply when the average mood of recent touches (-2..+2) is at or below this."
    )
    min_rated_touches: int = Field(
        2, ge=1, le=50, description="How many recent touches need a mood before their average counts."
    )
    skip_stages: list[Stage] = Field(
        default_factory=lambda: [Stage.FORMER], description="Stages where no recovery rhythm is proposed."
    )


keepwarm_config_section = section(SECTION, Settings)


@hookimpl
def keepwarm_cadence(ctx: ContactContext):
    cfg = applies(ctx, SECTION, reachable=True)
    if cfg is None:
        return None
    triggers = recovery_triggers(ctx, cfg)
    if not triggers:
        return None
    name, last = first_name(ctx.contact.name), ctx.stats.last_touch
    channel = ctx.contact.preferred_channel
    due = ctx.today if last is None else last.date() + dt.timedelta(days=cfg.interval_days)
    since = "no touch yet" if last is None else f"last touch on {full_date(last.date())}"
    return [
        Proposal(
            rule_key=SECTION,
            due=due,
            channel=channel,
            priority=1,
            interval_days=cfg.interval_days,
            reason=f"Rebuilding trust with {name}: stay in touch {rhythm(cfg.interval_days)} because "
            f"{' and '.join(triggers)}; {since}{by_channel(channel, name)}.",
            action=f"Tell {name} where things stand on what went wrong, and listen to how it lands.",
        )
    ]
