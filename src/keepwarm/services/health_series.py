"""A contact's and an account's health week by week: the series the charts draw and `--json` gives.

Past weeks come from what the runs concluded (store/health_history.py: health
is not worked out again for a past day, there is one formula and it reads the
plugins' warnings as of a run); the current week is the health the view shows,
worked out now, so the chart ends where the number beside it is. An account's
week is the engine's aggregate (`health.account_health`) of its members' scores
that week, each weighted by the tier the member has now; the account's own
warnings are known only as of now, so they count in the current week alone.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence

from sqlalchemy import Connection

from ..store import health_history

#: Weeks a chart shows: half a year, as the dashboard's trend.
WEEKS = 26


def weeks_to(today: dt.date, weeks: int = WEEKS) -> list[dt.date]:
    """The Mondays of the last `weeks` weeks, oldest first, the week holding `today` last."""
    last = health_history.week_of(today)
    return [last - dt.timedelta(weeks=back) for back in range(weeks - 1, -1, -1)]


def _point(week: dt.date, found: tuple[int, str] | None) -> dict:
    score, band = found if found is not None else (None, None)
    return {"week": week.isoformat(), "score": score, "band": band}


def contact_series(
    conn: Connection, contact_id: int, today: dt.date, now: tuple[int, str], weeks: int = WEEKS
) -> list[dict]:
    """The contact's health each week ({"week": its Monday, "score", "band"}; None before anything was recorded),
    `now` (score, band) in the current week."""
    rows = health_history.weeks_of(conn, [contact_id]).get(contact_id, [])
    days = weeks_to(today, weeks)
    points = [_point(week, health_history.as_of(rows, week)) for week in days[:-1]]
    return [*points, _point(days[-1], now)]


def account_series(
    conn: Connection,
    members: Sequence[tuple[int, str]],
    today: dt.date,
    now: tuple[int, str] | None,
    health_settings,
    weeks: int = WEEKS,
) -> list[dict]:
    """The account's health each week, from its members' (id, tier) scores that week (`health.account_health`);
    `now` (score, band, None: no member evaluated) in the current week. A week no member has a score for is None."""
    rows = health_history.weeks_of(conn, [cid for cid, _ in members])
    days = weeks_to(today, weeks)
    return [
        *(
            _point(week, found)
            for week, found in zip(days, past_account_weeks(rows, members, days[:-1], health_settings))
        ),
        _point(days[-1], now),
    ]


def past_account_weeks(
    rows: Mapping[int, Sequence[tuple[dt.date, int, str]]],
    members: Sequence[tuple[int, str]],
    days: Sequence[dt.date],
    health_settings,
) -> list[tuple[int, str] | None]:
    """An account's (score, band) in each of these past weeks, from its members' recorded rows
    (`health_history.weeks_of`) weighted by their tier; None for a week no member has a score for."""
    from ..engine.health import Health, account_health  # lazy for start-up, as the engine

    out: list[tuple[int, str] | None] = []
    for week in days:
        scored = []
        for cid, tier in members:
            found = health_history.as_of(rows.get(cid, ()), week)
            if found is not None:
                scored.append((Health(found[0], found[1]), tier))
        health = account_health(scored, [], health_settings) if scored else None
        out.append(None if health is None else (health.score, health.band))
    return out


def render_text(points: Sequence[dict]) -> str:
    """The series on one line, oldest first ("-" for a week with nothing recorded)."""
    scores = " ".join("-" if p["score"] is None else str(p["score"]) for p in points)
    return f"Health by week since {points[0]['week']}: {scores}" if points else ""
