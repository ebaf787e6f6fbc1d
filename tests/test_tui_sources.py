"""The app's sync key (`y`) and its list of people who are not contacts yet (`n`), driven with Pilot.

The mail is a Maildir written with the standard library's `mailbox`, named in a
config.toml under the test's home like a user's, and read by the built-in
"maildir" kind, registered next to the hand-made rules of tui_support.py. The
sync is keepwarm's own (`sources.sync.sync`, what `keepwarm sync` runs), so
what the screens show is what the core stored.

To see the app while a sync runs (the progress under the header, a second `y`,
quitting), the kind "heldmaildir" is the same reader, counted, and held at its
first progress report until the test lets it go (`HOLD`).
"""

from __future__ import annotations

import datetime as dt
import email.utils
import mailbox
import threading
from email.headerregistry import Address
from email.message import EmailMessage

import pytest
from textual.widgets import DataTable, Input, Static
from tui_support import notices, build_history, settle, settle_until, sync, use_test_rules

from keepwarm.plugin import Progress, SourceKind, hookimpl
from keepwarm.sources import correspondents
from keepwarm.sources.sync import sync as sync_sources
from keepwarm.store import activity
from keepwarm.store import contacts as people
from keepwarm.tui.app import KeepwarmApp
from keepwarm.tui.screens.agenda import AgendaScreen
from keepwarm.tui.screens.correspondents import CorrespondentsScreen
from keepwarm.tui.screens.welcome import WelcomeScreen
from keepwarm.tui.syncing import FIRST_SOURCE
from keepwarm.tui.widgets.correspondent_form import NewContactScreen
from keepwarm_plugins import source_maildir

SIZE = (110, 30)
ME = "me@home.example"
UTC = dt.timezone.utc

#: Set by a test to hold the reader at its first item until the test releases it.
HOLD: dict[str, threading.Event] = {}
#: How many reads the source kind started (one per source per sync).
READS: list[str] = []


def read_held(request):
    """The built-in Maildir reader, counted, and held (when a test says so) after its first progress report:
    what it read so far is not saved until the checkpoint after it."""
    READS.append(request.name)
    hold = HOLD.get("reader")
    for item in source_maildir.read(request):
        yield item
        if hold is not None and isinstance(item, Progress):
            hold.wait()
            hold = None


class HeldMaildir:
    """Kind "heldmaildir": the built-in "maildir" kind's options and reader, with `read_held` around it."""

    def __repr__(self) -> str:
        return "test_tui_sources.HeldMaildir"

    @hookimpl
    def keepwarm_source_kinds(self):
        [kind] = source_maildir.keepwarm_source_kinds()
        return [SourceKind(name="heldmaildir", family="mail", summary="a Maildir folder, read by the tests",
                           options=kind.options, target=kind.target, read=read_held)]


def mail(folder, *, sender: str | Address, to: str, day: str, number: int, list_id: str = "", reply_to: str = "") -> str:
    """One message in the Maildir; its Message-ID."""
    message = EmailMessage()
    message["From"] = sender
    message["To"] = to
    message["Date"] = email.utils.format_datetime(dt.datetime.fromisoformat(day).replace(tzinfo=UTC))
    message["Message-ID"] = f"<m{number}@test.example>"
    message["Subject"] = f"message {number}"
    if list_id:
        message["List-Id"] = list_id
    if reply_to:
        message["In-Reply-To"] = reply_to
    message.set_content("The body, never read.\n")
    mailbox.Maildir(folder, create=True).add(message)
    return f"<m{number}@test.example>"


def fill_maildir(folder) -> None:
    """Zoë writes three times and I answer once; Eve (a name with an escape sequence) twice; Yann once;
    Ada (a contact) yesterday; and a mailing list."""
    first = mail(folder, sender="Zoë Quinn <zoe@new.example>", to=ME, day="2026-11-02T09:00", number=1)
    mail(folder, sender=ME, to="Zoë Quinn <zoe@new.example>", day="2026-11-02T11:00", number=2, reply_to=first)
    mail(folder, sender="Zoë Quinn <zoe@new.example>", to=ME, day="2026-11-10T09:00", number=3)
    mail(folder, sender="Zoë Quinn <zoe@new.example>", to=ME, day="2026-11-18T09:00", number=4)
    eve = Address(display_name="Eve \x1b[31mRed", addr_spec="eve@evil.example")  # a colour change in the name
    mail(folder, sender=eve, to=ME, day="2026-11-05T09:00", number=5)
    mail(folder, sender=eve, to=ME, day="2026-11-06T09:00", number=6)
    mail(folder, sender="Yann <yann@new.example>", to=ME, day="2026-11-12T09:00", number=7)
    mail(folder, sender="Ada Lovelace <ada@engines.example>", to=ME, day="2026-11-21T16:00", number=8)
    mail(folder, sender="News <news@lists.example>", to=ME, day="2026-11-20T09:00", number=9,
         list_id="<news.lists.example>")


