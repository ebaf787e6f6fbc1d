"""The app driven end to end with Pilot against a temporary database at the fixed clock.

Each test builds the history of tui_support.py, runs the app with the
hand-made rules, presses keys as a user would, and checks both what the
screens show and what landed in the database.
"""

from __future__ import annotations

import datetime as dt

import pytest
from textual.widgets import Checkbox, DataTable, Input, OptionList, Select, Static, TextArea
from tui_support import build_history, settle, settle_until, sync, type_text, use_test_rules

from keepwarm.store import activity, followups
from keepwarm.store import contacts as people
from keepwarm.tui.app import KeepwarmApp
from keepwarm.tui.screens.accounts import AccountsScreen
from keepwarm.tui.screens.agenda import AgendaScreen
from keepwarm.tui.screens.contact_detail import ContactScreen
from keepwarm.tui.screens.contacts import ContactsScreen
from keepwarm.tui.screens.dashboard import DashboardScreen
from keepwarm.tui.screens.plugins import PluginsScreen
from keepwarm.tui.screens.rules import RulesScreen
from keepwarm.tui.screens.welcome import WelcomeScreen
from keepwarm.tui.widgets.confirm import ConfirmScreen
from keepwarm.tui.widgets.contact_form import ContactFormScreen
from keepwarm.tui.widgets.fields import Field
from keepwarm.tui.widgets.log_form import LogScreen
from keepwarm.tui.widgets.snooze import SnoozeScreen

SIZE = (100, 30)


@pytest.fixture
def ids(session):
    found = build_history(session)
    use_test_rules(session)
    return found


def text(widget) -> str:
    return str(widget.content)


def agenda_rows(app) -> list[tuple[str, str]]:
    """(bucket, name) of each agenda row, top to bottom; section titles as ("section", title)."""
    return app.screen.items()


def table_column(table: DataTable, column: int = 0) -> list[str]:
    return [str(table.get_row_at(row)[column]) for row in range(table.row_count)]


def open_followups(session, contact_id: int):
    with session.store.read() as conn:
        return followups.list_followups(conn, contact_id, statuses=followups.OPEN_STATES)


def all_followups(session, contact_id: int):
    with session.store.read() as conn:
        return followups.list_followups(conn, contact_id)


# ------------------------------------------------------------------ agenda


@sync
async def test_agenda_lists_sections_in_order_and_explains_the_selected_row(session, ids):
    app = KeepwarmApp(session)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, AgendaScreen)
        assert agenda_rows(app) == [
            ("section", "Overdue"), ("overdue", "Charles Babbage"),
            ("section", "Today"), ("today", "Grace Hopper"), ("today", "Ada Lovelace"),
            ("section", "This week"), ("upcoming", "Mary Somerville"),
        ]
        panel = text(app.screen.query_one("#panel-body", Static))
        assert "Charles Babbage" in panel
        assert "keep the 30-day rhythm" in panel and "rule rhythm (rhythm)" in panel
        assert "Be brief; lead with the outcome." in panel  # his tip
        assert "No touch for 82 days." in panel and "days since 82" in panel  # warning with its evidence
        assert "Ask Charles how the quarter went." in panel  # suggestion
        await pilot.press("down", "down")  # past the "Today" header to Grace, then Ada
        await pilot.pause()
        panel = text(app.screen.query_one("#panel-body", Static))
        assert "Ada Lovelace" in panel and "Send Ada something about poetry." in panel


@sync
async def test_done_from_the_agenda_logs_completes_and_reschedules(session, ids):
    app = KeepwarmApp(session)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        [before] = open_followups(session, ids["charles"])
        await pilot.press("d")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, LogScreen)
        assert dialog.query_one("#in-contacts", Input).value == "Charles Babbage"
        dialog.query_one("#in-notes", TextArea).text = "He is hiring two engineers."
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, AgendaScreen)
        with session.store.read() as conn:
            [latest, *_] = activity.list_interactions(conn, ids["charles"])
        assert (latest.channel.value, latest.notes, latest.at) == ("call", "He is hiring two engineers.", session.now)
        statuses = {f.id: f.status.value for f in all_followups(session, ids["charles"])}
        assert statuses[before.id] == "done"
        [following] = open_followups(session, ids["charles"])
        assert following.due == dt.date(2026, 12, 22)  # the rhythm counts 30 days from today's touch
        assert ("overdue", "Charles Babbage") not in agenda_rows(app)
        assert [r for r in agenda_rows(app) if r[0] == "section"][0] == ("section", "Today")


