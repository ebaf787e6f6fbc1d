"""Issue #17, the app's part: promises kept from the agenda and the contact screen, the demo book kept
apart from the user's, forms that open at once and never take a key typed before them, undo of a dismiss,
namesakes offered before a duplicate is added, and keepwarm's own keys first in the `?` panel.

Driven with Pilot against a temporary database at the fixed clock (conftest.py).
"""

from __future__ import annotations

import datetime as dt
import shutil

import pytest
from textual import events
from textual.widgets import Input, OptionList, Static
from textual.widgets._help_panel import HelpPanel
from textual.widgets._key_panel import BindingsTable

from keepwarm.home import paths
from keepwarm.hosting.host import PluginHost
from keepwarm.hosting.runtime import build_runtime
from keepwarm.io import demo
from keepwarm.store import activity, followups
from keepwarm.store import contacts as people
from keepwarm.tui.app import KeepwarmApp
from keepwarm.tui.screens.agenda import AgendaScreen
from keepwarm.tui.screens.contact_detail import ContactScreen
from keepwarm.tui.screens.welcome import WelcomeScreen
from keepwarm.tui.widgets.confirm import ConfirmScreen, PickScreen
from keepwarm.tui.widgets.contact_form import ContactForm
from keepwarm.tui.widgets.line_list import LineList
from keepwarm.tui.widgets.log_form import LogScreen
from keepwarm.tui.widgets.promise_form import PromiseScreen
from tui_support import Rhythm, build_history, settle, settle_until, sync, type_text

SIZE = (110, 34)


def with_promise_rules(session):
    """The 30-day rhythm of tui_support and the shipped rule that reminds of your dated promises."""
    from keepwarm_plugins import cadence_promises

    shipped = session.db_path.parent.parent / "shipped-rules"
    shipped.mkdir(parents=True, exist_ok=True)
    shutil.copy(paths.default_rules_dir() / "engine.toml", shipped / "engine.toml")
    host = PluginHost(eps=[], plugins_dir=None).load()
    host.register_for_test(Rhythm(), "rhythm")
    host.register_for_test(cadence_promises, "promise_due")
    session.__dict__["runtime"] = build_runtime(host=host, default_rules=shipped)


@pytest.fixture
def ids(session):
    found = build_history(session)
    with_promise_rules(session)
    return found


def promise(session, contact_id: int, text: str):
    with session.store.read() as conn:
        return next(p for p in activity.list_commitments(conn, contact_id) if p.text == text)


def touches(session, contact_id: int):
    with session.store.read() as conn:
        return activity.list_interactions(conn, contact_id)


def followup_rows(session, contact_id: int):
    with session.store.read() as conn:
        return followups.list_followups(conn, contact_id)


async def to_promise_row(pilot, app):
    """Put the agenda's cursor on the row that reminds of a promise; that row's item."""
    screen = app.screen
    row = next(n for n, (kind, item) in enumerate(screen.rows)
               if kind == "item" and (item.followup.rule_key or "").startswith("promise_due."))
    screen.query_one("#agenda-list", LineList).move_cursor(row)
    await pilot.pause()
    return screen.current_item()


# ------------------------------------------------------------------ point 1


