"""Typed views of what the screens show, built once where the data enters the TUI.

The core hands the CLI and the TUI the same JSON-ready results (`detail.contact_detail`,
`AgendaItem.to_json`, `dashboard.kpis`, ...): the CLI prints them, the TUI turns them
here, in the worker that fetched them, into frozen dataclasses. The screens then read
attributes: a misspelt field fails where it is written (and in the type checker), not
as a KeyError on the UI thread when a rare row is highlighted.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar

T = TypeVar("T")


def _take(cls: type[T], data: Mapping[str, Any], **given: Any) -> T:
    """`cls` from the keys of `data` named like its fields (lists as tuples), `given` ones as given.

    A field with a default may be missing from `data`; one without may not (a KeyError
    here, where the view is built, says which)."""
    values: dict[str, Any] = {}
    for f in dataclasses.fields(cls):  # type: ignore[arg-type]
        if f.name in given:
            values[f.name] = given[f.name]
        elif f.name in data:
            value = data[f.name]
            values[f.name] = tuple(value) if isinstance(value, list) else value
        elif f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING:
            raise KeyError(f"{cls.__name__}: no {f.name!r} in {sorted(data)}")
    return cls(**values)


# ------------------------------------------------------------------ advice


@dataclass(frozen=True, slots=True)
class Tip:
    text: str


@dataclass(frozen=True, slots=True)
class Warning:
    message: str
    severity: int = 2
    evidence: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Suggestion:
    text: str
    why: str = ""
    channel: str | None = None


def tips(data: list[dict]) -> tuple[Tip, ...]:
    return tuple(_take(Tip, t) for t in data)


def warnings(data: list[dict]) -> tuple[Warning, ...]:
    return tuple(_take(Warning, w) for w in data)


def suggestions(data: list[dict]) -> tuple[Suggestion, ...]:
    return tuple(_take(Suggestion, s) for s in data)


@dataclass(frozen=True, slots=True)
class Advice:
    """An agenda item's tips and best suggestions, worked out on first need."""

    tips: tuple[Tip, ...] = ()
    suggestions: tuple[Suggestion, ...] = ()

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Advice:
        return cls(tips=tips(data["tips"]), suggestions=suggestions(data["suggestions"]))


NO_ADVICE = Advice()


# ------------------------------------------------------------------ health


@dataclass(frozen=True, slots=True)
class HealthTerm:
    points: float
    label: str
    detail: str


@dataclass(frozen=True, slots=True)
class Health:
    score: int | None
    band: str | None
    #: The terms' words are the engine's: a stored agenda row has none.
    terms: tuple[HealthTerm, ...] = ()

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Health:
        return _take(cls, data, terms=tuple(_take(HealthTerm, t) for t in data.get("terms", ())))


# ------------------------------------------------------------------ one contact


@dataclass(frozen=True, slots=True)
class Profile:
    """The contact's record as shown (`Contact.model_dump(mode="json")`: enums as their values)."""

    id: int
    name: str
    account: str | None
    title: str | None
    role: str | None
    style: str
    motivations: tuple[str, ...]
    interests: tuple[str, ...]
    preferred_channel: str | None
    best_time: str
    do_not_contact: bool
    tier: str
    stage: str
    emails: tuple[str, ...]
    phones: tuple[str, ...]
    tags: tuple[str, ...]
    owner: str | None
    notes: str


@dataclass(frozen=True, slots=True)
class UpcomingDate:
    kind: str
    label: str | None
    date: str
    next: str
    in_days: int
    years: int | None


@dataclass(frozen=True, slots=True)
class AssessmentRow:
    on: str
    trust: int
    communication: int
    sharing: int
    advocacy: int
    conflict: int
    commitment: int
    mean: float


@dataclass(frozen=True, slots=True)
class PromiseRow:
    id: int
    by: str
    text: str
    due: dt.date | None

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> PromiseRow:
        return _take(cls, data, due=dt.date.fromisoformat(data["due"]) if data["due"] else None)


