"""Results of runs that store nothing, kept as the store keeps them: an agenda as of another day, a book
that cannot be written.

Looking from another day (`agenda --on`), the health and warnings are those of a
run as of that day, which stores nothing. One run over the whole book held every
contact's statistics and contexts at once: over a gigabyte at 50,000 contacts. The
agenda's contacts are evaluated here a group of the book at a time
(`groups_among`, whole accounts), and of each run only what an agenda row shows is
kept, as a stored row holds it (engine/conclusions.py), before the next group is
read. A book that cannot be written is looked at the same way, as of now: its
agenda and its screens (services/results.py).

The texts (the health's terms, the warnings, the advice) go where stored texts
go, a database, but a private temporary one (SQLite's, on disk, gone when it is
closed): held in memory, 25,000 contacts' texts took some 120 MB, and the small
objects kept between runs kept each run's freed memory from being reused (the
agenda grew by every group's run, to a gigabyte). Rows are made whole from them a
batch at a time, as stored rows are from the store.
"""

from __future__ import annotations

import datetime as dt
import gc
import sqlite3
from collections.abc import Iterable

from ..api.types import to_json
from ..home.session import Session
from ..store.results import Result
from .conclusions import unstored
from .evaluate import Evaluation, collector_paused, evaluate, groups_among

_SCHEMA = (
    "CREATE TABLE texts (contact_id INTEGER PRIMARY KEY, terms TEXT NOT NULL, warnings TEXT NOT NULL)",
    "CREATE TABLE advice (contact_id INTEGER PRIMARY KEY, advice TEXT NOT NULL)",
)
#: Ids per statement (SQLite's limit on bound parameters is 32,766).
_CHUNK = 10_000


class Unstored:
    """Each contact's result, and the texts of its row and its advice, from runs as of `now` that stored
    nothing; each account's warnings. Closed with the agenda or screen that asked (or when let go)."""

    def __init__(self, now: dt.datetime, *, words: bool = True) -> None:
        self.now = now
        #: Whether the texts that make an agenda row whole are kept (the screens read only the results).
        self.words = words
        self._results: dict[int, Result] = {}
        #: Each account's warnings (JSON), for the accounts with any.
        self.account_warnings: dict[int, list[dict]] = {}
        self._db = sqlite3.connect("", check_same_thread=False)  # "": private, on disk, deleted when closed
        for statement in _SCHEMA:
            self._db.execute(statement)

    def close(self) -> None:
        """Delete the temporary database now (else when this is let go)."""
        self._db.close()

    def keep(self, evaluation: Evaluation, contact_ids: Iterable[int]) -> None:
        """Keep what this run concluded for these contacts (those it evaluated) and their accounts."""
        of = unstored(evaluation, words=self.words)
        rows = []
        for cid in contact_ids:
            found = of(cid)
            if found is not None:
                self._results[cid] = found[0]
                if self.words:
                    rows.append((cid, found[1], found[2]))
        with self._db:
            self._db.executemany("INSERT OR REPLACE INTO texts VALUES (?, ?, ?)", rows)
        self.account_warnings.update(
            (aid, to_json(found)) for aid, found in evaluation.account_warnings.items() if found
        )

    def work_out(self, session: Session, contact_ids: Iterable[int]) -> None:
        """Keep these contacts' results as of `now` (those not kept yet), from runs over a group of the book
        at a time, each let go before the next."""
        wanted = [cid for cid in dict.fromkeys(contact_ids) if cid not in self._results]
        with collector_paused():
            for group in groups_among(session, wanted):
                run = evaluate(session, persist=False, contact_ids=group, now=self.now)
                self.keep(run, group)
                del run
                gc.collect(0)  # the group's run, cycles included, before the next is read

    def result(self, contact_id: int) -> Result | None:
        """The contact's result (None: not evaluated), as `store.results.contact_results` takes it."""
        return self._results.get(contact_id)

    def score(self, contact_id: int) -> tuple[int, str] | None:
        """The contact's score and band (None: not evaluated), as `snapshots.stored_agenda` takes them."""
        found = self._results.get(contact_id)
        return None if found is None else (found.score, found.band)

    def texts(self, contact_ids: Iterable[int]) -> dict[int, tuple[str, str, str | None]]:
        """The texts that make these contacts' rows whole, as `snapshots.texts_of` gives the stored ones."""
        return {cid: (terms, said, None) for cid, terms, said in self._read("texts", contact_ids)}

    def keep_advice(self, advice: dict[int, str]) -> None:
        """Keep these contacts' advice (JSON), as `snapshots.store_advice` stores it."""
        with self._db:
            self._db.executemany("INSERT OR REPLACE INTO advice VALUES (?, ?)", advice.items())

    def advice(self, contact_ids: Iterable[int]) -> dict[int, str]:
        """The advice kept for these contacts (those with any), as `snapshots.stored_advice` gives it."""
        return dict(self._read("advice", contact_ids))

    def _read(self, table: str, contact_ids: Iterable[int]) -> list[tuple]:
        ids = sorted(set(contact_ids))
        out: list[tuple] = []
        for start in range(0, len(ids), _CHUNK):
            part = ids[start : start + _CHUNK]
            marks = ",".join("?" * len(part))
            out.extend(self._db.execute(f"SELECT * FROM {table} WHERE contact_id IN ({marks})", part))
        return out


def as_of(session: Session, now: dt.datetime, contact_ids: Iterable[int], *, words: bool = True) -> Unstored:
    """These contacts' results as of `now`, worked out a group of the book at a time, nothing stored."""
    kept = Unstored(now, words=words)
    kept.work_out(session, contact_ids)
    return kept