@sync
async def test_d_on_a_promise_row_keeps_the_promise_and_the_touch_is_logged_when_accepted(session, ids):
    app = KeepwarmApp(session)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        item = await to_promise_row(pilot, app)
        assert item.contact.name == "Ada Lovelace" and "send the benchmark report" in item.followup.reason
        await pilot.press("d")
        await settle_until(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        assert isinstance(app.screen, ConfirmScreen)
        assert (f"Log a touch with Ada Lovelace (id {ids['ada']}, Analytical Engines) too?"
                in str(app.screen.query_one("#confirm-question").content))
        kept = promise(session, ids["ada"], "send the benchmark report")
        assert (kept.status.value, kept.done_at) == ("done", session.now)  # as `keepwarm promise done` does
        reminder = next(f for f in followup_rows(session, ids["ada"]) if f.rule_key == f"promise_due.{kept.id}")
        assert reminder.status.value == "done"
        await pilot.press("y")
        await pilot.pause()
        assert isinstance(app.screen, LogScreen)
        assert app.screen.query_one("#in-contacts", Input).value == "Ada Lovelace"
        await pilot.press("ctrl+s")
        await settle(pilot)
        [latest, *_] = touches(session, ids["ada"])
        assert latest.at == session.now
        assert isinstance(app.screen, AgendaScreen)
        assert not any((i.followup.rule_key or "").startswith("promise_due.")
                       for kind, i in app.screen.rows if kind == "item")


@sync
async def test_d_on_a_promise_row_with_the_log_skipped_logs_nothing(session, ids):
    app = KeepwarmApp(session)
    before = len(touches(session, ids["ada"]))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await to_promise_row(pilot, app)
        await pilot.press("d")
        await settle_until(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.press("n")
        await settle(pilot)
        assert isinstance(app.screen, AgendaScreen)
    assert promise(session, ids["ada"], "send the benchmark report").status.value == "done"
    assert len(touches(session, ids["ada"])) == before


@sync
async def test_promises_are_added_edited_and_kept_on_the_contact_screen(session, ids):
    app = KeepwarmApp(session)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.open_contact(ids["mary"])
        await settle(pilot)
        footer_keys = {b.binding.key for b in app.screen.active_bindings.values() if b.binding.show}
        assert {"p", "k"} <= footer_keys  # P (edit a promise) is in the keys panel and the palette
        assert "P" in {b.binding.key for b in app.screen.active_bindings.values()}
        await pilot.press("p")
        await pilot.pause()
        assert isinstance(app.screen, PromiseScreen)
        await type_text(pilot, "send the pricing sheet")
        app.screen.query_one("#in-due", Input).value = "friday"
        await pilot.pause()
        await pilot.press("ctrl+s")
        await settle(pilot)
        added = promise(session, ids["mary"], "send the pricing sheet")
        assert (added.by.value, added.due, added.status.value) == ("me", dt.date(2026, 11, 27), "open")
        assert "I promised send the pricing sheet" in str(app.screen.query_one("#detail-plans", Static).content)

        await pilot.press("P")  # two open promises: which one?
        await pilot.pause()
        assert isinstance(app.screen, PickScreen)
        options = app.screen.query_one(OptionList)
        texts = [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]
        options.highlighted = next(i for i, t in enumerate(texts) if "pricing sheet" in t)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, PromiseScreen)
        app.screen.query_one("#in-due", Input).value = "2026-12-04"
        await pilot.pause()
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert promise(session, ids["mary"], "send the pricing sheet").due == dt.date(2026, 12, 4)

        await pilot.press("k")
        await pilot.pause()
        options = app.screen.query_one(OptionList)
        texts = [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]
        options.highlighted = next(i for i, t in enumerate(texts) if "budget plan" in t)
        await pilot.press("enter")
        await settle_until(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.press("n")
        await settle(pilot)
    assert promise(session, ids["mary"], "share the budget plan").status.value == "done"
    assert promise(session, ids["mary"], "send the pricing sheet").status.value == "open"


@sync
async def test_a_promise_form_with_nothing_promised_says_so_and_saves_nothing(session, ids):
    app = KeepwarmApp(session)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.open_contact(ids["grace"])
        await settle(pilot)
        await pilot.press("p")
        await pilot.pause()
        app.screen.query_one("#in-due", Input).value = "someday"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, PromiseScreen)
        assert app.screen.query_one("#field-text").error == "say what was promised"
        assert "is not a date" in app.screen.query_one("#field-due").error
    with session.store.read() as conn:
        assert activity.list_commitments(conn, ids["grace"]) == []


@sync
async def test_the_palette_lists_the_promise_actions(session, ids):
    from keepwarm.tui.palette import KeepwarmCommands

    app = KeepwarmApp(session)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        names = [name for name, _, _ in KeepwarmCommands(app.screen)._actions()]
    assert {"Add a promise", "Keep a promise", "Edit a promise", "Open the demo book"} <= set(names)
    assert "Load the example data" not in names


# ------------------------------------------------------------------ point 2


@sync
async def test_the_demo_book_leaves_the_users_database_empty_and_says_where_it_is(session):
    if demo.demo_path().exists() is False:
        pytest.skip("the example data set is not installed")
    app = KeepwarmApp(session)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, WelcomeScreen)
        await pilot.press("e")
        await settle_until(pilot, lambda: app.next_book is not None)
    assert app.next_book == demo.default_db()
    with session.store.read() as conn:
        assert people.list_contacts(conn) == []  # the user's own book: untouched
    assert demo.holds_data(demo.default_db())

    demo_session = session.for_database(app.next_book)
    shown = KeepwarmApp(demo_session, own_book=session.db_path)
    try:
        async with shown.run_test(size=SIZE) as pilot:
            await settle(pilot)
            assert "DEMO BOOK" in shown.title
            assert isinstance(shown.screen, AgendaScreen) and shown.screen.items()
            assert "b" in {b.binding.key for b in shown.screen.active_bindings.values() if b.binding.show}
            await pilot.press("b")
            await pilot.pause()
        assert shown.next_book == session.db_path
    finally:
        demo_session.close()


@sync
async def test_the_users_own_book_offers_no_way_back(session, ids):
    app = KeepwarmApp(session)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert "DEMO" not in app.title
        await pilot.press("b")
        await pilot.pause()
        assert app.is_running and app.next_book is None


# ----------------------------------------------------------------- point 12


@sync
async def test_the_edit_form_is_ready_before_e_and_a_second_e_never_lands_in_the_name(session, ids):
    app = KeepwarmApp(session)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.open_contact(ids["ada"])
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ContactScreen)
        assert screen.query(ContactForm)  # built hidden once the view was painted: `e` only shows it
        pressed_while_loading = events.Key("e", "e")  # stamped now: before the form below is on screen
        await pilot.press("e")
        app.post_message(pressed_while_loading)  # handled once the form is there, as a key typed meanwhile is
        await settle(pilot)
        assert screen.editing
        assert screen.query_one("#in-name", Input).value == "Ada Lovelace"
        await type_text(pilot, " King")
        await pilot.pause()
        assert screen.query_one("#in-name", Input).value == "Ada Lovelace King"  # typed after: kept, at the end


