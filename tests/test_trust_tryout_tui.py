"""Defects found by trying the TUI with fingers in tmux (issue #17, the `trytui` pass).

Keys typed too fast reach a dialog while it is closing: each test posts the
keys at once, as a terminal delivers them when a user presses a key twice,
and checks what landed on screen and in the database.
"""

from __future__ import annotations

import datetime as dt

import pytest
from textual import events
from textual.widgets import Input, TextArea
from tui_support import build_history, settle, settle_until, sync, use_test_rules

from keepwarm.store import activity, followups
from keepwarm.tui.app import KeepwarmApp
from keepwarm.tui.screens.agenda import AgendaScreen
from keepwarm.tui.widgets.log_form import LogScreen
from keepwarm.tui.widgets.snooze import SnoozeScreen

SIZE = (100, 30)


@pytest.fixture(autouse=True)
def _no_watch_timer(monkeypatch):
    monkeypatch.setattr("keepwarm.tui.app.KeepwarmApp.WATCH_SECONDS", 24 * 3600.0)


@pytest.fixture
def ids(session):
    found = build_history(session)
    use_test_rules(session)
    return found


def twice(app, key: str, character: str | None = None) -> None:
    """Both presses queued before the first is handled, as a fast double press arrives."""
    app.post_message(events.Key(key, character))
    app.post_message(events.Key(key, character))


@sync
async def test_enter_pressed_twice_in_the_snooze_dialog_snoozes_once_and_keeps_the_agenda(session, ids):
    app = KeepwarmApp(session)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("down", "down")  # Ada, due today
        await pilot.pause()
        assert app.screen.current_item().contact.name == "Ada Lovelace"
        await pilot.press("s")
        await settle_until(pilot, lambda: isinstance(app.screen, SnoozeScreen))
        app.screen.query_one("#in-until", Input).value = "friday"
        await pilot.pause()
        twice(app, "enter", "\r")
        await settle(pilot)
        assert isinstance(app.screen, AgendaScreen)  # the second Enter popped the agenda itself: a crash
        with session.store.read() as conn:
            [item] = followups.list_followups(conn, ids["ada"], statuses=followups.OPEN_STATES)
        assert (item.status.value, item.snoozed_until) == ("snoozed", dt.date(2026, 11, 27))


