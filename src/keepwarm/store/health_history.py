"""Each contact's health week by week (migration 0015): what the runs concluded, kept for the charts.

Health is not worked out again for a past day (the warnings that shape it are the
plugins' conclusions as of a run, and the statistics read all-time totals): a run
that stores a new score or band for a contact writes it here too, under the week
it falls in (the Monday starting it; a later run in the same week replaces it). A
week without a row kept the score of the row before, so a contact whose health
holds still costs nothing, and a new day's run writes only the contacts whose
stored row it rewrites anyway.

Bounded: writing a contact's week drops that contact's rows older than `KEEP_WEEKS`
but the newest of those (the score the first week still shown started from), so a
contact never holds more than `KEEP_WEEKS` + 1 rows however many runs there are.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence

from sqlalchemy import Connection, select, text

from .rows import plain_rows
from .schema import health_history

#: How far back a contact's health is kept: a year of weeks.
KEEP_WEEKS = 52

_PUT = (
    "INSERT INTO health_history (contact_id, week, score, band) VALUES (:cid, :week, :score, :band) "
    "ON CONFLICT (contact_id, week) DO UPDATE SET score = excluded.score, band = excluded.band"
)
# The contact's rows before the horizon, but the newest of them.
_PRUNE = (
    "DELETE FROM health_history WHERE contact_id = :cid AND week < :horizon AND week < "
    "(SELECT max(week) FROM health_history WHERE contact_id = :cid AND week <= :horizon)"
)


def week_of(day: dt.date) -> dt.date:
    """The Monday starting the week that holds `day`: the key of a week's row."""
    return day - dt.timedelta(days=day.weekday())


def record(conn: Connection, day: dt.date, rows: Sequence[tuple[int, int, str]]) -> None:
    """These contacts' (id, score, band) as a run on `day` concluded them, each as its week's row."""
    if not rows:
        return
    week = week_of(day).isoformat()
    horizon = (week_of(day) - dt.timedelta(weeks=KEEP_WEEKS)).isoformat()
    # Through the driver's executemany, as snapshots.put writes the stored rows beside these.
    # Named parameters through text(): each driver's own style (SQLite's ?, the server's %s) is SQLAlchemy's to write.
    conn.execute(text(_PUT), [{"cid": cid, "week": week, "score": score, "band": band} for cid, score, band in rows])
    conn.execute(text(_PRUNE), [{"cid": cid, "horizon": horizon} for cid, _, _ in rows])


def weeks_of(conn: Connection, contact_ids: Iterable[int]) -> dict[int, list[tuple[dt.date, int, str]]]:
    """Each of these contacts' rows (week, score, band), oldest first; a contact with none is left out."""
    h = health_history.c
    out: dict[int, list[tuple[dt.date, int, str]]] = {}
    wanted = sorted(set(contact_ids))
    for start in range(0, len(wanted), 10_000):
        query = select(h.contact_id, h.week, h.score, h.band).where(h.contact_id.in_(wanted[start : start + 10_000]))
        for cid, week, score, band in plain_rows(conn, query.order_by(h.contact_id, h.week)):
            out.setdefault(cid, []).append((_date(week), score, band))
    return out


def scores_on(conn: Connection, day: dt.date) -> dict[int, int]:
    """Every contact's score as of the week holding `day` (its latest row up to that week), for those with any.

    Each contact's row found by one seek in its own rows (the key is contact, week): a scan of every row up
    to the day grew with the weeks kept, a year's of them at 10,000 contacts half a million rows a month asked.
    """
    found = plain_rows(conn, _SCORES_ON, {"week": week_of(day).isoformat()})
    return {cid: score for cid, score in found if score is not None}  # (a WHERE on it ran the seek twice)


_SCORES_ON = text(
    "SELECT c.id, (SELECT h.score FROM health_history AS h WHERE h.contact_id = c.id AND h.week <= :week "
    "ORDER BY h.week DESC LIMIT 1) FROM contacts AS c"
)


def as_of(rows: Sequence[tuple[dt.date, int, str]], week: dt.date) -> tuple[int, str] | None:
    """From one contact's rows (oldest first), the score and band as of `week` (None: nothing recorded by then)."""
    found = None
    for on, score, band in rows:
        if on > week:
            break
        found = (score, band)
    return found


def _date(value) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(value)
