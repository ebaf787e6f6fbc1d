"""A book on a real PostgreSQL server (tests/pg_server.py) when several people use it: who hears whose writes,
a connection dropped in the middle of a write, and two first opens of a new database by two processes at once.

The change watcher LISTENs for what the writers of its book announce as they commit (store/server.py,
store/watch.py): another database's writes on the same server are not heard, nor a write that changed nothing.
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest
from sqlalchemy import insert, update

from conftest import FIXED_NOW
from keepwarm.errors import StoreError
from keepwarm.home.session import Session
from keepwarm.store import Store, migrate, schema
from keepwarm.store.watch import ChangeWatcher
from keepwarm.tui.app import KeepwarmApp
from keepwarm.tui.screens.agenda import AgendaScreen
from tui_support import settle_until, sync

pytestmark = pytest.mark.slow

STAMP = dt.datetime(2026, 11, 22, 9, 0)


def _add_account(store: Store, name: str) -> None:
    with store.write() as conn:
        conn.execute(insert(schema.accounts).values(name=name, created_at=STAMP, updated_at=STAMP))


def _account_names(url: str) -> list[str]:
    with psycopg.connect(url) as conn:
        return [row[0] for row in conn.execute("SELECT name FROM accounts ORDER BY id")]


@pytest.fixture
def two_books(pg_server, pg_url):
    """This test's book, and a second book (another database) on the same server."""
    other = pg_server.new_database("other_book")
    with Store.open(pg_url) as mine, Store.open(other) as theirs:
        yield mine, theirs


# ------------------------------------------------------------------------------------------ change detection


def test_the_watcher_hears_a_write_to_its_book_and_not_one_to_another_database(two_books):
    mine, theirs = two_books
    watcher = ChangeWatcher(mine.path)
    try:
        assert not watcher.changed()
        _add_account(theirs, "Elsewhere Ltd")  # another database of the same server: not this book's change
        assert not watcher.changed()
        _add_account(mine, "Acme")  # a second connection (the store's) writes this book
        assert watcher.changed()
        assert not watcher.changed()  # once per batch of commits
    finally:
        watcher.close()


def test_two_users_each_see_the_others_write_and_not_their_own_as_news(pg_url):
    """Two people on one book, each with their store and watcher (their own connections): each hears the other."""
    with Store.open(pg_url) as ada, Store.open(pg_url) as grace:
        ada_watch, grace_watch = ChangeWatcher(ada.path), ChangeWatcher(grace.path)
        try:
            _add_account(ada, "Acme")
            assert grace_watch.changed()
            assert ada_watch.changed()  # her own watcher hears it too, as SQLite's data_version does
            _add_account(grace, "Navy Labs")
            assert ada_watch.changed()
            assert grace_watch.changed()
            assert (ada_watch.changed(), grace_watch.changed()) == (False, False)
        finally:
            ada_watch.close()
            grace_watch.close()


def test_a_write_that_changes_no_row_or_is_rolled_back_is_not_announced(pg_url):
    with Store.open(pg_url) as store:
        _add_account(store, "Acme")
        watcher = ChangeWatcher(store.path)
        try:
            with store.write() as conn:  # a write transaction whose UPDATE matches nothing
                conn.execute(update(schema.accounts).where(schema.accounts.c.id == -1).values(name="x"))
            assert not watcher.changed()
            with pytest.raises(RuntimeError), store.write() as conn:
                conn.execute(insert(schema.accounts).values(name="Gone", created_at=STAMP, updated_at=STAMP))
                raise RuntimeError("the command failed after its insert")
            assert not watcher.changed()
            assert _account_names(pg_url) == ["Acme"]
            with store.write() as conn:
                conn.execute(update(schema.accounts).values(industry="engines"))
            assert watcher.changed()
        finally:
            watcher.close()


@sync
async def test_the_app_reloads_for_a_write_to_its_book_and_not_for_one_to_another_database(two_books, run,
                                                                                          monkeypatch):
    """The app's own look (`check_outside_changes`) on a server book: another database's write is no news."""
    monkeypatch.setattr(KeepwarmApp, "WATCH_SECONDS", 24 * 3600.0)  # the test looks when it means to
    mine, theirs = two_books
    _add_account(mine, "Acme")
    session = Session(mine.path, now=FIXED_NOW)
    try:
        app = KeepwarmApp(session)
        async with app.run_test(size=(120, 30)) as pilot:
            await settle_until(pilot, lambda: isinstance(app.screen, AgendaScreen) and app.screen.fresh_painted)
            assert not await app.check_outside_changes()
            _add_account(theirs, "Elsewhere Ltd")
            assert not await app.check_outside_changes()
            assert run("--db", mine.path.url, "contact", "add", "Ada Lovelace").exit_code == 0
            assert await app.check_outside_changes()
    finally:
        session.close()


# ---------------------------------------------------------------------------- a connection dropped mid-write


def _end_backend(url: str, pid: int) -> None:
    with psycopg.connect(url, autocommit=True) as admin:
        assert admin.execute("SELECT pg_terminate_backend(%s)", (pid,)).fetchone() == (True,)


