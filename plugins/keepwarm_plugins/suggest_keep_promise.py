"""Keep the promises you made, on time.

Doing what you said, when you said it, is the first thing trust rests on. The
rule puts each promise of yours that is overdue or due soon in front of you,
overdue ones first.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from keepwarm.plugin import (
    CommitmentStatus,
    ContactContext,
    Party,
    Suggestion,
    ago,
    applies,
    day_text,
    first_name,
    hookimpl,
    section,
)

SECTION = "keep_promise"


class Settings(BaseModel):
    """Parameters of the keep-a-promise suggestion; the source of rules/suggestions.toml (generated)."""

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)

    enabled: bool = Field(True, description="Suggest keeping your promises that are due or overdue.")
    days_ahead: int = Field(7, ge=0, le=365, description="Suggest promises due up to this many days ahead.")
    score: float = Field(
        0.75,
        ge=0,
        le=1,
        description="Rank (0-1) of a promise due today; one due at the end of the window ranks 0.2 lower.",
    )
    overdue_score: float = Field(0.95, ge=0, le=1, description="Rank (0-1) of an overdue promise.")


keepwarm_config_section = section(SECTION, Settings)


@hookimpl
def keepwarm_suggestions(ctx: ContactContext):
    cfg = applies(ctx, SECTION, reachable=True)
    if cfg is None:
        return None
    name, out = first_name(ctx.contact.name), []
    for promise in ctx.commitments:
        if promise.by != Party.ME or promise.status != CommitmentStatus.OPEN or promise.due is None:
            continue
        until = (promise.due - ctx.today).days
        if until > cfg.days_ahead:
            continue
        if until < 0:
            text = f'Keep your promise to {name} now: "{promise.text}". It was due {ago(promise.due, ctx.today)}.'
            score = cfg.overdue_score
        else:
            when = "today" if until == 0 else f"on {day_text(promise.due)}"
            text = f'Keep your promise to {name}: "{promise.text}", due {when}.'
            score = cfg.score - (0.2 * until / cfg.days_ahead if cfg.days_ahead else 0.0)
        out.append(
            Suggestion(
                key=SECTION,
                text=text,
                why=f"You promised this to {name} for {promise.due.isoformat()} ({ago(promise.due, ctx.today)}); "
                "a promise kept on time builds more trust than any gesture.",
                score=round(max(0.0, score), 2),
            )
        )
    out.sort(key=lambda s: -s.score)
    return out or None
