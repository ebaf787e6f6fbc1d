"""The app's Team screen (issue 21): opened with `t` from the Dashboard or from the palette, a row per person
with the figures `keepwarm team` prints, the highlighted person's weeks charted, their accounts listed.

Driven with Pilot at the fixed clock (Sunday 2026-11-22) on tui_support's book (owners "me" and "sam"),
after engine runs stored on past days, as a user opening keepwarm those days.
"""

from __future__ import annotations

import datetime as dt

from tui_support import build_history, settle, sync, use_test_rules

from keepwarm.engine.evaluate import evaluate
from keepwarm.home.session import Session
from keepwarm.model import Contact
from keepwarm.services import team
from keepwarm.store import contacts as people
from keepwarm.tui.app import KeepwarmApp
from keepwarm.tui.palette import KeepwarmCommands
from keepwarm.tui.screens.dashboard import DashboardScreen
from keepwarm.tui.screens.team import TeamScreen
from keepwarm.tui.widgets.charts import SeriesChart

SIZE = (130, 60)
UTC = dt.timezone.utc


def _run_on(day: str) -> None:
    s = Session(now=dt.datetime.fromisoformat(day).replace(hour=9, tzinfo=UTC))
    try:
        use_test_rules(s)
        evaluate(s)
    finally:
        s.close()


def _book(session) -> dict[str, int]:
    ids = build_history(session)
    use_test_rules(session)
    for day in ("2026-10-13", "2026-10-28", "2026-11-10"):
        _run_on(day)
    return ids


def _cells(screen: TeamScreen, table: str) -> list[list[str]]:
    found = screen.query_one(f"#{table}")
    return [[str(cell) for cell in found.get_row_at(n)] for n in range(found.row_count)]


@sync
async def test_t_on_the_dashboard_opens_the_team_with_a_row_per_person_and_their_charts(session):
    _book(session)
    expected = team.team_dashboard(session)["people"]
    app = KeepwarmApp(session)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("4")
        await settle(pilot)
        await pilot.press("t")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, TeamScreen)
        rows = _cells(screen, "team-table")
        assert [r[0] for r in rows] == ["me", "sam"]
        me = expected[0]
        assert rows[0][2] == str(me["followups_overdue"]) == "1"
        assert rows[0][4] == f"{me['key_on_cadence']['on_cadence']} of {me['key_on_cadence']['key']}" == "1 of 2"
        assert rows[0][7] == "2 of 4"  # Analytical Engines: champion and sponsor, of the four key roles
        touches = screen.query_one("#chart-team-touches", SeriesChart)
        health = screen.query_one("#chart-team-health", SeriesChart)
        assert list(touches.chart.series[0].values) == me["touches"]["weekly"]
        assert [s.name for s in health.chart.series] == ["their contacts", "Analytical Engines"]
        assert list(health.chart.series[0].values) == me["health"]["weekly"]
        assert "Touches of me, week by week" in touches.render().plain
        assert [r[0] for r in _cells(screen, "team-accounts")] == ["Analytical Engines"]
        await pilot.press("down")  # the next person: their charts and accounts
        await settle(pilot)
        sam = expected[1]
        assert list(touches.chart.series[0].values) == sam["touches"]["weekly"]
        assert [r[0] for r in _cells(screen, "team-accounts")] == ["Difference Co"]
        assert _cells(screen, "team-accounts")[0][4] == "decision influencer, executive sponsor, champion"
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, DashboardScreen)


@sync
async def test_the_palette_offers_the_team_and_a_hostile_owner_is_shown_harmless(session):
    _book(session)
    with session.store.write() as conn:
        people.insert_contact(conn, Contact(name="Eve", owner="Mal \x1b]0;owned\x07lory"), session.now)
    app = KeepwarmApp(session)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        provider = KeepwarmCommands(app.screen)
        team_action = next(a for a in provider._actions() if a[0] == "Team: the manager's view")
        await team_action[2]()
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, TeamScreen)
        names = [r[0] for r in _cells(screen, "team-table")]
        assert names[1:] == ["me", "sam"] and names[0].startswith("Mal \\x1b]0;") and "\x1b" not in names[0]
        label = str(screen.query_one("#team-person").render())
        assert "Mal \\x1b]0;owned\\x07lory: the last 12 weeks" in label
        chart = screen.query_one("#chart-team-touches", SeriesChart).render().plain
        assert "\x1b" not in chart and "Mal \\x1b]0;owned\\x07lory" in chart
        await pilot.press("2")  # a number key leaves the team for that screen
        await settle(pilot)
        assert not isinstance(app.screen, TeamScreen)


def test_snapshot_team(session, home, monkeypatch, snap_compare):
    monkeypatch.setenv("HOME", str(home.parent))
    _book(session)
    app = KeepwarmApp(session)

    async def run_before(pilot) -> None:
        await settle(pilot)
        await pilot.press("4")
        await settle(pilot)
        await pilot.press("t")
        await settle(pilot)

    assert snap_compare(app, terminal_size=(130, 50), run_before=run_before)
