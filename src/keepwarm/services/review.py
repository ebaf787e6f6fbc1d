"""The weekly review: what a manager goes through with each person in their one-to-one.

For the week looked at (Monday to Sunday, up to today for the current one) and each person: what moved (the
touches they logged, the promises they kept, the relationships that warmed), what slipped (follow-ups left
late, promises past their day, key stakeholders outside their rhythm), the relationships cooling (health
down over the last weeks), the promises due in the coming week, theirs and ours, and a few questions for
the one-to-one drawn from those facts. The figures are the team dashboard's (`team.TeamBook`), read once;
this module only lists what lies behind them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from sqlalchemy import select

from ..errors import UserError
from ..home.session import Session
from ..store import health_history
from ..store.schema import commitments, followups
from ..text.wording import first_name, one_line, plural
from .dashboard import late_followups, utc_naive
from .people import Person, find_person
from .results import Results, current
from .team import CHANGE_WEEKS, TeamBook

#: A fall of this many points of health (or a worse band) over CHANGE_WEEKS weeks is a relationship cooling;
#: a rise of as many since last week is one warming.
MOVE_POINTS = 5
#: How far ahead the promises due are listed.
AHEAD_DAYS = 7
#: At most this many questions for one person.
QUESTIONS = 5
_RANK = {"warm": 0, "cooling": 1, "cold": 2}


def review_week(today: dt.date, week: dt.date | None) -> tuple[dt.date, dt.date]:
    """The week holding `week` (default today) and the day it is looked at from (its Sunday, or today)."""
    day = week or today
    start, this_week = health_history.week_of(day), health_history.week_of(today)
    if start > this_week:
        raise UserError(
            f"week: {day.isoformat()} is in a week still to come (this week starts {this_week}); "
            "expected this week or one before"
        )
    return start, min(start + dt.timedelta(days=6), today)


def weekly_review(
    session: Session, *, results: Results | None = None, week: dt.date | None = None, person: str | None = None
) -> dict:
    """Each person's week (only `person`'s when given: their whole name or an unambiguous part of it)."""
    start, day = review_week(session.today, week)  # before the results: a week refused runs nothing
    results = results or current(session)
    book = TeamBook(session, results, day)
    people = book.team if person is None else [find_person(book.team, person)]
    events = _Events(session, book, start)
    return {
        "today": results.today.isoformat(),
        "week": {"start": start.isoformat(), "end": (start + dt.timedelta(days=6)).isoformat()},
        "as_of": day.isoformat(),
        "people": [_person(book, events, p) for p in people],
    }


class _Events:
    """The week's rows behind the figures: promises kept in it, follow-ups late at its end, promises ahead."""

    def __init__(self, session: Session, book: TeamBook, start: dt.date) -> None:
        c, f, tz, day = commitments.c, followups.c, session.tz, book.day
        lo, hi = utc_naive(start, tz), utc_naive(day + dt.timedelta(days=1), tz)
        kept = select(c.id, c.contact_id, c.text, c.due, c.done_at).where(
            c.by == "me", c.status == "done", c.done_at >= lo, c.done_at < hi
        )
        late = (
            select(f.id, f.contact_id, f.reason, f.due, f.snoozed_until, f.status)
            .where(late_followups(day, hi))
            .order_by(f.due, f.id)
        )
        ahead = (
            select(c.id, c.contact_id, c.by, c.text, c.due)
            .where(c.status == "open", c.due > day, c.due <= day + dt.timedelta(days=AHEAD_DAYS))
            .order_by(c.due, c.id)
        )
        with session.store.read() as conn:
            self.kept = {row.id: row for row in conn.execute(kept.order_by(c.done_at, c.id))}
            self.late = list(conn.execute(late))
            self.ahead = list(conn.execute(ahead))
        self.tz = tz

    def kept_on(self, done_at: dt.datetime) -> dt.date:
        return done_at.replace(tzinfo=dt.timezone.utc).astimezone(self.tz).date()


