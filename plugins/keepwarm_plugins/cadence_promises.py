"""A follow-up for every promise of yours that has a date.

Doing what you said, when you said it, is the first thing trust rests on. Each
open promise you made with a due date gets its own follow-up a little before
that date. A call does not complete it: only keeping the promise (marking it
done) does.
"""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, ConfigDict, Field

from keepwarm.plugin import (
    CommitmentStatus,
    ContactContext,
    Party,
    Proposal,
    applies,
    day_text,
    first_name,
    full_date,
    hookimpl,
    section,
)

SECTION = "promise_due"


class Settings(BaseModel):
    """Parameters of the promise follow-ups; the source of rules/cadence.toml (generated)."""

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)

    enabled: bool = Field(True, description="Schedule a follow-up for each dated promise you made.")
    lead_days: int = Field(
        1,
        ge=0,
        le=60,
        description="The follow-up falls due this many days before the promise (never before the promise was made).",
    )
    quote_chars: int = Field(80, ge=10, le=500, description="Longest quote of the promise in the reason.")


keepwarm_config_section = section(SECTION, Settings)


def _quote(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


@hookimpl
def keepwarm_cadence(ctx: ContactContext):
    cfg = applies(ctx, SECTION, reachable=True)
    if cfg is None:
        return None
    name, out = first_name(ctx.contact.name), []
    for promise in ctx.commitments:
        mine = promise.by == Party.ME and promise.status == CommitmentStatus.OPEN
        if not mine or promise.due is None or promise.id is None:
            continue
        due = promise.due - dt.timedelta(days=cfg.lead_days)
        if promise.created_at is not None:
            due = max(due, promise.created_at.date())  # a promise recorded late is due the day it was made
        overdue = promise.due < ctx.today
        when = (
            f"was due on {full_date(promise.due)}"
            if overdue
            else (
                "due today" if promise.due == ctx.today else f"due {day_text(promise.due)} ({promise.due.isoformat()})"
            )
        )
        out.append(
            Proposal(
                rule_key=f"{SECTION}.{promise.id}",
                due=due,
                priority=1 if overdue or promise.due == ctx.today else 2,
                satisfied_by_touch=False,
                reason=f'You promised {name}: "{_quote(promise.text, cfg.quote_chars)}", {when}.',
                action=f"Keep the promise, tell {name} it is done, then mark it: keepwarm promise done {promise.id}",
            )
        )
    return out or None
