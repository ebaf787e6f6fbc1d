"""The contact screen sets a person's own rhythm (`c`) and snoozes them (`s`), driven with Pilot at the fixed clock.

Mary Somerville (tui_support.build_history), with the built-in rules: tier B and a
financial approver (every 45 days), last touched on 26 October, so due on 10 December 2026.
"""

from __future__ import annotations

import datetime as dt

from textual.widgets import Input, Static
from tui_support import build_history, settle, settle_until, sync, type_text

from keepwarm.store import contacts as people
from keepwarm.store import followups
from keepwarm.tui.app import KeepwarmApp
from keepwarm.tui.screens.contact_detail import ContactScreen
from keepwarm.tui.widgets.fields import Field
from keepwarm.tui.widgets.rhythm import PersonSnoozeScreen, RhythmScreen

SIZE = (100, 30)


def text(widget) -> str:
    return str(widget.content)


def mary_now(session, mary: int):
    with session.store.read() as conn:
        contact = people.get_contact(conn, mary)
        open_ = followups.list_followups(conn, mary, statuses=followups.OPEN_STATES)
    return contact, open_


async def _on_marys_screen(app, pilot, mary: int) -> ContactScreen:
    await settle(pilot)
    app.open_contact(mary)
    await settle_until(pilot, lambda: isinstance(app.screen, ContactScreen) and app.screen.contact is not None)
    screen = app.screen
    assert isinstance(screen, ContactScreen)
    return screen


async def _retype(pilot, field: str, value: str) -> None:
    """Clear the dialog's line (its text is selected on focus) and type `value`."""
    box = pilot.app.screen.query_one(f"#in-{field}", Input)
    box.value = ""
    await pilot.pause()
    await type_text(pilot, value)
    await pilot.pause()


@sync
async def test_c_sets_a_rhythm_refuses_a_bad_one_in_the_dialog_and_an_empty_line_clears_it(session):
    mary = build_history(session)["mary"]
    app = KeepwarmApp(session)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _on_marys_screen(app, pilot, mary)
        await pilot.press("c")
        await settle_until(pilot, lambda: isinstance(app.screen, RhythmScreen))
        dialog = app.screen
        assert isinstance(dialog, RhythmScreen)

        await _retype(pilot, "rhythm", "every 0 days")
        assert dialog.query_one(Field).error == (
            "'every 0 days' is not a rhythm (expected at least every 1 day, e.g. 'every 3 weeks', 'every 10 days', "
            "'monthly')"
        )
        assert dialog.query_one("#save").disabled
        await pilot.press("enter")  # refused: the dialog stays, nothing is written
        await pilot.pause()
        assert app.screen is dialog and mary_now(session, mary)[0].rhythm_days is None

        await _retype(pilot, "rhythm", "every 10 days")
        assert dialog.query_one(Field).error in (None, "")
        assert text(dialog.query_one("#snooze-preview", Static)) == "every 10 days, in place of what the rules say"
        await pilot.press("enter")
        await settle_until(pilot, lambda: mary_now(session, mary)[0].rhythm_days == 10)
        await settle(pilot)
        assert app.screen is screen
        contact, open_ = mary_now(session, mary)
        assert contact.rhythm_days == 10
        (cadence,) = [f for f in open_ if f.rule_key == "cadence"]
        assert cadence.due == dt.date(2026, 11, 5)  # ten days after 26 October
        assert "you set this rhythm for Mary" in cadence.reason
        await settle_until(pilot, lambda: "every 10 days (yours)" in text(screen.query_one("#detail-profile", Static)))
        assert "Rhythm         every 10 days (yours)" in text(screen.query_one("#detail-profile", Static))

        await pilot.press("c")
        await settle_until(pilot, lambda: isinstance(app.screen, RhythmScreen))
        assert app.screen.query_one("#in-rhythm", Input).value == "every 10 days"  # what is set, to change
        await _retype(pilot, "rhythm", "")
        await pilot.press("enter")
        await settle_until(pilot, lambda: mary_now(session, mary)[0].rhythm_days is None)
        await settle(pilot)
        (cadence,) = [f for f in mary_now(session, mary)[1] if f.rule_key == "cadence"]
        assert cadence.due == dt.date(2026, 12, 10) and "you set" not in cadence.reason


@sync
async def test_s_snoozes_the_person_refuses_a_past_day_and_an_empty_line_wakes_them(session):
    mary = build_history(session)["mary"]
    app = KeepwarmApp(session)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _on_marys_screen(app, pilot, mary)
        await pilot.press("s")
        await settle_until(pilot, lambda: isinstance(app.screen, PersonSnoozeScreen))
        dialog = app.screen
        assert isinstance(dialog, PersonSnoozeScreen)

        await _retype(pilot, "until", "until 2026-11-01")
        assert dialog.query_one(Field).error == (
            "'until 2026-11-01' is 2026-11-01, not after today (expected a future day)"
        )
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is dialog and mary_now(session, mary)[0].snoozed_until is None

        await _retype(pilot, "until", "not before March")
        assert text(dialog.query_one("#snooze-preview", Static)) == "back on Monday 01 March 2027"
        await pilot.press("enter")
        await settle_until(pilot, lambda: mary_now(session, mary)[0].snoozed_until is not None)
        await settle(pilot)
        contact, open_ = mary_now(session, mary)
        assert contact.snoozed_until == dt.date(2027, 3, 1)
        assert open_ and all(followups.effective_due(f) == dt.date(2027, 3, 1) for f in open_)
        await settle_until(pilot, lambda: "Snoozed until" in text(screen.query_one("#detail-profile", Static)))
        assert "Snoozed until  Mon 01 Mar 2027" in text(screen.query_one("#detail-profile", Static))

        await pilot.press("s")
        await settle_until(pilot, lambda: isinstance(app.screen, PersonSnoozeScreen))
        assert app.screen.query_one("#in-until", Input).value == "2027-03-01"
        await _retype(pilot, "until", "")
        await pilot.press("enter")
        await settle_until(pilot, lambda: mary_now(session, mary)[0].snoozed_until is None)
        await settle(pilot)
        (cadence,) = [f for f in mary_now(session, mary)[1] if f.rule_key == "cadence"]
        assert (cadence.status.value, cadence.due) == ("open", dt.date(2026, 12, 10))