def configure(home, maildir, kind: str = "heldmaildir") -> None:
    folder = home / "config"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "config.toml").write_text(
        f'me = ["{ME}"]\n\n[sources.work-mail]\nkind = "{kind}"\npath = "{maildir}"\n', encoding="utf-8")


@pytest.fixture(autouse=True)
def _fresh_reader():
    HOLD.clear()
    READS.clear()
    yield
    for event in HOLD.values():
        event.set()  # a reader still held lets go, so its thread ends
    for thread in threading.enumerate():
        if thread.name == "keepwarm-sync":
            thread.join(timeout=30)


def use_rules_and_mail(session) -> None:
    """The hand-made rules, the built-in Maildir kind (registered as its entry point would), and the held one."""
    runtime = use_test_rules(session)
    runtime.host.register_for_test(source_maildir, "source_maildir")
    runtime.host.register_for_test(HeldMaildir(), "held_maildir")


@pytest.fixture
def maildir(tmp_path):
    folder = tmp_path / "Mail" / "work"
    folder.parent.mkdir()
    fill_maildir(folder)
    return folder


@pytest.fixture
def ids(session, home, maildir):
    """The small history of tui_support.py, with the Maildir configured as the source "work-mail"."""
    configure(home, maildir)
    found = build_history(session)
    use_rules_and_mail(session)
    return found


@pytest.fixture
def synced(session, ids):
    """The same, synced once (by the core, as `keepwarm sync` does) before the app opens."""
    sync_sources(session)
    return ids


def nav(app) -> str:
    return app.screen.query_one("#nav", Static).content.plain


def rows(app) -> list[list[str]]:
    table = app.screen.query_one("#people-table", DataTable)
    return [[str(cell) for cell in table.get_row_at(n)] for n in range(table.row_count)]


async def until(pilot, condition, rounds: int = 400) -> None:
    """Pause until `condition()` holds, without waiting for the workers (a held sync's never ends)."""
    for _ in range(rounds):
        if condition():
            return
        await pilot.pause()


# -------------------------------------------------------------------- sync


@sync
async def test_y_syncs_the_sources_says_what_each_did_and_the_agenda_follows(session, ids, home, maildir):
    configure(home, maildir, kind="maildir")  # as `keepwarm source add maildir` writes it
    app = KeepwarmApp(session)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert ("today", "Ada Lovelace") in app.screen.items()  # never touched for 30 days: due today
        await pilot.press("y")
        await settle_until(pilot, lambda: not app.syncing)
        await settle(pilot)
        [summary] = [n for n in notices(app) if n.startswith("work-mail:")]
        assert summary.splitlines() == [
            "work-mail: read 9, 1 new touch, skipped 1 (1 mailing list), 3 unknown correspondents",
            "People you talk to who are not contacts yet: press n on the agenda.",
        ]
        with session.store.read() as conn:
            [latest, *_] = activity.list_interactions(conn, ids["ada"])
        assert (latest.channel.value, latest.at) == ("email", dt.datetime(2026, 11, 21, 16, 0, tzinfo=UTC))
        assert isinstance(app.screen, AgendaScreen)
        assert all(name != "Ada Lovelace" for _, name in app.screen.items())  # her mail of yesterday counts
        assert "Syncing" not in nav(app)


@sync
async def test_the_progress_shows_under_the_header_while_the_app_still_answers(session, ids):
    HOLD["reader"] = threading.Event()
    app = KeepwarmApp(session)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("y")
        await until(pilot, lambda: "work-mail" in nav(app))
        assert "Syncing work-mail: 9 of 9" in nav(app)  # the reader reports every 500 messages and at the end
        await pilot.press("2")  # the app goes on answering: another screen, with the same line
        await until(pilot, lambda: app.current_mode == "contacts")
        assert "Syncing work-mail: 9 of 9" in nav(app)
        HOLD["reader"].set()
        await settle_until(pilot, lambda: not app.syncing)
        assert "Syncing" not in nav(app)
        assert any(n.startswith("work-mail: read 9") for n in notices(app))


@sync
async def test_while_a_sync_reads_the_engine_stays_free_for_the_app(session, ids):
    """Reading and saving hold nothing the app's own work waits for: a touch logged meanwhile is saved at once."""
    HOLD["reader"] = threading.Event()
    app = KeepwarmApp(session)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("y")
        await until(pilot, lambda: "work-mail" in nav(app))
        assert app.syncing
        assert app.gate.lock.acquire(blocking=False), "the sync holds the engine while it reads"
        app.gate.lock.release()
        HOLD["reader"].set()
        await settle_until(pilot, lambda: not app.syncing)


