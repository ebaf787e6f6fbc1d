"""Promises of mine that are past their date.

Doing what you said, when you said it, is what trust is built on first; a
promise quietly left overdue undoes more than a missed call. The rule lists my
open promises whose due date has passed, oldest first, and grows urgent when
the oldest has waited too long.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from keepwarm.plugin import (
    CommitmentStatus,
    ContactContext,
    Party,
    Warning,
    applies,
    first_name,
    hookimpl,
    plural,
    section,
)

SECTION = "overdue_promises"


class Settings(BaseModel):
    """Parameters of the overdue-promises warning; the source of rules/warnings.toml (generated)."""

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)

    enabled: bool = Field(True, description="Warn about promises you made whose due date has passed.")
    urgent_days: int = Field(
        14, ge=1, le=365, description="Urgent when the oldest promise is overdue by more than this many days."
    )
    max_listed: int = Field(3, ge=1, le=20, description="How many overdue promises the warning quotes.")


keepwarm_config_section = section(SECTION, Settings)


@hookimpl
def keepwarm_warnings(ctx: ContactContext):
    cfg = applies(ctx, SECTION)
    if cfg is None:
        return None
    late = sorted(
        (
            p
            for p in ctx.commitments
            if p.by == Party.ME and p.status == CommitmentStatus.OPEN and p.due is not None and p.due < ctx.today
        ),
        key=lambda p: (p.due, p.id or 0),
    )
    count = max(ctx.stats.overdue_promises_mine, len(late))
    if count == 0:
        return None
    dues = [d for d in (ctx.stats.oldest_overdue_promise, late[0].due if late else None) if d is not None]
    oldest = min(dues) if dues else None
    days = (ctx.today - oldest).days if oldest else None
    name = first_name(ctx.contact.name)
    quoted = [f'"{" ".join(p.text.split())}" (due {p.due.isoformat()})' for p in late[: cfg.max_listed] if p.due]
    what = "; ".join(quoted) if quoted else plural(count, "promise")
    more = f" and {count - len(quoted)} more" if quoted and count > len(quoted) else ""
    since = (
        ""
        if days is None
        else f", {plural(days, 'day')} overdue"
        if count == 1
        else f", the oldest {plural(days, 'day')} overdue"
    )
    evidence: dict = {"overdue": count}
    if oldest is not None:
        evidence |= {"oldest_due": oldest.isoformat(), "days_overdue": days}
    if quoted:
        evidence["promises"] = "; ".join(quoted)
    return [
        Warning(
            key=SECTION,
            message=f"You owe {name}: {what}{more}{since}. "
            + (f"Keep it, or tell {name} the new date." if count == 1 else f"Keep them, or tell {name} new dates."),
            severity=3 if days is not None and days > cfg.urgent_days else 2,
            evidence=evidence,
        )
    ]
