"""Invite this person to a meal or an event, with business left aside.

Time together away from the desk is how people get to know each other; talking
shop spoils it. The rule suggests it where trust is decent and you have not
spent such time together for a while.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from keepwarm.plugin import (
    Channel,
    ContactContext,
    Suggestion,
    ago,
    applies,
    first_name,
    hookimpl,
    plural,
    section,
    warnings_for,
)

SECTION = "entertain"


class Settings(BaseModel):
    """Parameters of the entertain-without-business suggestion; the source of rules/suggestions.toml (generated)."""

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)

    enabled: bool = Field(True, description="Suggest a meal or event with no business on the agenda.")
    min_trust: int = Field(3, ge=1, le=5, description="Lowest trust rating (1-5) in the latest assessment.")
    min_touches: int = Field(
        4,
        ge=1,
        le=1000,
        description="Without an assessment: how many touches there must have been (with a mood not below neutral).",
    )
    min_days_between: int = Field(
        90, ge=1, le=3650, description="Stay quiet when you entertained them this many days ago or less."
    )
    avoid_warnings: list[str] = Field(
        default_factory=lambda: ["push_away", "sentiment_shift"],
        description="Warnings that make an invitation the wrong step for now.",
    )
    score: float = Field(0.35, ge=0, le=1, description="How high this suggestion ranks (0-1); a routine idea.")


keepwarm_config_section = section(SECTION, Settings)


@hookimpl
def keepwarm_suggestions(ctx: ContactContext):
    cfg = applies(ctx, SECTION, reachable=True)
    if cfg is None or warnings_for(ctx, cfg.avoid_warnings):
        return None
    stats, name = ctx.stats, first_name(ctx.contact.name)
    last = stats.last_entertainment
    if last is not None and (ctx.today - last.date()).days < cfg.min_days_between:
        return None
    rating = stats.latest_assessment
    if rating is not None:
        if rating.trust < cfg.min_trust:
            return None
        basis = f"trust is {rating.trust}/5 (assessed {rating.on.isoformat()})"
    else:
        mood = stats.sentiment_recent
        if stats.touches_total < cfg.min_touches or (mood is not None and mood < 0):
            return None
        basis = f"you have been in touch {plural(stats.touches_total, 'time')}" + (
            f" and the mood is {mood:+.1f}" if mood is not None else ""
        )
    since = (
        f"your last time together outside work was {ago(last.date(), ctx.today)}"
        if last
        else f"you have never spent time with {name} outside work"
    )
    idea = f" around {ctx.contact.interests[0]}" if ctx.contact.interests else ""
    return [
        Suggestion(
            key=SECTION,
            text=f"Invite {name} to a meal or an event{idea}, and leave business aside: the point is to get "
            "to know each other. If something must be said about work, keep it for the very end.",
            why=f"{basis[0].upper()}{basis[1:]}, and {since}.",
            score=cfg.score,
            channel=Channel.MEAL,
        )
    ]
