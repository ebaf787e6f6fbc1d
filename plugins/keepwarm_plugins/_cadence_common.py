"""Helpers shared by the cadence rules (not a plugin: the name starts with "_").

They keep the cadence rules speaking alike (one way to name a rhythm, a date,
a gap in days) and let the routine rhythm see when a more specific sequence —
the new-prospect sequence or the trust-recovery cadence — has taken over a
contact, so that one touch is never asked for twice.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from typing import Any

from keepwarm.plugin import Channel, ContactContext, Purpose, Stage, full_date, rhythm

PROSPECT_SECTION = "prospect_sequence"
RECOVERY_SECTION = "recovery_cadence"

#: How a reason names a channel ("by email", "with a call").
CHANNEL_PHRASES: dict[Channel, str] = {
    Channel.CALL: "with a call",
    Channel.EMAIL: "by email",
    Channel.MEETING: "in a meeting",
    Channel.TEXT: "with a text message",
    Channel.SOCIAL: "on social media",
    Channel.EVENT: "at an event",
    Channel.LETTER: "with a letter",
    Channel.GIFT: "with a small gift",
    Channel.MEAL: "over a meal",
}


@lru_cache(maxsize=256)
def check_in(days: int) -> str:
    """`monthly check-in`, `check-in every 2 weeks`."""
    words = rhythm(days)
    return f"check-in {words}" if words.startswith("every") else f"{words} check-in"


def by_channel(channel: Channel | None, name: str) -> str:
    """`, by email as Ada prefers` or nothing when no preference is known."""
    if channel is None:
        return ""
    return f", {CHANNEL_PHRASES.get(channel, 'by ' + channel.value)} as {name} prefers"


def start_day(ctx: ContactContext) -> dt.date:
    """The day a contact entered the book (today when unknown)."""
    seen = ctx.stats.first_seen
    return seen.date() if seen is not None else ctx.today


def recovery_triggers(ctx: ContactContext, cfg) -> list[str]:
    """Why this contact needs the recovery cadence now (empty when it does not).

    `cfg` is the recovery_cadence section; the plain-words reasons are reused by
    the rule's reason text, and their presence by the routine rhythm to step aside.
    """
    if ctx.contact.stage in cfg.skip_stages:
        return []
    found: list[str] = []
    if cfg.when_at_risk and ctx.contact.stage == Stage.AT_RISK:
        found.append("the relationship is marked at risk")
    last = ctx.stats.last_recovery
    if last is not None and (ctx.today - last.date()).days <= cfg.recovery_touch_days:
        found.append(f"a {Purpose.RECOVERY.value} conversation on {full_date(last.date())}")
    mood, rated = ctx.stats.sentiment_recent, ctx.stats.sentiment_count_recent
    if mood is not None and rated >= cfg.min_rated_touches and mood <= cfg.sentiment_at_most:
        found.append(f"the mood of the last {rated} rated touches averages {mood:+.1f}")
    return found


def taken_over_by(ctx: ContactContext) -> str | None:
    """The section of a sequence that owns this contact's rhythm now, if any."""
    # The sequences' own Settings, read by their fields (their modules import this one).
    prospect: Any = ctx.rules.get(PROSPECT_SECTION)
    if prospect is not None and prospect.enabled and ctx.contact.stage in prospect.stages:
        return PROSPECT_SECTION
    recovery: Any = ctx.rules.get(RECOVERY_SECTION)
    if recovery is not None and recovery.enabled and recovery_triggers(ctx, recovery):
        return RECOVERY_SECTION
    return None