@sync
async def test_a_log_with_a_bad_time_shows_the_problem_and_writes_nothing(session, ids):
    app = KeepwarmApp(session)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("d")
        await pilot.pause()
        when = app.screen.query_one("#in-when", Input)
        when.value = "next century"
        await pilot.pause()
        field = app.screen.query_one("#field-when", Field)
        assert "'next century' is not a date" in field.error
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, LogScreen)  # still open, nothing saved
        with session.store.read() as conn:
            assert len(activity.list_interactions(conn, ids["charles"])) == 2
        when.value = "yesterday 15:00"
        await pilot.pause()
        assert field.error == ""
        await pilot.press("ctrl+s")
        await settle(pilot)
        with session.store.read() as conn:
            [latest, *_] = activity.list_interactions(conn, ids["charles"])
        assert latest.at == dt.datetime(2026, 11, 21, 15, 0, tzinfo=dt.timezone.utc)


@sync
async def test_snooze_with_a_date_moves_the_item_to_the_day_it_comes_back(session, ids):
    app = KeepwarmApp(session)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("down", "down")  # Ada, due today
        await pilot.pause()
        assert app.screen.current_item().contact.name == "Ada Lovelace"
        await pilot.press("s")
        await pilot.pause()
        assert isinstance(app.screen, SnoozeScreen)
        await type_text(pilot, "yesterday")  # the default is selected, so typing replaces it
        await pilot.pause()
        assert "not after today" in app.screen.query_one(Field).error
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, SnoozeScreen)
        app.screen.query_one("#in-until", Input).value = "friday"
        await pilot.pause()
        assert "Friday 27 November 2026" in str(app.screen.query_one("#snooze-preview").content)
        await pilot.press("enter")
        await settle(pilot)
        [item] = open_followups(session, ids["ada"])
        assert (item.status.value, item.snoozed_until) == ("snoozed", dt.date(2026, 11, 27))
        rows = agenda_rows(app)
        assert ("today", "Ada Lovelace") not in rows and ("upcoming", "Ada Lovelace") in rows


@sync
async def test_dismiss_drops_the_follow_up(session, ids):
    app = KeepwarmApp(session)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        [item] = open_followups(session, ids["charles"])
        await pilot.press("x")
        await settle(pilot)
        assert [f.status.value for f in all_followups(session, ids["charles"]) if f.id == item.id] == ["dismissed"]
        assert all(name != "Charles Babbage" for _, name in agenda_rows(app))


# ---------------------------------------------------------------- contacts


@sync
async def test_search_as_you_type_filters_and_sorts(session, ids):
    app = KeepwarmApp(session)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("2", "ctrl+f")  # `/` searches everything (tests/test_tui_search.py)
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ContactsScreen)
        assert screen.focused is screen.query_one("#search", Input)
        table = screen.query_one("#contacts-table", DataTable)
        assert len(table_column(table)) == 6
        await type_text(pilot, "engines")
        await pilot.pause()
        assert table_column(table) == ["Ada Lovelace", "Charles Babbage"]
        await type_text(pilot, " cto")
        await pilot.pause()
        assert table_column(table) == ["Ada Lovelace"]
        assert "1 of 6" in str(screen.query_one("#contacts-count").content)
        await pilot.press("escape")  # clears the search and goes back to the table
        await pilot.pause()
        assert len(table_column(table)) == 6 and screen.focused is table
        await pilot.press("s", "s")  # name -> last touch -> health (coldest first)
        await pilot.pause()
        assert table_column(table)[-1] == "Ada Lovelace"
        assert "sort health" in str(screen.query_one("#contacts-count").content)