@sync
async def test_a_second_y_while_syncing_starts_no_second_sync(session, ids):
    HOLD["reader"] = threading.Event()
    app = KeepwarmApp(session)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("y")
        await until(pilot, lambda: "work-mail" in nav(app))
        await pilot.press("y")
        await pilot.pause()
        assert "A sync is running: its summary comes when it is done." in notices(app)
        HOLD["reader"].set()
        await settle_until(pilot, lambda: not app.syncing)
        await settle(pilot)
        assert READS == ["work-mail"]
        assert len([n for n in notices(app) if n.startswith("work-mail:")]) == 1


@sync
async def test_quitting_while_syncing_cancels_the_sync_and_leaves_without_waiting_for_it(session, ids):
    HOLD["reader"] = threading.Event()
    app = KeepwarmApp(session)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("y")
        await until(pilot, lambda: "work-mail" in nav(app))
        cancel = app._sync_cancel
        assert not cancel.is_set()
        await pilot.press("q")
        await pilot.pause()
    assert cancel.is_set()
    # The app has left while the reader is still held where it was: nobody waited for it.
    assert not HOLD["reader"].is_set()
    assert any(t.name == "keepwarm-sync" and t.is_alive() for t in threading.enumerate())
    HOLD["reader"].set()
    for thread in threading.enumerate():
        if thread.name == "keepwarm-sync":
            thread.join(timeout=30)
    with session.store.read() as conn:  # stopped before its first item: nothing of it was kept
        assert len(activity.list_interactions(conn, ids["ada"])) == 3


@sync
async def test_without_a_source_y_says_how_to_add_one(session, home):
    build_history(session)
    use_rules_and_mail(session)
    app = KeepwarmApp(session)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("y")
        await settle_until(pilot, lambda: not app.syncing)
        [said] = [n for n in notices(app) if "source" in n]
        assert f"`{FIRST_SOURCE}`" in said and said.startswith("No mail or calendar source yet.")
        assert READS == []


@sync
async def test_without_my_own_addresses_the_sync_says_where_to_give_them_and_reads_nothing(session, ids, home):
    config = home / "config" / "config.toml"
    config.write_text(config.read_text(encoding="utf-8").replace(f'me = ["{ME}"]', ""), encoding="utf-8")
    app = KeepwarmApp(session)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("y")
        await settle_until(pilot, lambda: not app.syncing)
        [said] = [n for n in notices(app) if "me:" in n]
        assert said.startswith(f"{config}: me: your own e-mail addresses are needed")
        assert READS == [] and "Syncing" not in nav(app)


@sync
async def test_a_source_added_while_the_app_is_open_is_synced(session, home, maildir):
    build_history(session)
    use_rules_and_mail(session)
    app = KeepwarmApp(session)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("y")
        await settle_until(pilot, lambda: not app.syncing)
        assert READS == []
        configure(home, maildir)  # `keepwarm source add` in another terminal
        await pilot.press("y")
        await settle_until(pilot, lambda: not app.syncing)
        assert READS == ["work-mail"]


# ------------------------------------------------------ people not in the book


@sync
async def test_n_lists_the_people_you_talk_to_most_first(session, synced):
    app = KeepwarmApp(session)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        assert isinstance(app.screen, CorrespondentsScreen)
        assert rows(app) == [
            ["zoe@new.example", "Zoë Quinn", "3", "1", "–", "2026-11-18"],
            ["eve@evil.example", "Eve \\x1b[31mRed", "2", "–", "–", "2026-11-06"],
            ["yann@new.example", "Yann", "1", "–", "–", "2026-11-12"],
        ]
        summary = app.screen.query_one("#people-summary", Static).content.plain
        assert summary.startswith("3 people, most talked to first")
        shown = app.export_screenshot()  # what reaches the terminal: the escape shown, never sent
        assert "\\x1b[31mRed" in shown and not any(raw in shown for raw in ("\x1b", "\x9b", "\x07"))
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, AgendaScreen)


@sync
async def test_a_adds_the_person_with_the_name_from_their_mail_and_their_mail_becomes_touches(session, synced):
    app = KeepwarmApp(session)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        await pilot.press("a")
        await settle(pilot)
        assert isinstance(app.screen, NewContactScreen)
        assert app.screen.query_one("#in-name", Input).value == "Zoë Quinn"
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, CorrespondentsScreen)
        assert [row[0] for row in rows(app)] == ["eve@evil.example", "yann@new.example"]
        assert "Added Zoë Quinn (zoe@new.example) as a contact: 4 messages and meetings with them are touches now." \
            in notices(app)
        with session.store.read() as conn:
            contact_id = people.find_by_email(conn, "zoe@new.example")
            contact = people.get_contact(conn, contact_id)
            touches = activity.list_interactions(conn, contact_id)
        assert (contact.name, contact.emails) == ("Zoë Quinn", ["zoe@new.example"])
        assert sorted((t.at.date().isoformat(), t.direction.value) for t in touches) == [
            ("2026-11-02", "inbound"), ("2026-11-02", "outbound"), ("2026-11-10", "inbound"), ("2026-11-18", "inbound")]


