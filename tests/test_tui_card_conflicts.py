"""Address book conflicts seen and settled in the app (issue #20, point 8 in the TUI), driven with Pilot.

A real vdir address book in tmp (cards written to files) named in config.toml, synced by keepwarm's own
sync: after a first sync the cards are contacts; then each card is edited in the book and its contact here,
differently, and a second sync leaves two conflicts. `Y` (or the palette) lists them with their fields side
by side; `t` keeps the book's side, `m` keepwarm's, through `card_conflicts.settle` (what `keepwarm source
resolve` runs); the contact rows and the card files are checked afterwards.
"""

from __future__ import annotations

import threading

import pytest

from conftest import FIXED_NOW
from keepwarm.model import Contact
from keepwarm.sources import card_conflicts
from keepwarm.sources.sync import sync as sync_sources
from keepwarm.store import contacts as people
from keepwarm.tui.app import KeepwarmApp
from keepwarm.tui.cells import FittedTable
from keepwarm.tui.screens.card_conflicts import CardConflictsScreen
from keepwarm_plugins import source_contacts
from tui_support import notices, settle, settle_until, sync, use_test_rules

SIZE = (120, 30)
LINUS = "BEGIN:VCARD\r\nVERSION:3.0\r\nUID:linus-1\r\nFN:Linus Pauling\r\nTITLE:Professor\r\nEND:VCARD\r\n"
ROSALIND = (
    "BEGIN:VCARD\r\nVERSION:4.0\r\nUID:rosalind-2\r\nFN:Rosalind Franklin\r\nTITLE:Chemist\r\n"
    "NICKNAME:Ros\r\nEND:VCARD\r\n"
)
#: What the phone wrote into Rosalind's title: an OSC 52 sequence (set the clipboard) and a bell.
HOSTILE = "Chemist \x1b]52;c;SGVsbG8=\x07"


def write(path, text: str) -> None:
    path.write_text(text, encoding="utf-8", newline="")


def edit_here(session, uid: str, **fields) -> None:
    with session.store.write() as conn:
        found = people.find_by_uid(conn, uid)
        contact = people.get_contact(conn, found)
        people.update_contact(conn, found, Contact.model_validate({**contact.model_dump(), **fields}), FIXED_NOW)


def contact(session, uid: str) -> Contact:
    with session.store.read() as conn:
        return people.get_contact(conn, people.find_by_uid(conn, uid))


@pytest.fixture
def book(tmp_path, home, session):
    """Two conflicts waiting: Linus's title (Professor Emeritus in the book, Nobel laureate here) and
    Rosalind's (a hostile title in the book, Crystallographer here)."""
    folder = tmp_path / "contacts"
    folder.mkdir()
    write(folder / "linus-1.vcf", LINUS)
    write(folder / "rosalind-2.vcf", ROSALIND)
    config = home / "config"
    config.mkdir(parents=True, exist_ok=True)
    (config / "config.toml").write_text(f'[sources.phone]\nkind = "contacts"\npath = "{folder}"\n', encoding="utf-8")
    runtime = use_test_rules(session)
    runtime.host.register_for_test(source_contacts, "source_contacts")
    sync_sources(session)
    write(folder / "linus-1.vcf", LINUS.replace("Professor", "Professor Emeritus"))
    write(folder / "rosalind-2.vcf", ROSALIND.replace("TITLE:Chemist", f"TITLE:{HOSTILE}"))
    edit_here(session, "linus-1", title="Nobel laureate")
    edit_here(session, "rosalind-2", title="Crystallographer")
    [summary] = sync_sources(session)
    assert [(w["uid"], w["why"], w["fields"]) for w in summary.waiting] == [
        ("linus-1", "conflict", ["title"]),
        ("rosalind-2", "conflict", ["title"]),
    ]
    yield folder
    for thread in threading.enumerate():
        if thread.name == "keepwarm-sync":
            thread.join(timeout=30)


def cells(table: FittedTable) -> list[list[str]]:
    return [[str(getattr(c, "plain", c)) for c in table.get_row_at(n)] for n in range(table.row_count)]


async def open_conflicts(pilot, app) -> CardConflictsScreen:
    await settle(pilot)
    await pilot.press("Y")
    await settle_until(pilot, lambda: isinstance(app.screen, CardConflictsScreen) and app.screen.loaded_once)
    await settle(pilot)
    assert isinstance(app.screen, CardConflictsScreen)
    return app.screen


@sync
async def test_y_lists_the_conflicts_with_both_sides_and_t_then_m_settle_them(session, book):
    linus_card = (book / "linus-1.vcf").read_bytes()
    app = KeepwarmApp(session)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_conflicts(pilot, app)
        table = screen.query_one("#waits-table", FittedTable)
        assert cells(table) == [
            ["phone", "Linus Pauling", "changed on both sides", "title"],
            ["phone", "Rosalind Franklin", "changed on both sides", "title"],
        ]
        diff = screen.query_one("#waits-diff", FittedTable)
        assert cells(diff) == [["title", "Nobel laureate", "Professor Emeritus"]]

        await pilot.press("t")  # Linus: the book's side
        await settle_until(pilot, lambda: len(screen.waits) == 1 and screen.settling is None)
        await settle(pilot)
        assert "phone: Linus Pauling: contact updated from the card. Press u to undo." in notices(app)
        assert cells(table) == [["phone", "Rosalind Franklin", "changed on both sides", "title"]]
        # The phone's escape sequence is shown, never sent: \x1b and \x07 as text.
        assert cells(diff) == [["title", "Crystallographer", "Chemist \\x1b]52;c;SGVsbG8=\\x07"]]

        await pilot.press("m")  # Rosalind: keepwarm's side
        await settle_until(pilot, lambda: not screen.waits and screen.settling is None)
        await settle(pilot)
        assert (
            "phone: Rosalind Franklin: card updated from the contact. The address book was written: "
            "u cannot take that back." in notices(app)
        )
        assert table.display is False
        assert str(screen.query_one("#waits-summary").render()).startswith("Nothing waits")
    assert contact(session, "linus-1").title == "Professor Emeritus"
    assert (book / "linus-1.vcf").read_bytes() == linus_card  # keeping theirs leaves the card as it is
    assert contact(session, "rosalind-2").title == "Crystallographer"
    rosalind = (book / "rosalind-2.vcf").read_text(encoding="utf-8").splitlines()
    assert "TITLE:Crystallographer" in rosalind and "NICKNAME:Ros" in rosalind
    assert "\x1b" not in "".join(rosalind)
    assert card_conflicts.waiting(session) == []
    [again] = sync_sources(session)  # both sides agree now: nothing moves
    assert (again.waiting, again.updated_here, again.updated_there) == ([], 0, 0)


