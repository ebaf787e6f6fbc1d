"""The mood of recent touches turning negative.

Feedback that slides from warm to neutral to sour is an early sign of trouble,
and easy to miss one conversation at a time. The rule averages the sentiment
you logged (-2..+2) over the recent window and compares it with the contact's
own baseline and with a floor.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from keepwarm.plugin import ContactContext, Warning, applies, first_name, hookimpl, section

SECTION = "sentiment_shift"


class Settings(BaseModel):
    """Parameters of the sentiment shift; the source of rules/warnings.toml (generated)."""

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)

    enabled: bool = Field(True, description="Warn when the mood of recent touches turns negative.")
    drop: float = Field(
        1.0, gt=0, le=4, description="Warn when the recent average is at least this many points below the baseline's."
    )
    floor: float = Field(
        -0.5, ge=-2, le=2, description="Warn when the recent average is at or below this, whatever the baseline."
    )
    urgent_floor: float = Field(-1.0, ge=-2, le=2, description="Urgent when the recent average is at or below this.")
    min_rated: int = Field(
        3, ge=1, le=100, description="Touches with a sentiment needed in the recent window before judging."
    )


keepwarm_config_section = section(SECTION, Settings)


@hookimpl
def keepwarm_warnings(ctx: ContactContext):
    cfg = applies(ctx, SECTION)
    s = ctx.stats
    if cfg is None or s.sentiment_recent is None or s.sentiment_count_recent < cfg.min_rated:
        return None
    recent, baseline = s.sentiment_recent, s.sentiment_baseline
    fell = None if baseline is None else round(baseline - recent, 2)
    dropped = fell is not None and fell >= cfg.drop
    low = recent <= cfg.floor
    if not dropped and not low:
        return None
    name = first_name(ctx.contact.name)
    rated = s.sentiment_count_recent
    message = f"The mood with {name} has turned: the last {rated} rated touches average {recent:+.1f}"
    message += f", down from {baseline:+.1f} before." if dropped else " on a scale of -2 to +2."
    evidence: dict = {"sentiment_recent": round(recent, 2), "rated_recent": s.sentiment_count_recent}
    if baseline is not None:
        evidence |= {"sentiment_baseline": round(baseline, 2), "drop": fell}
    evidence["recent_days"] = s.recent_days
    return [Warning(key=SECTION, message=message, severity=3 if recent <= cfg.urgent_floor else 2, evidence=evidence)]
