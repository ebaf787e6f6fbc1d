"""Typed views of what the screens show, built once where the data enters the TUI: the agenda's
rows and what they are made of (advice, health), which the first paint needs; the other screens'
views are in `screen_views`, loaded with those screens.

The core hands the CLI and the TUI the same JSON-ready results (`detail.contact_detail`,
`AgendaItem.to_json`, `dashboard.kpis`, ...): the CLI prints them, the TUI turns them
here, in the worker that fetched them, into frozen dataclasses. The screens then read
attributes: a misspelt field fails where it is written (and in the type checker), not
as a KeyError on the UI thread when a rare row is highlighted.
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar, cast

T = TypeVar("T")


def view_of(cls: type[T], data: Mapping[str, Any], **given: Any) -> T:
    """`cls` from the keys of `data` named like its fields, `given` ones as given.

    A list goes into a field typed as a tuple as one; any other value as it is (a rule's
    value shows as the list it is). A field with a default may be missing from `data`;
    one without may not (a KeyError here, where the view is built, says which)."""
    values: dict[str, Any] = {}
    for name, required, as_tuple in _fields(cast(type, cls)):  # a class: hashable, which type[T] hides
        if name in given:
            values[name] = given[name]
        elif name in data:
            value = data[name]
            values[name] = tuple(value) if as_tuple and isinstance(value, list) else value
        elif required:
            raise KeyError(f"{cls.__name__}: no {name!r} in {sorted(data)}")
    return cls(**values)


@functools.cache
def _fields(cls: type) -> tuple[tuple[str, bool, bool], ...]:
    """Each field's name, whether it must be given, and whether it holds a tuple (once per class:
    views are made by the ten thousand)."""
    return tuple(
        (
            f.name,
            f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING,
            str(f.type).startswith("tuple["),
        )
        for f in dataclasses.fields(cls)
    )


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
    return tuple(view_of(Tip, t) for t in data)


def warnings(data: list[dict]) -> tuple[Warning, ...]:
    return tuple(view_of(Warning, w) for w in data)


def suggestions(data: list[dict]) -> tuple[Suggestion, ...]:
    return tuple(view_of(Suggestion, s) for s in data)


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
        terms = data.get("terms")
        if not terms:  # an agenda row's: one per row, thousands before its first paint, sharing a hundred scores
            return _bare_health(data["score"], data["band"])
        return cls(score=data["score"], band=data["band"], terms=tuple(view_of(HealthTerm, t) for t in terms))


@functools.lru_cache(maxsize=1024)
def _bare_health(score: int | None, band: str | None) -> Health:
    """A health without its terms, made once per score and band (views are frozen: rows may share one)."""
    return Health(score=score, band=band)


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
    #: The day the daily plan gives it (plan/daily.py; None: later), and why it is not its own day.
    planned: str | None = None
    plan_note: str | None = None

    @classmethod
    def from_json(cls, item: Mapping[str, Any]) -> AgendaRow:
        # The follow-up and the contact spelt out rather than through `view_of`: thousands of rows are made
        # before the agenda's first paint, and these two are most of each.
        f, c = item["followup"], item["contact"]
        return cls(
            followup=AgendaFollowup(
                id=f["id"],
                reason=f["reason"],
                source=f["source"],
                rule_key=f.get("rule_key"),
                action=f.get("action"),
                channel=f.get("channel"),
            ),
            contact=AgendaContact(id=c["id"], name=c["name"], account=c["account"], role=c["role"], style=c["style"]),
            due=item["due"],
            bucket=item["bucket"],
            overdue_days=item["overdue_days"],
            health=Health.from_json(item["health"]),
            warnings=warnings(item["warnings"]) if "warnings" in item else None,
            advice=Advice.from_json(item) if "tips" in item else None,
            planned=item.get("planned"),
            plan_note=item.get("plan_note"),
        )

    @property
    def action(self) -> str:
        """What the row's last column shows: the follow-up's action, else the best suggestion once known."""
        if self.followup.action:
            return self.followup.action
        return self.advice.suggestions[0].text if self.advice and self.advice.suggestions else ""
