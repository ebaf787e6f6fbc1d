"""The same book on both stores: a SQLite file, and a database on a real PostgreSQL server (tests/pg_server.py).

Each scenario runs the CLI at the fixed clock against `backend.db` (a file path, then a `postgresql://` URL)
and asserts the same outcome on both. The last tests are the faults: a URL of another kind, and a server
that is down, each a one-line error with exit 2 and nothing created.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import socket
from pathlib import Path

import pytest
from ports import free_port
from sqlalchemy import insert

from keepwarm.errors import StoreError
from keepwarm.store import Store, migrate, schema
from keepwarm.store.watch import ChangeWatcher

FIXTURES = Path(__file__).parent / "fixtures_io"

pytestmark = pytest.mark.slow


def ok(result):
    assert result.exit_code == 0, result.stdout + result.stderr
    return result


@pytest.fixture
def kw(run, backend):
    """The CLI on this backend's book."""

    def invoke(*args: str, input: str | None = None):
        return run("--db", backend.db, *args, input=input)

    return invoke


def _add_account(conn) -> None:
    stamp = dt.datetime(2026, 11, 22, 9, 0)
    conn.execute(insert(schema.accounts).values(name="Acme", created_at=stamp, updated_at=stamp))


def test_open_migrates_an_empty_database_to_head_and_opens_it_again(backend):
    with Store.open(backend.db) as store:
        assert store.schema_version() == migrate.HEAD
        assert store.is_empty()
        with store.write() as conn:
            _add_account(conn)
        assert not store.is_empty()
    with Store.open(backend.db) as again:
        assert again.schema_version() == migrate.HEAD
        assert not again.is_empty()


def test_contacts_add_edit_and_list(kw):
    ok(kw("contact", "add", "Ada Lovelace", "--account", "Analytical Engines", "--role", "champion",
          "--email", "ada@engines.example"))
    ok(kw("contact", "add", "Grace Hopper", "--account", "Navy Labs"))
    ok(kw("contact", "edit", "ada", "--title", "Countess", "--account", "Navy Labs"))
    listed = ok(kw("contact", "list", "--json")).json()
    assert [(c["name"], c["account"]) for c in listed] == [("Ada Lovelace", "Navy Labs"), ("Grace Hopper", "Navy Labs")]
    shown = ok(kw("contact", "show", "ada", "--json")).json()["contact"]
    assert shown["title"] == "Countess"
    assert shown["emails"] == ["ada@engines.example"]
    accounts = ok(kw("account", "list", "--json")).json()
    assert sorted(a["name"] for a in accounts) == ["Analytical Engines", "Navy Labs"]


def test_touches_keep_the_totals_the_triggers_maintain(kw, backend):
    ok(kw("contact", "add", "Ada Lovelace"))
    ok(kw("log", "ada", "--channel", "call", "--purpose", "check-in", "--when", "2026-11-02", "--sentiment", "1"))
    ok(kw("log", "ada", "--channel", "email", "--direction", "inbound", "--when", "2026-11-20"))
    history = ok(kw("history", "ada", "--json")).json()
    assert [(t["channel"], t["direction"]) for t in history] == [("email", "inbound"), ("call", "outbound")]
    shown = ok(kw("contact", "show", "ada", "--json")).json()
    assert shown["recent_interactions"][0]["channel"] == "email"
    # contact_totals, kept by migration 0004's triggers (plpgsql on the server): two touches, one inbound.
    with Store.open(backend.db) as store, store.read() as conn:
        totals = conn.exec_driver_sql("SELECT touches_total, inbound_total, outbound_total FROM contact_totals").one()
    assert tuple(totals) == (2, 1, 1)


def test_follow_ups_add_list_and_complete(kw):
    ok(kw("contact", "add", "Ada Lovelace"))
    ok(kw("followup", "add", "ada", "Send the benchmark report", "--due", "2026-11-25"))
    ok(kw("followup", "add", "ada", "Ask about the tender", "--due", "2026-12-10"))
    listed = ok(kw("followup", "list", "--json")).json()
    assert [f["reason"] for f in listed] == ["Send the benchmark report", "Ask about the tender"]
    first = listed[0]["id"]
    ok(kw("followup", "done", str(first)))
    still = ok(kw("followup", "list", "--json")).json()
    assert [f["reason"] for f in still] == ["Ask about the tender"]