@sync
async def test_filters_by_account_role_band_and_warnings(session, ids):
    app = KeepwarmApp(session)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("2")
        await settle(pilot)
        screen = app.screen
        table = screen.query_one("#contacts-table", DataTable)
        screen.query_one("#filter-account", Select).value = "Difference Co"
        await pilot.pause()
        assert table_column(table) == ["Alan Turing", "Katherine Johnson", "Mary Somerville"]
        screen.query_one("#filter-role", Select).value = "financial_approver"
        await pilot.pause()
        assert table_column(table) == ["Mary Somerville"]
        await pilot.press("escape")
        await pilot.pause()
        screen.query_one("#filter-warnings", Checkbox).value = True
        await pilot.pause()
        assert table_column(table) == ["Charles Babbage"]
        screen.query_one("#filter-warnings", Checkbox).value = False
        screen.query_one("#filter-band", Select).value = "warm"
        await pilot.pause()
        assert "Ada Lovelace" in table_column(table) and "Charles Babbage" not in table_column(table)
        screen.query_one("#filter-band", Select).clear()
        screen.query_one("#filter-tag", Select).value = "navy"
        await pilot.pause()
        assert table_column(table) == ["Grace Hopper"]


# ------------------------------------------------------------ contact detail


@sync
async def test_edit_a_contact_with_an_invalid_value_then_correct_it(session, ids):
    app = KeepwarmApp(session)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.open_contact(ids["mary"])
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ContactScreen)
        assert "They promised share the budget plan" in text(screen.query_one("#detail-plans", Static))
        await pilot.press("e")
        await pilot.pause()
        emails = screen.query_one("#in-emails", Input)
        emails.focus()
        await type_text(pilot, "mary@diff")
        await pilot.pause()
        field = screen.query_one("#field-emails", Field)
        assert field.error == "'mary@diff' is not an email address (expected name@example.com)"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert screen.query_one("#detail-switch").current == "detail-edit"  # still editing
        with session.store.read() as conn:
            assert people.get_contact(conn, ids["mary"]).emails == []  # nothing saved half
        await type_text(pilot, ".example")
        await pilot.pause()
        assert field.error == ""
        await pilot.press("ctrl+s")
        await settle(pilot)
        with session.store.read() as conn:
            saved = people.get_contact(conn, ids["mary"])
        assert saved.emails == ["mary@diff.example"]
        assert (saved.tags, saved.interests, saved.role.value) == (["science"], ["astronomy"], "financial_approver")
        assert screen.query_one("#detail-switch").current == "detail-view"
        assert "mary@diff.example" in text(screen.query_one("#detail-profile", Static))


@sync
async def test_a_bad_birthday_is_shown_by_its_field_and_escape_cancels(session, ids):
    app = KeepwarmApp(session)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.open_contact(ids["ada"])
        await settle(pilot)
        screen = app.screen
        trend = screen.query_one("#health-trend")
        assert list(trend.data) == [3.17, 3.83, 4.5]  # three assessments, oldest first
        await pilot.press("e")
        await pilot.pause()
        screen.query_one("#in-birthday", Input).value = "02-30"
        await pilot.pause()
        assert screen.query_one("#field-birthday", Field).error == "02-30 is not a day of the year"
        await pilot.press("escape")  # the form changed: it asks before discarding
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("y")
        await pilot.pause()
        assert screen.query_one("#detail-switch").current == "detail-view"
        with session.store.read() as conn:
            assert people.get_contact(conn, ids["ada"]).birthday().as_text() == "1985-12-10"


@sync
async def test_l_logs_with_the_selected_contact_from_any_screen(session, ids):
    app = KeepwarmApp(session)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("2")
        await settle(pilot)
        await pilot.press("down", "down", "down")  # Ada, Alan, Charles, Grace
        await pilot.press("l")
        await pilot.pause()
        assert app.screen.query_one("#in-contacts", Input).value == "Grace Hopper"
        app.screen.query_one("#in-channel", Select).value = "email"
        app.screen.query_one("#in-direction", Select).value = "inbound"
        await pilot.press("ctrl+s")
        await settle(pilot)
        with session.store.read() as conn:
            [touch] = activity.list_interactions(conn, ids["grace"])
        assert (touch.channel.value, touch.direction.value) == ("email", "inbound")
        assert app.screen.views[ids["grace"]].last_touch == "2026-11-22"


