"""The daily list in the app (issue 20, point 9): the agenda screen plans its rows under the daily capacity,
says why a row moved, keeps "Later" folded until `w`; the welcome screen asks the capacity on the first run.

Driven with Pilot against a temporary database at the fixed clock (conftest.py: Sunday 2026-11-22).
"""

from __future__ import annotations

import csv
import datetime as dt
import sqlite3
import tomllib

from textual.widgets import Input, Static

from conftest import FIXED_NOW
from keepwarm.home import paths
from keepwarm.model import FollowUp
from keepwarm.store import followups
from keepwarm.tui.app import KeepwarmApp
from keepwarm.tui.screens.agenda import AgendaScreen
from keepwarm.tui.screens.welcome import WelcomeScreen
from keepwarm.tui.widgets.fields import Field
from tui_support import build_history, settle, settle_until, sync, type_text, use_test_rules

SIZE = (130, 40)


def _config(text: str) -> None:
    paths.config_file().parent.mkdir(parents=True, exist_ok=True)
    paths.config_file().write_text(text, encoding="utf-8")


def _busy_day(session) -> dict[str, int]:
    """build_history's book (Charles late, Ada and Grace due today, Mary on Wednesday) and eight small
    things for Grace due today, under a capacity of one a day: more than the week holds."""
    _config("[agenda]\ncapacity = 1\n")
    ids = build_history(session)
    use_test_rules(session)
    with session.store.write() as conn:
        for n in range(8):
            followups.insert_followup(
                conn, FollowUp(contact_id=ids["grace"], due=dt.date(2026, 11, 22), reason=f"small thing {n}"), FIXED_NOW
            )
    return ids


def _panel(app) -> str:
    return str(app.screen.query_one("#panel-body", Static).content)


@sync
async def test_the_agenda_shows_a_days_worth_a_day_and_folds_the_rest_away(session):
    _busy_day(session)
    app = KeepwarmApp(session)
    async with app.run_test(size=SIZE) as pilot:
        await settle_until(pilot, lambda: isinstance(app.screen, AgendaScreen) and app.screen.fresh_painted)
        screen = app.screen
        rows = screen.items()
        # Today: the one place goes to the executive sponsor 52 days late; then one a day; three wait.
        assert rows[:2] == [("section", "Overdue"), ("overdue", "Charles Babbage")]
        assert ("section", "Today") not in rows
        week = [name for bucket, name in rows if bucket == "upcoming"]
        assert len(week) == 7
        assert rows[-1] == ("section", "Later") and not any(bucket == "later" for bucket, _ in rows)
        summary = str(screen.query_one("#agenda-summary", Static).content)
        assert "1 overdue · 0 today · 7 this week · 4 later" in summary
        # A moved row says where it went in its first cell, and why in the side panel.
        moved = next(n for n, (kind, item) in enumerate(screen.rows) if kind == "item" and item.plan_note)
        item = screen.rows[moved][1]
        assert item.plan_note == "moved to Mon 23 Nov: today is full"
        assert screen._texts(item)[0] == "→ Mon 23"
        screen.query_one("#agenda-list").move_cursor(moved)
        await settle(pilot)
        assert "moved to Mon 23 Nov: today is full" in _panel(app)
        footer = {b.binding.key: b.binding for b in screen.active_bindings.values() if b.binding.show}
        assert footer["w"].description == "Later"
        await pilot.press("w")
        await settle(pilot)
        later = [name for bucket, name in screen.items() if bucket == "later"]
        assert len(later) == 4 and set(later) <= {"Grace Hopper", "Mary Somerville"}
        await pilot.press("w")
        await settle(pilot)
        assert not any(bucket == "later" for bucket, _ in screen.items())


@sync
async def test_without_anything_for_later_there_is_no_later_key(session):
    build_history(session)
    use_test_rules(session)
    app = KeepwarmApp(session)
    async with app.run_test(size=SIZE) as pilot:
        await settle_until(pilot, lambda: isinstance(app.screen, AgendaScreen) and app.screen.fresh_painted)
        footer = {b.binding.key for b in app.screen.active_bindings.values() if b.binding.show}
        assert "w" not in footer and ("section", "Later") not in app.screen.items()


def _connections(path, people: int) -> None:
    with open(path, "w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(["First Name", "Last Name", "URL", "Email Address", "Company", "Position", "Connected On"])
        for n in range(people):
            writer.writerow([f"Pat{n}", f"Doe{n}", f"https://www.linkedin.com/in/pat-{n}", "", "Co", "", "01 Mar 2024"])


@sync
async def test_the_first_run_asks_how_many_people_a_day_and_an_import_follows_it(session, tmp_path):
    source = tmp_path / "Connections.csv"
    _connections(source, 20)
    app = KeepwarmApp(session)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, WelcomeScreen)
        box = app.screen.query_one("#in-capacity", Input)
        assert box.value == "5"  # the default, until the user says otherwise
        box.value = ""
        box.focus()
        await type_text(pilot, "900")
        app.screen.query_one("#first").focus()
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, WelcomeScreen)  # not a number of people a day: asked again, nothing written
        assert "agenda.capacity: 900 is too large (expected at most 500)" in app.screen.query_one(
            "#field-capacity", Field
        ).error
        assert not paths.config_file().exists()
        box.value = ""
        box.focus()
        await type_text(pilot, "3")
        assert box.value == "3"
        app.screen.action_import()
        await pilot.pause()
        app.screen.query_one("#in-import-path", Input).value = str(source)
        app.screen.query_one("#in-import-path", Input).focus()
        await pilot.press("enter")
        await settle_until(pilot, lambda: isinstance(app.screen, AgendaScreen))
    assert tomllib.loads(paths.config_file().read_text(encoding="utf-8")) == {"agenda": {"capacity": 3}}
    assert session.settings.agenda.capacity == 3
    with sqlite3.connect(session.db_path) as conn:
        firsts = dict(conn.execute("SELECT snoozed_until, count(*) FROM contacts GROUP BY snoozed_until").fetchall())
    # Two a day (three less the one left for the people already kept warm), over ten days.
    assert firsts[None] == 2 and len(firsts) == 10 and set(firsts.values()) == {2}