def test_agenda_of_a_small_scenario_at_the_fixed_clock(kw):
    """Ada last touched in June is overdue for her 60-day rhythm; Grace, touched yesterday, is not; Ada's
    follow-up due on Tuesday is on the week's agenda."""
    ok(kw("contact", "add", "Ada Lovelace", "--account", "Acme", "--role", "champion"))
    ok(kw("contact", "add", "Grace Hopper"))
    ok(kw("log", "ada", "--channel", "call", "--when", "2026-06-01"))
    ok(kw("log", "grace", "--channel", "call", "--when", "2026-11-21"))
    ok(kw("followup", "add", "ada", "Send the benchmark report", "--due", "2026-11-24"))
    agenda = ok(kw("agenda", "--days", "7", "--json")).json()
    items = agenda["items"] if isinstance(agenda, dict) else agenda
    names = {item["contact"]["name"] if isinstance(item.get("contact"), dict) else item.get("contact_name")
             for item in items}
    assert "Ada Lovelace" in names
    assert "Grace Hopper" not in names
    reasons = json.dumps(items)
    assert "Send the benchmark report" in reasons


def test_import_of_a_small_csv_of_contacts(kw):
    ok(kw("import", "csv", str(FIXTURES / "google_contacts.csv")))
    listed = ok(kw("contact", "list", "--json")).json()
    lucia = next(c for c in listed if c["name"] == "Lucía Fernández")
    assert lucia["account"] == "Aurora Foods"
    shown = ok(kw("contact", "show", str(lucia["id"]), "--json")).json()["contact"]
    assert shown["emails"] == ["lucia.fernandez@aurora.example", "lucia.f@correo.example"]
    again = ok(kw("import", "csv", str(FIXTURES / "google_contacts.csv")))  # the same file: nothing new
    assert len(ok(kw("contact", "list", "--json")).json()) == len(listed), again.stdout


def test_import_of_a_history_stages_pairs_and_writes_the_same_on_both(kw, backend, tmp_path):
    ok(kw("contact", "add", "Lucía Fernández"))
    ok(kw("contact", "add", "Kwame Mensah", "--email", "kwame@gcs.example"))
    history = FIXTURES / "interactions_history.csv"
    first = ok(kw("import", "interactions", str(history), "--json")).json()
    assert first["counts"] == {"created": 4, "updated": 0, "unchanged": 0, "skipped": 0}
    # New ids in key order (contact, moment, ...), as the rows are written.
    assert [(c["line"], c["id"]) for c in first["created"]] == [(2, 1), (4, 3), (5, 4), (6, 2)]
    kwame = ok(kw("history", "kwame", "--json")).json()
    assert [(t["channel"], t["direction"], t["responded"], t["response_hours"]) for t in kwame] == [
        ("meal", "inbound", None, None),
        ("email", "outbound", True, 5.5),
    ]
    again = ok(kw("import", "interactions", str(history), "--json")).json()
    assert again["counts"] == {"created": 0, "updated": 0, "unchanged": 4, "skipped": 0}
    corrected = tmp_path / "corrected.csv"
    corrected.write_text(history.read_text(encoding="utf-8").replace("autumn tender", "spring tender"), "utf-8")
    fixed = ok(kw("import", "interactions", str(corrected), "--json")).json()
    assert fixed["counts"] == {"created": 0, "updated": 1, "unchanged": 3, "skipped": 0}
    assert [(u["id"], u["fields"]) for u in fixed["updated"]] == [(1, ["notes"])]
    # The next touch takes the next id (the server's sequence moved past the rows given theirs), and the
    # imported notes are searched (an expression index on the server, the index written after the rows here).
    ok(kw("log", "kwame", "--channel", "call", "--notes", "after the import"))
    assert ok(kw("history", "kwame", "--json")).json()[0]["id"] == 5
    assert [(h["kind"], h["id"]) for h in ok(kw("search", "spring", "tender", "--json")).json()] == [("touch", 1)]
    assert ok(kw("search", "autumn", "--json")).json() == []


