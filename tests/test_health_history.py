"""Health over time (issue 20, point 10): what the runs concluded, kept week by week, read back as series.

A concrete book (tui_support.build_history) run by the engine on past days, each run a session on its
own fixed clock, the way a user opening keepwarm on those days would; then read at the fixed clock
(Sunday 2026-11-22, the week of Monday 2026-11-16).
"""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from keepwarm.engine.evaluate import evaluate
from keepwarm.home.session import Session
from keepwarm.services import dashboard, detail, health_series, merge, queries
from keepwarm.store import health_history
from keepwarm.store.schema import health_history as table
from tui_support import build_history, use_test_rules

UTC = dt.timezone.utc


def _run_on(day: str) -> dict[int, tuple[int, str]]:
    """A run stored by a session whose clock is `day` at 09:00: each contact's (score, band)."""
    s = Session(now=dt.datetime.fromisoformat(day).replace(hour=9, tzinfo=UTC))
    try:
        use_test_rules(s)
        return {cid: (h.score, h.band) for cid, h in evaluate(s).health.items()}
    finally:
        s.close()


def _weeks(points) -> dict[str, int | None]:
    return {p["week"]: p["score"] for p in points}


def _rows(session) -> list[tuple]:
    with session.store.read() as conn:
        return [tuple(r) for r in conn.execute(select(table).order_by(table.c.contact_id, table.c.week))]


@pytest.fixture
def book(session):
    ids = build_history(session)
    use_test_rules(session)
    return ids


def test_a_contacts_series_is_what_the_runs_concluded_week_by_week_and_now_last(session, book):
    september = _run_on("2026-09-08")  # a Tuesday: the week of Monday 7 September
    first_october = _run_on("2026-10-05")
    later_october = _run_on("2026-10-08")  # the same week: its run replaces the Monday's
    ada = book["ada"]
    # Ada's last touch before October is 15 September: her recency falls day by day after her rhythm.
    assert first_october[ada] != later_october[ada]

    view = detail.contact_detail(session, ada)
    points = view["health_history"]
    assert len(points) == health_series.WEEKS == 26
    weeks = _weeks(points)
    assert points[0]["week"] == "2026-05-25" and points[-1]["week"] == "2026-11-16"
    # Nothing recorded before the first run; then each week carries the last score recorded up to it.
    assert all(weeks[w] is None for w in weeks if w < "2026-09-07")
    assert [weeks[w] for w in ("2026-09-07", "2026-09-14", "2026-09-28")] == [september[ada][0]] * 3
    assert [weeks[w] for w in ("2026-10-05", "2026-10-26", "2026-11-09")] == [later_october[ada][0]] * 3
    # This week is the health the view shows, worked out now.
    assert points[-1] == {"week": "2026-11-16", "score": view["health"]["score"], "band": "warm"}
    assert {p["band"] for p in points if p["week"] == "2026-10-05"} == {later_october[ada][1]}


def test_an_accounts_series_is_the_engines_aggregate_of_its_members_recorded_weeks(session, book):
    september = _run_on("2026-09-08")
    october = _run_on("2026-10-08")
    ada, charles = book["ada"], book["charles"]  # both tier A, in Analytical Engines
    view = queries.account_view(session, 1)
    weeks = _weeks(view["health_history"])
    # Two tier-A members: the tier-weighted mean is their plain mean (no account warnings in the past).
    for week, run in (("2026-09-07", september), ("2026-10-05", october), ("2026-11-02", october)):
        assert weeks[week] == round((run[ada][0] + run[charles][0]) / 2)
    assert weeks["2026-08-31"] is None
    assert view["health_history"][-1]["score"] == view["health"]["score"]
    # The account screen's view and `account show` (a run over the account) give the same series.
    assert detail.account_detail(session, 1)["health_history"] == view["health_history"]


def test_a_run_writes_a_week_only_for_the_contacts_whose_stored_result_changed(session, book):
    _run_on("2026-10-05")
    before = _rows(session)
    assert {r[1] for r in before} == {dt.date(2026, 10, 5)} and len(before) == 6  # every contact, once
    _run_on("2026-10-05")  # again, nothing changed: nothing written
    assert _rows(session) == before
    _run_on("2026-10-13")  # the next week
    after = _rows(session)
    new_week = {r[0]: r[2] for r in after if r[1] == dt.date(2026, 10, 12)}
    old_week = {r[0]: r[2] for r in before}
    # Grace was never touched and Alan is a former contact: their results held still, no row for them.
    assert book["grace"] not in new_week and book["alan"] not in new_week
    assert new_week[book["ada"]] != old_week[book["ada"]]