def _person(book: TeamBook, events: _Events, person: Person) -> dict:
    ids = set(person.contact_ids)
    names = book.contacts
    out = {
        "name": person.name,
        "figures": book.person(person),
        "moved": _moved(book, events, ids),
        "slipped": _slipped(book, events, ids),
        "cooling": {
            "contacts": _moves(book, ids, CHANGE_WEEKS, rising=False),
            "accounts": _account_moves(book, person.account_ids),
        },
        "promises_due": [
            {
                "id": row.id,
                "contact": names[row.contact_id].name,
                "by": row.by,
                "text": one_line(row.text),
                "due": row.due.isoformat(),
            }
            for row in events.ahead
            if row.contact_id in ids
        ],
    }
    out["questions"] = questions(out)
    return out


def _moved(book: TeamBook, events: _Events, ids: set[int]) -> dict:
    """The week's touches by contact (most first), the promises kept in it, the contacts warmer than last week."""
    names = book.contacts
    touched = sorted(
        ((cid, book.touches[cid][-1]) for cid in ids if book.touches[cid][-1]),
        key=lambda item: (-item[1], names[item[0]].name.casefold()),
    )
    return {
        "touches": [{"id": cid, "name": names[cid].name, "count": n} for cid, n in touched],
        "promises_kept": [
            {
                "id": row.id,
                "contact": names[row.contact_id].name,
                "text": one_line(row.text),
                "due": None if row.due is None else row.due.isoformat(),
                "on_time": row.due is None or events.kept_on(row.done_at) <= row.due,
            }
            for row in events.kept.values()
            if row.contact_id in ids
        ],
        "warmer": _moves(book, ids, 1, rising=True),
    }


def _slipped(book: TeamBook, events: _Events, ids: set[int]) -> dict:
    """Follow-ups late at the week's end, my promises past their day, key stakeholders outside their rhythm."""
    names, day = book.contacts, book.day
    missed = sorted((p for cid in ids for p in book.promises.get(cid, ()) if p.state == "missed"), key=lambda p: p.due)
    late = []
    for row in events.late:
        if row.contact_id in ids:
            due = row.snoozed_until if row.status == "snoozed" else row.due
            late.append(
                {
                    "id": row.id,
                    "contact": names[row.contact_id].name,
                    "reason": one_line(row.reason),
                    "due": due.isoformat(),
                    "days_late": (day - due).days,
                }
            )
    return {
        "followups": late,
        "promises": [
            {"id": p.id, "contact": names[p.contact_id].name, "text": one_line(p.text), "due": p.due.isoformat()}
            for p in missed
        ],
        "key_behind": [_behind(book, cid) for cid in book.key_behind(sorted(ids))],
    }


def _behind(book: TeamBook, cid: int) -> dict:
    last = book.last_touch[cid]
    return {
        "id": cid,
        "name": book.contacts[cid].name,
        "days": None if last is None else (book.day - last).days,
        "interval": book.interval(cid),
    }


def _moves(book: TeamBook, ids: set[int], back: int, *, rising: bool) -> list[dict]:
    """The contacts whose health rose (or fell: a worse band counts too) by MOVE_POINTS over `back` weeks."""
    out = []
    for cid in ids:
        weeks = book.health_weeks(cid)
        before, now = weeks[-1 - back], weeks[-1]
        if before is None or now is None:
            continue
        change = now[0] - before[0]
        worse = _RANK.get(now[1], 0) > _RANK.get(before[1], 0)
        if (rising and change >= MOVE_POINTS) or (not rising and (change <= -MOVE_POINTS or worse)):
            out.append({"id": cid, "name": book.contacts[cid].name, "from": before[0], "to": now[0], "band": now[1]})
    return sorted(out, key=lambda m: (-(m["to"] - m["from"]) if rising else m["to"] - m["from"], m["name"].casefold()))


