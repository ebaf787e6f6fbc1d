"""An agenda's advice: each contact's tips and suggestions, kept while what they read holds.

An item's advice is kept apart from the results (store/snapshots.py), with what
it read of the network (engine/network.TrackedNetwork): a change makes stale
only the advice that read what changed. It is had when an item is shown, kept
or worked out then: the CLI asks as it prints, in batches, and with `--limit`
only for the items it prints; the TUI as the cursor moves; the calendar for the
follow-ups it publishes (calendar/advice.py).
"""

from __future__ import annotations

import gc
import json
from collections.abc import Iterable

from ..api.types import Suggestion, Tip, to_json
from ..home.session import Session
from ..model import Channel
from ..store import snapshots
from .evaluate import Evaluation, collector_paused, evaluate, groups_among
from .network import current_answers
from .state import fingerprint
from .unstored import Unstored

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
                    # A link's write marks both its contacts, a rename everyone linked (migration 0016).
                    if (kind == "candidates" and not people) or (
                        kind in ("last_touches", "links_of") and changed.isdisjoint(args)
                    ):
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
