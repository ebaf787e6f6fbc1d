"""The agenda: what is due or overdue, why, how to approach it, and what to do.

Built from one engine run: follow-ups are reconciled first, then every open
follow-up due by the end of the window becomes an item with the contact's
tips, warnings, best suggestions and health, ordered by urgency.

An item's advice (tips, suggestions) comes from the evaluation, which works it
out once per contact, on first use: the CLI asks as it prints each item (and
with `--limit` only for the items it prints), the TUI as the cursor moves.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field

from ..model import Contact, FollowUp, Tier, stored_id
from ..session import Session
from ..store import followups
from .evaluate import Evaluation, collector_paused, evaluate
from .health import Health
from .types import Suggestion, Tip, Warning, to_json


@dataclass
class AgendaItem:
    followup: FollowUp
    contact: Contact
    due: dt.date
    overdue_days: int
    health: Health
    warnings: list[Warning]
    evaluation: Evaluation = field(repr=False, compare=False)
    #: How many of the best suggestions the agenda shows.
    shown: int = 3

    @property
    def tips(self) -> list[Tip]:
        return self.evaluation.tips(stored_id(self.contact.id))

    @property
    def suggestions(self) -> list[Suggestion]:
        return self.evaluation.suggestions(stored_id(self.contact.id))[: self.shown]

    def advice_json(self) -> dict:
        return _advice_json(self.evaluation, stored_id(self.contact.id), self.shown)

    @property
    def bucket(self) -> str:
        if self.overdue_days > 0:
            return "overdue"
        return "today" if self.overdue_days == 0 else "upcoming"

    def to_json(self, *, advice: bool = True) -> dict:
        """Without `advice`, no "tips" and "suggestions" keys (`advice_json()` gives them later)."""
        out = {
            "followup": self.followup.model_dump(mode="json"),
            "contact": {
                "id": self.contact.id,
                "name": self.contact.name,
                "account": self.contact.account,
                "role": self.contact.role.value if self.contact.role else None,
                "style": self.contact.style.value,
                "tier": self.contact.tier.value,
            },
            "due": self.due.isoformat(),
            "bucket": self.bucket,
            "overdue_days": self.overdue_days,
            "health": self.health.to_json(),
            "warnings": to_json(self.warnings),
        }
        if advice:
            out.update(self.advice_json())
        return out


@dataclass
class Agenda:
    on: dt.date
    until: dt.date
    items: list[AgendaItem]
    evaluation: Evaluation

    def to_json(self, *, advice: bool = True) -> dict:
        return {
            key: list(value) if isinstance(value, Iterator) else value
            for key, value in self.stream_json(advice=advice).items()
        }

    def stream_json(self, *, advice: bool = True, limit: int | None = None) -> dict:
        """What `to_json` gives, its items and problems as iterators, for a printer that writes as it goes.

        Each item's advice is worked out when its item is reached, so the first is
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

    @staticmethod
    def _items_json(items: list[AgendaItem], advice: bool) -> Iterator[dict]:
        with collector_paused():
            for item in items:
                yield item.to_json(advice=advice)

    def _problems_json(self) -> Iterator[dict]:
        for problem in self.evaluation.problems:
            yield problem.to_json()


def _advice_json(evaluation: Evaluation, contact_id: int, shown: int) -> dict:
    return {
        "tips": to_json(evaluation.tips(contact_id)),
        "suggestions": to_json(evaluation.suggestions(contact_id)[:shown]),
    }


def contact_advice(session: Session, contact_id: int) -> tuple[dict, list[str]]:
    """One contact's agenda advice (tips, best suggestions) from a run over that contact and its account.

    What an agenda item of the whole-book run would show, for the screen that paints the
    stored agenda first: the highlighted row's advice comes in tens of milliseconds instead
    of after every contact has been evaluated. Also the run's problem messages.
    """
    evaluation = evaluate(session, persist=False, contact_ids=[contact_id])
    advice = (
        _advice_json(evaluation, contact_id, evaluation.runtime.engine.suggestions_shown)
        if contact_id in evaluation.contacts
        else {"tips": [], "suggestions": []}
    )
    return advice, evaluation.runtime.messages()


_TIER_VALUE = {tier: tier.value for tier in Tier}


def _urgency(item: AgendaItem) -> tuple:
    tier = item.contact.tier
    return (item.due, item.health.score, _TIER_VALUE.get(tier) or tier.value, item.contact.name.casefold())


def build_agenda(
    session: Session,
    *,
    on: dt.date | None = None,
    days: int = 7,
    evaluation: Evaluation | None = None,
    advice: bool = True,
) -> Agenda:
    """Items due on or before `on + days`, overdue first; `on` defaults to today.

    With `advice`, every item's tips and suggestions are worked out now, in the
    order the items fall due; without, each on first use.
    """
    with collector_paused():
        return _build(session, on, days, evaluation, advice)


def _as_of(session: Session, day: dt.date) -> dt.datetime:
    """The session's time of day on another day, in the user's zone: the `now` plugins see for `--on`."""
    local = session.now.astimezone(session.tz)
    return dt.datetime.combine(day, local.time(), tzinfo=session.tz).astimezone(dt.timezone.utc)


def _build(session: Session, on: dt.date | None, days: int, evaluation: Evaluation | None, advice: bool) -> Agenda:
    fresh = evaluation is None
    evaluation = evaluation or evaluate(session)
    start = on or evaluation.today
    until = start + dt.timedelta(days=days)
    if fresh and evaluation.open_followups is not None:
        # This run read every open follow-up, again after the reconcile when it stored anything.
        due = [item for item in evaluation.open_followups if followups.effective_due(item) <= until]
    else:
        with session.store.read() as conn:
            due = followups.list_followups(conn, statuses=followups.OPEN_STATES, due_until=until)
    if fresh and start != evaluation.today:
        # Looking from another day: the follow-ups are today's (stored by the run above), while health,
        # warnings and advice come from a run as of that day, which stores nothing.
        evaluation = evaluate(session, persist=False, now=_as_of(session, start))
    shown = evaluation.runtime.engine.suggestions_shown
    items = []
    for item in due:
        contact = evaluation.contacts.get(item.contact_id)
        if contact is None or contact.do_not_contact:
            continue
        when = followups.effective_due(item)
        if advice:
            evaluation.tips(item.contact_id)
            evaluation.suggestions(item.contact_id)
        items.append(
            AgendaItem(
                followup=item,
                contact=contact,
                due=when,
                overdue_days=(start - when).days,
                health=evaluation.health[item.contact_id],
                warnings=evaluation.warnings.get(item.contact_id, []),
                evaluation=evaluation,
                shown=shown,
            )
        )
    items.sort(key=_urgency)
    return Agenda(on=start, until=until, items=items, evaluation=evaluation)
