"""The agenda: what is due or overdue, why, how to approach it, and what to do.

The engine's results are stored (store/snapshots.py) and brought up to date
first, evaluating only what changed since (`refresh`); the rows are then read
from the store, one query for every open follow-up due by the end of the
window with its contact, health and warnings, ordered by urgency. Looking from
another day (`--on`), or at a database that cannot be written, the health and
warnings come from a run that stores nothing, in the same rows.

An item's advice (tips, suggestions) is kept apart from the results: suggesters
read the whole network, so any change anywhere makes it stale (`Advisor`). It is
had when an item is shown: kept, or worked out then (the CLI asks as it prints,
in batches, and with `--limit` only for the items it prints; the TUI as the
cursor moves).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import NamedTuple

from ..api.types import Suggestion, Tip, Warning, to_json
from ..home.session import Session
from ..hosting.host import PluginProblem
from ..hosting.runtime import Runtime
from ..model import Channel, FollowUp
from ..store import snapshots
from .evaluate import Evaluation, collector_paused, evaluate, refresh
from .health import Health, HealthTerm
from .state import fingerprint

#: How many items' advice is asked for at a time as an agenda is printed: the first print while the rest wait.
ADVICE_BATCH = 500
#: From this many contacts without kept advice, one run over the whole book works it out for all of them:
#: a run over some reads the network from the database for each of their introductions, which at a few
#: hundred contacts cost more than reading the whole book once.
WHOLE_BOOK_FROM = 300


class Advisor:
    """Tips and suggestions for the contacts an agenda shows, stored and reused while nothing changes.

    Suggesters read the whole network, so advice is kept with the state and the
    book's version it was worked out at (`snapshots.store_advice`): any change
    anywhere, another day, other rules or plugins, and it is worked out again:
    from the run that just stored results while the book is as it left it (`latest`),
    else from a run over the contacts asked for, or over the whole book when many
    are (`WHOLE_BOOK_FROM`); those runs store nothing else. With `evaluation` (a run
    as of another day, or over a book that cannot be written), that run's advice,
    never kept.
    """

    def __init__(
        self, session: Session, evaluation: Evaluation | None = None, latest: Evaluation | None = None
    ) -> None:
        self._session, self._fixed = session, evaluation
        self._found: dict[int, dict] = {}  # each contact's advice as JSON: {"tips": [...], "suggestions": [...]}
        self._expected: list[int] = []  # the contacts whose advice will be asked for, a batch at a time (`expect`)
        #: The run that just stored results, and the key the book had right after it: while the book keeps that
        #: key, its contacts' advice comes from it (a second run over them would find the same).
        self._latest: tuple[Evaluation, str] | None = None
        if latest is not None:
            self._latest = (latest, self._key())

    def _key(self) -> str:
        """The state and the book's version now: what stored advice must have been worked out at to be used."""
        session = self._session
        with session.store.read() as conn:
            return f"{fingerprint(session.runtime, session.today)}:{snapshots.book_version(conn)}"

    def expect(self, contact_ids: Iterable[int]) -> None:
        """These contacts' advice will be asked for (a batch at a time): a run worked out for the first
        batch covers them all when one run over the whole book is cheaper than a run per batch."""
        self._expected = list(dict.fromkeys(contact_ids))

    def prepare(self, contact_ids: Iterable[int]) -> None:
        """Have the advice of these contacts (those not had yet): stored, or worked out in as few runs as can be."""
        wanted = list(dict.fromkeys(cid for cid in contact_ids if cid not in self._found))
        if not wanted:
            return
        if self._fixed is not None:
            for cid in wanted:
                self._found[cid] = _advice_of(self._fixed, cid)
            return
        session = self._session
        key = self._key()
        with session.store.read() as conn:
            for cid, found in snapshots.stored_advice(conn, wanted, key).items():
                self._found[cid] = json.loads(found)
        missing = [cid for cid in wanted if cid not in self._found]
        if not missing:
            return
        worked_out: dict[int, str] = {}

        def keep(run: Evaluation, cid: int) -> None:
            advice = self._found[cid] = _advice_of(run, cid)
            if cid in run.contacts:
                worked_out[cid] = json.dumps(advice, ensure_ascii=False, separators=(",", ":"))

        if self._latest is not None and self._latest[1] == key:
            latest = self._latest[0]
            for cid in [cid for cid in missing if cid in latest.contacts]:
                keep(latest, cid)
            missing = [cid for cid in missing if cid not in self._found]
        if missing:
            expected = len(missing) + sum(1 for cid in self._expected if cid not in self._found and cid not in wanted)
            whole = expected >= WHOLE_BOOK_FROM
            run = evaluate(session, persist=False, contact_ids=None if whole else missing)
            for cid in [*missing, *(self._expected if whole else ())]:
                if cid not in self._found:
                    keep(run, cid)
        if not session.store.read_only:
            with session.store.write() as conn:
                snapshots.store_advice(conn, key, worked_out, [p.to_json() for p in session.runtime.host.problems])

    def _advice(self, contact_id: int) -> dict:
        if contact_id not in self._found:
            self.prepare([contact_id])
        return self._found[contact_id]

    def tips(self, contact_id: int) -> list[Tip]:
        return [Tip(t["text"], t["topic"]) for t in self._advice(contact_id)["tips"]]

    def suggestions(self, contact_id: int) -> list[Suggestion]:
        return [
            Suggestion(s["key"], s["text"], s["why"], s["score"], Channel(s["channel"]) if s["channel"] else None)
            for s in self._advice(contact_id)["suggestions"]
        ]

    def json(self, contact_id: int, shown: int) -> dict:
        advice = self._advice(contact_id)
        return {"tips": advice["tips"], "suggestions": advice["suggestions"][:shown]}