@sync
async def test_escape_on_a_changed_form_asks_and_no_keeps_editing(session, ids):
    app = KeepwarmApp(session)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.open_contact(ids["ada"])
        await settle(pilot)
        screen = app.screen
        await pilot.press("e")
        await pilot.pause()
        await pilot.press("escape")  # nothing changed: closes at once
        await pilot.pause()
        assert app.screen is screen and not screen.editing
        await pilot.press("e")
        await pilot.pause()
        await type_text(pilot, "x")
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        assert (f"Discard your changes to Ada Lovelace (id {ids['ada']}, Analytical Engines)?"
                == str(app.screen.query_one("#confirm-question").content))
        await pilot.press("n")
        await pilot.pause()
        assert app.screen is screen and screen.editing
        assert screen.query_one("#in-name", Input).value == "Ada Lovelacex"
    with session.store.read() as conn:
        assert people.get_contact(conn, ids["ada"]).name == "Ada Lovelace"


@sync
async def test_escape_on_a_log_with_notes_asks_before_losing_them(session, ids):
    app = KeepwarmApp(session)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("l")
        await pilot.pause()
        await pilot.press("escape")  # nothing typed: closes at once
        await pilot.pause()
        assert isinstance(app.screen, AgendaScreen)
        await pilot.press("l")
        await pilot.pause()
        app.screen.query_one("#in-notes").text = "He is hiring two engineers."
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("n")
        await pilot.pause()
        assert isinstance(app.screen, LogScreen)
        assert app.screen.query_one("#in-notes").text == "He is hiring two engineers."
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("y")
        await pilot.pause()
        assert isinstance(app.screen, AgendaScreen)


@sync
async def test_a_dismissed_follow_up_comes_back_with_u(session, ids):
    app = KeepwarmApp(session)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert app.screen.current_item().contact.name == "Charles Babbage"
        [item] = [f for f in followup_rows(session, ids["charles"]) if f.status.value == "open"]
        await pilot.press("x")
        await settle(pilot)
        assert all(name != "Charles Babbage" for _, name in app.screen.items())
        await pilot.press("u")
        await settle(pilot)
        again = next(f for f in followup_rows(session, ids["charles"]) if f.id == item.id)
        assert (again.status.value, again.due, again.closed_at) == ("open", item.due, None)
        assert ("overdue", "Charles Babbage") in app.screen.items()
        await pilot.press("u")  # nothing more to bring back
        await settle(pilot)
        assert next(f for f in followup_rows(session, ids["charles"]) if f.id == item.id).status.value == "open"


# ----------------------------------------------------------------- point 13


@sync
async def test_adding_a_namesake_offers_the_existing_contact(session, ids):
    app = KeepwarmApp(session)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("a")
        await pilot.pause()
        await type_text(pilot, "ada lovelace")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, PickScreen)
        options = app.screen.query_one(OptionList)
        texts = [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]
        assert texts == [f"Open Ada Lovelace (id {ids['ada']}, Analytical Engines) (same name)",
                         f"Add these details to Ada Lovelace (id {ids['ada']}, Analytical Engines)",
                         "Add ada lovelace as a new contact all the same"]
        await pilot.press("enter")  # the first: the one already in the book
        await settle(pilot)
        assert isinstance(app.screen, ContactScreen) and app.screen.contact_id == ids["ada"]
    with session.store.read() as conn:
        assert len(people.find_by_exact_name(conn, "Ada Lovelace")) == 1


@sync
async def test_a_shared_email_is_named_and_adding_anyway_adds(session, ids):
    app = KeepwarmApp(session)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("a")
        await pilot.pause()
        await type_text(pilot, "Augusta King")
        app.screen.query_one("#in-emails", Input).value = "ADA@engines.example"
        await pilot.pause()
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, PickScreen)
        assert "e-mail ada@engines.example" in str(app.screen.query_one(OptionList).get_option_at_index(0).prompt)
        await pilot.press("down", "down", "enter")  # past "Open" and "Add these details to": a new contact
        await settle(pilot)
        assert isinstance(app.screen, ContactScreen)
    with session.store.read() as conn:
        assert [c.name for c in people.list_contacts(conn, search="augusta")] == ["Augusta King"]


# ------------------------------------------------------------ point 27 (`?`)


@sync
async def test_the_help_panel_lists_the_apps_own_keys_first(session, ids):
    app = KeepwarmApp(session)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        await pilot.pause()
        table = app.screen.query_one(HelpPanel).query_one(BindingsTable).render_bindings_table()
        descriptions = [str(cell) for cell in table.columns[1]._cells]
        described = [d for d in descriptions if d.strip()]
        assert described[0].startswith("Done")
        own = [n for n, d in enumerate(described) if d.startswith(("Done", "Snooze", "Dismiss", "Log", "Keys"))]
        generic = [n for n, d in enumerate(described) if d.startswith(("Select", "Cursor", "Page", "Top", "Bottom"))]
        assert generic and max(own) < min(generic)