def test_restore_of_a_json_backup_into_an_empty_book_then_new_rows_get_new_ids(kw, backend, run, tmp_path, request):
    ok(kw("contact", "add", "Ada Lovelace", "--account", "Acme"))
    ok(kw("contact", "add", "Grace Hopper"))
    ok(kw("followup", "add", "ada", "Send the deck", "--due", "2026-11-25"))
    ok(kw("export", "json", "-o", str(tmp_path / "book.json")))
    if backend.name == "sqlite":
        target = str(tmp_path / "restored.db")
    else:
        target = request.getfixturevalue("pg_server").new_database("restored")
    ok(run("--db", target, "restore", str(tmp_path / "book.json")))
    # The ids the backup gave are taken: a new contact and a new follow-up get the next ones, not a clash.
    assert ok(run("--db", target, "contact", "add", "Katherine Johnson")).stdout == "Added contact 3: Katherine Johnson\n"
    ok(run("--db", target, "followup", "add", "katherine", "Call back", "--due", "2026-11-26"))
    listed = ok(run("--db", target, "followup", "list", "--json")).json()
    assert sorted(f["reason"] for f in listed) == ["Call back", "Send the deck"]
    assert len({f["id"] for f in listed}) == 2


def test_search_and_the_name_filter_find_the_same_people_on_both(kw, backend):
    ok(kw("contact", "add", "Zoë Müller", "--account", "Acme"))
    ok(kw("contact", "add", "Ada Lovelace", "--notes", "met Zoë at the Acme offsite"))
    assert [c["name"] for c in ok(kw("contact", "list", "-s", "muller", "--json")).json()] == ["Zoë Müller"]
    hits = ok(kw("search", "zoe", "--json")).json()
    assert [(h["contact"], h["context"]) for h in hits] == [
        ("Zoë Müller", "Zoë Müller"),
        ("Ada Lovelace", "met Zoë at the Acme offsite"),
    ]
    ok(kw("account", "edit", "Acme", "--name", "Globex"))
    assert [h["contact"] for h in ok(kw("search", "globex", "--json")).json()] == ["Zoë Müller"]


def test_backup_copies_a_file_and_says_what_to_use_on_the_server(kw, backend, tmp_path):
    ok(kw("contact", "add", "Ada Lovelace"))
    ok(kw("log", "ada", "--channel", "call", "--when", "2026-11-20"))
    result = kw("backup", str(tmp_path / "copy.db"))
    if backend.name == "sqlite":
        ok(result)
        assert (tmp_path / "copy.db").is_file()
    else:
        assert result.exit_code == 2
        assert len(result.stderr.strip().splitlines()) == 1
        assert "export json" in result.stderr
        assert not (tmp_path / "copy.db").exists()
    # The JSON backup works on both, and holds what the book holds.
    ok(kw("export", "json", "-o", str(tmp_path / "book.json")))
    saved = json.loads((tmp_path / "book.json").read_text())
    assert [c["name"] for c in saved["contacts"]] == ["Ada Lovelace"]
    assert len(saved["interactions"]) == 1


def test_the_change_watcher_sees_another_connections_write(backend):
    with Store.open(backend.db) as store:
        watcher = ChangeWatcher(store.path)
        try:
            assert not watcher.changed()
            with store.write() as conn:
                _add_account(conn)
            assert watcher.changed()
            assert not watcher.changed()
        finally:
            watcher.close()


def test_two_first_opens_of_one_new_database_at_once_both_find_it_at_head(pg_url):
    """The migration runs under the write lock: the second opener waits, then finds the schema upgraded."""
    from concurrent.futures import ThreadPoolExecutor

    def open_and_read(_):
        with Store.open(pg_url) as store:
            return store.schema_version()

    with ThreadPoolExecutor(2) as pool:
        assert list(pool.map(open_and_read, range(2))) == [migrate.HEAD, migrate.HEAD]
    with Store.open(pg_url) as store, store.read() as conn:
        versions = conn.exec_driver_sql("SELECT count(*) FROM alembic_version").scalar_one()
        triggers = conn.exec_driver_sql("SELECT count(*) FROM pg_trigger WHERE tgname = 'trg_contacts_marks_insert'")
        assert (versions, triggers.scalar_one()) == (1, 1)


