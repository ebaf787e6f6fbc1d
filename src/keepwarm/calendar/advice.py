"""The engine's advice for the notes of an entry: tips, warnings, suggestions.

One small seam between the calendar and the rules engine. The stored results
are brought up to date first (`persist=True`: only what changed since is
evaluated), so a calendar fed only by a nightly `keepwarm export ics` still
sees newly due touches; the notes then say what the agenda says, and an export
with nothing changed since the last one reuses all of it. A dry run passes
`persist=False`: runs over the contacts wanted that store nothing, and nothing changes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ..api.types import Suggestion, Tip, Warning
from ..home.session import Session
from ..store import snapshots

if TYPE_CHECKING:
    from ..hosting.runtime import Runtime


@dataclass(frozen=True)
class Advice:
    tips: list[Tip] = field(default_factory=list)
    warnings: list[Warning] = field(default_factory=list)
    suggestions: list[Suggestion] = field(default_factory=list)


NONE = Advice()
AdviceFor = Callable[[int], Advice]


@dataclass
class Consultation:
    advice_for: AdviceFor
    runtime: Runtime  # for reporting plugin problems
    #: Works out the advice of these contacts at once (before `advice_for` is asked for each); the
    #: warnings of those prepared before are let go (a calendar is made a chunk of contacts at a time).
    prepare: Callable[[Iterable[int]], None] = lambda _ids: None
    #: The contacts whose advice will be asked for, in that order (`Advisor.expect`).
    expect: Callable[[Iterable[int]], None] = lambda _ids: None


def consult(session: Session, *, persist: bool) -> Consultation:
    """The agenda's own advice for the calendar: the stored results brought up to date first (only what
    changed), warnings as stored, tips and suggestions kept while what they read holds (`engine.advisor.Advisor`).
    A dry run, or a book that cannot be written, takes the results and advice of runs as of now that store
    nothing, the contacts still expected a group of the book at a time (`engine.unstored`)."""
    # lazy for start-up: the engine and its plugins load only when a run is needed
    from ..engine.advisor import Advisor
    from ..engine.evaluate import refresh  # lazy for start-up
    from ..engine.unstored import Unstored  # lazy for start-up, as the engine's run

    latest = given = None
    if persist and not session.store.read_only:
        latest = refresh(session)
    else:  # results as of now from runs that store nothing, a group of the book at a time, as chunks ask
        given = Unstored(session.now)
    shown = session.runtime.engine.suggestions_shown
    warnings: dict[int, list[Warning]] = {}
    expected: list[int] = []
    place: dict[int, int] = {}
    current: list[Advisor] = []  # the group's Advisor (see `prepare`)

    def expect(ids: Iterable[int]) -> None:
        expected[:] = dict.fromkeys(ids)
        place.clear()
        place.update((cid, n) for n, cid in enumerate(expected))

    def prepare(ids: Iterable[int]) -> None:
        wanted = list(dict.fromkeys(ids))
        if all(cid in warnings for cid in wanted):
            return
        warnings.clear()
        # Each group its own Advisor, the groups before let go with theirs: the advice a run works out for
        # the contacts still expected is stored by it, so the next group reads it (nothing runs twice).
        advisor = Advisor(session, latest=latest, unstored=given)
        current[:] = [advisor]
        rest = expected[min((place[cid] for cid in wanted if cid in place), default=len(expected)) :]
        advisor.expect(rest)
        if given is not None:  # every contact still expected, at once: their results are kept apart
            given.work_out(session, [*wanted, *rest])
        advisor.prepare(wanted)
        if given is not None:
            texts = given.texts(wanted)
        else:
            with session.store.read() as conn:
                texts = snapshots.texts_of(conn, wanted)
        for cid in wanted:
            row = snapshots.filled({}, texts.get(cid))
            warnings[cid] = [Warning(w["key"], w["message"], w["severity"], w["evidence"]) for w in row["warnings"]]

    def advice_for(contact_id: int) -> Advice:
        prepare([contact_id])
        advisor = current[0]
        return Advice(
            tips=advisor.tips(contact_id),
            warnings=warnings[contact_id],
            suggestions=advisor.suggestions(contact_id)[:shown],
        )

    return Consultation(advice_for, session.runtime, prepare, expect)
