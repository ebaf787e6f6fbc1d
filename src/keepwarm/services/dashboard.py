"""The relationship KPIs: is the plan being kept, and is trust growing?

The stored results (each contact's rhythm, health and statistics, brought up
to date by the engine first: `services/results.py`) plus a few grouped SQL
scans (touches per contact per period, overdue follow-ups, assessments as of
each month's end) give every number; the per-owner views are sums over the
same per-contact rows, so they always add up to the overall view. The CLI
(`keepwarm dashboard`) and the TUI both call `kpis`.

The plan for a period is what the cadence rules expect: each contact in play
should be touched once per `interval_days`, so over a week that is
7 / interval_days touches. Health cannot be replayed for past months (the
warnings that shape it are computed by a run, not from the past's data), so the
trend's mean health is, for a past month, the mean of the scores the runs
recorded as of the week holding its last day (store/health_history.py; contacts
with none recorded by then left out), and today's mean for the current month;
and for every month the mean of the latest six-dimension assessments as of that
month's end.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections import Counter
from collections.abc import Iterable
from zoneinfo import ZoneInfo

from sqlalchemy import and_, case, func, or_, select

from ..engine import stats as statistics
from ..engine.stats import unprompted as unasked_by
from ..home.session import Session
from ..model import Role, Stage, Tier
from ..store import health_history
from ..store.results import ContactResult, Figures
from ..store.rows import plain_rows
from ..store.schema import assessments, followups, interactions
from ..text.wording import about, plural
from .people import team_people
from .results import Results, current

#: Roles whose people decide or carry a deal; with tier A they are the key stakeholders.
KEY_ROLES = frozenset({Role.CHAMPION, Role.EXECUTIVE_SPONSOR, Role.FINANCIAL_APPROVER, Role.DECISION_INFLUENCER})
BANDS = ("warm", "cooling", "cold")
DIMENSIONS = ("trust", "communication", "sharing", "advocacy", "conflict", "commitment")


def utc_naive(day: dt.date, tz: ZoneInfo) -> dt.datetime:
    """Local midnight starting `day`, as the UTC wall time the store keeps."""
    return dt.datetime.combine(day, dt.time()).replace(tzinfo=tz).astimezone(dt.timezone.utc).replace(tzinfo=None)


def _month_start(day: dt.date, back: int = 0) -> dt.date:
    index = day.year * 12 + day.month - 1 - back
    return dt.date(index // 12, index % 12 + 1, 1)


def _month_end(start: dt.date) -> dt.date:
    return start.replace(day=calendar.monthrange(start.year, start.month)[1])


def _share(part: float, whole: float) -> float | None:
    return round(part / whole, 3) if whole else None


def plan_share(done: int, plan_to_date: float) -> float | None:
    """Touches made against the plan as shown, in whole touches: 2 of "about 2" is 100%, not 134% of 1.49."""
    whole = int(plan_to_date + 0.5)
    return _share(done, whole) if whole else None


def in_play(contact) -> bool:
    """Contacts a plan applies to: not former relationships, not people who asked for no contact."""
    return not contact.do_not_contact and contact.stage != Stage.FORMER


def is_key(contact) -> bool:
    return contact.tier == Tier.A or contact.role in KEY_ROLES


def on_cadence(last_touch: dt.date | None, interval_days: int, day: dt.date) -> bool:
    """Touched within the rhythm the rules set, as of `day` (never touched: behind)."""
    return last_touch is not None and (day - last_touch).days <= interval_days


def planned(interval_days: Iterable[int], days: int) -> float:
    """How many touches the rhythms ask for over `days` days: one per interval, for each contact in play."""
    return sum(days / max(1, interval) for interval in interval_days)


def kpis(session: Session, *, results: Results | None = None, months: int = 6) -> dict:
    results = results or current(session)
    today, tz = results.today, session.tz
    week_start = today - dt.timedelta(days=today.weekday())
    week_end = week_start + dt.timedelta(days=6)
    month_start = today.replace(day=1)
    month_end = _month_end(month_start)
    trend_starts = [_month_start(today, back) for back in range(months - 1, -1, -1)]
    people = {c.id: c for c in results.contacts}
    ids = list(people)

    touches = _touches(session, ids, tz, week_start, month_start, trend_starts)
    overdue = overdue_followups(session, ids, today)
    assessed = _assessments_as_of(session, ids, [min(_month_end(s), today) for s in trend_starts])
    with session.store.read() as conn:  # the current month's is today's mean (`_Context.section`)
        recorded = [health_history.scores_on(conn, _month_end(s)) for s in trend_starts[:-1]]

    periods = {
        "week": (week_start, week_end),
        "month": (month_start, month_end),
    }
    team = team_people(people.values())
    owners = [person.name for person in team]
    context = _Context(results, people, today, periods, trend_starts, touches, overdue, assessed, recorded)
    out = {
        "today": today.isoformat(),
        "week": {"start": week_start.isoformat(), "end": week_end.isoformat()},
        "month": {"start": month_start.isoformat(), "end": month_end.isoformat()},
        "owners": owners,
        "overall": context.section(ids),
    }
    if len(owners) > 1:
        out["by_owner"] = {person.name: context.section(person.contact_ids) for person in team}
    return out


class _Context:
    def __init__(self, results, people, today, periods, trend_starts, touches, overdue, assessed, recorded) -> None:
        self.results = results
        self.people: dict[int, ContactResult] = people
        self.today = today
        self.periods = periods
        self.trend_starts = trend_starts
        self.touches = touches
        self.overdue = overdue
        self.assessed = assessed
        #: Each past trend month's recorded scores (contact -> score as of its last week).
        self.recorded = recorded

    def section(self, ids: Iterable[int]) -> dict:
        results, people, today = self.results, self.people, self.today
        ids = sorted(ids)
        playing = [cid for cid in ids if in_play(people[cid])]
        # Each contact's figures: a contact no run has evaluated yet (added since) counts as untouched.
        figures = {cid: _figures_of(results, people[cid]) for cid in ids}
        out: dict = {"contacts": len(ids)}

        for name, (start, end) in self.periods.items():
            length = (end - start).days + 1
            elapsed = (min(today, end) - start).days + 1
            plan = planned((figures[cid].interval_days for cid in playing), length)
            done = sum(self.touches[cid][name] for cid in ids)
            out[f"touches_{name}"] = {
                "done": done,
                "plan": round(plan, 1),
                "plan_to_date": round(plan * elapsed / length, 1),
                "ratio": _share(done, plan * elapsed / length),
            }

        key = [cid for cid in playing if is_key(people[cid])]
        behind = []
        for cid in key:
            last = figures[cid].last_touch
            if not on_cadence(None if last is None else last.date(), figures[cid].interval_days, today):
                behind.append(cid)
        behind.sort(key=lambda cid: people[cid].name.casefold())
        out["key_on_cadence"] = {
            "key": len(key),
            "on_cadence": len(key) - len(behind),
            "share": _share(len(key) - len(behind), len(key)),
            "behind": [{"id": cid, "name": people[cid].name} for cid in behind],
        }

        out["overdue_followups"] = sum(self.overdue.get(cid, 0) for cid in ids)
        out["overdue_promises"] = {
            "mine": sum(figures[cid].overdue_promises_mine for cid in ids),
            "theirs": sum(figures[cid].overdue_promises_theirs for cid in ids),
        }

        total = sum(figures[cid].touches_recent for cid in ids)
        inbound = sum(figures[cid].inbound_recent for cid in ids)
        unprompted = sum(figures[cid].unprompted_inbound_recent for cid in ids)
        out["inbound"] = {
            "window_days": results.runtime.engine.recent_days,
            "touches": total,
            "inbound": inbound,
            "unprompted": unprompted,
            "share": _share(inbound, total),
            "unprompted_share": _share(unprompted, total),
        }

        evaluated = [r for r in (people[cid].result for cid in ids) if r is not None]
        bands = Counter(r.band for r in evaluated)
        scores = [r.score for r in evaluated]
        out["health"] = {
            **{band: bands.get(band, 0) for band in BANDS},
            "mean": round(sum(scores) / len(scores), 1) if scores else None,
        }

        trend = []
        # Each month's (touches, inbound, unprompted), summed over the contacts column by column.
        per_contact = [self.touches[cid]["trend"] for cid in ids]
        monthly = [tuple(map(sum, zip(*month))) for month in zip(*per_contact)] or [(0, 0, 0)] * len(self.trend_starts)
        for index, start in enumerate(self.trend_starts):
            count, came_in, unasked = monthly[index]
            means = [self.assessed[index][cid] for cid in ids if cid in self.assessed[index]]
            current = index == len(self.trend_starts) - 1
            scores = [] if current else [self.recorded[index][cid] for cid in ids if cid in self.recorded[index]]
            past_mean = round(sum(scores) / len(scores), 1) if scores else None
            trend.append(
                {
                    "month": start.strftime("%Y-%m"),
                    "touches": count,
                    "inbound": came_in,
                    "unprompted": unasked,
                    "unprompted_share": _share(unasked, count),
                    "mean_health": out["health"]["mean"] if current else past_mean,
                    "mean_assessment": round(sum(means) / len(means), 2) if means else None,
                }
            )
        out["trend"] = trend
        return out


def _figures_of(results: Results, contact: ContactResult) -> Figures:
    if contact.result is not None:
        return contact.result.figures
    return Figures(results.interval_days(contact), None, 0, 0, 0, 0, 0)


def _touches(
    session: Session,
    ids: list[int],
    tz: ZoneInfo,
    week_start: dt.date,
    month_start: dt.date,
    trend_starts: list[dt.date],
) -> dict[int, dict]:
    """Completed touches per contact: this week, this month, and per trend month (all, inbound, unprompted).

    One grouped read per span, each contact's touches in it one index range: a read of all the spans at
    once tested every touch against each span, four times slower at 50,000 contacts.
    """
    i = interactions.c
    done = i.outcome == "completed"
    inbound = and_(done, i.direction == "inbound")
    unprompted = and_(done, unasked_by(i))

    def count(cond):
        return func.sum(case((cond, 1), else_=0))

    counts = statistics.grouped_in_window([count(done), count(inbound), count(unprompted)])
    week = (week_start, week_start + dt.timedelta(days=7))
    month = (month_start, _month_end(month_start) + dt.timedelta(days=1))
    trend = [(start, _month_end(start) + dt.timedelta(days=1)) for start in trend_starts]
    found: dict[tuple[dt.date, dt.date], dict[int, tuple[int, int, int]]] = {}
    with session.store.read() as conn:
        for start, end in dict.fromkeys([week, month, *trend]):  # this month is the trend's last, read once
            bounds = {"lo": utc_naive(start, tz), "hi": utc_naive(end, tz)}
            found[start, end] = {
                cid: (t, came_in, unasked) for cid, t, came_in, unasked in plain_rows(conn, counts, bounds)
            }
    none = (0, 0, 0)
    this_week, this_month, months = found[week], found[month], [found[span] for span in trend]
    return {
        cid: {
            "week": this_week.get(cid, none)[0],
            "month": this_month.get(cid, none)[0],
            "trend": [per_month.get(cid, none) for per_month in months],
        }
        for cid in ids
    }


def late_followups(day: dt.date, day_ends: dt.datetime):
    """Follow-ups whose day had passed and that were still open at the end of `day` (`day_ends`, as stored).

    A snoozed one counts from the day it wakes up; one done or dismissed after `day` was still open then
    (as of today, none is: the same test as "open now").
    """
    f = followups.c
    return or_(
        and_(f.status == "open", f.due < day),
        and_(f.status == "snoozed", f.snoozed_until < day),
        and_(f.status.in_(("done", "dismissed")), f.due < day, f.closed_at >= day_ends),
    )


def overdue_followups(session: Session, ids: Iterable[int], day: dt.date) -> dict[int, int]:
    """Each contact's follow-ups overdue at the end of `day` (`late_followups`), for those with any."""
    f = followups.c
    late = late_followups(day, utc_naive(day + dt.timedelta(days=1), session.tz))
    query = select(f.contact_id, func.count()).where(late).group_by(f.contact_id)
    wanted = set(ids)
    with session.store.read() as conn:
        return {cid: n for cid, n in conn.execute(query) if cid in wanted}


