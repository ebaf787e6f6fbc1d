"""Results of runs that store nothing, kept as the store keeps them: an agenda as of another day, a book
that cannot be written.

Looking from another day (`agenda --on`), the health and warnings are those of a
run as of that day, which stores nothing. One run over the whole book held every
contact's statistics and contexts at once: over a gigabyte at 50,000 contacts. The
agenda's contacts are evaluated here a group of the book at a time
(`groups_among`, whole accounts), and of each run only what an agenda row shows is
kept, as a stored row holds it (engine/conclusions.py), before the next group is
read. The rows are made whole from those texts a batch at a time, as stored rows are
from the store's. A book that cannot be written is looked at the same way, as of
now: its agenda and its screens (services/results.py).
"""

from __future__ import annotations

import datetime as dt
import gc
from collections.abc import Iterable

from ..api.types import to_json
from ..home.session import Session
from ..store.results import Result
from .conclusions import unstored
from .evaluate import Evaluation, collector_paused, evaluate, groups_among


class Unstored:
    """Each contact's result and texts (the health's terms, the warnings) from runs that stored nothing, and
    each account's warnings."""

    def __init__(self, *, words: bool = True) -> None:
        #: Whether the texts that make an agenda row whole are kept (the screens read only the results).
        self.words = words
        self._found: dict[int, tuple[Result, str, str]] = {}
        #: Each account's warnings (JSON), for the accounts with any.
        self.account_warnings: dict[int, list[dict]] = {}

    def keep(self, evaluation: Evaluation, contact_ids: Iterable[int]) -> None:
        """Keep what this run concluded for these contacts (those it evaluated) and their accounts."""
        of = unstored(evaluation, words=self.words)
        for cid in contact_ids:
            found = of(cid)
            if found is not None:
                self._found[cid] = found
        self.account_warnings.update(
            (aid, to_json(found)) for aid, found in evaluation.account_warnings.items() if found
        )

    def result(self, contact_id: int) -> Result | None:
        """The contact's result (None: not evaluated), as `store.results.contact_results` takes it."""
        found = self._found.get(contact_id)
        return None if found is None else found[0]

    def score(self, contact_id: int) -> tuple[int, str] | None:
        """The contact's score and band (None: not evaluated), as `snapshots.stored_agenda` takes them."""
        found = self._found.get(contact_id)
        return None if found is None else (found[0].score, found[0].band)

    def texts(self, contact_ids: Iterable[int]) -> dict[int, tuple[str, str, None]]:
        """The texts that make these contacts' rows whole, as `snapshots.texts_of` gives the stored ones."""
        found = self._found
        return {cid: (found[cid][1], found[cid][2], None) for cid in contact_ids if cid in found}


def as_of(session: Session, now: dt.datetime, contact_ids: Iterable[int], *, words: bool = True) -> Unstored:
    """These contacts' results as of `now`, worked out a group of the book at a time, nothing stored."""
    kept = Unstored(words=words)
    with collector_paused():
        for group in groups_among(session, contact_ids):
            run = evaluate(session, persist=False, contact_ids=group, now=now)
            kept.keep(run, group)
            del run
            gc.collect(0)  # the group's run, cycles included, before the next is read
    return kept
