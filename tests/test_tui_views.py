"""The TUI tells, it does not time: the agenda's paints are Textual messages anyone can listen to.

The benchmark stamps these messages from outside (benchmarks/measures.py); the app
keeps no clock of its own for them.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
from textual.widgets import Static
from tui_support import build_history, settle, settle_until, sync, use_test_rules

from keepwarm.engine.agenda import build_agenda
from keepwarm.model import Assessment
from keepwarm.store import activity
from keepwarm.tui.app import KeepwarmApp
from keepwarm.tui import screen_views, views
from keepwarm.tui.screens.agenda import AgendaData, AgendaScreen
from keepwarm.tui.screens.contact_detail import ContactScreen
from keepwarm.tui.screen_views import ContactView

from conftest import FIXED_NOW

SIZE = (110, 30)


def _listen(heard: list[str]):
    """A hook that notes the agenda's messages in the order they come (as the benchmark's does)."""
    seen: list[object] = []  # each message is dispatched by the screen, then by the app it bubbles to

    def hook(message) -> None:
        if isinstance(message, AgendaScreen.Painted):
            entry = "stored rows" if message.stored else "fresh rows"
        elif isinstance(message, AgendaScreen.StoredAdviceShown):
            entry = "stored advice"
        else:
            return
        if not any(m is message for m in seen):
            seen.append(message)
            heard.append(entry)

    return hook


@sync
async def test_the_agenda_says_when_its_stored_rows_their_advice_and_the_fresh_rows_are_on_screen(session):
    ids = build_history(session)
    use_test_rules(session)
    build_agenda(session, advice=False)  # a run that stores its conclusions
    with session.store.write() as conn:  # and a write it has not seen
        activity.insert_assessment(conn, Assessment(contact_id=ids["charles"], on=dt.date(2026, 11, 21), trust=5,
                                                    communication=5, sharing=5, advocacy=5, conflict=5,
                                                    commitment=5), FIXED_NOW)
    app, heard = KeepwarmApp(session), []
    async with app.run_test(size=SIZE, message_hook=_listen(heard)) as pilot:
        await settle_until(pilot, lambda: "fresh rows" in heard)
        await pilot.pause()
        assert heard == ["stored rows", "stored advice", "fresh rows"]  # each once, in that order
        assert isinstance(app.screen, AgendaScreen) and not app.screen.showing_stored


@sync
async def test_without_a_stored_run_only_the_fresh_rows_are_announced(session):
    build_history(session)
    use_test_rules(session)
    app, heard = KeepwarmApp(session), []
    async with app.run_test(size=SIZE, message_hook=_listen(heard)) as pilot:
        await settle_until(pilot, lambda: "fresh rows" in heard)
        await pilot.press("r")  # a refresh paints again but the first paint was announced already
        await settle_until(pilot, lambda: app.screen.loaded_version == app.gate.version)
        assert heard == ["fresh rows"]


# ------------------------------------------------------------------ typed views


@sync
async def test_the_contact_screen_holds_a_typed_view_of_the_contact(session):
    ids = build_history(session)
    use_test_rules(session)
    app = KeepwarmApp(session)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.open_contact(ids["ada"])
        await settle_until(pilot, lambda: isinstance(app.screen, ContactScreen) and app.screen.view is not None)
        view = app.screen.view
        assert isinstance(view, ContactView)
        assert (view.contact.name, view.contact.account, view.contact.interests) == (
            "Ada Lovelace", "Analytical Engines", ("poetry",))
        assert view.today == dt.date(2026, 11, 22)
        [promise] = view.open_promises
        assert (promise.by, promise.text, promise.due) == ("me", "send the benchmark report", dt.date(2026, 11, 20))
        assert [round(m, 2) for m in view.assessment_trend] == [3.17, 3.83, 4.5]
        assert [i.at.date() for i in view.timeline] == [dt.date(2026, 10, 23), dt.date(2026, 9, 15),
                                                         dt.date(2026, 7, 10)]
        assert view.timeline[1].direction == "inbound"
        # Shown as before: the late promise in the plans card, the inbound mail in the timeline.
        plans = str(app.screen.query_one("#detail-plans", Static).content)
        assert "I promised send the benchmark report · due 2026-11-20" in plans
        assert "← email value article" in str(app.screen.query_one("#detail-timeline", Static).content)


def test_a_view_missing_a_field_says_which_where_it_is_built():
    with pytest.raises(KeyError, match="Profile: no 'name'"):
        screen_views.ContactView.from_json({"contact": {"id": 1}, "health": {"score": 50, "band": "cooling"}})


def test_a_snoozed_follow_up_shows_when_it_comes_back():
    row = screen_views.FollowupRow(id=1, status="snoozed", due="2026-11-20", snoozed_until="2026-11-27", reason="r")
    assert row.shown_due == "2026-11-27"
    assert dataclasses.replace(row, status="open").shown_due == "2026-11-20"


@sync
async def test_every_screen_holds_typed_views_built_where_its_data_came_in(session):
    ids = build_history(session)
    use_test_rules(session)
    app = KeepwarmApp(session)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        agenda = app.screen
        assert isinstance(agenda, AgendaScreen) and isinstance(agenda.data, AgendaData)
        row = agenda.current_item()
        assert isinstance(row, views.AgendaRow)
        assert (row.contact.name, row.bucket, row.due) == ("Charles Babbage", "overdue", "2026-10-01")
        assert row.advice is not None and row.advice.tips  # the highlighted row's advice came after the paint
        assert all(isinstance(w, views.Warning) for w in row.warnings)

        await pilot.press("2")
        await settle_until(pilot, lambda: bool(getattr(app.screen, "shown", None)))
        first = app.screen.shown[0]
        assert isinstance(first, screen_views.ContactRow)
        assert (first.name, first.last_touch, first.band, first.account) == (
            "Ada Lovelace", "2026-10-23", "warm", "Analytical Engines")
        assert app.screen.selected_contact() == (ids["ada"], "Ada Lovelace")

        await pilot.press("3")
        await settle_until(pilot, lambda: getattr(app.screen, "current", None) is not None)
        account = app.screen.current
        assert isinstance(account, screen_views.AccountView)
        champion = next(entry for entry in account.map if entry.role == "champion")
        assert (champion.status, [p.name for p in champion.people]) == ("warm", ["Ada Lovelace"])
        assert champion.people[0].id == ids["ada"]
        assert "executive_sponsor" in account.roles_cold

        await pilot.press("4")
        await settle_until(pilot, lambda: getattr(app.screen, "data", None) is not None)
        kpis = app.screen.data
        assert isinstance(kpis, screen_views.Kpis)
        assert kpis.week_start == dt.date(2026, 11, 16) and kpis.owners == ("me", "sam")
        assert kpis.overall.overdue_promises == screen_views.OverduePromises(mine=1, theirs=0)
        assert set(kpis.by_owner) == {"me", "sam"}
        assert len(kpis.overall.trend) == 6

        await pilot.press("6")
        await settle_until(pilot, lambda: getattr(app.screen, "data", None) is not None)
        rules = app.screen.data
        assert isinstance(rules, screen_views.RulesView) and rules.rows
        assert all(isinstance(r, screen_views.RuleRow) and r.origin for r in rules.rows)


# ------------------------------------------------------------------ the house


def _tui_modules():
    import importlib
    import pkgutil

    import keepwarm.tui

    for found in pkgutil.walk_packages(keepwarm.tui.__path__, "keepwarm.tui."):
        yield importlib.import_module(found.name)


def test_no_tui_function_is_longer_than_60_lines():
    """Long screens are split into named steps (one function per card of the contact screen)."""
    import ast
    import inspect

    long = []
    for module in _tui_modules():
        for node in ast.walk(ast.parse(inspect.getsource(module))):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.end_lineno - node.lineno >= 60:
                long.append(f"{module.__name__}.{node.name}: {node.end_lineno - node.lineno + 1} lines")
    assert long == []
