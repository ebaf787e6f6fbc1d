"""A relationship that only runs from me to them.

When every touch comes from my side and I have never once asked for anything,
the other person has been given no part to play: I am a supplier, not a
friend. The rule notices many outbound touches, none back, and no favor ever
asked; the matching suggestion is to ask for a small one.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from keepwarm.plugin import ContactContext, Warning, applies, first_name, hookimpl, plural, section

SECTION = "one_way"


class Settings(BaseModel):
    """Parameters of the one-way relationship; the source of rules/warnings.toml (generated)."""

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)

    enabled: bool = Field(True, description="Warn when only you reach out and you never asked for a favor.")
    min_outbound: int = Field(
        5,
        ge=1,
        le=1000,
        description="Your touches without one from them, in the recent window or in all, before a warning.",
    )
    urgent_outbound: int = Field(12, ge=1, le=1000, description="Urgent from this many one-way touches.")


keepwarm_config_section = section(SECTION, Settings)


@hookimpl
def keepwarm_warnings(ctx: ContactContext):
    cfg = applies(ctx, SECTION, reachable=True)
    s = ctx.stats
    if cfg is None or s.favors_asked_total > 0:
        return None
    if s.inbound_total == 0 and s.outbound_total >= cfg.min_outbound:
        one_way, span = s.outbound_total, "so far"
    elif s.inbound_recent == 0 and s.outbound_recent >= cfg.min_outbound:
        one_way, span = s.outbound_recent, f"in the last {plural(s.recent_days, 'day')}"
    else:
        return None
    name = first_name(ctx.contact.name)
    return [
        Warning(
            key=SECTION,
            message=(
                f"{name} never reaches out: {'the one touch' if one_way == 1 else f'all {one_way} touches'} {span} came from you, and you have never "
                f"asked {name} for anything."
            ),
            severity=3 if one_way >= cfg.urgent_outbound else 2,
            evidence={
                "outbound": one_way,
                "inbound": 0,
                "span": "all" if span == "so far" else "recent",
                "outbound_total": s.outbound_total,
                "inbound_total": s.inbound_total,
                "outbound_recent": s.outbound_recent,
                "inbound_recent": s.inbound_recent,
                "favors_asked": s.favors_asked_total,
                "recent_days": s.recent_days,
            },
        )
    ]
