"""The manager's view: for each person of the team, whether the plan for their key relationships is kept.

A manager follows up on what each of their people does with the relationships that matter, so the figures
are per person (`people.team_people`) and as of one day (today, or a past day: `--on`): touches logged
against what their contacts' rhythms asked for, follow-ups left late, their promises kept on time, key
stakeholders touched within their rhythm, the health of their contacts and of their accounts week by week,
and which stakeholder roles each of their accounts has somebody in.

Everything is read from what is kept already, once for the whole team (`TeamBook.read`): the stored results
(each contact's rhythm, score, band and last touch, brought up to date by `results.current`), the scores the
runs recorded week by week (store/health_history.py), one grouped scan of the touches in the weeks shown,
and the follow-ups and promises. Health is not worked out again for a past week: a past week's is the score
the runs recorded then; an account's is the engine's aggregate of its members' (`health.account_health`).
The plan uses the rhythms as they are today.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import and_, case, func, select

from ..engine import stats as statistics
from ..errors import UserError
from ..home.session import Session
from ..model import Role
from ..store import health_history
from ..store.results import ContactResult
from ..store.rows import plain_rows
from ..store.schema import commitments, interactions
from . import health_series
from .dashboard import BANDS, KEY_ROLES, in_play, is_key, on_cadence, overdue_followups, plan_share, planned, utc_naive
from .people import Person, team_people
from .queries import role_status
from .results import Results, current

#: Weeks a person's trend shows: a quarter.
TREND_WEEKS = 12
#: The change shown beside a health: against this many weeks before.
CHANGE_WEEKS = 4
#: The key roles of an account's stakeholder map, in the vocabulary's order.
KEY_ROLE_ORDER = tuple(r.value for r in Role if r in KEY_ROLES)
_EPOCH = dt.datetime(1970, 1, 1)


def _share(part: int, whole: int) -> float | None:
    return round(part / whole, 3) if whole else None


def _mean(values: Sequence[float]) -> float | None:
    return round(sum(values) / len(values), 1) if values else None


def _change(series: Sequence[float | None]) -> float | None:
    """The last value against the one CHANGE_WEEKS before (None when either is unknown)."""
    if len(series) <= CHANGE_WEEKS:
        return None
    now, before = series[-1], series[-1 - CHANGE_WEEKS]
    return None if now is None or before is None else round(now - before, 1)


@dataclass(frozen=True, slots=True)
class Promise:
    """One of my promises that fell due in the window, and how it stood at the end of the day."""

    id: int
    contact_id: int
    text: str
    due: dt.date
    #: "on_time" (kept by its day), "late" (kept after it), "missed" (not kept and its day passed),
    #: "pending" (due on the day itself, not kept yet).
    state: str
    kept_on: dt.date | None


class TeamBook:
    """What the team's figures are made of, read once for the whole book as of `day`."""

    def __init__(self, session: Session, results: Results, day: dt.date, weeks: int = TREND_WEEKS) -> None:
        self.session, self.results, self.day = session, results, day
        self.weeks = health_series.weeks_to(day, weeks)
        self.current_week = health_history.week_of(day) == health_history.week_of(results.today)
        self.contacts: dict[int, ContactResult] = {c.id: c for c in results.contacts}
        #: Each account's members, by account id.
        self.members: dict[int, list[ContactResult]] = {}
        for contact in results.contacts:
            if contact.account_id is not None:
                self.members.setdefault(contact.account_id, []).append(contact)
        self.team: list[Person] = team_people(self.contacts.values())
        ids = list(self.contacts)
        self.touches = self._touches(ids)
        self.last_touch = self._last_touches(ids)
        self.overdue = overdue_followups(session, ids, day)
        self.promises = self._promises()
        with session.store.read() as conn:
            self.rows = health_history.weeks_of(conn, ids)
        self._account_weeks: dict[int, list[tuple[int, str] | None]] = {}
        self._accounts_seen: dict[int, dict] = {}

    # ------------------------------------------------------------------ reads

    def _touches(self, ids: list[int]) -> dict[int, list[int]]:
        """Completed touches per contact in each week shown (the last up to the end of `day`), in one scan."""
        tz, i = self.session.tz, interactions.c
        bounds = [utc_naive(week, tz) for week in self.weeks] + [utc_naive(self.day + dt.timedelta(days=1), tz)]
        done = i.outcome == "completed"
        columns = [
            func.sum(case((and_(done, i.at >= lo, i.at < hi), 1), else_=0)) for lo, hi in zip(bounds, bounds[1:])
        ]
        query = statistics.grouped_in_window(columns)
        with self.session.store.read() as conn:
            found = {cid: [int(n or 0) for n in counts] for cid, *counts in plain_rows(conn, query, _span(bounds))}
        nothing = [0] * len(self.weeks)
        return {cid: found.get(cid, nothing) for cid in ids}

    def _last_touches(self, ids: list[int]) -> dict[int, dt.date | None]:
        """Each contact's last completed touch (its UTC day) as of the end of `day`: the stored one for today."""
        if self.day == self.results.today:
            out = {}
            for cid in ids:
                result = self.contacts[cid].result
                last = None if result is None else result.figures.last_touch
                out[cid] = None if last is None else last.date()
            return out
        i = interactions.c
        query = statistics.grouped_in_window([func.max(case((i.outcome == "completed", i.at)))])
        hi = utc_naive(self.day + dt.timedelta(days=1), self.session.tz)
        with self.session.store.read() as conn:
            found = {cid: last for cid, last in conn.execute(query, {"lo": _EPOCH, "hi": hi})}
        return {cid: _day_of(found.get(cid)) for cid in ids}

    def _promises(self) -> dict[int, list[Promise]]:
        """My promises due in the statistics' window up to `day` (cancelled ones left out), by contact."""
        c, tz, day = commitments.c, self.session.tz, self.day
        since = day - dt.timedelta(days=self.results.runtime.engine.recent_days - 1)
        query = (
            select(c.id, c.contact_id, c.text, c.due, c.done_at)
            .where(c.by == "me", c.status != "cancelled", c.due >= since, c.due <= day)
            .order_by(c.due, c.id)
        )
        out: dict[int, list[Promise]] = {}
        with self.session.store.read() as conn:
            for pid, cid, text, due, done_at in conn.execute(query):
                kept = None if done_at is None else done_at.replace(tzinfo=dt.timezone.utc).astimezone(tz).date()
                if kept is not None and kept > day:
                    kept = None  # kept after the day looked from: open then
                state = (
                    ("on_time" if kept <= due else "late")
                    if kept is not None
                    else ("missed" if due < day else "pending")
                )
                out.setdefault(cid, []).append(Promise(pid, cid, text, due, state, kept))
        return out

    # ------------------------------------------------------------- per contact

    def interval(self, cid: int) -> int:
        return self.results.interval_days(self.contacts[cid])

    def health_weeks(self, cid: int) -> list[tuple[int, str] | None]:
        """The contact's (score, band) each week shown; the current week's is the stored result's."""
        rows = self.rows.get(cid, ())
        past = [health_history.as_of(rows, week) for week in self.weeks]
        result = self.contacts[cid].result
        if self.current_week:
            past[-1] = None if result is None else (result.score, result.band)
        return past

    def account_weeks(self, aid: int) -> list[tuple[int, str] | None]:
        """The account's (score, band) each week shown, from its members' (`health_series.past_account_weeks`);
        the current week's is the account's health now (its warnings count in it)."""
        if aid in self._account_weeks:
            return self._account_weeks[aid]
        members = [(c.id, c.tier) for c in self.members[aid]]
        cfg = self.results.runtime.health
        weeks = self.weeks[:-1] if self.current_week else self.weeks
        found = health_series.past_account_weeks(self.rows, members, weeks, cfg)
        if self.current_week:
            now = self.results.account_health().get(aid)
            found.append(None if now is None else (now.score, now.band))
        self._account_weeks[aid] = found
        return found

    def key_behind(self, ids: Sequence[int]) -> list[int]:
        """The key stakeholders in play among `ids` not touched within their rhythm as of `day`, by name."""
        key = [cid for cid in ids if in_play(self.contacts[cid]) and is_key(self.contacts[cid])]
        behind = [cid for cid in key if not on_cadence(self.last_touch[cid], self.interval(cid), self.day)]
        return sorted(behind, key=lambda cid: (self.contacts[cid].name.casefold(), cid))

    # -------------------------------------------------------------- per person

    def person(self, person: Person) -> dict:
        """One person's figures (the team dashboard's row)."""
        ids = person.contact_ids
        playing = [cid for cid in ids if in_play(self.contacts[cid])]
        week_plan = planned((self.interval(cid) for cid in playing), 7)
        elapsed = (self.day - self.weeks[-1]).days + 1
        weekly = [sum(self.touches[cid][index] for cid in ids) for index in range(len(self.weeks))]
        to_date = week_plan * elapsed / 7
        key = [cid for cid in playing if is_key(self.contacts[cid])]
        behind = self.key_behind(ids)
        promises = [p for cid in ids for p in self.promises.get(cid, ())]
        counted = {state: sum(p.state == state for p in promises) for state in ("on_time", "late", "missed")}
        return {
            "name": person.name,
            "owner": person.owner,
            "contacts": len(ids),
            "in_play": len(playing),
            "touches": {
                "done": weekly[-1],
                "plan": round(week_plan, 1),
                "plan_to_date": round(to_date, 1),
                "ratio": plan_share(weekly[-1], to_date),
                "weekly": weekly,
                "weekly_plan": [round(week_plan, 1)] * (len(weekly) - 1) + [round(to_date, 1)],
            },
            "followups_overdue": sum(self.overdue.get(cid, 0) for cid in ids),
            "promises": {
                "due": sum(counted.values()),
                **counted,
                "share": _share(counted["on_time"], sum(counted.values())),
            },
            "key_on_cadence": {
                "key": len(key),
                "on_cadence": len(key) - len(behind),
                "share": _share(len(key) - len(behind), len(key)),
                "behind": [{"id": cid, "name": self.contacts[cid].name} for cid in behind],
            },
            "health": self._health(ids),
            **self._accounts(person),
        }

    def _health(self, ids: Sequence[int]) -> dict:
        weeks = [self.health_weeks(cid) for cid in ids]
        weekly = [
            _mean([found[0] for w in weeks if (found := w[index]) is not None]) for index in range(len(self.weeks))
        ]
        bands = [found[1] for w in weeks if (found := w[-1]) is not None]
        return {
            "mean": weekly[-1],
            **{band: bands.count(band) for band in BANDS},
            "weekly": weekly,
            "change": _change(weekly),
        }

    def _accounts(self, person: Person) -> dict:
        accounts = [self.account(aid) for aid in person.account_ids]
        accounts.sort(key=lambda a: (a["name"].casefold(), a["id"]))
        weekly = [
            _mean([a["weekly"][index] for a in accounts if a["weekly"][index] is not None])
            for index in range(len(self.weeks))
        ]
        slots = len(KEY_ROLE_ORDER) * len(accounts)
        covered = sum(len(KEY_ROLE_ORDER) - len(a["key_roles_missing"]) for a in accounts)
        return {
            "account_health": {"mean": weekly[-1], "weekly": weekly, "change": _change(weekly)},
            "coverage": {"key_roles": slots, "covered": covered, "share": _share(covered, slots)},
            "accounts": accounts,
        }

    def account(self, aid: int) -> dict:
        """One account: its health week by week, and which stakeholder roles its people in play cover."""
        if aid in self._accounts_seen:
            return self._accounts_seen[aid]
        members = self.members[aid]
        weeks = self.account_weeks(aid)
        weekly = [None if w is None else float(w[0]) for w in weeks]
        bands: dict[str, list[str | None]] = {role.value: [] for role in Role}
        for c in members:
            if c.role and in_play(c):
                bands.setdefault(c.role, []).append(None if c.result is None else c.result.band)
        status = {role: role_status(found) for role, found in bands.items()}
        last = weeks[-1]
        found = self._accounts_seen[aid] = {
            "id": aid,
            "name": members[0].account or "",
            "health": None if last is None else last[0],
            "band": None if last is None else last[1],
            "weekly": weekly,
            "change": _change(weekly),
            "roles_covered": sum(s != "empty" for s in status.values()),
            "roles": len(status),
            "key_roles_missing": [r for r in KEY_ROLE_ORDER if status[r] == "empty"],
            "roles_cold": [r for r, s in status.items() if s == "cold"],
        }
        return found


