"""Fewer touches than this contact's own usual rhythm.

A relationship rarely ends with a quarrel; it fades as the touches thin out.
Each contact is measured against their own past, not against a fixed number:
someone you spoke to twice a month who now hears from you once a quarter is
cooling, whatever the tier says.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from keepwarm.plugin import ContactContext, Stage, Warning, applies, first_name, hookimpl, noun, plural, section

from ._warn_common import per_month

SECTION = "frequency_drop"


class Settings(BaseModel):
    """Parameters of the touch-rate drop; the source of rules/warnings.toml (generated)."""

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)

    enabled: bool = Field(True, description="Warn when the touch rate falls well below the contact's own baseline.")
    ratio: float = Field(
        0.5,
        gt=0,
        lt=1,
        description="Warn when the recent touches per month are below this share of the baseline's.",
    )
    urgent_ratio: float = Field(
        0.25, ge=0, lt=1, description="Urgent when the recent rate is below this share of the baseline's."
    )
    min_baseline_touches: int = Field(
        4,
        ge=1,
        le=1000,
        description="Touches the baseline window must hold before a drop is judged (new contacts have none).",
    )
    skip_stages: list[Stage] = Field(
        default_factory=lambda: [Stage.DORMANT],
        description="Stages where fewer touches are intended, so a drop is not reported.",
    )


keepwarm_config_section = section(SECTION, Settings)


@hookimpl
def keepwarm_warnings(ctx: ContactContext):
    cfg = applies(ctx, SECTION, reachable=True)
    stats = ctx.stats
    if cfg is None or ctx.contact.stage in cfg.skip_stages or stats.touches_baseline < cfg.min_baseline_touches:
        return None
    recent, baseline = stats.rate_recent(), stats.rate_baseline()
    if recent >= cfg.ratio * baseline:
        return None
    share = recent / baseline
    recent_pm, baseline_pm = (
        per_month(stats.touches_recent, stats.recent_days),
        per_month(stats.touches_baseline, stats.baseline_days),
    )
    name = first_name(ctx.contact.name)
    return [
        Warning(
            key=SECTION,
            message=(
                f"You and {name} are in touch less than usual: {recent_pm:g} {noun(recent_pm, 'touch')} a month over the last "
                f"{plural(stats.recent_days, 'day')}, against {baseline_pm:g} a month in the "
                f"{plural(stats.baseline_days, 'day')} before."
            ),
            severity=3 if share < cfg.urgent_ratio else 2,
            evidence={
                "recent_per_month": recent_pm,
                "baseline_per_month": baseline_pm,
                "share_of_baseline": round(share, 2),
                "recent_days": stats.recent_days,
                "baseline_days": stats.baseline_days,
                "touches_recent": stats.touches_recent,
                "touches_baseline": stats.touches_baseline,
            },
        )
    ]
