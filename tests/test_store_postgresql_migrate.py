"""`keepwarm migrate-to URL`: a SQLite book copied into a database on a real PostgreSQL server (tests/pg_server.py).

The book is the demo's, at the fixed clock, with a link, an agenda run (stored results, health history), tips (advice and its questions),
a touch logged after it (marks), and the rows of sources and sync written in: a row in every table. After the
copy the same commands print the same on both books, and new rows on the server take new ids. The faults (a
target that is not empty, the book in use itself, a server that is down, an old schema, a row the server
refuses, a copy that comes back different) are one line each, exit 2, and leave the target as it was.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import socket
from pathlib import Path

import psycopg
import pytest
from sqlalchemy import insert

from keepwarm.store import Store, dialect, migrate, schema, server_copy
from keepwarm.store.location import server_book
from ports import free_port

pytestmark = pytest.mark.slow

STAMP = dt.datetime(2026, 11, 20, 8, 30, 15, 123456)
#: The tables of the schema at 0018, each of which the book below holds rows in.
EVERY_TABLE = (
    "account_snapshots", "accounts", "advice_changes", "advice_cleared_accounts", "advice_questions", "assessments",
    "capture_people", "capture_refs", "captures", "card_states", "commitments", "contact_dates", "contact_emails",
    "contact_links", "contact_notes", "contact_phones", "contact_snapshots", "contact_tags", "contact_totals",
    "contacts", "engine_account_marks", "engine_marks", "followups", "health_history", "ignored_addresses",
    "interactions", "snapshot_runs", "source_state", "window_figures", "users", "grants",
)
#: What is compared on both books after the copy: each command's whole output.
COMPARED = (
    ("agenda", "--json"), ("contact", "list", "--json"), ("account", "list", "--json"),
    ("followup", "list", "--json"), ("promise", "list", "--json"), ("dashboard", "--json"), ("links", "--json"),
    ("history", "Daniel Okafor", "--json"), ("contact", "show", "Tomas Berg", "--json"), ("export", "json"),
)


def ok(result):
    assert result.exit_code == 0, result.stdout + result.stderr
    return result


def _sync_rows(conn) -> None:
    """What a mail source, an address book sync and an ignored correspondent leave (store/captures.py's tables)."""
    capture = conn.execute(insert(schema.captures).values(
        source="work-mail", external_id="<m1@client.example>", at=STAMP, channel="email", purpose=None,
        outcome="neutral", from_me=True, message_id="<m1@client.example>", subject="Zoë's tender — draft",
        digest="d1")).inserted_primary_key[0]
    conn.execute(insert(schema.capture_people).values(
        [{"capture_id": capture, "address": "ada@client.example", "name": "Ada", "role": "to", "status": ""},
         {"capture_id": capture, "address": "me@corp.example", "name": "", "role": "from", "status": ""}]))
    conn.execute(insert(schema.capture_refs).values(capture_id=capture, ref="<m0@client.example>"))
    conn.execute(insert(schema.ignored_addresses).values(address="noreply@vendor.example", ignored_at=STAMP))
    conn.execute(insert(schema.source_state).values(name="work-mail", kind="maildir", cursor='{"seen": 12}',
                                                    synced_at=STAMP, summary='{"read": 12}'))
    conn.execute(insert(schema.card_states).values(source="cards", uid="uid-1", href="/c/1.vcf", etag='"e1"',
                                                   base="b1", contact_id=3, state="synced", synced_at=STAMP))


@pytest.fixture
def book(run, tmp_path) -> Path:
    """A demo book with a row in every table, at the fixed clock."""
    path = tmp_path / "book.db"
    ok(run("--db", str(path), "demo", "--into-current"))
    ok(run("--db", str(path), "link", "Tomas Berg", "Priya Raman", "--as", "reports-to"))
    ok(run("--db", str(path), "user", "add", "dan", "--role", "member"))
    ok(run("--db", str(path), "share", "Tomas Berg", "--with", "dan"))
    ok(run("--db", str(path), "note", "add", "Tomas Berg", "Prefers calls after 4pm; daughter Ελένη starts school"))
    ok(run("--db", str(path), "agenda", "--json"))
    ok(run("--db", str(path), "log", "Daniel Okafor", "--channel", "call", "--when", "2026-11-21"))
    with Store.open(path) as store, store.write() as conn:
        _sync_rows(conn)
    ok(run("--db", str(path), "agenda"))  # the tips it prints ask the network questions advice keeps
    with Store.open(path) as store, store.write() as conn:  # a contact marked since (as by another writer)
        conn.execute(insert(schema.engine_marks).values(contact_id=5))
        conn.execute(insert(schema.engine_account_marks).values(account_id=2))
    with Store.open(path) as store, store.read() as conn:
        empty = [name for name in EVERY_TABLE if not conn.exec_driver_sql(f"SELECT 1 FROM {name} LIMIT 1").first()]
    assert empty == []
    return path


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _tables_on(url: str) -> list[str]:
    with psycopg.connect(url) as conn:
        return [row[0] for row in conn.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")]


def test_the_book_is_copied_checked_and_reads_the_same_on_the_server(book, run, pg_url):
    before = _digest(book)
    copied = ok(run("--db", str(book), "migrate-to", pg_url))
    assert _digest(book) == before  # the file is read, never written
    lines = copied.stdout.splitlines()
    with Store.open(book) as store, store.read() as conn:
        counts = {name: conn.exec_driver_sql(f"SELECT count(*) FROM {name}").scalar_one() for name in EVERY_TABLE}
    total = sum(counts.values())
    assert lines[0] == (f"Copied {book} into {pg_url} (schema {migrate.HEAD}): {total:,} rows in "
                        f"{len(EVERY_TABLE)} tables, each checked against the file.")
    assert {line.split()[0]: int(line.split()[1].replace(",", "")) for line in lines[1:-1]} == counts
    assert lines[-1] == f"Open it with: keepwarm --db {pg_url}"
    for command in COMPARED:
        on_file, on_server = ok(run("--db", str(book), *command)), ok(run("--db", pg_url, *command))
        assert on_server.stdout == on_file.stdout, command
    # Search finds the same rows on the server (its contacts' documents made after the copy).
    for words in ("tomas", "priya", "calls after"):
        found = [sorted((h["kind"], h["id"]) for h in ok(run("--db", db, "search", words, "--json")).json())
                 for db in (str(book), pg_url)]
        assert found[0] == found[1] != [], words
    # The engine's marks and the book's version went over with their numbers (SQLite's AUTOINCREMENT included).
    with Store.open(book) as store, store.read() as conn:
        version = dialect.autoincrement_total(conn, "engine_marks", "engine_account_marks")
    with Store.open(pg_url) as store, store.read() as conn:
        assert dialect.autoincrement_total(conn, "engine_marks", "engine_account_marks") == version
    # New rows on both books take the same new ids: no copied id is given again.
    for db in (str(book), pg_url):
        assert ok(run("--db", db, "contact", "add", "Katherine Johnson")).stdout == "Added contact 45: Katherine Johnson\n"
        ok(run("--db", db, "log", "Katherine Johnson", "--channel", "email", "--when", "2026-11-22 08:00"))
        ok(run("--db", db, "followup", "add", "Katherine Johnson", "Send the orbit tables", "--due", "2026-11-24"))
        ok(run("--db", db, "note", "add", "Katherine Johnson", "Met at the launch review"))
    after = (("agenda", "--json"), ("followup", "list", "--json"), ("dashboard", "--json"),
             ("history", "Katherine Johnson", "--json"), ("note", "list", "Katherine Johnson", "--json"))
    for command in after:  # (a new contact's uid is random: the lists that show it are left out)
        assert ok(run("--db", pg_url, *command)).stdout == ok(run("--db", str(book), *command)).stdout, command


def test_json_says_what_was_copied(book, run, pg_url):
    result = ok(run("--db", str(book), "migrate-to", pg_url, "--json")).json()
    assert (result["source"], result["target"], result["schema"], result["checked"]) == (
        str(book), pg_url, migrate.HEAD, True)
    assert set(result["rows"]) == set(EVERY_TABLE)
    with Store.open(book) as store, store.read() as conn:
        counts = {name: conn.exec_driver_sql(f"SELECT count(*) FROM {name}").scalar_one() for name in EVERY_TABLE}
    assert result["rows"] == counts
    assert result["total"] == sum(counts.values())


def test_progress_is_told_while_copying_then_checking(book, pg_url):
    seen: list[tuple[str, int, int]] = []
    copied = server_copy.migrate_to(book, server_book(pg_url), progress=lambda *step: seen.append(step))
    assert {step for step, _, _ in seen} == {"copying", "checking"}
    assert seen[-1] == ("checking", copied.total, copied.total)
    copying = [done for step, done, _ in seen if step == "copying"]
    assert copying == sorted(copying) and copying[-1] == copied.total
    assert all(total == copied.total for _, _, total in seen)


def test_a_database_holding_keepwarms_empty_schema_is_taken(book, run, pg_url):
    with Store.open(pg_url) as store:  # opened once: the migrations made the tables, no row yet
        assert store.is_empty()
    ok(run("--db", str(book), "migrate-to", pg_url))
    assert ok(run("--db", pg_url, "contact", "list", "--json")).stdout == \
        ok(run("--db", str(book), "contact", "list", "--json")).stdout


# ------------------------------------------------------------------------------------------------ the faults


def refused(result, *words: str) -> str:
    assert result.exit_code == 2, result.stdout + result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.stderr
    for word in words:
        assert word in lines[0], lines[0]
    return lines[0]


def test_a_target_holding_a_book_is_refused_and_keeps_its_rows(book, run, pg_url):
    ok(run("--db", pg_url, "contact", "add", "Grace Hopper"))
    refused(run("--db", str(book), "migrate-to", pg_url), "holds a book already", "nothing was written")
    assert [c["name"] for c in ok(run("--db", pg_url, "contact", "list", "--json")).json()] == ["Grace Hopper"]


def test_a_target_holding_another_programs_tables_is_refused(book, run, pg_url):
    with psycopg.connect(pg_url) as conn:
        conn.execute("CREATE TABLE invoices (id int PRIMARY KEY)")
    refused(run("--db", str(book), "migrate-to", pg_url), "invoices", "not keepwarm's", "nothing was written")
    assert _tables_on(pg_url) == ["invoices"]


def test_the_book_in_use_as_target_is_refused(run, pg_url):
    ok(run("--db", pg_url, "contact", "add", "Grace Hopper"))
    refused(run("--db", pg_url, "migrate-to", pg_url), "is the book in use itself")
    other = pg_url.rsplit("/", 1)[0] + "/postgres"
    refused(run("--db", pg_url, "migrate-to", other), "already", "SQLite book")


def test_a_server_that_is_down_is_one_line(book, run):
    port = free_port()
    with socket.socket() as probe:
        assert probe.connect_ex(("127.0.0.1", port)) != 0
    line = refused(run("--db", str(book), "migrate-to", f"postgresql://ada:s3cret@127.0.0.1:{port}/team"),
                   f"127.0.0.1:{port}/team", "PostgreSQL server")
    assert "s3cret" not in line


def test_a_url_that_is_no_postgresql_url_is_one_line(book, run):
    refused(run("--db", str(book), "migrate-to", "mysql://ada@127.0.0.1/team"), "mysql:", "postgresql://")
    refused(run("--db", str(book), "migrate-to", str(book)), "postgresql://")


def test_a_book_at_an_older_schema_is_refused_with_how_to_upgrade_it(run, tmp_path, pg_url):
    from sqlalchemy import create_engine

    old = tmp_path / "old.db"

    engine = create_engine(f"sqlite:///{old}")
    with engine.connect() as conn:
        migrate.upgrade(conn, "0012")
    engine.dispose()
    before = _digest(old)
    refused(run("--db", str(old), "migrate-to", pg_url), "schema 0012", "upgrade it first", "nothing was written")
    assert _digest(old) == before
    assert _tables_on(pg_url) == []


def test_a_row_the_server_refuses_leaves_the_target_as_it_was(book, run, pg_url):
    """A NUL in a note (SQLite keeps it; the server's text cannot): the whole copy, schema too, is rolled back."""
    with Store.open(book) as store, store.write() as conn:
        conn.exec_driver_sql("UPDATE contact_notes SET text = 'before' || char(0) || 'after' WHERE id = 2")
    refused(run("--db", str(book), "migrate-to", pg_url), "contact_notes", "nothing was written")
    assert _tables_on(pg_url) == []


def test_a_copy_that_reads_back_different_is_rolled_back(book, run, pg_url):
    """The check compares every row: a server rule that changes a note as it is inserted is caught."""
    with Store.open(pg_url):
        pass  # keepwarm's empty schema, on which the server is given a rule triggers cannot turn off
    with psycopg.connect(pg_url) as conn:
        conn.execute("CREATE RULE garble AS ON INSERT TO contact_notes DO ALSO "
                     "UPDATE contact_notes SET text = text || '!' WHERE id = NEW.id AND id = 4")
    line = refused(run("--db", str(book), "migrate-to", pg_url), "contact_notes", "differs", "id 4",
                   "nothing was written")
    assert "holds" not in line
    with Store.open(pg_url) as store:
        assert store.is_empty()


def test_a_copy_waits_for_a_writer_and_gives_up_in_one_line_after_the_busy_timeout(book, run, pg_url, monkeypatch):
    monkeypatch.setenv("KEEPWARM_BUSY_TIMEOUT", "1")
    with Store.open(pg_url) as store, store.write():  # another keepwarm holds the write lock meanwhile
        refused(run("--db", str(book), "migrate-to", pg_url), "busy", "nothing was written")
    with Store.open(pg_url) as store:
        assert store.is_empty()


# -------------------------------------------------------------------------- tables keepwarm's metadata lacks


def _team_notes_in(book: Path) -> None:
    """A table a later migration might add (as issue 21's users will), made by hand in the file with rows."""
    import sqlite3

    conn = sqlite3.connect(book)
    with conn:
        conn.execute("CREATE TABLE team_notes (id INTEGER PRIMARY KEY AUTOINCREMENT, body TEXT NOT NULL, "
                     "at DATETIME NOT NULL, shared BOOLEAN NOT NULL, tags JSON)")
        conn.executemany("INSERT INTO team_notes (body, at, shared, tags) VALUES (?, ?, ?, ?)",
                         [("Ελένη's launch", "2026-11-20 08:30:15.123456", 1, '["a", "b"]'),
                          ("second", "2026-11-21 09:00:00.000000", 0, None)])
        conn.execute("DELETE FROM team_notes WHERE id = 2")  # AUTOINCREMENT remembers 2: the server must too
    conn.close()


def test_a_table_keepwarms_metadata_does_not_know_is_copied_as_the_server_has_it(book, run, pg_url):
    _team_notes_in(book)
    with Store.open(pg_url):
        pass
    with psycopg.connect(pg_url) as conn:
        conn.execute("CREATE TABLE team_notes (id serial PRIMARY KEY, body text NOT NULL, at timestamp NOT NULL, "
                     "shared boolean NOT NULL, tags json)")
    result = ok(run("--db", str(book), "migrate-to", pg_url, "--json")).json()
    assert result["rows"]["team_notes"] == 1
    with psycopg.connect(pg_url) as conn:
        rows = conn.execute("SELECT id, body, at, shared, tags FROM team_notes").fetchall()
        assert rows == [(1, "Ελένη's launch", dt.datetime(2026, 11, 20, 8, 30, 15, 123456), True, ["a", "b"])]
        assert conn.execute("INSERT INTO team_notes (body, at, shared) VALUES ('x', now(), false) "
                            "RETURNING id").fetchone() == (3,)


def test_a_table_of_the_file_the_server_has_no_place_for_is_refused(book, run, pg_url):
    _team_notes_in(book)
    refused(run("--db", str(book), "migrate-to", pg_url), "has no table for team_notes", "nothing was written")
    assert _tables_on(pg_url) == []


def test_a_connection_dropped_in_the_middle_of_the_copy_leaves_the_target_as_it_was(book, pg_url):
    """An administrator ends the copy's session after its first batch: one line, and no table on the server."""
    from keepwarm.errors import StoreError

    name = pg_url.rsplit("/", 1)[1]

    def end_the_copy(step: str, _done: int, _total: int) -> None:
        if step != "copying":
            return
        with psycopg.connect(pg_url, autocommit=True) as admin:
            ended = admin.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s "
                                  "AND pid != pg_backend_pid() AND application_name = 'keepwarm'", (name,))
            assert ended.fetchall() == [(True,)]

    with pytest.raises(StoreError) as stopped:
        server_copy.migrate_to(book, server_book(pg_url), progress=end_the_copy)
    assert len(str(stopped.value).splitlines()) == 1
    assert "the copy stopped" in str(stopped.value) and "nothing was written" in str(stopped.value)
    assert _tables_on(pg_url) == []
