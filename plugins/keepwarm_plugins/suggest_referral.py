"""Ask a contact who trusts you for a referral or an introduction.

People who trust you and already speak up for you are glad to open a door; the
time to ask is when the latest assessment says so and nothing suggests the
relationship is cooling.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from keepwarm.plugin import (
    Channel,
    ContactContext,
    Stage,
    Suggestion,
    applies,
    first_name,
    hookimpl,
    section,
    warnings_for,
)

from ._suggest_common import COOLING

SECTION = "referral"


class Settings(BaseModel):
    """Parameters of the ask-for-a-referral suggestion; the source of rules/suggestions.toml (generated)."""

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)

    enabled: bool = Field(True, description="Suggest asking for a referral when trust is high.")
    min_trust: int = Field(4, ge=1, le=5, description="Lowest trust rating (1-5) in the latest assessment.")
    min_advocacy: int = Field(4, ge=1, le=5, description="Lowest advocacy rating (1-5) in the latest assessment.")
    max_assessment_age_days: int = Field(
        365, ge=1, le=3650, description="Ignore assessments older than this many days; they no longer say much."
    )
    min_days_between: int = Field(
        90, ge=1, le=3650, description="Stay quiet when you asked them a favor this many days ago or less."
    )
    cooling_warnings: list[str] = Field(
        default_factory=lambda: list(COOLING),
        description="Warnings that mean the relationship is cooling; with any of them, do not ask now.",
    )
    score: float = Field(0.5, ge=0, le=1, description="How high this suggestion ranks (0-1).")


keepwarm_config_section = section(SECTION, Settings)


@hookimpl
def keepwarm_suggestions(ctx: ContactContext):
    cfg = applies(ctx, SECTION, reachable=True)
    rating = ctx.stats.latest_assessment
    if cfg is None or rating is None or ctx.contact.stage in (Stage.AT_RISK, Stage.FORMER):
        return None
    if (ctx.today - rating.on).days > cfg.max_assessment_age_days:
        return None
    if rating.trust < cfg.min_trust or rating.advocacy < cfg.min_advocacy:
        return None
    if warnings_for(ctx, cfg.cooling_warnings):
        return None
    last = ctx.stats.last_favor_asked
    if last is not None and (ctx.today - last.date()).days < cfg.min_days_between:
        return None
    name = first_name(ctx.contact.name)
    where = f"at {ctx.contact.account} or elsewhere" if ctx.contact.account else "in their network"
    return [
        Suggestion(
            key=SECTION,
            text=f"Ask {name} for a referral: who {where} should you meet, and would they introduce you?",
            why=f"{name}'s latest assessment ({rating.on.isoformat()}) rates trust {rating.trust}/5 and advocacy "
            f"{rating.advocacy}/5, and nothing shows the relationship cooling.",
            score=cfg.score,
            channel=Channel.CALL,
        )
    ]
