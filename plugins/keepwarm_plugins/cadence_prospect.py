"""The first weeks with a new prospect: call, thank, then keep showing up.

Interest fades fast when nobody follows it up. A new prospect gets a call
right away, a short written thank-you the day after that first conversation,
and from then on a touch every other week, so that you stay in their mind
without crowding them. Each step is its own follow-up; the next one appears
once the previous one has happened. A thank-you not sent by the time the
first regular touch is due is dropped: that late, it no longer reads as thanks.
"""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, ConfigDict, Field

from keepwarm.plugin import Channel, ContactContext, Proposal, Stage, applies, first_name, full_date, hookimpl, section

from ._cadence_common import PROSPECT_SECTION, by_channel, rhythm, start_day

SECTION = PROSPECT_SECTION


class Settings(BaseModel):
    """Parameters of the new-prospect sequence; the source of rules/cadence.toml (generated)."""

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)

    enabled: bool = Field(True, description="Run the new-prospect sequence (call, thank-you note, regular touches).")
    stages: list[Stage] = Field(
        default_factory=lambda: [Stage.PROSPECT], description="Relationship stages that follow the sequence."
    )
    call_within_days: int = Field(
        0, ge=0, le=30, description="Days after the prospect is added that the first call is due (0: the same day)."
    )
    call_channel: Channel = Field(Channel.CALL, description="Channel of the first step.")
    thank_you_after_days: int = Field(
        1, ge=0, le=30, description="The thank-you note is due this many days after the first conversation."
    )
    thank_you_channel: Channel = Field(Channel.EMAIL, description="Channel of the thank-you note (email or letter).")
    touch_every_days: int = Field(14, ge=1, le=180, description="Days between touches once the note is sent.")


keepwarm_config_section = section(SECTION, Settings)


def _thanked(ctx: ContactContext, first: dt.datetime, last: dt.datetime) -> bool:
    """Whether anything followed the first conversation (`first`): a note after it, or any later day's touch."""
    if last.date() > first.date():
        return True
    written = ctx.stats.last_written_outbound
    return written is not None and written > first


@hookimpl
def keepwarm_cadence(ctx: ContactContext):
    cfg = applies(ctx, SECTION, reachable=True)
    if cfg is None or ctx.contact.stage not in cfg.stages:
        return None
    name, stats = first_name(ctx.contact.name), ctx.stats
    if stats.first_touch is None or stats.last_touch is None:
        due = start_day(ctx) + dt.timedelta(days=cfg.call_within_days)
        return [
            Proposal(
                rule_key=f"{SECTION}.call",
                due=due,
                channel=cfg.call_channel,
                priority=1,
                reason=f"New prospect {name}: reach out now, while their interest is fresh.",
                action=f"Call {name}: thank them for their interest and learn what they need.",
                interval_days=cfg.touch_every_days,
            )
        ]
    first = stats.first_touch.date()
    stale = (ctx.today - first).days >= cfg.touch_every_days  # a note that late no longer reads as thanks
    if not stale and not _thanked(ctx, stats.first_touch, stats.last_touch):
        due = first + dt.timedelta(days=cfg.thank_you_after_days)
        return [
            Proposal(
                rule_key=f"{SECTION}.thank_you",
                due=due,
                channel=cfg.thank_you_channel,
                priority=1,
                reason=f"Thank {name} in writing for your first conversation (on {full_date(first)}).",
                action=f"Send {name} a short note: thanks for their time, and that you are glad to help.",
                interval_days=cfg.touch_every_days,
            )
        ]
    last = stats.last_touch.date()
    channel = ctx.contact.preferred_channel
    return [
        Proposal(
            rule_key=f"{SECTION}.touch",
            due=last + dt.timedelta(days=cfg.touch_every_days),
            channel=channel,
            reason=f"Keep prospect {name} warm {rhythm(cfg.touch_every_days)}: last touch on {full_date(last)}"
            f"{by_channel(channel, name)}.",
            action=f"Send {name} something worth their time: a client success, a useful idea, or a quick call.",
            interval_days=cfg.touch_every_days,
        )
    ]