def _advice_of(evaluation: Evaluation, contact_id: int) -> dict:
    """A contact's advice from a run, as JSON: every tip and suggestion, best first (none if not evaluated)."""
    if contact_id not in evaluation.contacts:
        return {"tips": [], "suggestions": []}
    return {
        "tips": to_json(evaluation.tips(contact_id)),
        "suggestions": to_json(evaluation.suggestions(contact_id)),
    }


class _Texts:
    """The stored texts that make an agenda's rows whole, read for all its rows when the first is wanted."""

    def __init__(self, session: Session, contact_ids: list[int]) -> None:
        self._session, self._ids = session, contact_ids
        self._found: dict[int, tuple] | None = None

    def __call__(self, contact_id: int) -> tuple | None:
        if self._found is None:
            with self._session.store.read() as conn:
                self._found = snapshots.texts_of(conn, self._ids)
        return self._found.get(contact_id)


class AgendaContact(NamedTuple):
    """The contact as an agenda row shows it."""

    id: int
    name: str
    account: str | None
    role: str | None
    style: str
    tier: str


@dataclass
class AgendaItem:
    """One row of the agenda: its JSON as the store gives it, and its advice on demand."""

    _row: dict
    advisor: Advisor = field(repr=False, compare=False)
    #: How many of the best suggestions the agenda shows.
    shown: int = 3
    #: Reads the stored texts that make rows whole, for every item of the agenda at once (`_Texts`).
    _texts: _Texts | None = field(default=None, repr=False, compare=False)
    _followup: FollowUp | None = field(default=None, repr=False, compare=False)

    @property
    def row(self) -> dict:
        """The row's JSON (`Agenda.to_json(advice=False)`'s item)."""
        if "warnings" not in self._row:
            assert self._texts is not None  # a row without its warnings comes from the store
            snapshots.filled(self._row, self._texts(self.contact_id))
        return self._row

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
        return self._row["bucket"]

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
        return self._row

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

    def stream_json(self, *, advice: bool = True, limit: int | None = None) -> dict:
        """What `to_json` gives, its items and problems as iterators, for a printer that writes as it goes.

        Each item's advice is worked out when its batch is reached, so the first is
        out before the last one's advice exists; the problems come last, once every
        item's plugins have run. With `limit`, only the first `limit` items (their
        advice alone is worked out) and "more": how many were left out.
        """
        shown = self.items if limit is None else self.items[:limit]
        out: dict = {
            "on": self.on.isoformat(),
            "until": self.until.isoformat(),
            "items": self._items_json(shown, advice),
        }
        if limit is not None:
            out["more"] = len(self.items) - len(shown)
        out["problems"] = self._problems_json()
        return out

    def shown(self, limit: int | None = None, *, advice: bool = True) -> Iterator[AgendaItem]:
        """The items (the first `limit`), each with its advice ready when `advice`: worked out a batch at
        a time as a printer reaches it (stored advice is read, the rest worked out in as few runs as can be)."""
        items = self.items if limit is None else self.items[:limit]
        with collector_paused():
            if advice:
                self.advisor.expect(item.contact_id for item in items)
            for start in range(0, len(items), ADVICE_BATCH):
                batch = items[start : start + ADVICE_BATCH]
                if advice:
                    self.advisor.prepare(item.contact_id for item in batch)
                yield from batch

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
    """Items due on or before `on + days`, overdue first; `on` defaults to today.

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


def _results_of(evaluation: Evaluation):
    """A contact's health and warnings (JSON) from a run that stored nothing, as the stored rows hold them."""

    def results(contact_id: int) -> tuple[dict, list]:
        health = evaluation.health.get(contact_id)
        if health is None:
            return dict(snapshots.UNKNOWN_HEALTH), []
        return health.to_json(), to_json(evaluation.warnings.get(contact_id, []))

    return results


def _build(session: Session, on: dt.date | None, days: int) -> Agenda:
    evaluation = refresh(session)
    start = on or session.today
    given = None  # a run whose results stand in for the stored ones
    if start != session.today:
        # Looking from another day: the follow-ups are today's (stored by the refresh above), while health,
        # warnings and advice come from a run as of that day, which stores nothing.
        given = evaluate(session, persist=False, now=_as_of(session, start))
    elif session.store.read_only:
        given = evaluation
    with session.store.read() as conn:
        stored = snapshots.stored_agenda(
            conn,
            session.today,
            on=start,
            days=days,
            results=_results_of(given) if given is not None else None,
        )
    runtime: Runtime = session.runtime
    advisor = Advisor(session, given, None if given is not None else evaluation)
    shown = runtime.engine.suggestions_shown
    items = []
    if stored is not None:
        texts = _Texts(session, [row["contact"]["id"] for row in stored.items if "warnings" not in row])
        items = [AgendaItem(row, advisor, shown, texts) for row in stored.items]
    return Agenda(
        on=start,
        until=start + dt.timedelta(days=days),
        items=items,
        runtime=runtime,
        today=session.today,
        advisor=advisor,
        evaluation=given or evaluation,
    )
