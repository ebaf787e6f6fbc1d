"""Celebrate a date that matters to this person.

Remembering a birthday, a work anniversary or a milestone tells someone they
matter beyond the business. The rule looks a little ahead so there is time to
send a card or plan a small gesture, and stays quiet once you have celebrated.
"""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, ConfigDict, Field

from keepwarm.plugin import (
    ContactContext,
    DateKind,
    ImportantDate,
    Suggestion,
    ago,
    applies,
    day_text,
    first_name,
    hookimpl,
    section,
)

SECTION = "celebrate"


class Settings(BaseModel):
    """Parameters of the celebrate suggestion; the source of rules/suggestions.toml (generated)."""

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)

    enabled: bool = Field(True, description="Suggest celebrating the contact's upcoming dates.")
    days_ahead: int = Field(14, ge=0, le=365, description="How many days ahead to look for a date to celebrate.")
    kinds: list[DateKind] = Field(
        default_factory=lambda: list(DateKind),
        description="Which kinds of dates to celebrate: birthday, work_anniversary, anniversary, custom.",
    )
    score: float = Field(
        0.8,
        ge=0,
        le=1,
        description="Rank (0-1) on the day itself; it falls to half of this at the far end of the window.",
    )


keepwarm_config_section = section(SECTION, Settings)


def _occasion(date: ImportantDate, on: dt.date) -> str:
    if date.kind == DateKind.BIRTHDAY:
        return "birthday"
    if date.kind == DateKind.WORK_ANNIVERSARY:
        years = on.year - date.year if date.year else 0
        return f"{years}-year work anniversary" if years > 0 else "work anniversary"
    return date.label or ("anniversary" if date.kind == DateKind.ANNIVERSARY else "special day")


@hookimpl
def keepwarm_suggestions(ctx: ContactContext):
    cfg = applies(ctx, SECTION, reachable=True)
    if cfg is None:
        return None
    name, out = first_name(ctx.contact.name), []
    last = ctx.stats.last_celebration
    for date in ctx.contact.dates:
        if date.kind not in cfg.kinds:
            continue
        on = date.next_occurrence(ctx.today)
        until = (on - ctx.today).days
        if until > cfg.days_ahead:
            continue
        if last is not None and last.date() >= on - dt.timedelta(days=cfg.days_ahead):
            continue  # already celebrated this occasion
        occasion = _occasion(date, on)
        when = "today" if until == 0 else f"on {day_text(on)}"
        since = (
            f"you last celebrated something with {name} {ago(last.date(), ctx.today)}"
            if last
            else f"you have not celebrated anything with {name} yet"
        )
        share = 0.5 * until / cfg.days_ahead if cfg.days_ahead else 0.0
        out.append(
            Suggestion(
                key=SECTION,
                text=f"{name}'s {occasion} is {when}: send a personal note or a small, thoughtful gesture.",
                why=f"Their {occasion} falls on {on.isoformat()} ({ago(on, ctx.today)}) and {since}.",
                score=round(cfg.score * (1 - share), 2),
            )
        )
    return out or None