def test_a_writer_waits_for_another_and_gives_up_in_one_line_after_the_busy_timeout(pg_url, monkeypatch):
    monkeypatch.setenv("KEEPWARM_BUSY_TIMEOUT", "1")
    with Store.open(pg_url) as first, Store.open(pg_url) as second:
        with first.write() as conn:
            _add_account(conn)
            with pytest.raises(StoreError) as refused:
                with second.write() as other:
                    other.execute(insert(schema.accounts).values(name="Other", created_at=dt.datetime(2026, 1, 1),
                                                                 updated_at=dt.datetime(2026, 1, 1)))
        assert "this change was not written" in str(refused.value)
        with second.read() as conn:
            names = [row[0] for row in conn.exec_driver_sql("SELECT name FROM accounts")]
        assert names == ["Acme"]


# ------------------------------------------------------------------------------------------------ the faults


@pytest.mark.parametrize(
    "value",
    ["mysql://ada@127.0.0.1/book", "http://example.org/book.db", "postgres:/x", "postgres://ada@127.0.0.1/book",
     "sqlite:///tmp/book.db", "postgresql://ada@127.0.0.1"],
)
def test_a_url_of_another_kind_is_one_line_exit_2_and_creates_nothing(run, tmp_path, monkeypatch, value):
    monkeypatch.chdir(tmp_path)
    result = run("--db", value, "contact", "add", "Ada Lovelace")
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert value.split("//")[0].rstrip("/") in lines[0]
    assert "postgresql://" in lines[0]  # what is expected
    assert "Traceback" not in result.stderr
    assert list(tmp_path.iterdir()) == []  # no folder named after the scheme, no file


def test_the_same_through_keepwarm_db(run, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("KEEPWARM_DB", "mysql://ada@127.0.0.1/book")
    result = run("contact", "list")
    assert result.exit_code == 2
    assert len(result.stderr.strip().splitlines()) == 1
    assert "mysql:" in result.stderr
    assert list(tmp_path.iterdir()) == []


def test_a_server_that_is_down_is_one_line_exit_2(run, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    port = free_port()
    with socket.socket() as probe:  # nothing listens there
        assert probe.connect_ex(("127.0.0.1", port)) != 0
    result = run("--db", f"postgresql://ada:s3cret@127.0.0.1:{port}/book", "contact", "add", "Ada Lovelace")
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert f"127.0.0.1:{port}/book" in lines[0] and "PostgreSQL server" in lines[0]
    assert "s3cret" not in result.stderr  # the password is never printed
    assert list(tmp_path.iterdir()) == []


def test_a_server_book_without_the_driver_installed_says_how_to_install_it(run, tmp_path, monkeypatch):
    import sys

    monkeypatch.chdir(tmp_path)
    monkeypatch.setitem(sys.modules, "psycopg", None)  # as on an install without keepwarm[postgres]
    result = run("--db", "postgresql://ada:s3cret@127.0.0.1:5432/book", "contact", "list")
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "psycopg" in lines[0] and "pip install 'keepwarm[postgres]'" in lines[0]
    assert "s3cret" not in result.stderr
    assert list(tmp_path.iterdir()) == []


def test_a_server_that_refuses_the_database_is_one_line_exit_2(run, pg_server):
    result = run("--db", pg_server.url("no_such_book"), "contact", "list")
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "no_such_book" in lines[0] and "does not exist" in lines[0]


def test_a_server_that_refuses_the_user_is_one_line_exit_2(run, pg_server):
    result = run("--db", pg_server.url("postgres", user="mallory"), "contact", "list")
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "mallory" in lines[0] and "does not exist" in lines[0]


def test_a_path_with_a_colon_but_no_slash_is_still_a_file(run, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    ok(run("--db", "book:2026.db", "contact", "add", "Ada Lovelace"))
    assert (tmp_path / "book:2026.db").is_file()
    assert os.path.getsize(tmp_path / "book:2026.db") > 0