@sync
async def test_add_a_contact_with_a(session, ids):
    app = KeepwarmApp(session)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("a")
        await pilot.pause()
        assert isinstance(app.screen, ContactFormScreen)
        await pilot.press("ctrl+s")  # empty name: refused, shown by the field
        await pilot.pause()
        assert app.screen.query_one("#field-name", Field).error == "a name is needed"
        await type_text(pilot, "Hedy Lamarr")
        app.screen.query_one("#in-account", Input).value = "Difference Co"
        app.screen.query_one("#in-tier", Select).value = "a"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ContactScreen)
        with session.store.read() as conn:
            [hedy] = people.list_contacts(conn, search="hedy")
        assert (hedy.account, hedy.tier.value, app.screen.contact_id) == ("Difference Co", "a", hedy.id)


@sync
async def test_the_palette_jumps_to_a_contact_by_name(session, ids):
    app = KeepwarmApp(session)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p")
        await pilot.pause()
        await type_text(pilot, "somerville")
        await pilot.pause(0.5)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ContactScreen) and app.screen.contact_id == ids["mary"]
        await pilot.press("ctrl+p")
        await pilot.pause()
        await type_text(pilot, "go to dashboard")
        await pilot.pause(0.5)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, DashboardScreen)


# ---------------------------------------------------------------- accounts


@sync
async def test_account_map_shows_who_covers_which_role(session, ids):
    app = KeepwarmApp(session)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("3")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, AccountsScreen)
        assert screen.current.account.name == "Analytical Engines"
        table = screen.query_one("#account-map", DataTable)
        rows = {str(table.get_row_at(i)[0]): (str(table.get_row_at(i)[1]), str(table.get_row_at(i)[2]))
                for i in range(table.row_count)}
        # The health chart below the map makes the pane scroll: its bar may leave a name cut with "…" (tui/cells.py).
        def named(shown: str, full: str) -> bool:
            return shown == full or (shown.endswith("…") and full.startswith(shown[:-1]))

        status, name = rows["executive sponsor"]
        assert status == "cold" and named(name, "Charles Babbage")
        assert rows["champion"] == ("warm", "Ada Lovelace")
        assert rows["primary contact"] == ("nobody", "—")
        gaps = text(screen.query_one("#account-gaps", Static))
        assert "Gone cold: executive sponsor" in gaps and "primary contact" in gaps
        screen.query_one("#account-list", OptionList).highlighted = 1
        await settle(pilot)
        assert screen.current.account.name == "Difference Co"
        rows = {str(table.get_row_at(i)[0]): str(table.get_row_at(i)[2]) for i in range(table.row_count)}
        assert named(rows["financial approver"], "Mary Somerville")
        # a narrow pane cuts a cell with "…" (tui/cells.py), never silently at the edge
        assert named(rows["end user"], "Katherine Johnson")
        table.focus()
        table.move_cursor(row=next(i for i in range(table.row_count)
                                   if named(str(table.get_row_at(i)[2]), "Mary Somerville")))
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ContactScreen) and app.screen.contact_id == ids["mary"]
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, AccountsScreen)


# ------------------------------------------------------- dashboard, plugins


