"""Issue #20, point 5 in the app: on a contact's screen `F` plans a follow-up and `A` assesses the relationship,
through the dialogs' checks (`forms.check_followup`, `forms.check_assessment`) and the CLI's core functions
(`operations.add_followup`, `operations.assess`); `j`/`k` move the cursor in the app's lists.

Driven with Pilot against a temporary database at the fixed clock (conftest.py: Sunday 2026-11-22).
"""

from __future__ import annotations

import datetime as dt

import pytest
from textual.widgets import DataTable, Input, Select, Static
from textual.widgets._help_panel import HelpPanel
from textual.widgets._key_panel import BindingsTable
from tui_support import TODAY, build_history, settle, settle_until, sync, type_text, use_test_rules

from keepwarm.model import ASSESSMENT_DIMENSIONS
from keepwarm.services import forms
from keepwarm.store import activity, followups
from keepwarm.tui.app import KeepwarmApp
from keepwarm.tui.screens.accounts import AccountsScreen
from keepwarm.tui.screens.agenda import AgendaScreen
from keepwarm.tui.screens.contact_detail import ContactScreen
from keepwarm.tui.screens.contacts import ContactsScreen
from keepwarm.tui.widgets.assess_form import AssessScreen
from keepwarm.tui.widgets.confirm import ConfirmScreen
from keepwarm.tui.widgets.followup_form import FollowUpScreen
from keepwarm.tui.widgets.line_list import LineList
from keepwarm.tui.widgets.pick_list import PickList

SIZE = (110, 40)


@pytest.fixture
def ids(session):
    found = build_history(session)
    use_test_rules(session)
    return found


def manual_followups(session, contact_id: int):
    with session.store.read() as conn:
        return [f for f in followups.list_followups(conn, contact_id) if f.rule_key == "manual"]


def assessments(session, contact_id: int):
    with session.store.read() as conn:
        return activity.list_assessments(conn, contact_id)


async def open_mary(app, pilot, ids) -> ContactScreen:
    await settle(pilot)
    app.open_contact(ids["mary"])
    await settle_until(pilot, lambda: isinstance(app.screen, ContactScreen) and app.screen.view is not None)
    return app.screen


def error(dialog, name: str) -> str:
    return dialog.query_one(f"#field-{name}").error


# ---------------------------------------------------------------- follow-up


@sync
async def test_f_plans_a_follow_up_read_as_the_cli_reads_its_due_date(session, ids):
    app = KeepwarmApp(session)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_mary(app, pilot, ids)
        footer = {b.binding.key for b in screen.active_bindings.values() if b.binding.show}
        assert {"F", "A"} <= footer
        await pilot.press("F")
        await settle_until(pilot, lambda: isinstance(app.screen, FollowUpScreen))
        dialog = app.screen
        await type_text(pilot, "ask how the budget review went")
        await pilot.press("tab")
        await type_text(pilot, "next tuesday 10:00")
        dialog.query_one("#in-channel", Select).value = "meeting"
        await pilot.press("tab", "tab")
        await type_text(pilot, "bring the forecast")
        await pilot.press("ctrl+s")
        await settle_until(pilot, lambda: app.screen is screen and "budget review" in str(
            screen.query_one("#detail-plans", Static).content))
        [added] = manual_followups(session, ids["mary"])
    assert (added.reason, added.due, added.due_time) == (
        "ask how the budget review went", dt.date(2026, 11, 24), dt.time(10, 0))
    assert (added.channel.value, added.action, added.status.value) == ("meeting", "bring the forecast", "open")


@sync
async def test_a_due_date_that_is_not_one_is_shown_by_its_field_and_nothing_is_written(session, ids):
    app = KeepwarmApp(session)
    async with app.run_test(size=SIZE) as pilot:
        await open_mary(app, pilot, ids)
        await pilot.press("F")
        await settle_until(pilot, lambda: isinstance(app.screen, FollowUpScreen))
        dialog = app.screen
        await type_text(pilot, "send the deck")
        await pilot.press("tab")
        await type_text(pilot, "someday soon")
        assert error(dialog, "due").startswith("'someday soon' is not a date such as 2026-12-01")
        assert error(dialog, "reason") == ""
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is dialog
    assert manual_followups(session, ids["mary"]) == []


