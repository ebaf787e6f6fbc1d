"""Typed views of the screens other than the agenda (one contact, dashboard, accounts, plugins and rules,
the contact list and the palette's index), built as `views` builds the agenda's: loaded with those
screens, not before the agenda's first paint.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .views import Health, Suggestion, Tip, Warning, suggestions, tips, view_of, warnings

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
        return view_of(cls, data, due=dt.date.fromisoformat(data["due"]) if data["due"] else None)


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
        return view_of(cls, data, at=dt.datetime.fromisoformat(data["at"]))


@dataclass(frozen=True, slots=True)
class NoteRow:
    id: int
    on: str
    kind: str
    text: str


@dataclass(frozen=True, slots=True)
class LinkRow:
    """A link as this contact sees it: "reports to" Bob Stone (#2)."""

    says: str
    other: str
    other_id: int
    id: int = 0  # the link's own id (X removes it)


@dataclass(frozen=True, slots=True)
class WeekHealth:
    """A week's health in a chart's series (`services.health_series`): None before anything was recorded."""

    week: dt.date
    score: int | None
    band: str | None

    @classmethod
    def series(cls, points) -> tuple[WeekHealth, ...]:
        return tuple(cls(dt.date.fromisoformat(p["week"]), p["score"], p["band"]) for p in points)


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
    rhythm: str | None = None  # the person's own rhythm, in words
    snoozed_until: str | None = None  # while the snooze lasts
    first_touch_on: str | None = None  # the first touch an import planned, while ahead (io/spread.py)
    notes: tuple[NoteRow, ...] = ()  # newest first
    links: tuple[LinkRow, ...] = ()
    health_history: tuple[WeekHealth, ...] = ()  # oldest first, this week last

    @classmethod
    def from_json(cls, view: Mapping[str, Any]) -> ContactView:
        return cls(
            contact=view_of(Profile, view["contact"]),
            health=Health.from_json(view["health"]),
            today=dt.date.fromisoformat(view["today"]),
            dates_upcoming=tuple(view_of(UpcomingDate, d) for d in view["dates_upcoming"]),
            assessments=tuple(view_of(AssessmentRow, a) for a in view["assessments"]),
            assessment_trend=tuple(view["assessment_trend"]),
            tips=tips(view["tips"]),
            warnings=warnings(view["warnings"]),
            suggestions=suggestions(view["suggestions"]),
            open_promises=tuple(PromiseRow.from_json(p) for p in view["open_promises"]),
            open_followups=tuple(view_of(FollowupRow, f) for f in view["open_followups"]),
            timeline=tuple(InteractionRow.from_json(i) for i in view["timeline"]),
            rhythm=view.get("rhythm"),
            snoozed_until=view.get("snoozed_until"),
            first_touch_on=view.get("first_touch_on"),
            notes=tuple(view_of(NoteRow, n) for n in view.get("notes", ())),
            links=tuple(LinkRow(k["says"], k["other"], k["other_id"], k["id"]) for k in view.get("links", ())),
            health_history=WeekHealth.series(view.get("health_history", ())),
        )


# ------------------------------------------------------------------ the dashboard


@dataclass(frozen=True, slots=True)
class Touches:
    done: int
    plan: float
    plan_to_date: float


@dataclass(frozen=True, slots=True)
class Named:
    id: int
    name: str


@dataclass(frozen=True, slots=True)
class KeyOnCadence:
    key: int
    on_cadence: int
    share: float | None
    behind: tuple[Named, ...]


@dataclass(frozen=True, slots=True)
class OverduePromises:
    mine: int
    theirs: int


@dataclass(frozen=True, slots=True)
class Inbound:
    window_days: int
    touches: int
    inbound: int
    unprompted: int
    share: float | None
    unprompted_share: float | None


@dataclass(frozen=True, slots=True)
class HealthBands:
    """How many contacts are in each band, and the mean score."""

    counts: Mapping[str, int]
    mean: float | None

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> HealthBands:
        return cls(counts={k: v for k, v in data.items() if k != "mean"}, mean=data["mean"])

    def count(self, band: str) -> int:
        return self.counts.get(band, 0)


@dataclass(frozen=True, slots=True)
class TrendMonth:
    month: str
    touches: int
    inbound: int
    unprompted: int
    unprompted_share: float | None
    mean_health: float | None
    mean_assessment: float | None


@dataclass(frozen=True, slots=True)
class KpiSection:
    """The KPIs of everyone, or of one owner's contacts."""

    touches_week: Touches
    touches_month: Touches
    key_on_cadence: KeyOnCadence
    overdue_followups: int
    overdue_promises: OverduePromises
    inbound: Inbound
    health: HealthBands
    trend: tuple[TrendMonth, ...]

    @classmethod
    def from_json(cls, s: Mapping[str, Any]) -> KpiSection:
        k = s["key_on_cadence"]
        return cls(
            touches_week=view_of(Touches, s["touches_week"]),
            touches_month=view_of(Touches, s["touches_month"]),
            key_on_cadence=view_of(KeyOnCadence, k, behind=tuple(view_of(Named, p) for p in k["behind"])),
            overdue_followups=s["overdue_followups"],
            overdue_promises=view_of(OverduePromises, s["overdue_promises"]),
            inbound=view_of(Inbound, s["inbound"]),
            health=HealthBands.from_json(s["health"]),
            trend=tuple(view_of(TrendMonth, m) for m in s["trend"]),
        )


@dataclass(frozen=True, slots=True)
class Kpis:
    """`dashboard.kpis`, typed."""

    week_start: dt.date
    month_start: dt.date
    owners: tuple[str, ...]
    overall: KpiSection
    by_owner: Mapping[str, KpiSection]

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Kpis:
        return cls(
            week_start=dt.date.fromisoformat(data["week"]["start"]),
            month_start=dt.date.fromisoformat(data["month"]["start"]),
            owners=tuple(data["owners"]),
            overall=KpiSection.from_json(data["overall"]),
            by_owner={owner: KpiSection.from_json(s) for owner, s in data.get("by_owner", {}).items()},
        )


# ------------------------------------------------------------------ accounts


@dataclass(frozen=True, slots=True)
class AccountRow:
    """One line of the accounts list (`queries.account_rows`)."""

    id: int
    name: str
    contacts: int
    health: int | None
    band: str | None


@dataclass(frozen=True, slots=True)
class Stakeholder:
    id: int
    name: str
    title: str | None = None
    #: Health and last touch: absent when no run has evaluated them.
    health: int | None = None
    band: str | None = None
    last_touch: str | None = None


@dataclass(frozen=True, slots=True)
class RoleCover:
    """One role of the stakeholder map: who covers it, and how warm the role is."""

    role: str | None
    status: str
    people: tuple[Stakeholder, ...]


@dataclass(frozen=True, slots=True)
class AccountProfile:
    id: int
    name: str
    industry: str | None
    culture: str | None
    decision_making: str | None
    risk_tolerance: str | None
    budget_cycle: str | None
    notes: str | None


@dataclass(frozen=True, slots=True)
class AccountView:
    """`queries.account_view`, typed: the account, its stakeholder map and what it lacks."""

    account: AccountProfile
    health: Health | None
    map: tuple[RoleCover, ...]
    roles_uncovered: tuple[str, ...]
    roles_cold: tuple[str, ...]
    warnings: tuple[Warning, ...]
    stakeholders: tuple[Stakeholder, ...]
    health_history: tuple[WeekHealth, ...] = ()  # oldest first, this week last

    @classmethod
    def from_json(cls, view: Mapping[str, Any]) -> AccountView:
        return cls(
            account=view_of(AccountProfile, view["account"]),
            health=Health.from_json(view["health"]) if "health" in view else None,
            map=tuple(
                view_of(RoleCover, entry, people=tuple(view_of(Stakeholder, p) for p in entry["people"]))
                for entry in view["map"]
            ),
            roles_uncovered=tuple(view["roles_uncovered"]),
            roles_cold=tuple(view["roles_cold"]),
            warnings=warnings(view.get("warnings") or []),
            stakeholders=tuple(view_of(Stakeholder, s) for s in view["stakeholders"]),
            health_history=WeekHealth.series(view.get("health_history", ())),
        )


# ------------------------------------------------------------------ plugins and rules


@dataclass(frozen=True, slots=True)
class PluginRow:
    name: str
    source: str
    version: str
    section: str | None
    origin: str
    hooks: tuple[str, ...]
    error: str | None
    disabled: str | None


@dataclass(frozen=True, slots=True)
class PluginsView:
    """`queries.plugins_view`, and which plugin is inside which hook right now (`budget.in_progress`)."""

    plugins: tuple[PluginRow, ...]
    messages: tuple[str, ...]
    running: Mapping[str, str]

    @classmethod
    def from_json(cls, data: Mapping[str, Any], running: Mapping[str, str]) -> PluginsView:
        return cls(
            plugins=tuple(view_of(PluginRow, p) for p in data["plugins"]),
            messages=tuple(data["messages"]),
            running=dict(running),
        )


@dataclass(frozen=True, slots=True)
class RuleRow:
    key: str
    value: Any
    origin: str
    invalid: bool


@dataclass(frozen=True, slots=True)
class RulesView:
    """`queries.rules_view`, and the user's rules folder the origins are shown against."""

    files: tuple[str, ...]
    problems: tuple[str, ...]
    rows: tuple[RuleRow, ...]
    folder: str

    @classmethod
    def from_json(cls, data: Mapping[str, Any], folder: str) -> RulesView:
        return cls(
            files=tuple(data["files"]),
            problems=tuple(p["text"] for p in data["problems"]),
            rows=tuple(view_of(RuleRow, r) for r in data["rows"]),
            folder=folder,
        )


@dataclass(frozen=True, slots=True)
class IndexEntry:
    """A contact the palette can jump to (`queries.contact_index`)."""

    id: int
    name: str
    account: str | None


@dataclass(frozen=True, slots=True)
class ContactRow:
    """One line of the contacts table (`queries.contact_rows`; the search filters and sorts the core's rows)."""

    id: int
    name: str
    health: int | None
    band: str | None
    last_touch: str | None
    warnings: int
    account: str | None
    role: str | None
    stage: str
