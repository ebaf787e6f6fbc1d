"""The agenda: what is due or overdue, why, how to approach it, and what to do.

The engine's results are stored (store/snapshots.py) and brought up to date
first, evaluating only what changed since (`refresh`); the rows are then read
from the store, one query for every open follow-up due by the end of the
window with its contact, health and warnings, ordered by urgency. Looking from
another day (`--on`), or at a database that cannot be written, the health and
warnings come from a run that stores nothing, in the same rows.

An item's advice (tips, suggestions) is kept apart from the results, with what
it read of the network: a change makes stale only the advice that read what
changed (`Advisor`). It is
had when an item is shown: kept, or worked out then (the CLI asks as it prints,
in batches, and with `--limit` only for the items it prints; the TUI as the
cursor moves).

A printed agenda holds one batch at a time: the stored texts that make its rows
whole are read a batch at a time, and as the printer passes an item its whole
row and its advice are let go (`Agenda.shown`). At 50,000 contacts an agenda of
25,000 items held them all, several hundred megabytes.
"""

from __future__ import annotations

import datetime as dt
import gc
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
from .evaluate import Evaluation, collector_paused, evaluate, groups_among, refresh
from .health import Health, HealthTerm
from .network import current_answers
from .state import fingerprint
from .unstored import Unstored, as_of

#: How many items' advice is asked for at a time as an agenda is printed: the first print while the rest wait.
ADVICE_BATCH = 500
#: From this many contacts without kept advice, the advice of every contact the agenda will show is worked
#: out at once, a group of the book at a time (`groups_among`), and stored as each group is done: one run
#: per group rather than one per batch.
ALL_EXPECTED_FROM = 300
#: How many contacts, about, one run for advice takes at a time: it holds each contact's tip and suggestion
#: contexts beside its results, more than a run that only stores results (`evaluate.GROUP`).
ADVICE_GROUP = 5_000


