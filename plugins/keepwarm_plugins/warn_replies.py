"""Fewer or slower answers to what I send.

How readily someone answers is one of the first things to change when a
relationship cools, well before anyone says so. The rule compares the share of
my outbound touches they answered, and how long they took, with their own past.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from keepwarm.plugin import ContactContext, Warning, applies, first_name, hookimpl, plural, section

SECTION = "reply_slowdown"


class Settings(BaseModel):
    """Parameters of the reply slowdown; the source of rules/warnings.toml (generated)."""

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)

    enabled: bool = Field(True, description="Warn when the contact answers less often or more slowly than before.")
    rate_ratio: float = Field(
        0.6, gt=0, lt=1, description="Warn when the recent reply rate is below this share of the baseline's."
    )
    min_asked_recent: int = Field(
        3, ge=1, le=1000, description="Outbound touches with a known answer needed in the recent window."
    )
    min_asked_baseline: int = Field(
        3, ge=1, le=1000, description="Outbound touches with a known answer needed in the baseline window."
    )
    latency_factor: float = Field(
        2.0, gt=1, le=50, description="Warn when they now take more than this many times as long to answer."
    )
    min_latency_hours: float = Field(
        24.0, ge=0, le=2000, description="Slower answers that still come within this many hours are not reported."
    )
    urgent_rate: float = Field(
        0.25, ge=0, le=1, description="Urgent when the recent reply rate is at or below this (or both signs show)."
    )


keepwarm_config_section = section(SECTION, Settings)


def _percent(rate: float) -> str:
    return f"{round(rate * 100)}%"


@hookimpl
def keepwarm_warnings(ctx: ContactContext):
    cfg = applies(ctx, SECTION, reachable=True)
    if cfg is None:
        return None
    s, name = ctx.stats, first_name(ctx.contact.name)
    evidence: dict = {}
    parts: list[str] = []
    rate_recent, rate_base = s.reply_rate_recent(), s.reply_rate_baseline()
    fewer = (
        rate_recent is not None
        and rate_base is not None
        and s.asked_recent >= cfg.min_asked_recent
        and s.asked_baseline >= cfg.min_asked_baseline
        and rate_recent < cfg.rate_ratio * rate_base
    )
    if fewer:
        assert rate_recent is not None and rate_base is not None  # fewer holds only with both rates
        parts.append(
            f"answered {s.replied_recent} of your last {plural(s.asked_recent, 'message')} ({_percent(rate_recent)}), "
            f"against {_percent(rate_base)} before"
        )
        evidence |= {
            "reply_rate_recent": round(rate_recent, 2),
            "reply_rate_baseline": round(rate_base, 2),
            "replied_recent": s.replied_recent,
            "asked_recent": s.asked_recent,
            "replied_baseline": s.replied_baseline,
            "asked_baseline": s.asked_baseline,
        }
    late_recent, late_base = s.latency_recent_hours, s.latency_baseline_hours
    slower = (
        late_recent is not None
        and late_base is not None
        and late_recent >= cfg.min_latency_hours
        and late_recent > cfg.latency_factor * late_base
    )
    if slower:
        assert late_recent is not None and late_base is not None  # slower holds only with both latencies
        parts.append(f"takes about {plural(round(late_recent), 'hour')} to answer, against {late_base:.0f} before")
        evidence |= {"latency_recent_hours": round(late_recent, 1), "latency_baseline_hours": round(late_base, 1)}
    if not parts:
        return None
    urgent = (fewer and slower) or (fewer and rate_recent <= cfg.urgent_rate)
    evidence |= {"recent_days": s.recent_days, "baseline_days": s.baseline_days}
    return [
        Warning(
            key=SECTION,
            message=f"{name} " + " and ".join(parts) + ".",
            severity=3 if urgent else 2,
            evidence=evidence,
        )
    ]
