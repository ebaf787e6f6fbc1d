"""Meetings that do not happen.

When someone starts declining, cancelling, moving or missing meetings, access
is closing before anything is said aloud. The rule counts those meetings in
the recent window and compares their rate with the contact's own past, so a
person who always reschedules is not reported for their habit.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from keepwarm.plugin import ContactContext, Warning, applies, first_name, hookimpl, plural, section

from ._warn_common import per_month

SECTION = "access_restriction"


class Settings(BaseModel):
    """Parameters of the access restriction; the source of rules/warnings.toml (generated)."""

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)

    enabled: bool = Field(True, description="Warn when meetings are declined, cancelled, rescheduled or missed.")
    min_recent: int = Field(
        2, ge=1, le=100, description="Meetings that did not happen, in the recent window, before a warning."
    )
    baseline_factor: float = Field(
        1.5,
        ge=1,
        le=50,
        description="Their rate per month must also be more than this many times the baseline's.",
    )
    urgent_recent: int = Field(4, ge=1, le=100, description="Urgent from this many meetings that did not happen.")


keepwarm_config_section = section(SECTION, Settings)


@hookimpl
def keepwarm_warnings(ctx: ContactContext):
    cfg = applies(ctx, SECTION, reachable=True)
    if cfg is None:
        return None
    s = ctx.stats
    recent, baseline = s.access_problems_recent, s.access_problems_baseline
    if recent < cfg.min_recent:
        return None
    recent_pm, baseline_pm = per_month(recent, s.recent_days), per_month(baseline, s.baseline_days)
    if recent * s.baseline_days <= cfg.baseline_factor * baseline * s.recent_days:  # rates compared exactly
        return None
    before = f"{baseline or 'none'} in the {plural(s.baseline_days, 'day')} before"
    return [
        Warning(
            key=SECTION,
            message=(
                f"{first_name(ctx.contact.name)} is getting harder to meet: {plural(recent, 'meeting')} declined, cancelled, "
                f"moved or missed in the last {plural(s.recent_days, 'day')} ({before})."
            ),
            severity=3 if recent >= cfg.urgent_recent else 2,
            evidence={
                "problems_recent": recent,
                "problems_baseline": baseline,
                "recent_per_month": recent_pm,
                "baseline_per_month": baseline_pm,
                "recent_days": s.recent_days,
                "baseline_days": s.baseline_days,
            },
        )
    ]