@sync
async def test_the_name_offered_for_a_hostile_header_is_plain_and_can_be_changed(session, synced):
    app = KeepwarmApp(session)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        await pilot.press("down", "a")
        await settle(pilot)
        name = app.screen.query_one("#in-name", Input)
        assert name.value == "Eve Red"  # the escape sequence is gone whole, not only its ESC
        name.value = ""
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, NewContactScreen)  # a name is needed
        assert app.screen.query_one("#field-name").error == "a name is needed"
        name.value = "Eve Rouge"
        await pilot.press("enter")
        await settle(pilot)
        with session.store.read() as conn:
            contact = people.get_contact(conn, people.find_by_email(conn, "eve@evil.example"))
        assert contact.name == "Eve Rouge"


@sync
async def test_i_ignores_the_person_for_good_even_after_they_write_again(session, synced, maildir):
    app = KeepwarmApp(session)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        await pilot.press("down", "down", "i")  # Yann
        await settle(pilot)
        assert [row[0] for row in rows(app)] == ["zoe@new.example", "eve@evil.example"]
        assert "Ignored yann@new.example for good: not listed again, whatever the next syncs find." in notices(app)
        mail(maildir, sender="Yann <yann@new.example>", to=ME, day="2026-11-21T10:00", number=10)
        await pilot.press("y")
        await settle_until(pilot, lambda: not app.syncing)
        await settle(pilot)
        assert "work-mail: read 1, 0 new touches, 0 unknown correspondents" in notices(app)  # Yann's new message
        assert [row[0] for row in rows(app)] == ["zoe@new.example", "eve@evil.example"]
    assert [p.address for p in correspondents.unknown(session)] == ["zoe@new.example", "eve@evil.example"]


@sync
async def test_the_list_is_empty_until_a_sync_and_says_how_it_fills(session, ids):
    app = KeepwarmApp(session)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        summary = app.screen.query_one("#people-summary", Static).content.plain
        assert summary.startswith("Nobody here yet. This list fills from your mail and calendars")
        assert FIRST_SOURCE in summary and "press y to sync" in summary
        await pilot.press("a")
        await pilot.pause()
        assert "Nobody to add: the list is empty." in notices(app)
        await pilot.press("y")
        await settle_until(pilot, lambda: not app.syncing)
        await settle(pilot)
        assert isinstance(app.screen, CorrespondentsScreen)  # the sync refreshed the list in view
        assert [row[0] for row in rows(app)] == ["zoe@new.example", "eve@evil.example", "yann@new.example"]


@sync
async def test_the_palette_syncs_and_opens_the_list(session, ids):
    app = KeepwarmApp(session)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        for query, done in (("sync mail", lambda: READS == ["work-mail"] and not app.syncing),
                            ("not contacts", lambda: isinstance(app.screen, CorrespondentsScreen))):
            await pilot.press("ctrl+p")
            await pilot.pause()
            app.screen.query_one(Input).value = query
            await pilot.pause()
            await settle(pilot)
            await pilot.press("enter")
            await settle_until(pilot, done)
            assert done()


@sync
async def test_an_empty_book_fills_from_the_mail_on_its_welcome_screen(session, home, maildir):
    configure(home, maildir)
    use_rules_and_mail(session)
    app = KeepwarmApp(session)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, WelcomeScreen)
        await pilot.press("y")
        await settle_until(pilot, lambda: not app.syncing)
        assert any(n.startswith("work-mail: read 9, 0 new touches") for n in notices(app))
        await pilot.press("ctrl+p")
        await pilot.pause()
        app.screen.query_one(Input).value = "not contacts"
        await settle(pilot)
        await pilot.press("enter")
        await settle_until(pilot, lambda: isinstance(app.screen, CorrespondentsScreen))
        assert [row[0] for row in rows(app)] == [  # one message each: the latest first
            "zoe@new.example", "eve@evil.example", "ada@engines.example", "yann@new.example"]
        await pilot.press("a")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("escape")
        await settle_until(pilot, lambda: isinstance(app.screen, AgendaScreen))
        assert isinstance(app.screen, AgendaScreen)  # the welcome screen left for the book that has Zoë now


# -------------------------------------------------------------------- snapshot


def test_people_screen_snapshot(session, synced, home, monkeypatch, snap_compare):
    monkeypatch.setenv("HOME", str(home.parent))

    async def open_list(pilot) -> None:
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)

    assert snap_compare(KeepwarmApp(session), terminal_size=(120, 24), run_before=open_list)