def test_history_stays_bounded_and_the_first_week_shown_keeps_its_score(session):
    ids = build_history(session)
    assert _rows(session) == []  # no run yet
    ada = ids["ada"]
    start = dt.date(2025, 1, 6)
    with session.store.write() as conn:
        for week in range(100):  # a score a week for nearly two years
            health_history.record(conn, start + dt.timedelta(weeks=week), [(ada, week % 100, "warm")])
    rows = [r for r in _rows(session) if r[0] == ada]
    assert len(rows) == health_history.KEEP_WEEKS + 1
    last = start + dt.timedelta(weeks=99)
    assert rows[-1][1:] == (last, 99, "warm")
    # The oldest kept row is the newest of those before the horizon: a year ago still has its score.
    horizon = last - dt.timedelta(weeks=health_history.KEEP_WEEKS)
    assert rows[0][1] == horizon
    with session.store.read() as conn:
        found = health_history.weeks_of(conn, [ada])[ada]
    assert health_history.as_of(found, horizon + dt.timedelta(days=3)) == (99 - health_history.KEEP_WEEKS, "warm")


def test_the_dashboards_past_months_carry_the_mean_of_the_recorded_health(session, book):
    september = _run_on("2026-09-30")
    october = _run_on("2026-10-28")
    trend = dashboard.kpis(session)["overall"]["trend"]
    by_month = {m["month"]: m["mean_health"] for m in trend}
    # Before the first run nothing is recorded; September's is its last week's run, October's likewise.
    assert [by_month[m] for m in ("2026-06", "2026-07", "2026-08")] == [None, None, None]
    assert by_month["2026-09"] == round(sum(s for s, _ in september.values()) / len(september), 1)
    assert by_month["2026-10"] == round(sum(s for s, _ in october.values()) / len(october), 1)
    assert by_month["2026-11"] == dashboard.kpis(session)["overall"]["health"]["mean"]


def test_a_merge_keeps_the_first_contacts_history_and_drops_the_seconds(session, book):
    _run_on("2026-10-05")
    merge.merge_contacts(session, book["ada"], book["charles"])
    kept = {r[0] for r in _rows(session)}
    assert book["ada"] in kept and book["charles"] not in kept


def test_the_cli_gives_the_series_as_json_and_a_line_of_text(run, session, book):
    _run_on("2026-10-05")
    shown = run("contact", "show", "ada", "--json")
    assert shown.exit_code == 0
    view = shown.json()
    series = view["health_history"]
    assert len(series) == 26 and series[-1]["score"] == view["health"]["score"]
    assert _weeks(series)["2026-10-05"] is not None and _weeks(series)["2026-09-28"] is None
    text = run("contact", "show", "ada").stdout
    assert "Health by week since 2026-05-25: - - " in text and text.count("\n") > 5
    account = run("account", "show", "Analytical Engines", "--json").json()
    assert account["health_history"][-1]["score"] == account["health"]["score"]
    trend = run("dashboard", "--json").json()["overall"]["trend"]
    assert trend[4]["month"] == "2026-10" and trend[4]["mean_health"] is not None


def test_the_migration_starts_the_history_from_the_last_runs_stored_results(session, book):
    from alembic import command

    from keepwarm.store.database import make_engine
    from keepwarm.store.migrate import alembic_config

    stored = _run_on("2026-10-08")
    session.close()
    engine = make_engine(session.db_path)
    with engine.connect() as conn:  # back to the schema before 0015, then up again, as an older book upgrades
        command.downgrade(alembic_config(conn), "0012")
        conn.commit()
        assert "health_history" not in {r[0] for r in conn.exec_driver_sql("SELECT name FROM sqlite_master")}
        command.upgrade(alembic_config(conn), "head")
        conn.commit()
        rows = conn.exec_driver_sql("SELECT contact_id, week, score, band FROM health_history ORDER BY 1").fetchall()
    engine.dispose()
    # One row per contact: the stored score, in the week of the run that stored it (Monday 5 October).
    assert rows == [(cid, "2026-10-05", score, band) for cid, (score, band) in sorted(stored.items())]
