"""Charts in the app (issue 20, point 10): a contact's and an account's health week by week, the dashboard's
months, each with its axes labelled; hostile names drawn harmless.

Driven with Pilot against a temporary database at the fixed clock (Sunday 2026-11-22), after engine runs
stored on past days (each a session on its own clock, as a user opening keepwarm those days).
"""

from __future__ import annotations

import datetime as dt

from keepwarm.engine.evaluate import evaluate
from keepwarm.home.session import Session
from keepwarm.model import Contact
from keepwarm.store import contacts as people
from keepwarm.tui.app import KeepwarmApp
from keepwarm.tui.screens.accounts import AccountsScreen
from keepwarm.tui.screens.contact_detail import ContactScreen
from keepwarm.tui.screens.dashboard import DashboardScreen
from keepwarm.tui.widgets.charts import SeriesChart
from tui_support import build_history, settle, sync, use_test_rules

SIZE = (130, 60)
UTC = dt.timezone.utc


def _run_on(day: str) -> dict[int, int]:
    s = Session(now=dt.datetime.fromisoformat(day).replace(hour=9, tzinfo=UTC))
    try:
        use_test_rules(s)
        return {cid: h.score for cid, h in evaluate(s).health.items()}
    finally:
        s.close()


def _drawn(chart: SeriesChart) -> str:
    return chart.render().plain


def _book(session) -> dict[str, int]:
    ids = build_history(session)
    use_test_rules(session)
    return ids


@sync
async def test_the_contact_screen_draws_health_week_by_week_with_labelled_axes(session):
    ids = _book(session)
    _run_on("2026-09-08")
    app = KeepwarmApp(session)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.open_contact(ids["ada"])
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ContactScreen)
        chart = screen.query_one("#health-chart", SeriesChart)
        assert chart.chart is not None
        scores = list(chart.chart.series[0].values)
        assert scores == [w.score for w in screen.view.health_history]
        assert scores[-1] == screen.view.health.score and scores[0] is None
        drawn = _drawn(chart)
        assert "Health of Ada Lovelace, week by week" in drawn
        assert "week starting" in drawn and "health (0-100)" in drawn
        assert "25 May" in drawn and "16 Nov" in drawn  # the first and the current week under the x axis
        assert "100" in drawn and "50" in drawn  # the y axis's ticks
        assert not screen.query_one("#detail-health-chart-note").display  # two weeks recorded: no note


@sync
async def test_a_contact_with_only_this_week_gets_a_note_under_the_chart(session):
    ids = _book(session)
    app = KeepwarmApp(session)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.open_contact(ids["mary"])
        await settle(pilot)
        chart = app.screen.query_one("#health-chart", SeriesChart)
        assert [v is None for v in chart.chart.series[0].values] == [True] * 25 + [False]
        note = app.screen.query_one("#detail-health-chart-note")
        assert note.display and "Only this week so far" in str(note.content)


@sync
async def test_the_account_screen_and_the_dashboard_draw_their_charts(session):
    _book(session)
    _run_on("2026-09-30")
    _run_on("2026-10-28")
    app = KeepwarmApp(session)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("3")
        await settle(pilot)
        assert isinstance(app.screen, AccountsScreen)
        chart = app.screen.query_one("#account-chart", SeriesChart)
        drawn = _drawn(chart)
        assert "Health of Analytical Engines, week by week" in drawn and "week starting" in drawn
        values = list(chart.chart.series[0].values)
        assert values[-1] == app.screen.current.health.score and values[-5] is not None  # October's run
        await pilot.press("4")
        await settle(pilot)
        assert isinstance(app.screen, DashboardScreen)
        touches = app.screen.query_one("#chart-touches", SeriesChart)
        health = app.screen.query_one("#chart-health", SeriesChart)
        trend = app.screen.section().trend
        assert [s.name for s in touches.chart.series] == ["all", "inbound", "unprompted"]
        assert list(touches.chart.series[0].values) == [m.touches for m in trend] == [1, 1, 1, 2, 2, 3]
        assert list(health.chart.series[0].values) == [m.mean_health for m in trend]
        assert [v is None for v in health.chart.series[0].values] == [True, True, True, False, False, False]
        drawn_touches, drawn_health = _drawn(touches), _drawn(health)
        assert "Touches a month" in drawn_touches and "month" in drawn_touches and "touches" in drawn_touches
        assert "Jun 2026" in drawn_touches and all(m in drawn_touches for m in ("Jul", "Aug", "Sep", "Oct", "Nov"))
        assert "Mean health a month" in drawn_health and "mean health (0-100)" in drawn_health


@sync
async def test_a_hostile_name_is_drawn_harmless_in_a_charts_title(session):
    _book(session)
    with session.store.write() as conn:
        cid = people.insert_contact(conn, Contact(name="Eve \x1b]0;owned\x07\x1b[31mRed"), session.now)
    app = KeepwarmApp(session)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.open_contact(cid)
        await settle(pilot)
        chart = app.screen.query_one("#health-chart", SeriesChart)
        rendered = chart.render()
        drawn = rendered.plain
        assert "Eve \\x1b]0;owned\\x07\\x1b[31mRed" in drawn
        assert "\x1b" not in drawn and "\x07" not in drawn


# ------------------------------------------------------------------ snapshots


def _after_runs(session, home, monkeypatch):
    monkeypatch.setenv("HOME", str(home.parent))
    ids = _book(session)
    for day in ("2026-08-04", "2026-09-01", "2026-09-30", "2026-10-13", "2026-10-28", "2026-11-10"):
        _run_on(day)
    return ids, KeepwarmApp(session)


def test_snapshot_contact_health_chart(session, home, monkeypatch, snap_compare):
    ids, app = _after_runs(session, home, monkeypatch)

    async def run_before(pilot) -> None:
        await settle(pilot)
        pilot.app.open_contact(ids["charles"])
        await settle(pilot)

    # Tall enough for the chart under the health's terms without scrolling.
    assert snap_compare(app, terminal_size=(120, 66), run_before=run_before)


def test_snapshot_dashboard_charts(session, home, monkeypatch, snap_compare):
    _, app = _after_runs(session, home, monkeypatch)

    async def run_before(pilot) -> None:
        await settle(pilot)
        await pilot.press("4")
        await settle(pilot)

    assert snap_compare(app, terminal_size=(120, 50), run_before=run_before)
