"""Ask this person for a small favor.

A relationship where you always give and never ask stays one-sided: letting
someone help you (an opinion, a pointer, a reference) gives them a part in it.
The rule answers the one-way warning, or notices that you never asked.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from keepwarm.plugin import (
    Channel,
    ContactContext,
    Suggestion,
    applies,
    first_name,
    hookimpl,
    plural,
    section,
    warnings_for,
)

SECTION = "small_favor"


class Settings(BaseModel):
    """Parameters of the ask-a-small-favor suggestion; the source of rules/suggestions.toml (generated)."""

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)

    enabled: bool = Field(True, description="Suggest asking the contact for a small favor.")
    min_touches: int = Field(
        5,
        ge=1,
        le=1000,
        description="Without a one-way warning, suggest it once you have been in touch this many times and never asked for anything.",
    )
    min_days_between: int = Field(
        90, ge=1, le=3650, description="Stay quiet when you asked them a favor this many days ago or less."
    )
    score: float = Field(0.45, ge=0, le=1, description="Rank (0-1) when you simply never asked a favor.")
    warning_score: float = Field(0.7, ge=0, le=1, description="Rank (0-1) when it answers a one-way warning.")


keepwarm_config_section = section(SECTION, Settings)


@hookimpl
def keepwarm_suggestions(ctx: ContactContext):
    cfg = applies(ctx, SECTION, reachable=True)
    if cfg is None:
        return None
    stats, name = ctx.stats, first_name(ctx.contact.name)
    last = stats.last_favor_asked
    if last is not None and (ctx.today - last.date()).days < cfg.min_days_between:
        return None
    one_way = warnings_for(ctx, ["one_way"])
    never_asked = stats.favors_asked_total == 0 and stats.touches_total >= cfg.min_touches
    if not one_way and not never_asked:
        return None
    counts = f"{plural(stats.outbound_total, 'touch')} came from you and {stats.inbound_total} from {name}"
    asked = (
        "you have never asked them for anything"
        if stats.favors_asked_total == 0 or last is None
        else f"your last request was on {last.date().isoformat()}"
    )
    if one_way:
        evidence = one_way[0].evidence  # the warning's own numbers, when it gives them
        if evidence.get("span") == "recent" and "outbound" in evidence:
            counts = (
                f"in the last {plural(evidence.get('recent_days', stats.recent_days), 'day')} "
                f"{plural(evidence['outbound'], 'touch')} came from you and {evidence.get('inbound', 0)} from {name}"
            )
        why = f"The relationship runs one way: {counts}, and {asked}."
    else:
        why = f"You have been in touch {plural(stats.touches_total, 'time')} and never asked {name} for anything; {counts}."
    return [
        Suggestion(
            key=SECTION,
            text=f"Ask {name} for a small favor that is easy to give: their opinion on one question, a pointer "
            "to someone, or a reference. Say plainly that you would value their help.",
            why=why,
            score=cfg.warning_score if one_way else cfg.score,
            channel=Channel.CALL,
        )
    ]