@sync
async def test_esc_on_a_changed_follow_up_asks_before_discarding_it(session, ids):
    app = KeepwarmApp(session)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_mary(app, pilot, ids)
        await pilot.press("F")
        await settle_until(pilot, lambda: isinstance(app.screen, FollowUpScreen))
        dialog = app.screen
        await type_text(pilot, "call about the renewal")
        await pilot.press("escape")
        await settle_until(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        assert str(app.screen.query_one("#confirm-question").content) == "Discard this follow-up?"
        await pilot.press("n")
        await settle(pilot)
        assert app.screen is dialog
        assert dialog.query_one("#in-reason", Input).value == "call about the renewal"
        await pilot.press("escape")
        await settle_until(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.press("y")
        await settle(pilot)
        assert app.screen is screen
        await pilot.press("F")  # nothing typed: esc closes at once
        await settle_until(pilot, lambda: isinstance(app.screen, FollowUpScreen))
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is screen
    assert manual_followups(session, ids["mary"]) == []


@pytest.mark.parametrize("due", ["next tuesday 10:00", "+2w", "2026-12-01", "tomorrow 8:30", ""])
def test_the_dialog_reads_a_due_date_as_followup_add_does(run, session, due):
    assert run("contact", "add", "Ada Lovelace").exit_code == 0
    assert run("followup", "add", "ada", "call her", *(["--due", due] if due else [])).exit_code == 0
    [stored] = [f for f in run("followup", "list", "--json").json() if f["source"] == "manual"]
    checked = forms.check_followup({"reason": "call her", "due": due}, stored["contact_id"], session.now, session.tz)
    assert checked.ok, checked.errors
    assert (checked.value.due.isoformat(), checked.value.due_time) == (
        stored["due"], stored["due_time"] and dt.time.fromisoformat(stored["due_time"]))


# --------------------------------------------------------------- assessment


@sync
async def test_a_writes_the_six_ratings_and_the_contact_screen_shows_them(session, ids):
    ratings = dict(zip(ASSESSMENT_DIMENSIONS, (4, 3, 5, 2, 4, 5), strict=True))
    app = KeepwarmApp(session)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_mary(app, pilot, ids)
        assert "not assessed yet" in str(screen.query_one("#detail-assessment-text", Static).content)
        await pilot.press("A")
        await settle_until(pilot, lambda: isinstance(app.screen, AssessScreen))
        for value in ratings.values():
            await type_text(pilot, str(value))
            await pilot.press("tab")
        await type_text(pilot, "yesterday")
        await pilot.press("tab")
        await type_text(pilot, "after the budget meeting")
        await pilot.press("ctrl+s")
        await settle_until(pilot, lambda: app.screen is screen and "trust 4" in str(
            screen.query_one("#detail-assessment-text", Static).content))
        shown = str(screen.query_one("#detail-assessment-text", Static).content)
    [saved] = assessments(session, ids["mary"])
    assert {name: getattr(saved, name) for name in ASSESSMENT_DIMENSIONS} == ratings
    assert (saved.on, saved.note) == (TODAY - dt.timedelta(days=1), "after the budget meeting")
    assert "2026-11-21  trust 4 · comm 3 · sharing 5 · advocacy 2 · conflict 4 · future 5  = 3.8" in shown


@sync
async def test_a_rating_outside_one_to_five_is_refused_by_its_field(session, ids):
    app = KeepwarmApp(session)
    async with app.run_test(size=SIZE) as pilot:
        await open_mary(app, pilot, ids)
        await pilot.press("A")
        await settle_until(pilot, lambda: isinstance(app.screen, AssessScreen))
        dialog = app.screen
        for value in ("3", "7", "3", "3", "3", "0"):
            await type_text(pilot, value)
            await pilot.press("tab")
        assert error(dialog, "communication") == "'7' is not a rating from 1 to 5"
        assert error(dialog, "commitment") == "'0' is not a rating from 1 to 5"
        assert error(dialog, "trust") == ""
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is dialog
    assert assessments(session, ids["mary"]) == []


@sync
async def test_the_hint_shown_is_the_one_of_the_field_tabbed_to(session, ids):
    app = KeepwarmApp(session)
    async with app.run_test(size=SIZE) as pilot:
        await open_mary(app, pilot, ids)
        await pilot.press("A")
        await settle_until(pilot, lambda: isinstance(app.screen, AssessScreen))
        dialog = app.screen
        await pilot.press("tab", "tab")
        await pilot.pause()
        shown = [h.parent.field_name for h in dialog.query(".field-hint") if h.styles.display == "block"]
    assert shown == ["sharing"]


@sync
async def test_the_palette_opens_both_dialogs_for_the_contact_in_view(session, ids):
    from keepwarm.tui.palette import KeepwarmCommands

    app = KeepwarmApp(session)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_mary(app, pilot, ids)
        actions = {name: run for name, _, run in KeepwarmCommands(app.screen)._actions()}
        actions["Add a follow-up"]()
        await settle_until(pilot, lambda: isinstance(app.screen, FollowUpScreen))
        assert app.screen.contact_id == ids["mary"]
        await pilot.press("escape")
        await settle_until(pilot, lambda: app.screen is screen)
        actions["Assess a relationship"]()
        await settle_until(pilot, lambda: isinstance(app.screen, AssessScreen))
        assert app.screen.contact_id == ids["mary"]


# ------------------------------------------------------------------ j and k


@sync
async def test_j_and_k_move_the_agenda_list_and_the_keys_panel_lists_them(session, ids):
    app = KeepwarmApp(session)
    async with app.run_test(size=SIZE) as pilot:
        await settle_until(pilot, lambda: isinstance(app.screen, AgendaScreen) and app.screen.fresh_painted)
        listing = app.screen.query_one("#agenda-list", LineList)
        assert listing.has_focus
        first = listing.cursor_row
        await pilot.press("j")
        second = listing.cursor_row
        assert second is not None and second > first
        await pilot.press("j")
        assert listing.cursor_row > second
        await pilot.press("k", "k")
        assert listing.cursor_row == first
        await pilot.press("question_mark")
        await pilot.pause()
        table = app.screen.query_one(HelpPanel).query_one(BindingsTable).render_bindings_table()
        keys = [str(cell) for cell in table.columns[0]._cells]
        descriptions = [str(cell) for cell in table.columns[1]._cells]
    down = next(k for k, d in zip(keys, descriptions, strict=True) if d.startswith("Cursor down"))
    up = next(k for k, d in zip(keys, descriptions, strict=True) if d.startswith("Cursor up"))
    assert "j" in down.split() and "k" in up.split()


@sync
async def test_j_and_k_move_the_contacts_and_accounts_lists(session, ids):
    app = KeepwarmApp(session)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("2")
        await settle_until(pilot, lambda: isinstance(app.screen, ContactsScreen) and app.screen.rows_shown_once)
        table = app.screen.query_one("#contacts-table", DataTable)
        assert table.has_focus and table.cursor_row == 0
        await pilot.press("j", "j")
        assert table.cursor_row == 2
        await pilot.press("k")
        assert table.cursor_row == 1
        await pilot.press("3")
        await settle_until(pilot, lambda: isinstance(app.screen, AccountsScreen) and app.screen.accounts)
        listing = app.screen.query_one("#account-list", PickList)
        listing.focus()
        listing.highlighted = 0
        await pilot.pause()
        await pilot.press("j")
        assert listing.highlighted == 1
        await pilot.press("k")
        assert listing.highlighted == 0


@sync
async def test_k_on_a_contacts_screen_still_keeps_a_promise(session, ids):
    """The contact screen has no list: its own `k` (Kept) is not shadowed by the lists' `k`."""
    app = KeepwarmApp(session)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.open_contact(ids["ada"])
        await settle_until(pilot, lambda: isinstance(app.screen, ContactScreen) and app.screen.view is not None)
        await pilot.press("k")
        await settle_until(pilot, lambda: isinstance(app.screen, ConfirmScreen))
    with session.store.read() as conn:
        [kept] = [c for c in activity.list_commitments(conn, ids["ada"]) if c.text == "send the benchmark report"]
    assert kept.status.value == "done"
