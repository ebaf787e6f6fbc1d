"""Signs that the other person is pulling back.

Closeness can feel threatening, and people sometimes answer a step forward by
stepping away: arriving late, a cutting remark, a curt reply, silence. Spotted
early and met calmly, such a reaction can leave the relationship stronger. The
rule names the note signal `push_away`, whose words you can change, and warns
when recent notes contain them.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import cast

from pydantic import BaseModel, ConfigDict, Field

from keepwarm.plugin import ContactContext, Warning, applies, first_name, hookimpl, section

from ._warn_common import signal

SECTION = "push_away"
SIGNAL = "push_away"


class Settings(BaseModel):
    """Parameters of the push-away reactions; the source of rules/warnings.toml (generated)."""

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)

    enabled: bool = Field(True, description="Warn when recent notes describe the contact pulling back.")
    words: list[str] = Field(
        default_factory=lambda: [
            "was late",
            "came late",
            "arrived late",
            "showed up late",
            "snide",
            "cut off",
            "cut me off",
            "curt",
            "short with me",
            "ignored",
            "dismissive",
            "brushed off",
            "brushed me off",
            "cold shoulder",
        ],
        description=(
            "Words or phrases (any case, also inside longer words) that describe a push-away reaction; "
            "a bare 'late' would also match 'later'."
        ),
    )
    min_mentions: int = Field(1, ge=1, le=100, description="Recent notes that must describe one before a warning.")
    urgent_mentions: int = Field(3, ge=1, le=100, description="Urgent from this many notes in the recent window.")


keepwarm_config_section = section(SECTION, Settings)


@hookimpl
def keepwarm_note_signals(rules: Mapping[str, BaseModel]):
    cfg = cast(Settings | None, rules.get(SECTION))  # the host validated this section with its Settings
    if cfg is None or not cfg.enabled:
        return None
    return {SIGNAL: list(cfg.words)}


@hookimpl
def keepwarm_warnings(ctx: ContactContext):
    cfg = applies(ctx, SECTION)
    if cfg is None:
        return None
    count, last = signal(ctx.stats, SIGNAL)
    if count < cfg.min_mentions:
        return None
    name = first_name(ctx.contact.name)
    notes = "1 recent note describes" if count == 1 else f"{count} recent notes describe"
    return [
        Warning(
            key=SECTION,
            message=(
                f"{name} may be pulling away: {notes} a distancing reaction, the latest on {last}. "
                "Stay steady and ask what is behind it rather than pushing harder."
            ),
            severity=3 if count >= cfg.urgent_mentions else 2,
            evidence={"mentions": count, "latest": last, "recent_days": ctx.stats.recent_days},
        )
    ]