@dataclass(frozen=True, slots=True)
class FollowupRow:
    id: int
    status: str
    due: str
    snoozed_until: str | None
    reason: str

    @property
    def shown_due(self) -> str:
        """When it comes back: a snoozed one's snooze date, else its due date."""
        return (self.snoozed_until or self.due) if self.status == "snoozed" else self.due


@dataclass(frozen=True, slots=True)
class InteractionRow:
    at: dt.datetime
    channel: str
    direction: str
    purpose: str
    outcome: str
    sentiment: int | None
    notes: str

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> InteractionRow:
        return _take(cls, data, at=dt.datetime.fromisoformat(data["at"]))


@dataclass(frozen=True, slots=True)
class ContactView:
    """`queries.contact_view`, typed: what the contact screen shows."""

    contact: Profile
    health: Health
    today: dt.date
    dates_upcoming: tuple[UpcomingDate, ...]
    assessments: tuple[AssessmentRow, ...]
    assessment_trend: tuple[float, ...]
    tips: tuple[Tip, ...]
    warnings: tuple[Warning, ...]
    suggestions: tuple[Suggestion, ...]
    open_promises: tuple[PromiseRow, ...]
    open_followups: tuple[FollowupRow, ...]
    timeline: tuple[InteractionRow, ...]

    @classmethod
    def from_json(cls, view: Mapping[str, Any]) -> ContactView:
        return cls(
            contact=_take(Profile, view["contact"]),
            health=Health.from_json(view["health"]),
            today=dt.date.fromisoformat(view["today"]),
            dates_upcoming=tuple(_take(UpcomingDate, d) for d in view["dates_upcoming"]),
            assessments=tuple(_take(AssessmentRow, a) for a in view["assessments"]),
            assessment_trend=tuple(view["assessment_trend"]),
            tips=tips(view["tips"]),
            warnings=warnings(view["warnings"]),
            suggestions=suggestions(view["suggestions"]),
            open_promises=tuple(PromiseRow.from_json(p) for p in view["open_promises"]),
            open_followups=tuple(_take(FollowupRow, f) for f in view["open_followups"]),
            timeline=tuple(InteractionRow.from_json(i) for i in view["timeline"]),
        )


# ------------------------------------------------------------------ the agenda


@dataclass(frozen=True, slots=True)
class AgendaContact:
    id: int
    name: str
    account: str | None
    role: str | None
    style: str


@dataclass(frozen=True, slots=True)
class AgendaFollowup:
    id: int
    reason: str
    source: str
    rule_key: str | None = None
    action: str | None = None
    channel: str | None = None


@dataclass(eq=False, slots=True)
class AgendaRow:
    """One agenda item (`AgendaItem.to_json(advice=False)`, the engine's or the stored one).

    The row is painted first; what the side panel adds comes later, once, into the two
    fields left open: `warnings` (None: a stored row whose warnings are not read yet) and
    `advice` (None: not worked out yet). Rows are told apart by identity (eq=False): a
    reload's rows are new ones, even for the same follow-up."""

    followup: AgendaFollowup
    contact: AgendaContact
    due: str
    bucket: str
    overdue_days: int
    health: Health
    warnings: tuple[Warning, ...] | None = None
    advice: Advice | None = None

    @classmethod
    def from_json(cls, item: Mapping[str, Any]) -> AgendaRow:
        return cls(
            followup=_take(AgendaFollowup, item["followup"]),
            contact=_take(AgendaContact, item["contact"]),
            due=item["due"], bucket=item["bucket"], overdue_days=item["overdue_days"],
            health=Health.from_json(item["health"]),
            warnings=warnings(item["warnings"]) if "warnings" in item else None,
            advice=Advice.from_json(item) if "tips" in item else None,
        )

    @property
    def action(self) -> str:
        """What the row's last column shows: the follow-up's action, else the best suggestion once known."""
        if self.followup.action:
            return self.followup.action
        return self.advice.suggestions[0].text if self.advice and self.advice.suggestions else ""
