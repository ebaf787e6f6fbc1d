"""When a relationship is in trouble, work through a recovery plan.

Trust that was damaged comes back through a deliberate sequence: say that
something is wrong, find out why, take your share of it, plan the fix, tell the
other side the plan, and follow it through. The rule proposes it when the
contact is marked at risk or a warning shows the damage.
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
    joined,
    section,
    warnings_for,
)

from ._suggest_common import label

SECTION = "recovery_plan"

STEPS = (
    "1) acknowledge the problem to them openly",
    "2) find its root cause",
    "3) own your part of it",
    "4) plan the fix",
    "5) tell them the plan",
    "6) track it until trust is back",
)


class Settings(BaseModel):
    """Parameters of the recovery-plan suggestion; the source of rules/suggestions.toml (generated)."""

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)

    enabled: bool = Field(True, description="Suggest the six-step recovery plan for relationships in trouble.")
    warnings: list[str] = Field(
        default_factory=lambda: ["sentiment_shift", "push_away", "overdue_promises"],
        description="Warnings that call for a recovery plan.",
    )
    at_risk: bool = Field(True, description="Also suggest it for every contact whose stage is 'at_risk'.")
    score: float = Field(0.8, ge=0, le=1, description="Rank (0-1) with one reason; each further reason adds 0.05.")


keepwarm_config_section = section(SECTION, Settings)


@hookimpl
def keepwarm_suggestions(ctx: ContactContext):
    cfg = applies(ctx, SECTION, reachable=True)
    if cfg is None:
        return None
    found = warnings_for(ctx, cfg.warnings)
    reasons = [label(w.key) for w in found]
    name = first_name(ctx.contact.name)
    if cfg.at_risk and ctx.contact.stage == Stage.AT_RISK:
        reasons.append(f"{name} is marked at risk")
    if not reasons:
        return None
    return [
        Suggestion(
            key=SECTION,
            text=f"Start a recovery plan with {name}: " + ", ".join(STEPS) + ".",
            why=f"Triggered by {joined(reasons)}.",
            score=round(min(1.0, cfg.score + 0.05 * (len(reasons) - 1)), 2),
            channel=Channel.MEETING,
        )
    ]
