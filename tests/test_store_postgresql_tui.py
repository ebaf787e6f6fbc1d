"""The app on both stores: a book on a PostgreSQL server opens on its agenda as a SQLite file does.

A small book is written through the CLI at the fixed clock (tests/pg_server.py's `backend`), then the app
runs on it headless; the agenda it paints lists the same people on both.
"""

from __future__ import annotations

import pytest
from conftest import FIXED_NOW
from tui_support import settle_until, sync

from keepwarm.home.session import Session
from keepwarm.tui.app import KeepwarmApp
from keepwarm.tui.screens.agenda import AgendaScreen

pytestmark = pytest.mark.slow


@pytest.fixture
def book(run, backend):
    for args in (
        ("contact", "add", "Ada Lovelace", "--account", "Acme"),
        ("contact", "add", "Grace Hopper"),
        ("log", "ada", "--channel", "call", "--when", "2026-06-01"),
        ("log", "grace", "--channel", "call", "--when", "2026-11-21"),
        ("followup", "add", "grace", "Send the benchmark report", "--due", "2026-11-24"),
    ):
        result = run("--db", backend.db, *args)
        assert result.exit_code == 0, result.stderr
    return backend.db


@sync
async def test_the_app_opens_a_book_on_either_store_on_its_agenda_and_sees_another_terminals_touch(book, run):
    session = Session(book, now=FIXED_NOW)
    try:
        app = KeepwarmApp(session)
        async with app.run_test(size=(120, 30)) as pilot:
            await settle_until(pilot, lambda: isinstance(app.screen, AgendaScreen) and app.screen.fresh_painted)
            rows = app.screen.items()
            assert ("overdue", "Ada Lovelace") in rows
            assert ("upcoming", "Grace Hopper") in rows
            assert not await app.check_outside_changes()  # nothing written meanwhile
            # A second terminal logs a touch with Ada: the app's watcher notices, and she leaves the overdue.
            assert run("--db", book, "log", "ada", "--channel", "call", "--when", "2026-11-22 08:00").exit_code == 0
            assert await app.check_outside_changes()
            await settle_until(pilot, lambda: ("overdue", "Ada Lovelace") not in app.screen.items())
            assert ("overdue", "Ada Lovelace") not in app.screen.items()
    finally:
        session.close()
