"""The app's sync (`y`) runs an address book too (issue #20, point 8), driven with Pilot.

The address book is a vdir named in config.toml, read by the built-in "contacts" kind registered next to
the hand-made rules of tui_support.py; the sync is keepwarm's own, so the notice says what `keepwarm sync`
says: new contacts from the cards, new cards from the contacts, and a conflict left for the user.
"""

from __future__ import annotations

import threading

import pytest

from conftest import FIXED_NOW
from keepwarm.model import Contact
from keepwarm.sources.sync import sync as sync_sources
from keepwarm.store import contacts as people
from keepwarm.tui.app import KeepwarmApp
from keepwarm_plugins import source_contacts
from tui_support import build_history, settle, settle_until, sync, use_test_rules

SIZE = (110, 30)
LINUS = "BEGIN:VCARD\r\nVERSION:3.0\r\nUID:linus-1\r\nFN:Linus Pauling\r\nTITLE:Professor\r\nEND:VCARD\r\n"


@pytest.fixture
def book(tmp_path, home, session):
    folder = tmp_path / "contacts"
    folder.mkdir()
    (folder / "linus-1.vcf").write_text(LINUS, encoding="utf-8", newline="")
    config = home / "config"
    config.mkdir(parents=True, exist_ok=True)
    (config / "config.toml").write_text(f'[sources.phone]\nkind = "contacts"\npath = "{folder}"\n', encoding="utf-8")
    build_history(session)
    runtime = use_test_rules(session)
    runtime.host.register_for_test(source_contacts, "source_contacts")
    yield folder
    for thread in threading.enumerate():
        if thread.name == "keepwarm-sync":
            thread.join(timeout=30)


def notices(app) -> list[tuple[str, str]]:
    return [(str(n.title), str(n.message)) for n in app._notifications]


def names(session) -> set[str]:
    with session.store.read() as conn:
        return {c.name for c in people.list_contacts(conn)}


@sync
async def test_y_syncs_the_address_book_both_ways_and_says_so(session, book):
    app = KeepwarmApp(session)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("y")
        await settle_until(pilot, lambda: not app.syncing)
        await settle(pilot)
        [(title, text)] = [n for n in notices(app) if n[1].startswith("phone:")]
        assert title == "Synced"
        assert text == "phone: read 1 card, 1 new contact, 0 updated here, 6 new cards, 0 updated in the book"
    assert "Linus Pauling" in names(session)
    assert len(list(book.glob("*.vcf"))) == 7


@sync
async def test_a_conflict_found_by_the_app_s_sync_is_a_warning_and_writes_neither_side(session, book):
    sync_sources(session)
    (book / "linus-1.vcf").write_text(LINUS.replace("Professor", "Professor Emeritus"), encoding="utf-8",
                                      newline="")
    with session.store.write() as conn:
        linus = people.find_by_uid(conn, "linus-1")
        contact = people.get_contact(conn, linus)
        people.update_contact(conn, linus, Contact.model_validate({**contact.model_dump(), "title": "Nobel laureate"}),
                              FIXED_NOW)
    app = KeepwarmApp(session)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("y")
        await settle_until(pilot, lambda: not app.syncing)
        await settle(pilot)
        [(title, text)] = [n for n in notices(app) if n[1].startswith("phone:")]
        assert title == "Synced, with problems"
        assert "1 conflict, neither side written: Linus Pauling (title)" in text
        assert "keepwarm source conflicts phone" in text
    assert "TITLE:Professor Emeritus" in (book / "linus-1.vcf").read_text()
    with session.store.read() as conn:
        assert people.get_contact(conn, people.find_by_uid(conn, "linus-1")).title == "Nobel laureate"