def _assessments_as_of(session: Session, ids: list[int], days: list[dt.date]) -> list[dict[int, float]]:
    """For each day, every contact's latest assessment mean (1-5) made on or before it."""
    a = assessments.c
    wanted = set(ids)
    out: list[dict[int, float]] = []
    with session.store.read() as conn:
        for day in days:
            ranked = (
                select(
                    a.contact_id,
                    *(getattr(a, d) for d in DIMENSIONS),
                    func.row_number()
                    .over(partition_by=a.contact_id, order_by=(a.on.desc(), a.id.desc()))
                    .label("rank"),
                )
                .where(a.on <= day)
                .subquery()
            )
            means = {}
            for row in conn.execute(select(ranked).where(ranked.c.rank == 1)):
                if row.contact_id in wanted:
                    means[row.contact_id] = sum(getattr(row, d) for d in DIMENSIONS) / len(DIMENSIONS)
            out.append(means)
    return out


# ------------------------------------------------------------------ text


def _pct(value: float | None) -> str:
    return "-" if value is None else f"{round(value * 100)}%"


def render_text(data: dict) -> str:
    """The dashboard as plain lines, overall first, then per owner."""
    lines = [f"Dashboard for {data['today']} (week {data['week']['start']}..{data['week']['end']})"]
    sections = [("Overall", data["overall"])]
    sections += [(f"Owner: {owner}", body) for owner, body in data.get("by_owner", {}).items()]
    for title, s in sections:
        lines.append("")
        lines.append(f"{title} ({plural(s['contacts'], 'contact')})")
        for label, key in (("Touches this week", "touches_week"), ("Touches this month", "touches_month")):
            t = s[key]
            lines.append(
                f"  {label:<28}{t['done']} of {about(t['plan_to_date'])} planned so far "
                f"({about(t['plan'])} for the whole period)"
            )
        k = s["key_on_cadence"]
        lines.append(f"  {'Key stakeholders on cadence':<28}{k['on_cadence']} of {k['key']} ({_pct(k['share'])})")
        if k["behind"]:
            lines.append(f"  {'':<28}behind: " + ", ".join(p["name"] for p in k["behind"][:8]))
        lines.append(f"  {'Overdue follow-ups':<28}{s['overdue_followups']}")
        p = s["overdue_promises"]
        lines.append(f"  {'Overdue promises':<28}mine {p['mine']}, theirs {p['theirs']}")
        b = s["inbound"]
        lines.append(
            f"  {'Inbound share':<28}{_pct(b['share'])} ({b['inbound']} of {plural(b['touches'], 'touch')} in "
            f"{plural(b['window_days'], 'day')}; unprompted {_pct(b['unprompted_share'])})"
        )
        h = s["health"]
        mean = "-" if h["mean"] is None else h["mean"]
        lines.append(f"  {'Health':<28}warm {h['warm']}, cooling {h['cooling']}, cold {h['cold']} (mean {mean})")
        lines.append("  Trend        touches  inbound  unprompted  health  assessed")
        for m in s["trend"]:
            health = "-" if m["mean_health"] is None else f"{m['mean_health']:.0f}"
            assessed = "-" if m["mean_assessment"] is None else f"{m['mean_assessment']:.2f}"
            lines.append(
                f"  {m['month']:<12} {m['touches']:>7}  {m['inbound']:>7}  {_pct(m['unprompted_share']):>10}"
                f"  {health:>6}  {assessed:>8}"
            )
    return "\n".join(lines)