@sync
async def test_ctrl_s_pressed_twice_in_the_log_form_logs_one_touch(session, ids):
    with session.store.read() as conn:
        before = len(activity.list_interactions(conn, ids["charles"]))
    app = KeepwarmApp(session)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("d")  # Charles, overdue: done opens the log form
        await settle_until(pilot, lambda: isinstance(app.screen, LogScreen))
        app.screen.query_one("#in-notes", TextArea).text = "Asked about the pilot."
        await pilot.pause()
        twice(app, "ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, AgendaScreen)
    with session.store.read() as conn:
        touches = activity.list_interactions(conn, ids["charles"])
    assert len(touches) == before + 1
    assert [t.notes for t in touches].count("Asked about the pilot.") == 1


@sync
async def test_home_on_the_agenda_goes_to_the_first_item_above_its_section_title(session, ids):
    app = KeepwarmApp(session)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        first = app.screen.current_item().contact.name
        await pilot.press("down", "down", "down")
        await pilot.pause()
        assert app.screen.current_item().contact.name != first
        await pilot.press("home")  # row 0 is the title "Overdue": the cursor bounced back down to where it was
        await pilot.pause()
        assert app.screen.current_item().contact.name == first
        await pilot.press("end")
        await pilot.pause()
        last = [name for bucket, name in app.screen.items() if bucket != "section"][-1]
        assert app.screen.current_item().contact.name == last


def screen_text(app) -> str:
    """What the terminal shows, line by line."""
    return "\n".join(strip.text for strip in app.screen._compositor.render_strips())


@sync
async def test_a_question_shows_its_whole_detail_wrapped_inside_the_dialog(session, ids):
    from keepwarm.tui.widgets.confirm import ConfirmScreen

    app = KeepwarmApp(session)
    async with app.run_test(size=(160, 40)) as pilot:
        await settle(pilot)
        app.push_screen(ConfirmScreen("Log a touch with Ada Lovelace (id 1, no account) too?", yes="Log it",
                                      no="Skip", detail="Telling them it is done is a touch; logging it keeps "
                                                        "their history true."))
        await settle_until(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.pause()
        shown = " ".join(" ".join(line.strip(" █▀▄").split()) for line in screen_text(app).splitlines())
        # The detail was one unwrapped line wider than the dialog: "...keeps their history t" and the border.
        assert "logging it keeps their history true." in shown


class Blocking:
    """A tips plugin that stays in its call until the test lets it go, and counts its calls."""

    def __init__(self) -> None:
        import threading

        self.release = threading.Event()
        self.calls = 0

    def __repr__(self) -> str:
        return "test_trust_tryout_tui.Blocking"

    from keepwarm.plugin import hookimpl

    @hookimpl
    def keepwarm_tips(self, ctx):
        self.calls += 1
        self.release.wait()
        return []


@sync
async def test_quitting_while_a_plugin_hangs_starts_no_new_engine_run(home, session, ids):
    """Opening a contact while the agenda's run hangs in a plugin queues a second run behind it.
    Quitting let the first go, and the second then started afresh, called the plugin again and
    held the exit until it returned (25 s with a 25 s budget): the app is gone, it must start nothing."""
    import asyncio

    (home / "config").mkdir(parents=True, exist_ok=True)
    (home / "config" / "config.toml").write_text("[plugins]\nbudget_seconds = 0\n", encoding="utf-8")
    blocking = Blocking()
    session.runtime.host.register_for_test(blocking, "blocking")
    app = KeepwarmApp(session)
    try:
        async with app.run_test(size=SIZE) as pilot:
            for _ in range(400):
                if blocking.calls:
                    break
                await pilot.pause()
            assert blocking.calls == 1  # the agenda's advice is inside the plugin
            await pilot.press("o")  # the contact's screen waits for its turn at the engine
            await pilot.pause()
            await pilot.press("q")
    finally:
        blocking.release.set()
    # The app's thread workers are joined here: the contact screen's, if it ran, called the plugin again.
    await asyncio.get_running_loop().shutdown_default_executor()
    assert blocking.calls == 1


@sync
async def test_enter_pressed_twice_in_the_command_palette_runs_the_command_once(session, ids):
    from textual.command import CommandList, CommandPalette

    from keepwarm.tui.widgets.contact_form import ContactFormScreen

    app = KeepwarmApp(session)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p")
        await settle_until(pilot, lambda: isinstance(app.screen, CommandPalette))
        await pilot.press(*"add a contact")
        await settle_until(pilot, lambda: app.screen.query_one(CommandList).option_count > 0)
        twice(app, "enter", "\r")
        await settle(pilot)
        # Textual's palette dismissed itself twice (popping the agenda: a crash) and ran the command twice.
        assert [type(s) for s in app.screen_stack] == [AgendaScreen, ContactFormScreen]


@sync
async def test_ctrl_s_pressed_twice_on_a_namesake_asks_once_and_adds_one_contact(session, ids):
    from keepwarm.store import contacts as people
    from keepwarm.tui.widgets.confirm import PickScreen
    from keepwarm.tui.widgets.contact_form import ContactFormScreen

    app = KeepwarmApp(session)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("a")
        await settle_until(pilot, lambda: isinstance(app.screen, ContactFormScreen))
        app.screen.query_one("#in-name", Input).value = "Ada Lovelace"
        await pilot.pause()
        twice(app, "ctrl+s")
        await settle(pilot)
        # Each ctrl+s opened its own "may be in your book already" question, one over the other.
        assert [type(s) for s in app.screen_stack] == [AgendaScreen, ContactFormScreen, PickScreen]
        await pilot.press("end", "enter")  # "Add Ada Lovelace as a new contact all the same"
        await settle(pilot)
        assert not isinstance(app.screen, (ContactFormScreen, PickScreen))
    with session.store.read() as conn:
        named = [c for c in people.list_contacts(conn) if c.name == "Ada Lovelace"]
    assert len(named) == 2


@sync
async def test_enter_pressed_twice_on_the_contacts_list_opens_the_contact_once(session, ids):
    from keepwarm.tui.screens.contact_detail import ContactScreen
    from keepwarm.tui.screens.contacts import ContactsScreen

    app = KeepwarmApp(session)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("2")
        await settle_until(pilot, lambda: isinstance(app.screen, ContactsScreen) and app.screen.rows_shown_once)
        twice(app, "enter", "\r")
        await settle(pilot)
        # Both presses selected the row: the contact was stacked twice, and Esc went back to the same person.
        assert [type(s) for s in app.screen_stack] == [ContactsScreen, ContactScreen]
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, ContactsScreen)


@sync
async def test_an_empty_agenda_does_not_claim_something_is_due_on_its_last_day(session):
    from keepwarm.model import Contact
    from keepwarm.store import contacts as people
    from conftest import FIXED_NOW

    with session.store.write() as conn:  # in the book, but never proposed: nothing is due at all
        people.insert_contact(conn, Contact(name="Ada Lovelace", do_not_contact=True), FIXED_NOW)
    use_test_rules(session)
    app = KeepwarmApp(session)
    async with app.run_test(size=SIZE) as pilot:
        await settle_until(pilot, lambda: isinstance(app.screen, AgendaScreen) and app.screen.rows)
        await settle(pilot)
        assert app.screen.items() == [("section", "nothing")]
        shown = screen_text(app)
        # It said "Nothing due until 2026-11-29.", which reads as: something is due on the 29th.
        assert "Nothing due up to and including 2026-11-29." in shown
        assert "until" not in shown


def test_the_cli_words_an_empty_agenda_as_the_tui_does(run):
    assert run("contact", "add", "Ada Lovelace", "--do-not-contact").exit_code == 0
    result = run("agenda")
    assert result.exit_code == 0
    assert result.stdout.strip() == "Nothing due up to and including 2026-11-29."
