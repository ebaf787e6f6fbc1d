"""Results of runs that store nothing, kept as the store keeps them: an agenda as of another day.

Looking from another day (`agenda --on`), the health and warnings are those of a
run as of that day, which stores nothing. One run over the whole book held every
contact's statistics and contexts at once: over a gigabyte at 50,000 contacts. The
agenda's contacts are evaluated here a group of the book at a time
(`groups_among`, whole accounts), and of each run only what an agenda row shows is
kept, as the texts a stored row holds (engine/conclusions.py), before the next group
is read. The rows are made whole from those texts a batch at a time, as stored rows
are from the store's.
"""

from __future__ import annotations

import datetime as dt
import gc
from collections.abc import Iterable

from ..home.session import Session
from .conclusions import unstored
from .evaluate import Evaluation, collector_paused, evaluate, groups_among


class Unstored:
    """Each contact's score, band and texts (the health's terms, the warnings) from runs that stored nothing."""

    def __init__(self) -> None:
        self._found: dict[int, tuple[int, str, str, str]] = {}

    def keep(self, evaluation: Evaluation, contact_ids: Iterable[int]) -> None:
        """Keep what this run concluded for these contacts (those it evaluated)."""
        of = unstored(evaluation)
        for cid in contact_ids:
            found = of(cid)
            if found is not None:
                self._found[cid] = found

    def score(self, contact_id: int) -> tuple[int, str] | None:
        """The contact's score and band (None: not evaluated), as `snapshots.stored_agenda` takes them."""
        found = self._found.get(contact_id)
        return None if found is None else (found[0], found[1])

    def texts(self, contact_ids: Iterable[int]) -> dict[int, tuple[str, str, None]]:
        """The texts that make these contacts' rows whole, as `snapshots.texts_of` gives the stored ones."""
        found = self._found
        return {cid: (found[cid][2], found[cid][3], None) for cid in contact_ids if cid in found}


def as_of(session: Session, now: dt.datetime, contact_ids: Iterable[int]) -> Unstored:
    """These contacts' results as of `now`, worked out a group of the book at a time, nothing stored."""
    kept = Unstored()
    with collector_paused():
        for group in groups_among(session, contact_ids):
            run = evaluate(session, persist=False, contact_ids=group, now=now)
            kept.keep(run, group)
            del run
            gc.collect(0)  # the group's run, cycles included, before the next is read
    return kept
