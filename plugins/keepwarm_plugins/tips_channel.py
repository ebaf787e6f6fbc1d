"""Reach people the way, and at the time, they prefer.

A message that arrives on the channel someone actually reads, at a moment
they have room for it, is half-way to an answer. The tip states the
preference you recorded, warns when someone asked not to be contacted, and
when nothing is known, nudges you to ask and write it down.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from keepwarm.plugin import ContactContext, Tip, applies, hookimpl, section

from ._tips_common import CHANNEL_WORDS, TipText, fill

SECTION = "channel_tips"
TOPIC = "channel"


class Settings(BaseModel):
    """Texts of the channel tips; the source of rules/tips.toml (generated). `{name}`, `{channel}`, `{time}` are filled in."""

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)

    enabled: bool = Field(True, description="Show the contact's channel and time preferences.")
    prefers: TipText = Field("{name} prefers {channel}", description="Said when a preferred channel is recorded.")
    best_time: TipText = Field(
        "best reached {time}", description="Added after the channel (after '; ') when a best time is recorded."
    )
    only_time: TipText = Field("{name} is best reached {time}", description="Said when only a best time is recorded.")
    do_not_contact: TipText = Field(
        "{name} asked not to be contacted: no outreach of any kind until they say otherwise.",
        description="Said when the contact is marked do-not-contact.",
    )
    nudge_when_unknown: bool = Field(True, description="Suggest recording a preference when none is known.")
    nudge: TipText = Field(
        "You do not know how {name} likes to be reached: ask next time, and record it "
        "(keepwarm contact edit --channel / --best-time).",
        description="Said when neither a channel nor a best time is recorded.",
    )


keepwarm_config_section = section(SECTION, Settings)


@hookimpl
def keepwarm_tips(ctx: ContactContext):
    cfg = applies(ctx, SECTION)
    if cfg is None:
        return None
    contact = ctx.contact
    if contact.do_not_contact:
        return [Tip(text=fill(cfg.do_not_contact, ctx), topic=TOPIC)]
    channel = CHANNEL_WORDS.get(contact.preferred_channel, "") if contact.preferred_channel else ""
    time = " ".join(contact.best_time.split())
    if channel and time:
        text = fill(cfg.prefers, ctx, channel=channel) + "; " + fill(cfg.best_time, ctx, time=time)
    elif channel:
        text = fill(cfg.prefers, ctx, channel=channel)
    elif time:
        text = fill(cfg.only_time, ctx, time=time)
    elif cfg.nudge_when_unknown:
        text = fill(cfg.nudge, ctx)
    else:
        return None
    return [Tip(text=text if text.endswith((".", "!", "?", ")")) else text + ".", topic=TOPIC)]
