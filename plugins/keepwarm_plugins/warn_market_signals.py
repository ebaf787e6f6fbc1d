"""Competitors and budget worries showing up in what I heard.

Talk of other vendors, a tender, or cuts and freezes often reaches the notes of
a conversation long before it reaches a decision. The rule names two note
signals, `competitor` and `budget`, with keyword lists you can change; the
engine counts the recent notes that contain any of them.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import cast

from pydantic import BaseModel, ConfigDict, Field

from keepwarm.plugin import ContactContext, Warning, applies, first_name, hookimpl, plural, section

from ._warn_common import iso

SECTION = "market_signals"
LABELS = {"competitor": "competitors", "budget": "budget pressure"}
_MENTIONS = {name: f"{name}_mentions" for name in LABELS}
_LATEST = {name: f"{name}_latest" for name in LABELS}


class Settings(BaseModel):
    """Parameters of the market signals; the source of rules/warnings.toml (generated)."""

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)

    enabled: bool = Field(True, description="Warn when recent notes mention competitors or budget concerns.")
    competitor: list[str] = Field(
        default_factory=lambda: [
            "competitor",
            "rfp",
            "request for proposal",
            "tender",
            "evaluating alternatives",
            "other vendor",
            "another vendor",
            "switch",
            "shortlist",
        ],
        description="Words or phrases (any case, also inside longer words) that point to competitor activity.",
    )
    budget: list[str] = Field(
        default_factory=lambda: [
            "budget cut",
            "freeze",
            "cost reduction",
            "cut costs",
            "cost cutting",
            "procurement review",
            "spending review",
            "too expensive",
            "layoff",
        ],
        description="Words or phrases (any case, also inside longer words) that point to budget concerns.",
    )
    min_mentions: int = Field(1, ge=1, le=100, description="Recent notes that must mention a signal before a warning.")
    urgent_mentions: int = Field(
        3, ge=1, le=100, description="Urgent from this many mentions in all, or when both signals show up."
    )


keepwarm_config_section = section(SECTION, Settings)


@hookimpl
def keepwarm_note_signals(rules: Mapping[str, BaseModel]):
    cfg = cast(Settings | None, rules.get(SECTION))  # the host validated this section with its Settings
    if cfg is None or not cfg.enabled:
        return None
    return {"competitor": list(cfg.competitor), "budget": list(cfg.budget)}


@hookimpl
def keepwarm_warnings(ctx: ContactContext):
    cfg = applies(ctx, SECTION)
    if cfg is None:
        return None
    stats = ctx.stats
    counts = stats.note_signals
    if not counts:
        return None  # the usual case, decided without formatting any dates
    least = cfg.min_mentions
    evidence: dict = {}
    parts = []
    total = 0
    for name, label in LABELS.items():
        count = int(counts.get(name, 0))
        if count < least:
            continue
        last = iso(stats.note_signal_last.get(name))
        evidence[_MENTIONS[name]] = count
        evidence[_LATEST[name]] = last
        parts.append(f"{label} in {plural(count, 'note')} (latest {last})")
        total += count
    if not parts:
        return None
    evidence["recent_days"] = stats.recent_days
    urgent = len(parts) == len(LABELS) or total >= cfg.urgent_mentions
    message = (
        f"What {first_name(ctx.contact.name)} told you lately mentions "
        + " and ".join(parts)
        + ". Find out what is being weighed before the decision is made."
    )
    return [Warning(key=SECTION, message=message, severity=3 if urgent else 2, evidence=evidence)]
