"""Issue #20, points 5 and 6 in the app: on a contact's screen, `M` merges another contact who is the same person
into this one and `D` deletes this one, each saying what it does and asking first (the core of `contact merge`
and `contact rm`)."""

from __future__ import annotations

import datetime as dt

import pytest
from textual.widgets import Input, Label
from tui_support import build_history, settle, settle_until, sync, type_text, use_test_rules

from conftest import FIXED_NOW
from keepwarm.errors import NotFound
from keepwarm.model import Contact
from keepwarm.services import actions
from keepwarm.store import activity
from keepwarm.store import contacts as people
from keepwarm.tui.app import KeepwarmApp
from keepwarm.tui.screens.contact_detail import ContactScreen
from keepwarm.tui.widgets.confirm import ConfirmScreen
from keepwarm.tui.widgets.contact_ref import ContactRefScreen
from keepwarm.tui.widgets.fields import Field

SIZE = (110, 34)


@pytest.fixture
def ids(session):
    found = build_history(session)
    use_test_rules(session)
    with session.store.write() as conn:  # Mary entered a second time, from a mail signature, with a touch of her own
        found["mary2"] = people.insert_contact(
            conn, Contact(name="Mary Somerville", emails=["mary@somerville.example"], phones=["+44 20 7946 0000"]),
            FIXED_NOW)
        actions.log_interactions(conn, [found["mary2"]], FIXED_NOW, at=FIXED_NOW - dt.timedelta(days=3),
                                 channel="email", direction="inbound")
    return found


def history(session, contact_id):
    with session.store.read() as conn:
        return activity.list_interactions(conn, contact_id)


async def shown(pilot, kind) -> None:
    """Until a dialog of `kind` is on screen and takes keys: keys typed before it was painted are dropped, as
    they should be (they were meant for what was there), so a test types only after that."""
    app = pilot.app
    await settle_until(pilot, lambda: isinstance(app.screen, kind) and app.screen.keys_from != float("inf"))


async def open_mary(app, pilot, ids) -> ContactScreen:
    await settle(pilot)
    app.open_contact(ids["mary"])
    await settle_until(pilot, lambda: isinstance(app.screen, ContactScreen) and app.screen.contact is not None)
    return app.screen


@sync
async def test_m_names_the_other_mary_says_what_the_merge_does_and_merges_on_yes(session, ids):
    before = len(history(session, ids["mary"])) + len(history(session, ids["mary2"]))
    app = KeepwarmApp(session)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_mary(app, pilot, ids)
        await pilot.press("M")
        await shown(pilot, ContactRefScreen)
        assert app.screen.query_one("#in-contact-ref", Input).value == "Mary Somerville"  # the one she shares a name with
        await pilot.press("enter")
        await shown(pilot, ConfirmScreen)
        question = str(app.screen.query_one("#confirm-question", Label).content)
        assert question == (f"Merge #{ids['mary2']} Mary Somerville into #{ids['mary']} Mary Somerville "
                            f"and remove #{ids['mary2']}?")
        detail = str(app.screen.query_one("#confirm-detail", Label).content)
        assert "moves 1 interaction" in detail and "adds from" in detail and "emails" in detail
        with session.store.read() as conn:  # asked, not done
            assert people.get_contact(conn, ids["mary2"]).name == "Mary Somerville"
        await pilot.press("y")
        await settle_until(pilot, lambda: app.screen is screen and "+44 20 7946 0000" in str(
            screen.query_one("#detail-profile").content))
        with session.store.read() as conn:
            merged = people.get_contact(conn, ids["mary"])
            with pytest.raises(NotFound):
                people.get_contact(conn, ids["mary2"])
        assert merged.emails == ["mary@somerville.example"] and merged.title == "CFO"
        assert len(history(session, ids["mary"])) == before


@sync
async def test_a_contact_that_is_not_another_one_is_told_in_the_field_and_escape_merges_nothing(session, ids):
    app = KeepwarmApp(session)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_mary(app, pilot, ids)
        await pilot.press("M")
        await shown(pilot, ContactRefScreen)
        dialog = app.screen
        field = dialog.query_one("#in-contact-ref", Input)
        field.value = ""
        await type_text(pilot, "nobody here")
        await pilot.press("enter")
        await pilot.pause()
        assert dialog.query_one(Field).error == "contact: no contact matches 'nobody here'"
        field.value = ""
        await type_text(pilot, str(ids["mary"]))
        await pilot.press("enter")
        await pilot.pause()
        assert dialog.query_one(Field).error == "that is this contact: name the other one (its id or name)"
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is screen
        with session.store.read() as conn:
            assert people.get_contact(conn, ids["mary2"]).name == "Mary Somerville"


@sync
async def test_d_asks_and_no_keeps_the_contact(session, ids):
    app = KeepwarmApp(session)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_mary(app, pilot, ids)
        await pilot.press("D")
        await shown(pilot, ConfirmScreen)
        question = str(app.screen.query_one("#confirm-question", Label).content)
        assert question == f"Delete Mary Somerville (id {ids['mary']}, Difference Co)?"
        await pilot.press("n")
        await settle(pilot)
        assert app.screen is screen
        with session.store.read() as conn:
            assert people.get_contact(conn, ids["mary"]).name == "Mary Somerville"


@sync
async def test_d_then_yes_deletes_the_contact_and_goes_back(session, ids):
    app = KeepwarmApp(session)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_mary(app, pilot, ids)
        await pilot.press("D")
        await shown(pilot, ConfirmScreen)
        await pilot.press("y")
        await settle_until(pilot, lambda: app.screen is not screen and not isinstance(app.screen, ConfirmScreen))
        assert not isinstance(app.screen, ContactScreen)
        with session.store.read() as conn:
            with pytest.raises(NotFound):
                people.get_contact(conn, ids["mary"])
            assert people.get_contact(conn, ids["mary2"]).name == "Mary Somerville"  # only the one shown


@sync
async def test_the_palette_offers_the_contact_screens_own_actions_there_and_only_there(session, ids):
    from keepwarm.tui.palette import KeepwarmCommands

    app = KeepwarmApp(session)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        on_agenda = {name for name, _, _ in KeepwarmCommands(app.screen)._actions()}
        assert "Merge a duplicate into this contact" not in on_agenda
        screen = await open_mary(app, pilot, ids)
        actions = {name: run for name, _, run in KeepwarmCommands(screen)._actions()}
        assert {"Set their rhythm", "Snooze them", "Add a note", "Edit a note", "Delete this contact"} <= set(actions)
        actions["Merge a duplicate into this contact"]()
        await shown(pilot, ContactRefScreen)
        assert app.screen.title_text == "Merge which contact into Mary Somerville?"
