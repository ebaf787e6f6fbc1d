"""Send something useful tied to what this person cares about.

A relevant article or resource costs little to send, asks nothing back and
shows that you listened; it is the simplest concrete step that builds trust.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from keepwarm.plugin import Channel, ContactContext, Suggestion, ago, applies, first_name, hookimpl, section

from ._suggest_common import topics

SECTION = "useful_content"


class Settings(BaseModel):
    """Parameters of the useful-content suggestion; the source of rules/suggestions.toml (generated)."""

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)

    enabled: bool = Field(True, description="Suggest sending something useful tied to the contact's interests.")
    min_days_between: int = Field(
        30,
        ge=1,
        le=3650,
        description="Stay quiet when something of value (article, introduction, review, resource) was sent this many days ago or less.",
    )
    use_industry: bool = Field(
        True, description="When the contact has no interests recorded, use their account's industry instead."
    )
    score: float = Field(0.4, ge=0, le=1, description="How high this suggestion ranks (0-1); a routine idea.")


keepwarm_config_section = section(SECTION, Settings)


@hookimpl
def keepwarm_suggestions(ctx: ContactContext):
    cfg = applies(ctx, SECTION, reachable=True)
    if cfg is None:
        return None
    found = topics(ctx, cfg.use_industry)
    if not found:
        return None
    last = ctx.stats.last_value_add
    if last is not None and (ctx.today - last.date()).days < cfg.min_days_between:
        return None
    topic, name = found[0], first_name(ctx.contact.name)
    source = "is interested in" if topic in ctx.contact.interests else "works in"
    since = (
        f"the last thing of value you sent was {ago(last.date(), ctx.today)} ({last.date().isoformat()})"
        if last is not None
        else "you have not sent them anything of value yet"
    )
    return [
        Suggestion(
            key=SECTION,
            text=f"Send {name} something useful about {topic}: an article, a resource or a tip you would "
            "pass to a friend, with one line on why it made you think of them.",
            why=f"{name} {source} {topic}, and {since}.",
            score=cfg.score,
            channel=Channel.EMAIL,
        )
    ]