def _span(bounds: Sequence[dt.datetime]) -> dict:
    return {"lo": bounds[0], "hi": bounds[-1]}


def _day_of(value) -> dt.date | None:
    if value is None:
        return None
    return (dt.datetime.fromisoformat(value) if isinstance(value, str) else value).date()


def as_of_day(today: dt.date, on: dt.date | None) -> dt.date:
    """The day the team is looked at from: today, or a past day (a later one has nothing to show yet)."""
    if on is None:
        return today
    if on > today:
        raise UserError(f"on: {on.isoformat()} is after today ({today.isoformat()}); expected today or before")
    return on


def team_dashboard(session: Session, *, results: Results | None = None, on: dt.date | None = None) -> dict:
    """Every person of the team with their figures as of `on` (default today): the week holding it, up to it."""
    day = as_of_day(session.today, on)  # before the results: a day refused runs nothing
    results = results or current(session)
    book = TeamBook(session, results, day)
    return {
        "today": results.today.isoformat(),
        "on": day.isoformat(),
        "week": {"start": book.weeks[-1].isoformat(), "end": (book.weeks[-1] + dt.timedelta(days=6)).isoformat()},
        "weeks": [week.isoformat() for week in book.weeks],
        "promise_window_days": results.runtime.engine.recent_days,
        "people": [book.person(person) for person in book.team],
    }
