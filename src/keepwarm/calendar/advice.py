"""The engine's advice for the notes of an entry: tips, warnings, suggestions.

One small seam between the calendar and the rules engine. The engine runs
once, over the contacts being exported (or everyone), and also brings the
follow-ups up to date first (`persist=True`), so a calendar fed only by a
nightly `keepwarm export ics` still sees newly due touches. A dry run passes
`persist=False` and changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ..engine.types import Suggestion, Tip, Warning
from ..session import Session

if TYPE_CHECKING:
    from ..engine.runtime import Runtime


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


def consult(session: Session, contact_ids: Iterable[int] | None, *, persist: bool) -> Consultation:
    from ..engine.evaluate import evaluate

    focus = list(contact_ids) if contact_ids is not None else None
    evaluation = evaluate(session, persist=persist, contact_ids=focus)
    if persist and any(evaluation.changes.values()):
        # Tips and suggestions read the contact's open follow-ups as they were
        # before this run reconciled them; look again, so that the next export
        # of unchanged data says the same thing (and SEQUENCE does not move). The first run is let go
        # before the second: both at once held two whole-book evaluations (1.5 GB at 50,000 contacts).
        del evaluation
        evaluation = evaluate(session, persist=False, contact_ids=focus)
    suggestions_shown = evaluation.runtime.engine.suggestions_shown

    def advice_for(contact_id: int) -> Advice:
        if contact_id not in evaluation.contacts:
            return NONE
        return Advice(
            tips=list(evaluation.tips(contact_id)),
            warnings=list(evaluation.warnings.get(contact_id, [])),
            suggestions=list(evaluation.suggestions(contact_id))[:suggestions_shown],
        )

    return Consultation(advice_for, evaluation.runtime)
