"""Issue 17, point 17: a writer waits its turn. A `keepwarm log` while a long import runs is not
refused with a "database is locked" traceback: the import decides everything in a read
transaction that lets other writers through, and takes the write lock only to write its plan
(planning again if someone wrote in between, so it stays all or nothing). A writer that waited
the whole busy timeout gives up in one line, and nothing of it is written.

Each test runs two real processes. The import is paused at a known statement, not after a
guessed sleep: a listener on SQLAlchemy's `after_cursor_execute` event creates a marker file
when the statement named in KW_PAUSE_SQL runs, then waits for the test's go-ahead file."""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from keepwarm.model import Contact
from keepwarm.store import Store
from keepwarm.store import contacts as people

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX processes")

FIXTURES = Path(__file__).parent / "fixtures_io"
NOW = dt.datetime(2026, 11, 22, 9, 0, tzinfo=dt.timezone.utc)
#: Long enough for a slow, loaded machine; the processes normally get there in seconds.
WAIT_S = 120

DRIVER = r"""
import os, sys, time
from sqlalchemy import event
from sqlalchemy.engine import Engine

pattern, mark, go = os.environ["KW_PAUSE_SQL"], os.environ["KW_PAUSE_MARK"], os.environ["KW_PAUSE_GO"]
paused = False

@event.listens_for(Engine, "after_cursor_execute")
def _pause(conn, cursor, statement, parameters, context, executemany):
    global paused
    if not paused and statement.lstrip().upper().startswith(pattern):
        paused = True
        open(mark, "w").close()
        while not os.path.exists(go):
            time.sleep(0.02)

from keepwarm.cli import main
sys.argv = ["keepwarm", *sys.argv[1:]]
main()
"""


def _env(tmp_path: Path, **extra: str) -> dict:
    env = dict(os.environ)
    env.update(KEEPWARM_HOME=str(tmp_path / "home"), KEEPWARM_NOW=NOW.isoformat(), TZ="UTC", **extra)
    env.pop("KEEPWARM_DB", None)
    return env


def _seed(db: Path) -> None:
    with Store.open(db) as store:
        with store.write() as conn:
            people.insert_contact(conn, Contact(name="Ada Lovelace"), NOW)


def _paused_import(tmp_path: Path, db: Path, pattern: str) -> subprocess.Popen:
    mark = tmp_path / "paused"
    proc = subprocess.Popen(
        [sys.executable, "-c", DRIVER, "--db", str(db), "import", "csv", str(FIXTURES / "google_contacts.csv")],
        env=_env(tmp_path, KW_PAUSE_SQL=pattern, KW_PAUSE_MARK=str(mark), KW_PAUSE_GO=str(tmp_path / "go")),
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    deadline = time.monotonic() + WAIT_S
    while not mark.exists():
        if proc.poll() is not None:
            raise AssertionError(f"the import ended before the pause point: {proc.stderr.read()}")
        if time.monotonic() > deadline:
            proc.kill()
            raise AssertionError("the import never reached the pause point")
        time.sleep(0.02)
    return proc


def _resume(tmp_path: Path, proc: subprocess.Popen) -> tuple[int, str, str]:
    (tmp_path / "go").touch()
    out, err = proc.communicate(timeout=WAIT_S)
    return proc.returncode, out, err


def _log(tmp_path: Path, db: Path, notes: str, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "keepwarm", "--db", str(db), "log", "Ada Lovelace", "-c", "call", "-n", notes],
        env=_env(tmp_path, **env), capture_output=True, text=True, timeout=WAIT_S,
    )


def _rows(db: Path, sql: str) -> list[tuple]:
    conn = sqlite3.connect(db)
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


def test_a_log_during_an_import_is_stored_at_once_and_the_import_lands_whole(tmp_path):
    db = tmp_path / "keepwarm.db"
    _seed(db)
    # The import is reading the stored contacts to match the file's people against them.
    proc = _paused_import(tmp_path, db, "SELECT CONTACT_EMAILS")
    try:
        logged = _log(tmp_path, db, "called during the import", KEEPWARM_BUSY_TIMEOUT="2")
    finally:
        code, out, err = _resume(tmp_path, proc)
    assert logged.returncode == 0, logged.stderr
    assert code == 0, err
    assert out.splitlines()[-1] == "contacts: 3 created, 0 updated, 0 unchanged, 0 skipped"
    assert _rows(db, "SELECT notes FROM interactions") == [("called during the import",)]
    assert _rows(db, "SELECT name FROM contacts ORDER BY id") == [
        ("Ada Lovelace",), ("Lucía Fernández",), ("Kwame Mensah",), ("noname@example.org",)]


def test_a_writer_that_must_give_up_says_so_in_one_line_and_writes_nothing(tmp_path):
    db = tmp_path / "keepwarm.db"
    _seed(db)
    # The import holds the write lock: it is writing its contacts.
    proc = _paused_import(tmp_path, db, "INSERT INTO CONTACTS")
    try:
        refused = _log(tmp_path, db, "refused while busy", KEEPWARM_BUSY_TIMEOUT="1")
    finally:
        code, _, err = _resume(tmp_path, proc)
    assert code == 0, err
    assert refused.returncode == 2
    assert refused.stderr == (
        f"keepwarm: {db}: another keepwarm process kept the database busy for 1 s (an import?); this change was "
        "not written; try again when it is done (or wait longer with KEEPWARM_BUSY_TIMEOUT=SECONDS)\n"
    )
    assert _rows(db, "SELECT count(*) FROM interactions") == [(0,)]
    assert _rows(db, "SELECT count(*) FROM contacts") == [(4,)]
    # Once the import is done, the same command goes through.
    assert _log(tmp_path, db, "after the import").returncode == 0
    assert _rows(db, "SELECT notes FROM interactions") == [("after the import",)]


def test_a_bad_busy_timeout_is_a_one_line_error(tmp_path):
    db = tmp_path / "keepwarm.db"
    _seed(db)
    result = _log(tmp_path, db, "never", KEEPWARM_BUSY_TIMEOUT="soon")
    assert result.returncode == 2
    assert result.stderr == "keepwarm: KEEPWARM_BUSY_TIMEOUT='soon': expected a number of seconds from 0 to 86400\n"


def test_what_another_process_wrote_while_the_import_planned_is_taken_into_account(tmp_path):
    db = tmp_path / "keepwarm.db"
    _seed(db)
    proc = _paused_import(tmp_path, db, "SELECT CONTACT_EMAILS")
    try:
        # Lucía is added by hand while the import is deciding, with the email her row carries.
        added = subprocess.run(
            [sys.executable, "-m", "keepwarm", "--db", str(db), "contact", "add", "Lucía Fernández",
             "--email", "lucia.fernandez@aurora.example"],
            env=_env(tmp_path, KEEPWARM_BUSY_TIMEOUT="2"), capture_output=True, text=True, timeout=WAIT_S,
        )
    finally:
        code, out, err = _resume(tmp_path, proc)
    assert added.returncode == 0, added.stderr
    assert code == 0, err
    # The plan made before she was added is not written: the import decided again, and updated her.
    assert out.splitlines()[-1] == "contacts: 2 created, 1 updated, 0 unchanged, 0 skipped"
    assert _rows(db, "SELECT id, name FROM contacts ORDER BY id") == [
        (1, "Ada Lovelace"), (2, "Lucía Fernández"), (3, "Kwame Mensah"), (4, "noname@example.org")]
    assert _rows(db, "SELECT email FROM contact_emails WHERE contact_id = 2 ORDER BY position") == [
        ("lucia.fernandez@aurora.example",), ("lucia.f@correo.example",)]
