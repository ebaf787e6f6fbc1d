"""The agenda: what is due or overdue, why, how to approach it, and what to do.

The engine's results are stored (store/snapshots.py) and brought up to date
first, evaluating only what changed since (`refresh`); the rows are then read
from the store, one query for every open follow-up due by the end of the
window with its contact, health and warnings, ordered by urgency. Looking from
another day (`--on`), or at a database that cannot be written, the health and
warnings come from a run that stores nothing, in the same rows.

An item's advice (tips, suggestions) is kept apart from the results, with what
it read of the network, and had when the item is shown (engine/advisor.py).

A printed agenda holds one batch at a time: the stored texts that make its rows
whole are read a batch at a time, and as the printer passes an item its whole
row and its advice are let go (`Agenda.shown`). At 50,000 contacts an agenda of
25,000 items held them all, several hundred megabytes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import NamedTuple

from ..api.types import Suggestion, Tip, Warning
from ..home.session import Session
from ..hosting.host import PluginProblem
from ..hosting.runtime import Runtime
from ..model import FollowUp
from ..plan import daily
from ..store import snapshots
from .advisor import Advisor
from .evaluate import Evaluation, collector_paused, refresh
from .health import Health, HealthTerm
from .unstored import Unstored, as_of

#: How many items' advice is asked for at a time as an agenda is printed: the first print while the rest wait.
ADVICE_BATCH = 500


class _Texts:
    """The stored texts that make an agenda's rows whole, read for a batch of rows (`ADVICE_BATCH`) when one
    of them is wanted, the batch read before let go: one query per batch, and one batch held."""

    def __init__(self, session: Session, contact_ids: list[int], given: Unstored | None = None) -> None:
        self._session, self._ids = session, contact_ids  # each row's contact, in the agenda's order
        self._given = given  # the texts of runs that stored nothing, in place of the store's
        self._batch: int | None = None
        self._found: dict[int, tuple] = {}

    def __call__(self, position: int) -> tuple | None:
        """The texts of the row at this position in the agenda."""
        size = ADVICE_BATCH
        batch = position // size
        if batch != self._batch:
            self._found = {}  # the batch before let go first
            ids = self._ids[batch * size : (batch + 1) * size]
            if self._given is not None:
                self._found = self._given.texts(ids)
            else:
                with self._session.store.read() as conn:
                    self._found = snapshots.texts_of(conn, ids)
            self._batch = batch
        return self._found.get(self._ids[position])


class AgendaContact(NamedTuple):
    """The contact as an agenda row shows it."""

    id: int
    name: str
    account: str | None
    role: str | None
    style: str
    tier: str


@dataclass(slots=True)
class AgendaItem:
    """One row of the agenda: its JSON as the store gives it, and its advice on demand (one per row of the
    window, some 5,000 at 10,000 contacts: slots make each quicker to make and smaller)."""

    _row: dict
    advisor: Advisor = field(repr=False, compare=False)
    #: How many of the best suggestions the agenda shows.
    shown: int = 3
    #: Reads the stored texts that make rows whole, a batch of the agenda's rows at a time (`_Texts`).
    _texts: _Texts | None = field(default=None, repr=False, compare=False)
    #: Where the row is in the agenda: what `_texts` reads its texts by.
    _position: int = field(default=0, repr=False, compare=False)
    _followup: FollowUp | None = field(default=None, repr=False, compare=False)
    #: The row made whole (`row`), kept until `release`.
    _whole: dict | None = field(default=None, repr=False, compare=False)

    @property
    def row(self) -> dict:
        """The row's JSON (`Agenda.to_json(advice=False)`'s item)."""
        if "warnings" in self._row:
            return self._row
        if self._whole is None:
            assert self._texts is not None  # a row without its warnings comes from the store
            whole = dict(self._row)
            if "health" in whole:
                whole["health"] = dict(whole["health"])
            self._whole = snapshots.filled(whole, self._texts(self._position))
        return self._whole

    def release(self) -> None:
        """Let go of what was read or worked out for this row beyond the row as read (asked for again,
        it is read again): a printer that has printed it needs it no more."""
        self._whole = self._followup = None

    @property
    def followup(self) -> FollowUp:
        if self._followup is None:
            self._followup = FollowUp.model_validate(self._row["followup"])
        return self._followup

    @property
    def contact(self) -> AgendaContact:
        return AgendaContact(**self._row["contact"])

    @property
    def contact_id(self) -> int:
        return self._row["contact"]["id"]

    @property
    def due(self) -> dt.date:
        return dt.date.fromisoformat(self._row["due"])

    @property
    def overdue_days(self) -> int:
        return self._row["overdue_days"]

    @property
    def bucket(self) -> str:
        """Where the daily plan puts it (plan/daily.py): "overdue" and "today" are today's list,
        "upcoming" a later day of the window, "later" beyond it."""
        return self._row["bucket"]

    @property
    def planned(self) -> dt.date | None:
        """The day the daily plan gives it (None: later than the window)."""
        found = self._row.get("planned")
        return dt.date.fromisoformat(found) if found else None

    @property
    def plan_note(self) -> str | None:
        """Why it is not on its own day ("moved to Thu 10 Dec: today is full"); None when it is."""
        return self._row.get("plan_note")

    @property
    def health(self) -> Health:
        found = self.row["health"]
        terms = tuple(
            HealthTerm(t["key"], t["label"], t["points"], t["maximum"], t["detail"]) for t in found.get("terms", ())
        )
        return Health(found["score"], found["band"], terms)

    @property
    def warnings(self) -> list[Warning]:
        return [Warning(w["key"], w["message"], w["severity"], w["evidence"]) for w in self.row["warnings"]]

    @property
    def tips(self) -> list[Tip]:
        return self.advisor.tips(self.contact_id)

    @property
    def suggestions(self) -> list[Suggestion]:
        return self.advisor.suggestions(self.contact_id)[: self.shown]

    def advice_json(self) -> dict:
        return self.advisor.json(self.contact_id, self.shown)

    def bare_json(self) -> dict:
        """The row as read, without what is read apart (the health's terms, the warnings) unless it has them:
        what a screen of rows paints."""
        return self._whole if self._whole is not None else self._row

    def to_json(self, *, advice: bool = True) -> dict:
        """Without `advice`, no "tips" and "suggestions" keys (`advice_json()` gives them later)."""
        return {**self.row, **self.advice_json()} if advice else dict(self.row)


@dataclass
class Agenda:
    on: dt.date
    until: dt.date
    items: list[AgendaItem]
    runtime: Runtime
    today: dt.date
    advisor: Advisor = field(repr=False)
    #: The run that brought the stored results up to date (None: nothing had changed), or that gave them.
    evaluation: Evaluation | None = None

    @property
    def changes(self) -> dict[str, int]:
        """What the run before the agenda changed in the stored follow-ups (nothing when none ran)."""
        return self.evaluation.changes if self.evaluation is not None else {}

    @property
    def problems(self) -> list[PluginProblem]:
        return self.runtime.host.problems

    def to_json(self, *, advice: bool = True) -> dict:
        return {
            key: list(value) if isinstance(value, Iterator) else value
            for key, value in self.stream_json(advice=advice).items()
        }

    @property
    def planned_items(self) -> list[AgendaItem]:
        """The items the daily plan gives a day of the window (the "later" ones come last: left out)."""
        items = self.items
        end = len(items)
        while end and items[end - 1].bucket == daily.LATER:
            end -= 1
        return items if end == len(items) else items[:end]

    @property
    def later(self) -> int:
        """How many items the daily plan leaves for later than the window."""
        return len(self.items) - len(self.planned_items)

    def stream_json(self, *, advice: bool = True, limit: int | None = None, later: bool = True) -> dict:
        """What `to_json` gives, its items and problems as iterators, for a printer that writes as it goes.

        Each item's advice is worked out when its batch is reached, so the first is
        out before the last one's advice exists; the problems come last, once every
        item's plugins have run. With `limit`, only the first `limit` items (their
        advice alone is worked out) and "more": how many were left out. Without `later`, the
        items the daily plan leaves for later are left out, and "later" says how many.
        """
        listed = self.items if later else self.planned_items
        shown = listed if limit is None else listed[:limit]
        out: dict = {
            "on": self.on.isoformat(),
            "until": self.until.isoformat(),
            "items": self._items_json(shown, advice),
        }
        if limit is not None:
            out["more"] = len(listed) - len(shown)
        if not later:
            out["later"] = len(self.items) - len(listed)
        out["problems"] = self._problems_json()
        return out

    def shown(self, limit: int | None = None, *, advice: bool = True) -> Iterator[AgendaItem]:
        """The items (the first `limit`), each with its advice ready when `advice`: worked out a batch at
        a time as a printer reaches it (stored advice is read, the rest worked out in as few runs as can be).

        For a printer that goes through once: as it passes an item, the item's whole row is let go, and
        its advice once the batch is passed, so that the agenda holds a batch, not every row and its advice.
        Anything asked of a passed item later is read, or worked out, again.
        """
        items = self.items if limit is None else self.items[:limit]
        with collector_paused():
            if advice:
                self.advisor.expect(item.contact_id for item in items)
            for start in range(0, len(items), ADVICE_BATCH):
                batch = items[start : start + ADVICE_BATCH]
                if advice:
                    self.advisor.prepare(item.contact_id for item in batch)
                for item in batch:
                    yield item
                    item.release()
                self.advisor.forget(item.contact_id for item in batch)

    def _items_json(self, items: list[AgendaItem], advice: bool) -> Iterator[dict]:
        for item in self.shown(len(items), advice=advice):
            yield item.to_json(advice=advice)

    def _problems_json(self) -> Iterator[dict]:
        for problem in self.problems:
            yield problem.to_json()


def contact_advice(session: Session, contact_id: int) -> tuple[dict, list[str]]:
    """One contact's agenda advice (tips, best suggestions) from a run over that contact and its account,
    as the agenda's own items get it, and the run's problem messages: for the screen that paints the
    stored agenda first."""
    advice = Advisor(session).json(contact_id, session.runtime.engine.suggestions_shown)
    return advice, session.runtime.messages()


def build_agenda(session: Session, *, on: dt.date | None = None, days: int = 7, advice: bool = True) -> Agenda:
    """Items due on or before `on + days`, planned day by day (plan/daily.py: today's best few first, then
    the days after, then "later"), most urgent first within a day; `on` defaults to today.

    With `advice`, every item's tips and suggestions are worked out now; without, each on first use.
    """
    with collector_paused():
        agenda = _build(session, on, days)
        if advice:
            agenda.advisor.prepare(item.contact_id for item in agenda.items)
        return agenda


def _as_of(session: Session, day: dt.date) -> dt.datetime:
    """The session's time of day on another day, in the user's zone: the `now` plugins see for `--on`."""
    local = session.now.astimezone(session.tz)
    return dt.datetime.combine(day, local.time(), tzinfo=session.tz).astimezone(dt.timezone.utc)


def _build(session: Session, on: dt.date | None, days: int) -> Agenda:
    start = on or session.today
    until = start + dt.timedelta(days=days)
    given: Unstored | None = None  # results of runs that stored nothing, standing in for the stored ones
    evaluation = refresh(session)
    if start != session.today or session.store.read_only:
        # Looking from another day, the follow-ups are today's (stored by the refresh) while health, warnings
        # and advice come from runs as of that day; a database that cannot be written stores nothing. Those
        # runs take the agenda's contacts a group of the book at a time.
        moment = session.now if start == session.today else _as_of(session, start)
        with session.store.read() as conn:
            shown_ids = snapshots.agenda_contacts(conn, until)
        given = as_of(session, moment, shown_ids)
        advisor = Advisor(session, unstored=given)
    else:
        advisor = Advisor(session, latest=evaluation)
    with session.store.read() as conn:
        stored = snapshots.stored_agenda(
            conn, session.today, on=start, days=days, results=given.score if given is not None else None
        )
    runtime: Runtime = session.runtime
    shown = runtime.engine.suggestions_shown
    items = []
    if stored is not None:
        stored = daily.planned(stored, session.settings.agenda.capacity)
        texts = _Texts(session, [row["contact"]["id"] for row in stored.items], given)
        items = [AgendaItem(row, advisor, shown, texts, position) for position, row in enumerate(stored.items)]
    return Agenda(
        on=start,
        until=until,
        items=items,
        runtime=runtime,
        today=session.today,
        advisor=advisor,
        evaluation=evaluation,
    )