def test_a_connection_dropped_in_the_middle_of_a_write_is_one_line_and_writes_nothing(pg_url, run):
    with Store.open(pg_url) as store:
        _add_account(store, "Acme")
        with pytest.raises(StoreError) as lost:
            with store.write() as conn:
                conn.execute(insert(schema.accounts).values(name="Half Written", created_at=STAMP, updated_at=STAMP))
                _end_backend(pg_url, conn.exec_driver_sql("SELECT pg_backend_pid()").scalar_one())
                conn.execute(insert(schema.accounts).values(name="Never", created_at=STAMP, updated_at=STAMP))
        message = str(lost.value)
        assert len(message.splitlines()) == 1
        assert "connection to the server was lost" in message and "this change was not written" in message
        assert _account_names(pg_url) == ["Acme"]
        _add_account(store, "Navy Labs")  # the same store's next write works (the pool let the dead one go)
    assert _account_names(pg_url) == ["Acme", "Navy Labs"]
    listed = run("--db", pg_url, "account", "list", "--json")  # and the next command
    assert listed.exit_code == 0, listed.stderr
    assert sorted(a["name"] for a in listed.json()) == ["Acme", "Navy Labs"]


def test_a_long_write_whose_connection_drops_as_it_writes_its_plan_is_one_line_and_writes_nothing(pg_url):
    """An import's way of writing (`Store.plan_then_write`): planned in a read, written under the lock."""
    with Store.open(pg_url) as store:
        _add_account(store, "Acme")

        def plan(_conn):
            def write(conn):
                conn.execute(insert(schema.accounts).values(name="Half Written", created_at=STAMP, updated_at=STAMP))
                _end_backend(pg_url, conn.exec_driver_sql("SELECT pg_backend_pid()").scalar_one())
                conn.execute(insert(schema.accounts).values(name="Never", created_at=STAMP, updated_at=STAMP))

            return write

        with pytest.raises(StoreError) as lost:
            store.plan_then_write(plan)
        assert "connection to the server was lost" in str(lost.value)
        assert "this change was not written" in str(lost.value)
        assert _account_names(pg_url) == ["Acme"]


def test_a_connection_dropped_while_reading_is_one_line(pg_url):
    with Store.open(pg_url) as store:
        with pytest.raises(StoreError) as lost:
            with store.read() as conn:
                _end_backend(pg_url, conn.exec_driver_sql("SELECT pg_backend_pid()").scalar_one())
                conn.exec_driver_sql("SELECT count(*) FROM accounts").scalar_one()
        assert "connection to the server was lost" in str(lost.value) and "nothing was changed" in str(lost.value)
        with store.read() as conn:
            assert conn.exec_driver_sql("SELECT count(*) FROM accounts").scalar_one() == 0


# ------------------------------------------------------------------------------ two processes migrate at once


def test_two_processes_opening_a_new_database_at_once_both_end_on_the_schema(pg_url, tmp_path):
    """Two keepwarm processes started together on an empty database: one migrates under the write lock, the
    other waits for it and finds the schema made; both list the (empty) book, and the schema is there once."""
    env = {k: v for k, v in os.environ.items() if k != "KEEPWARM_DB"}
    procs = []
    for who in ("ada", "grace"):
        home = tmp_path / who
        procs.append(subprocess.Popen(
            [sys.executable, "-m", "keepwarm", "--db", pg_url, "contact", "list", "--json"],
            env={**env, "KEEPWARM_HOME": str(home)}, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
            cwd=Path(__file__).parent,
        ))
    outcomes = [(p.wait(timeout=300), p.stdout.read(), p.stderr.read()) for p in procs]
    for code, out, err in outcomes:
        assert (code, out.strip(), err) == (0, "[]", "")
    with psycopg.connect(pg_url) as conn:
        assert conn.execute("SELECT version_num FROM alembic_version").fetchall() == [(migrate.HEAD,)]
        triggers = conn.execute("SELECT count(*) FROM pg_trigger WHERE tgname = 'trg_contacts_marks_insert'")
        assert triggers.fetchone() == (1,)
    with Store.open(pg_url) as store:
        assert store.schema_version() == migrate.HEAD


def test_a_read_kept_waiting_by_a_table_locked_whole_gives_up_in_one_line(pg_url, run, monkeypatch):
    """`migrate-to` into keepwarm's empty schema locks every table whole while it copies: a command reading the
    book meanwhile waits the busy timeout, then says so in one line."""
    ok = run("--db", pg_url, "account", "add", "Acme")
    assert ok.exit_code == 0, ok.stderr
    monkeypatch.setenv("KEEPWARM_BUSY_TIMEOUT", "1")
    with psycopg.connect(pg_url) as holder:
        holder.execute("LOCK TABLE accounts IN ACCESS EXCLUSIVE MODE")
        result = run("--db", pg_url, "account", "list", "--json")
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "kept the book locked for 1 s" in lines[0] and "nothing was changed" in lines[0]
    listed = run("--db", pg_url, "account", "list", "--json")
    assert [a["name"] for a in listed.json()] == ["Acme"]