class Advisor:
    """Tips and suggestions for the contacts an agenda shows, stored and reused while what they read holds.

    A contact's advice reads its own context (its rows, its account's members,
    its warnings: a change to any clears the stored advice, by the triggers of
    migration 0009), the state (another day, other rules or plugins: `fingerprint`
    is the key it is stored under) and a few questions asked of the network,
    noted with digests of their answers (engine/network.TrackedNetwork). Stored
    advice is used while each question it read has the same answer when asked again
    (`_holding`: each question asked once, however many contacts read it); advice
    that read the whole network (or any advice, while a cadence or warning plugin
    reads it: `RunFacts.reads_network`) only while the book is the same version.

    The rest is worked out: from the run that just stored results while the book is
    as it left it (`latest`), else from a run over the contacts asked for, or, when
    many are (`ALL_EXPECTED_FROM`), from runs over every contact expected whose advice
    does not hold, a group of the book at a time, each group's advice stored and the
    group's run let go before the next: a large book is never evaluated whole at once
    for advice. Those runs store nothing else. With `unstored` (`agenda --on`, a book
    that cannot be written, a calendar's dry run), runs as of its moment, as above,
    their advice kept with the results of the runs that stored nothing
    (engine/unstored.py), never in the store.

    It holds the advice asked for until told to let it go (`forget`): a printer
    holds a batch, not the agenda.
    """

    def __init__(self, session: Session, latest: Evaluation | None = None, *, unstored: Unstored | None = None) -> None:
        self._session, self._unstored = session, unstored
        self._as_of = None if unstored is None else unstored.now
        self._found: dict[int, dict] = {}  # each contact's advice as JSON: {"tips": [...], "suggestions": [...]}
        self._expected: list[int] = []  # the contacts whose advice will be asked for, a batch at a time (`expect`)
        #: Whether each kept network question (by id) has the answer it had, at the book's version `_checked_at`.
        self._holds: dict[int, bool] = {}
        self._checked_at: int | None = None
        self._all_checked = False  # every kept question's is known (at `_checked_at`)
        #: Whether the advice that read each list of questions (as stored) holds, at `_checked_at`.
        self._verdicts: dict[str | None, bool] = {}
        #: The kept questions to be asked again, when what changed since they last held is known (else None).
        self._rest: dict[int, tuple[str, str]] | None = None
        #: The run that just stored results, and the key the book had right after it: while the book keeps that
        #: key, its contacts' advice comes from it (a second run over them would find the same).
        self._latest: tuple[Evaluation, tuple[str, int]] | None = None
        if latest is not None:
            self._latest = (latest, self._key())

    def _key(self) -> tuple[str, int]:
        """The key stored advice must have been worked out at to be used (the state, and the book's version
        too while results read the whole network), and the book's version now."""
        session = self._session
        with session.store.read() as conn:
            version = snapshots.book_version(conn)
            facts = snapshots.run_facts(conn)
        key = fingerprint(session.runtime, session.today)
        if facts is not None and facts.reads_network:  # every warning may follow any change: so may advice
            key = f"{key}:{version}"
        return key, version

    def _holding(self, key: str, reads: dict[int, str | None], version: int) -> set[int]:
        """The contacts whose stored advice holds, by what it read of the network (`reads`): every question
        it asked has the answer it had, or the book is the version it read whole.

        The kept questions were known to hold at some version (`snapshots.questions_checked_at`): since
        then, only those that read what changed (`snapshots.advice_changes_since_checked`) are asked again;
        else every kept one is. Each once, and the store is told which hold now."""
        session = self._session
        if self._checked_at != version:
            self._holds, self._checked_at, self._all_checked, self._rest = {}, version, False, None
            self._verdicts = {}
            with session.store.read() as conn:
                checked = snapshots.questions_checked_at(conn, key)
                kept = snapshots.all_questions(conn) if checked is not None else {}
                changed, people = (
                    snapshots.advice_changes_since_checked(conn) if checked is not None else (frozenset(), True)
                )
            if checked == version:  # every kept one holds
                self._holds = dict.fromkeys(kept, True)
                self._all_checked = True
            elif checked is not None:  # those that read nothing changed since hold; the rest are asked again
                self._rest = {}
                for qid, (text, answer) in kept.items():
                    kind, args = json.loads(text)
                    if (kind == "candidates" and not people) or (kind == "last_touches" and changed.isdisjoint(args)):
                        self._holds[qid] = True
                    else:
                        self._rest[qid] = (text, answer)
        # Many contacts read the same questions: each list of them is judged once (`_verdicts`).
        verdicts = self._verdicts
        read: dict[str, list[int]] = {}
        for found in set(reads.values()) - verdicts.keys():
            if found is None:
                verdicts[found] = False
            elif found.startswith("*"):
                verdicts[found] = found == f"*{version}"
            else:
                read[found] = json.loads(found)
        holds = self._holds
        unknown = set() if self._all_checked else {qid for ids in read.values() for qid in ids if qid not in holds}
        if not self._all_checked and (unknown or self._rest == {}):  # every kept one not known is asked again
            if self._rest is not None:
                kept = self._rest
            else:
                with session.store.read() as conn:
                    kept = snapshots.all_questions(conn)
            now = current_answers(session.store, {text for text, _ in kept.values()})
            holds.update((qid, now[text] == answer) for qid, (text, answer) in kept.items())
            self._all_checked, self._rest = True, None  # the store is told: the next Advisor asks none
            if not session.store.read_only:
                with session.store.write() as conn:
                    snapshots.questions_checked(conn, key, version, self._stale_questions())
        verdicts.update((found, all(holds.get(qid, False) for qid in ids)) for found, ids in read.items())
        return {cid for cid, found in reads.items() if verdicts[found]}

    def _stale_questions(self) -> list[int]:
        return [qid for qid, holds in self._holds.items() if not holds]

    def expect(self, contact_ids: Iterable[int]) -> None:
        """These contacts' advice will be asked for (a batch at a time): a run worked out for the first
        batch covers them all when one run over the whole book is cheaper than a run per batch."""
        self._expected = list(dict.fromkeys(contact_ids))

    def prepare(self, contact_ids: Iterable[int]) -> None:
        """Have the advice of these contacts (those not had yet): stored, or worked out in as few runs as can be."""
        wanted = list(dict.fromkeys(cid for cid in contact_ids if cid not in self._found))
        if not wanted:
            return
        session = self._session
        key, version = self._key() if self._unstored is None else ("", 0)  # unstored advice is not keyed
        for cid, found in self._stored(wanted, key, version).items():
            self._found[cid] = json.loads(found)
        missing = [cid for cid in wanted if cid not in self._found]
        if not missing:
            return
        worked_out: dict[int, tuple[str, snapshots.Reads]] = {}

        def keep(run: Evaluation, cid: int, held: bool = True) -> None:
            advice = _advice_of(run, cid)
            if held:  # asked for now; the others are stored, and read when their batch is
                self._found[cid] = advice
            if cid in run.contacts:
                worked_out[cid] = (_as_text(advice), _reads_of(run, cid))

        latest = self._latest[0] if self._latest is not None and self._latest[1] == (key, version) else None
        if latest is not None:
            for cid in [cid for cid in missing if cid in latest.contacts]:
                keep(latest, cid)
            missing = [cid for cid in missing if cid not in self._found]
        if missing:
            asked = set(wanted)
            more = [cid for cid in self._expected if cid not in self._found and cid not in asked]
            if latest is not None:  # had from the latest run when asked for
                more = [cid for cid in more if cid not in latest.contacts]
            if more and self._unstored is None:  # those whose stored advice holds are read when asked for
                with session.store.read() as conn:
                    reads = snapshots.advice_reads(conn, more, key)
                holding = self._holding(key, reads, version)
                more = [cid for cid in more if cid not in holding]
            if len(missing) + len(more) < ALL_EXPECTED_FROM:  # the few expected later too: one run for all
                run = evaluate(session, persist=False, contact_ids=[*missing, *more], now=self._as_of)
                for cid in missing:
                    keep(run, cid)
                for cid in more:
                    keep(run, cid, held=False)
            else:
                self._work_out_in_groups(key, version, [*missing, *more], asked)
                for cid in missing:
                    if cid not in self._found:  # no longer in the book: no advice
                        self._found[cid] = {"tips": [], "suggestions": []}
        self._store(key, version, worked_out)

    def _stored(self, contact_ids: list[int], key: str, version: int) -> dict[int, str]:
        """The advice kept for these contacts that holds (`_holding`), as JSON: in the store, or with
        unstored results (all of it: those runs' results are as of one moment)."""
        if self._unstored is not None:
            return self._unstored.advice(contact_ids)
        with self._session.store.read() as conn:
            stored = snapshots.stored_advice(conn, contact_ids, key)
        holding = self._holding(key, {cid: reads for cid, (_, reads) in stored.items()}, version)
        return {cid: stored[cid][0] for cid in holding}

    def _store(self, key: str, version: int, worked_out: dict[int, tuple[str, snapshots.Reads]]) -> None:
        session = self._session
        if self._unstored is not None:
            self._unstored.keep_advice({cid: text for cid, (text, _) in worked_out.items()})
        elif not session.store.read_only:
            with session.store.write() as conn:
                kept = snapshots.store_advice(
                    conn,
                    key,
                    worked_out,
                    [p.to_json() for p in session.runtime.host.problems],
                    version=version,
                    stale=self._stale_questions(),
                    checked=self._all_checked and self._checked_at == version,
                )
            if kept is not None and self._checked_at == version:  # their answers are the book's at `version`
                self._holds.update(dict.fromkeys(kept, True))
                self._verdicts = {found: True for found, holds in self._verdicts.items() if holds}

    def _work_out_in_groups(self, key: str, version: int, contact_ids: list[int], asked: set[int]) -> None:
        """The advice of these contacts, a group of the book at a time: each group's advice stored (the
        contacts `asked` for kept too), its run let go and its cycles collected before the next group's.
        The collector is paused for all the groups: each run's objects stay young, where `gc.collect(0)` finds
        them (a run of its own would move them among the old on its way out)."""
        with collector_paused():
            for group in groups_among(self._session, contact_ids, ADVICE_GROUP):
                run = evaluate(self._session, persist=False, contact_ids=group, now=self._as_of)
                worked_out: dict[int, tuple[str, snapshots.Reads]] = {}
                for cid in group:
                    advice = _advice_of(run, cid)
                    if cid in asked:
                        self._found[cid] = advice
                    if cid in run.contacts:
                        worked_out[cid] = (_as_text(advice), _reads_of(run, cid))
                del run, advice
                self._store(key, version, worked_out)
                del worked_out
                gc.collect(0)  # the group's run, cycles included

    def forget(self, contact_ids: Iterable[int]) -> None:
        """Let go of these contacts' advice (asked for again, it is read from where it was stored)."""
        for cid in contact_ids:
            self._found.pop(cid, None)

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


def _as_text(advice: dict) -> str:
    return json.dumps(advice, ensure_ascii=False, separators=(",", ":"))


def _reads_of(evaluation: Evaluation, contact_id: int) -> snapshots.Reads:
    """What a contact's advice read of the network, as stored: each question's answer digest, or None (all)."""
    reads = evaluation.network_reads(contact_id)
    return None if reads.whole else dict(reads.asked)


def _advice_of(evaluation: Evaluation, contact_id: int) -> dict:
    """A contact's advice from a run, as JSON: every tip and suggestion, best first (none if not evaluated)."""
    if contact_id not in evaluation.contacts:
        return {"tips": [], "suggestions": []}
    return {
        "tips": to_json(evaluation.tips(contact_id)),
        "suggestions": to_json(evaluation.suggestions(contact_id)),
    }


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


@dataclass
class AgendaItem:
    """One row of the agenda: its JSON as the store gives it, and its advice on demand."""

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