def _account_moves(book: TeamBook, account_ids: Sequence[int]) -> list[dict]:
    out = []
    for aid in account_ids:
        weeks = book.account_weeks(aid)
        before, now = weeks[-1 - CHANGE_WEEKS], weeks[-1]
        if before is not None and now is not None and (now[0] - before[0] <= -MOVE_POINTS):
            name = book.members[aid][0].account or ""
            out.append({"id": aid, "name": name, "from": before[0], "to": now[0], "band": now[1]})
    return sorted(out, key=lambda m: (m["to"] - m["from"], m["name"].casefold()))


def _question(template: str, **values: object) -> dict:
    """A question in our words (`template`) around outside text (`values`): each renderer escapes the values."""
    shown = {k: str(v) for k, v in values.items()}
    return {"text": template.format(**shown), "template": template, "values": shown}


#: Our words for each question; the values filled in are outside text, escaped by each renderer.
_NEVER_TOUCHED = "{name} has never had a touch logged: who on their side should hear from us first?"
_QUIET = (
    "{name} has gone {days} days without a touch against a {interval}-day rhythm: what is in the way, "
    "and what would be worth their time now?"
)
_PROMISE = (
    "The promise to {contact}, \u201c{text}\u201d, was due on {due}: when will it be kept, and does "
    "{first} know where it stands?"
)
_COOLING = "{name}'s health went from {from} to {to} over the last four weeks: what changed, on their side or ours?"
_ROLES = "{account} has nobody as {roles}: who there could open that door?"
_BELOW_PLAN = "{done} against about {plan} planned this week: which relationships did the week crowd out?"
_LATE = "{late} late: which can be done this week, and which no longer make sense?"
_NEXT_STEP = "What did {name} take from this week's touch, and what is the next step with them?"
_WENT_WELL = "Nothing slipped this week: what made that work, and what would keep it so?"


def questions(review: dict) -> list[dict]:
    """Questions for the one-to-one, the most pressing first, from what slipped, cooled and moved."""
    return [*_pressing(review), *_about_the_week(review)][:QUESTIONS]


def _pressing(review: dict) -> list[dict]:
    """About one person or account each: the key person quiet longest, the oldest promise, the steepest fall."""
    slipped, cooling, figures = review["slipped"], review["cooling"], review["figures"]
    out = []
    for person in slipped["key_behind"][:1]:
        if person["days"] is None:
            out.append(_question(_NEVER_TOUCHED, name=person["name"]))
        else:
            out.append(_question(_QUIET, **person))
    for promise in slipped["promises"][:1]:
        out.append(_question(_PROMISE, first=first_name(promise["contact"]), **promise))
    for person in cooling["contacts"][:1]:
        out.append(_question(_COOLING, **person))
    for account in figures["accounts"]:
        if account["key_roles_missing"]:
            roles = ", ".join(r.replace("_", " ") for r in account["key_roles_missing"])
            out.append(_question(_ROLES, account=account["name"], roles=roles))
            break
    return out


def _about_the_week(review: dict) -> list[dict]:
    """About the week as a whole: below plan, late follow-ups, the last touch made, or nothing slipped."""
    slipped, cooling, moved, touches = (
        review["slipped"],
        review["cooling"],
        review["moved"],
        review["figures"]["touches"],
    )
    out = []
    planned = int(touches["plan_to_date"] + 0.5)
    if touches["done"] < planned:
        out.append(_question(_BELOW_PLAN, done=plural(touches["done"], "touch"), plan=planned))
    if slipped["followups"]:
        out.append(_question(_LATE, late=plural(len(slipped["followups"]), "follow-up")))
    if moved["touches"]:
        out.append(_question(_NEXT_STEP, name=moved["touches"][0]["name"]))
    if not (slipped["followups"] or slipped["promises"] or slipped["key_behind"] or cooling["contacts"]):
        out.append(_question(_WENT_WELL))
    return out
