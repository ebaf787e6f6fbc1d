"""Send a brief note about something they enjoy, and say no reply is needed.

Two lines about a person's hobby take a minute to write and a second to read;
because they ask for nothing, they keep a relationship warm when replies have
slowed or touches have thinned out, and they suit people who value rapport.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from keepwarm.plugin import (
    Channel,
    ContactContext,
    SocialStyle,
    Suggestion,
    applies,
    first_name,
    hookimpl,
    joined,
    section,
    warnings_for,
)

from ._suggest_common import label, topics

SECTION = "no_reply_note"


class Settings(BaseModel):
    """Parameters of the no-reply-needed note; the source of rules/suggestions.toml (generated)."""

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)

    enabled: bool = Field(True, description="Suggest a brief note about the contact's interests that needs no reply.")
    warnings: list[str] = Field(
        default_factory=lambda: ["reply_slowdown", "frequency_drop"],
        description="Warnings this note answers (it then ranks higher).",
    )
    styles: list[SocialStyle] = Field(
        default_factory=lambda: [SocialStyle.AMIABLE, SocialStyle.EXPRESSIVE],
        description="Social styles who enjoy such notes even when nothing is wrong.",
    )
    quiet_days: int = Field(
        3, ge=0, le=365, description="Stay quiet when you reached out to them this many days ago or less."
    )
    use_industry: bool = Field(
        True, description="When the contact has no interests recorded, write about their account's industry."
    )
    score: float = Field(0.35, ge=0, le=1, description="Rank (0-1) when it only fits their style.")
    warning_score: float = Field(0.6, ge=0, le=1, description="Rank (0-1) when it answers one of the warnings above.")


keepwarm_config_section = section(SECTION, Settings)


@hookimpl
def keepwarm_suggestions(ctx: ContactContext):
    cfg = applies(ctx, SECTION, reachable=True)
    if cfg is None:
        return None
    found = topics(ctx, cfg.use_industry)
    if not found:
        return None
    last = ctx.stats.last_outbound
    if last is not None and (ctx.today - last.date()).days <= cfg.quiet_days:
        return None
    answered = warnings_for(ctx, cfg.warnings)
    style = ctx.contact.style
    if not answered and style not in cfg.styles:
        return None
    name, topic = first_name(ctx.contact.name), found[0]
    if answered:
        why = f"It answers {joined(label(w.key) for w in answered)}: a note that asks nothing lowers the bar to hear back."
    else:
        why = f"{name}'s style is {style.value}: small personal touches about {topic} matter to them."
    return [
        Suggestion(
            key=SECTION,
            text=f"Send {name} two lines about {topic}, something you saw or heard that made you think of them, "
            "and add that there is no need to reply.",
            why=why,
            score=cfg.warning_score if answered else cfg.score,
            channel=Channel.TEXT,
        )
    ]