@sync
async def test_u_takes_back_keeping_theirs_and_the_conflict_waits_again(session, book):
    app = KeepwarmApp(session)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_conflicts(pilot, app)
        await pilot.press("t")
        await settle_until(pilot, lambda: len(screen.waits) == 1 and screen.settling is None)
        await settle(pilot)
        assert contact(session, "linus-1").title == "Professor Emeritus"
        await pilot.press("u")
        await settle_until(pilot, lambda: len(screen.waits) == 2)
        await settle(pilot)
        assert any(n.startswith("Undid: kept the book's side of Linus Pauling") for n in notices(app))
        assert [r[1] for r in cells(screen.query_one("#waits-table", FittedTable))] == [
            "Linus Pauling",
            "Rosalind Franklin",
        ]
    assert contact(session, "linus-1").title == "Nobel laureate"
    assert [(r["uid"], r["why"]) for r in card_conflicts.waiting(session, "phone")] == [
        ("linus-1", "conflict"),
        ("rosalind-2", "conflict"),
    ]


@sync
async def test_enter_asks_which_side_and_the_palette_opens_the_list(session, book):
    from keepwarm.tui.widgets.confirm import PickScreen

    app = KeepwarmApp(session)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p")
        await settle(pilot)
        for key in "Address book conf":
            await pilot.press("space" if key == " " else key)
        await settle(pilot)
        await pilot.press("enter")
        await settle_until(pilot, lambda: isinstance(app.screen, CardConflictsScreen) and app.screen.loaded_once)
        screen = app.screen
        assert isinstance(screen, CardConflictsScreen)
        await settle(pilot)
        await pilot.press("enter")
        await settle_until(pilot, lambda: isinstance(app.screen, PickScreen))
        assert app.screen.choices == [
            (0, "Keep mine: writes the contact into the card"),
            (1, "Keep theirs: writes the card into the contact"),
        ]
        await pilot.press("down", "enter")  # keep theirs
        await settle_until(pilot, lambda: len(screen.waits) == 1 and screen.settling is None)
        await settle(pilot)
    assert contact(session, "linus-1").title == "Professor Emeritus"


@sync
async def test_the_sync_notice_points_to_y(session, book):
    app = KeepwarmApp(session)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("y")
        await settle_until(pilot, lambda: not app.syncing)
        await settle(pilot)
        [text] = [n for n in notices(app) if n.startswith("phone:")]
        assert text.endswith("press Y to see them side by side and keep mine or theirs.")


@sync
async def test_with_nothing_waiting_the_list_says_so(session, book):
    for wait in card_conflicts.waiting(session):
        card_conflicts.settle(session, wait["source"], wait["uid"], "mine")
    app = KeepwarmApp(session)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_conflicts(pilot, app)
        assert screen.query_one("#waits-table").display is False
        assert str(screen.query_one("#waits-summary").render()).startswith("Nothing waits: every card")
        await pilot.press("m")
        await settle(pilot)
        assert "Nothing waits: every card is in step with its contact." in notices(app)


def test_snapshot_of_the_conflicts_list(session, book, home, monkeypatch, snap_compare):
    monkeypatch.setenv("HOME", str(home.parent))
    app = KeepwarmApp(session)

    async def run_before(pilot) -> None:
        await open_conflicts(pilot, app)
        await pilot.press("down")
        await settle(pilot)

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


@sync
async def test_a_card_deleted_in_the_book_shows_what_the_contact_holds_and_m_writes_it_again(session, book):
    card_conflicts.settle(session, "phone", "linus-1", "theirs")
    card_conflicts.settle(session, "phone", "rosalind-2", "theirs")
    (book / "linus-1.vcf").unlink()
    [summary] = sync_sources(session)
    assert [(w["uid"], w["why"]) for w in summary.waiting] == [("linus-1", "gone_there")]
    app = KeepwarmApp(session)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_conflicts(pilot, app)
        assert cells(screen.query_one("#waits-table", FittedTable)) == [
            ["phone", "Linus Pauling", "card deleted in the book", "–"]
        ]
        assert cells(screen.query_one("#waits-diff", FittedTable)) == [
            ["name", "Linus Pauling", "–"],
            ["title", "Professor Emeritus", "–"],
        ]
        await pilot.press("m")
        await settle_until(pilot, lambda: not screen.waits and screen.settling is None)
        await settle(pilot)
        assert "phone: Linus Pauling: card written again. The address book was written: u cannot take that back." in (
            notices(app)
        )
    lines = (book / "linus-1.vcf").read_text(encoding="utf-8").splitlines()
    assert "UID:linus-1" in lines and "FN:Linus Pauling" in lines and "TITLE:Professor Emeritus" in lines
    assert card_conflicts.waiting(session) == []
