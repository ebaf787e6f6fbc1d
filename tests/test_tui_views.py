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
from keepwarm.tui import views
from keepwarm.tui.screens.agenda import AgendaScreen
from keepwarm.tui.screens.contact_detail import ContactScreen
from keepwarm.tui.views import ContactView

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
        views.ContactView.from_json({"contact": {"id": 1}, "health": {"score": 50, "band": "cooling"}})


def test_a_snoozed_follow_up_shows_when_it_comes_back():
    row = views.FollowupRow(id=1, status="snoozed", due="2026-11-20", snoozed_until="2026-11-27", reason="r")
    assert row.shown_due == "2026-11-27"
    assert dataclasses.replace(row, status="open").shown_due == "2026-11-20"