@sync
async def test_dashboard_and_plugins_screens_show_the_core_numbers(session, ids):
    app = KeepwarmApp(session)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("4")
        await settle(pilot)
        assert isinstance(app.screen, DashboardScreen)
        assert "2 of about 1 planned" in text(app.screen.query_one("#kpi-week", Static))
        assert "2 of 3 (67%)" in text(app.screen.query_one("#kpi-key", Static))
        assert "behind: Charles Babbage" in text(app.screen.query_one("#kpi-key", Static))
        app.screen.query_one("#owner", Select).value = "sam"
        await pilot.pause()
        assert "1 of 1 (100%)" in text(app.screen.query_one("#kpi-key", Static))
        await pilot.press("5")
        await settle(pilot)
        assert isinstance(app.screen, PluginsScreen)
        table = app.screen.query_one("#plugins-table", DataTable)
        assert table_column(table) == ["rhythm", "style_tips", "silence", "send_article"]
        assert table_column(table, 4) == ["cadence", "tips", "warnings", "suggestions"]


# -------------------------------------------------------------------- rules


@sync
async def test_reload_broken_then_fixed_rules(session, ids, home):
    app = KeepwarmApp(session)
    folder = home / "config" / "rules"
    folder.mkdir(parents=True)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("6")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, RulesScreen)
        problems = screen.query_one("#rules-problems", Static)
        assert not problems.display
        (folder / "mine.toml").write_text("[engine]\nrecent_days = 3\n", encoding="utf-8")
        await pilot.press("r")
        await settle(pilot)
        assert problems.display
        assert "mine.toml:2: engine.recent_days" in text(problems)
        assert "greater than or equal to 7" in text(problems)
        table = screen.query_one("#rules-table", DataTable)
        row = next(i for i in range(table.row_count) if str(table.get_row_at(i)[0]) == "engine.recent_days")
        assert str(table.get_row_at(row)[1]) == "yours: mine.toml: invalid, default used"
        assert str(table.get_row_at(row)[2]) == "90"
        (folder / "mine.toml").write_text("[engine]\nrecent_days = 60\n", encoding="utf-8")
        await pilot.press("r")
        await settle(pilot)
        assert "mine.toml" not in text(problems) or not problems.display
        row = next(i for i in range(table.row_count) if str(table.get_row_at(i)[0]) == "engine.recent_days")
        assert (str(table.get_row_at(row)[1]), str(table.get_row_at(row)[2])) == ("yours: mine.toml", "60")
        assert session.runtime.engine.recent_days == 60


# ------------------------------------------------------------------- empty


@sync
async def test_an_empty_database_greets_with_the_ways_in(session):
    app = KeepwarmApp(session)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, WelcomeScreen)
        await pilot.press("2")  # the screens are not reachable until there is someone
        await pilot.pause()
        assert isinstance(app.screen, WelcomeScreen)
        await pilot.press("i")
        await pilot.pause()
        assert "keepwarm import vcard" in text(app.screen.query_one("#import-help", Static))
        app.screen.query_one("#first").focus()
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ContactFormScreen)
        await type_text(pilot, "Ada Lovelace")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ContactScreen)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, AgendaScreen)
        with session.store.read() as conn:
            assert [c.name for c in people.list_contacts(conn)] == ["Ada Lovelace"]


@sync
async def test_global_keys_stay_out_of_open_forms_and_question_mark_shows_the_keys(session, ids):
    app = KeepwarmApp(session)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        await pilot.pause()
        assert app.screen.query("HelpPanel")
        await pilot.press("question_mark")
        await pilot.pause()
        assert not app.screen.query("HelpPanel")
        app.open_contact(ids["ada"])
        await settle(pilot)
        screen = app.screen
        await pilot.press("e")
        await pilot.pause()
        screen.query_one("#in-role", Select).focus()
        await pilot.pause()
        await pilot.press("l", "a", "2", "q")  # on a Select these would log, add, switch screens or quit
        await pilot.pause()
        assert app.screen is screen and screen.editing and app.is_running
        await pilot.press("escape")
        await pilot.pause()
        assert not screen.editing
        await pilot.press("2")
        await settle(pilot)
        assert isinstance(app.screen, ContactsScreen)


# ------------------------------------------- calendar, example data, import


