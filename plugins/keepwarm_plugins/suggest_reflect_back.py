"""After a meeting, write back what you heard.

A short summary in the other person's terms lets them correct what you
misunderstood and shows that you listened. It matters most in the days right
after the meeting, before anything else was written.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from keepwarm.plugin import Channel, ContactContext, Suggestion, ago, applies, day_text, first_name, hookimpl, section

SECTION = "reflect_back"


class Settings(BaseModel):
    """Parameters of the reflect-back suggestion; the source of rules/suggestions.toml (generated)."""

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)

    enabled: bool = Field(True, description="Suggest a written summary of what you heard after a meeting.")
    days: int = Field(3, ge=0, le=60, description="Suggest it for meetings up to this many days ago (0: only today's).")
    score: float = Field(0.85, ge=0, le=1, description="How high this suggestion ranks (0-1); it is time-bound.")


keepwarm_config_section = section(SECTION, Settings)


@hookimpl
def keepwarm_suggestions(ctx: ContactContext):
    cfg = applies(ctx, SECTION, reachable=True)
    if cfg is None:
        return None
    met, wrote = ctx.stats.last_meeting, ctx.stats.last_written_outbound
    if met is None or (ctx.today - met.date()).days > cfg.days:
        return None
    if wrote is not None and wrote >= met:
        return None
    name, day = first_name(ctx.contact.name), met.date()
    return [
        Suggestion(
            key=SECTION,
            text=f"Write {name} a short summary of what you heard when you met on {day_text(day)}: their "
            "priorities and worries, in their words, and ask them to correct anything you got wrong.",
            why=f"You met {name} {ago(day, ctx.today)} ({day.isoformat()}) and have not written to them since.",
            score=cfg.score,
            channel=Channel.EMAIL,
        )
    ]