@sync
async def test_export_the_follow_ups_to_an_ics_file_from_the_agenda(session, ids, tmp_path):
    icalendar = pytest.importorskip("icalendar")
    from keepwarm.tui.widgets.path_dialog import PathScreen

    app = KeepwarmApp(session)
    target = tmp_path / "out" / "followups.ics"
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        if not app.calendar_export_available():
            pytest.skip("the calendar module is not installed")
        await pilot.press("c")
        await pilot.pause()
        assert isinstance(app.screen, PathScreen)
        path = app.screen.query_one("#in-path", Input)
        path.value = str(target)  # its folder does not exist yet
        await pilot.pause()
        assert "no such folder" in app.screen.query_one(Field).error
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, PathScreen) and not target.exists()
        target.parent.mkdir()
        path.value = str(target)
        await pilot.pause()
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, AgendaScreen)
    calendar = icalendar.Calendar.from_ical(target.read_bytes())
    events = [c for c in calendar.walk("VEVENT")]
    with session.store.read() as conn:
        planned = followups.list_followups(conn, statuses=followups.OPEN_STATES,
                                           due_until=session.today + dt.timedelta(days=90))
    assert len(events) == len(planned) == 5
    summaries = " ".join(str(e["SUMMARY"]) for e in events)
    for name in ("Charles", "Ada", "Grace", "Mary", "Katherine"):
        assert name in summaries


@sync
async def test_import_a_vcard_file_from_the_welcome_screen(session, tmp_path):
    card = tmp_path / "people.vcf"
    card.write_text(
        "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ada Lovelace\r\nN:Lovelace;Ada;;;\r\nORG:Analytical Engines\r\n"
        "EMAIL:ada@engines.example\r\nEND:VCARD\r\n", encoding="utf-8")
    app = KeepwarmApp(session)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        if app.importer() is None:
            pytest.skip("the import module is not installed")
        await pilot.press("i")
        await settle(pilot)
        path = app.screen.query_one("#in-import-path", Input)
        path.value = str(tmp_path / "missing.vcf")
        await pilot.press("enter")
        field = app.screen.query_one("#field-import_path", Field)
        await settle_until(pilot, lambda: bool(field.error))
        assert isinstance(app.screen, WelcomeScreen)
        assert "missing.vcf" in field.error
        await settle_until(pilot, lambda: app.screen.focused is path)
        assert app.screen.focused is path  # back in the field, to correct it
        path.value = str(card)
        await pilot.press("enter")
        await settle_until(pilot, lambda: isinstance(app.screen, AgendaScreen))
        assert isinstance(app.screen, AgendaScreen)
    with session.store.read() as conn:
        [ada] = people.list_contacts(conn)
    assert (ada.name, ada.account, ada.emails) == ("Ada Lovelace", "Analytical Engines", ["ada@engines.example"])


# ------------------------------------------------------- other processes


def _add_from_another_process(db_path, name: str) -> None:
    """What a second terminal does: its own interpreter, its own connection."""
    import subprocess
    import sys

    code = ("import sys; from keepwarm.home.session import Session; from keepwarm.services import operations;"
            "from keepwarm.model import Contact; s = Session(sys.argv[1]);"
            "operations.save_contact(s, Contact(name=sys.argv[2])); s.close()")
    done = subprocess.run([sys.executable, "-c", code, str(db_path), name], capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr


@sync
async def test_the_app_picks_up_what_another_process_wrote(session, ids):
    app = KeepwarmApp(session)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("2")
        await settle(pilot)
        table = app.screen.query_one("#contacts-table", DataTable)
        assert "Annie Easley" not in table_column(table)
        assert await app.check_outside_changes() is False  # our own loads are not news

        _add_from_another_process(session.db_path, "Annie Easley")
        assert await app.check_outside_changes() is True
        await settle(pilot)
        assert "Annie Easley" in table_column(table)
        assert await app.check_outside_changes() is False  # once per change


@sync
async def test_the_welcome_screen_steps_aside_when_another_process_fills_the_database(session):
    app = KeepwarmApp(session)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, WelcomeScreen)
        _add_from_another_process(session.db_path, "Annie Easley")
        await app.check_outside_changes()
        await settle_until(pilot, lambda: isinstance(app.screen, AgendaScreen))
        assert isinstance(app.screen, AgendaScreen)
