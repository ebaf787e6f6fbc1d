"""Crash safety: a keepwarm process killed (SIGKILL) in the middle of a write leaves the database
whole: it opens, everything committed before is there, nothing of the interrupted write shows.

Each test runs the real command line (`keepwarm.cli.main`) in a subprocess. To kill it at a
known point, not after a guessed sleep, the subprocess carries a listener on SQLAlchemy's
`after_cursor_execute` event: when the statement named in KW_PAUSE_SQL has run KW_PAUSE_AFTER
times (inside the command's open transaction), it creates a marker file and sleeps. The test
waits for the marker, looks at the files while the transaction is open, and kills.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import text

from keepwarm.io.backup import collect
from keepwarm.store import Store, migrate
from keepwarm.store.database import make_engine

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL")

DRIVER = r"""
import os, sys, time
from sqlalchemy import event
from sqlalchemy.engine import Engine

pattern, after, mark = os.environ["KW_PAUSE_SQL"], int(os.environ["KW_PAUSE_AFTER"]), os.environ["KW_PAUSE_MARK"]
seen = 0

@event.listens_for(Engine, "after_cursor_execute")
def _pause(conn, cursor, statement, parameters, context, executemany):
    global seen
    if statement.lstrip().upper().startswith(pattern):
        seen += 1
        if seen == after:
            open(mark, "w").close()
            time.sleep(600)

from keepwarm.cli import main
sys.argv = ["keepwarm", *sys.argv[1:]]
main()
"""

#: Long enough for a slow, loaded machine; the processes normally reach the marker in seconds.
WAIT_S = 120


def _env(home: Path, mark: Path, pattern: str, after: int) -> dict:
    env = dict(os.environ)
    env.update(
        KEEPWARM_HOME=str(home), KEEPWARM_NOW="2026-11-22T09:00:00+00:00", TZ="UTC",
        KW_PAUSE_SQL=pattern, KW_PAUSE_AFTER=str(after), KW_PAUSE_MARK=str(mark),
    )
    env.pop("KEEPWARM_DB", None)
    return env


def run_until_paused(home: Path, tmp_path: Path, args: list[str], pattern: str, after: int = 1) -> subprocess.Popen:
    mark = tmp_path / "paused"
    proc = subprocess.Popen(
        [sys.executable, "-c", DRIVER, *args], env=_env(home, mark, pattern, after),
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + WAIT_S
    while not mark.exists():
        if proc.poll() is not None:
            raise AssertionError(f"the command ended before the pause point: {proc.stderr.read().decode()}")
        if time.monotonic() > deadline:
            proc.kill()
            raise AssertionError("the command never reached the pause point")
        time.sleep(0.02)
    return proc


def kill(proc: subprocess.Popen) -> None:
    proc.send_signal(signal.SIGKILL)
    assert proc.wait(timeout=30) == -signal.SIGKILL
    proc.stderr.close()


def snapshot(db: Path) -> dict:
    with Store.open(db) as store:
        with store.read() as conn:
            return collect(conn)


def sound(db: Path) -> None:
    conn = sqlite3.connect(db)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
    finally:
        conn.close()


def seed(db: Path, people: int = 3) -> None:
    with Store.open(db) as store:
        with store.write() as conn:
            for i in range(people):
                conn.execute(text(
                    "INSERT INTO contacts (uid, name, name_fold, title, style, motivations, interests, addresses, urls,"
                    " best_time, do_not_contact, tier, stage, notes, owner, created_at, updated_at) VALUES (:u, :n,"
                    " :f, '', 'unknown', '[]', '[]', '[]', '[]', '', 0, 'b', 'active', 'committed before', '',"
                    " '2026-11-01 10:00:00', '2026-11-01 10:00:00')"), {"u": f"seed-{i}", "n": f"Seed {i}", "f": f"seed {i}"})
                conn.execute(text(
                    "INSERT INTO interactions (contact_id, at, channel, direction, purpose, sentiment, notes, outcome,"
                    " created_at) VALUES (:c, '2026-11-02 10:00:00.000000', 'call', 'outbound', 'check_in', 1,"
                    " 'said hello', 'completed', '2026-11-02 10:00:00')"), {"c": i + 1})


def big_vcard(path: Path, count: int) -> None:
    note = "We talked about the renewal, the new plant and her daughter's football. " * 24
    with path.open("w", encoding="utf-8", newline="") as fh:
        for i in range(count):
            fh.write(f"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Imported {i:05d}\r\nN:{i:05d};Imported;;;\r\n"
                     f"EMAIL:imported{i}@big.example\r\nORG:Org {i % 40}\r\nNOTE:{note}\r\nEND:VCARD\r\n")


def test_a_large_import_killed_half_way_leaves_nothing_and_keeps_what_was_there(tmp_path):
    home = tmp_path / "home"
    db = home / "data" / "keepwarm.db"
    seed(db)
    before = snapshot(db)
    vcf = tmp_path / "big.vcf"
    big_vcard(vcf, 2500)

    # Pause after the contacts are inserted and before their emails are: half an import.
    proc = run_until_paused(home, tmp_path, ["import", "vcard", str(vcf)], "INSERT INTO CONTACT_EMAILS")
    wal = db.with_name(db.name + "-wal")
    # The open transaction has spilled to the WAL: half-written pages are on disk...
    assert wal.exists() and wal.stat().st_size > 0
    reader = sqlite3.connect(db)
    assert reader.execute("SELECT count(*) FROM contacts").fetchone()[0] == 3  # ...and invisible to readers
    reader.close()
    kill(proc)

    sound(db)
    assert snapshot(db) == before
    # The automatic copy taken before the large import holds the data too.
    [copy] = sorted((home / "data" / "backups").glob("keepwarm.db.before-import.*.bak"))
    conn = sqlite3.connect(copy)
    assert conn.execute("SELECT name FROM contacts ORDER BY id").fetchall() == [("Seed 0",), ("Seed 1",), ("Seed 2",)]
    conn.close()


def test_logging_killed_before_its_commit_keeps_every_earlier_log(tmp_path):
    home = tmp_path / "home"
    db = home / "data" / "keepwarm.db"
    seed(db)
    env = _env(home, tmp_path / "unused", "NEVER", 1)
    for n in range(2):
        done = subprocess.run(
            [sys.executable, "-c", DRIVER, "log", "Seed 0", "-c", "email", "--notes", f"committed log {n}"],
            env=env, capture_output=True, text=True, timeout=120,
        )
        assert done.returncode == 0, done.stderr
    before = snapshot(db)
    assert [i["notes"] for i in before["interactions"] if i["contact_id"] == 1] == [
        "said hello", "committed log 0", "committed log 1"]

    # A touch with two people (one row each): pause after the first row, before the second.
    proc = run_until_paused(home, tmp_path, ["log", "Seed 1", "Seed 2", "-c", "meeting", "--notes", "cut off"],
                            "INSERT INTO INTERACTIONS")
    kill(proc)

    sound(db)
    after = snapshot(db)
    assert after == before
    assert not any("cut off" in i["notes"] for i in after["interactions"])


def _old_database(path: Path, contacts: int) -> None:
    """A database at the first schema, with enough rows that the migration has real work to do."""
    path.parent.mkdir(parents=True, mode=0o700)
    engine = make_engine(path)
    try:
        with engine.connect() as conn:
            migrate.upgrade(conn, migrate.REVISIONS[0])
        with engine.begin() as conn:
            conn.execute(text(
                "INSERT INTO contacts (id, uid, name, name_fold, title, style, motivations, interests, addresses,"
                " urls, best_time, do_not_contact, tier, stage, notes, owner, created_at, updated_at)"
                " VALUES (:id, :uid, :name, :fold, '', 'unknown', '[]', '[]', '[]', '[]', '', 0, 'b', 'active',"
                " 'old notes', '', '2026-11-01 10:00:00', '2026-11-01 10:00:00')"),
                [{"id": i, "uid": f"u{i}", "name": f"Old {i}", "fold": f"old {i}"} for i in range(1, contacts + 1)])
            conn.execute(text(
                "INSERT INTO followups (contact_id, due, reason, source, rule_key, action, status, created_at,"
                " updated_at) VALUES (:c, '2026-12-01', 'call back', 'manual', 'manual', '', 'open',"
                " '2026-11-01 10:00:00', '2026-11-01 10:00:00')"),
                [{"c": i} for i in range(1, contacts + 1)])
    finally:
        engine.dispose()


def _raw(db: Path, sql: str):
    conn = sqlite3.connect(db)
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


def test_a_migration_killed_half_way_is_rolled_back_and_runs_again_on_the_next_open(tmp_path):
    home = tmp_path / "home"
    db = home / "data" / "keepwarm.db"
    _old_database(db, 200)
    names = _raw(db, "SELECT id, name, notes FROM contacts ORDER BY id")
    first = migrate.REVISIONS[0]

    # Pause after the first schema change of the upgrade, inside its transaction.
    proc = run_until_paused(home, tmp_path, ["contact", "list"], "ALTER TABLE")
    kill(proc)

    sound(db)
    assert _raw(db, "SELECT version_num FROM alembic_version") == [(first,)]
    columns = {row[1] for row in _raw(db, "PRAGMA table_info(interactions)")}
    assert "outcome" not in columns  # the half-made change is gone
    assert _raw(db, "SELECT id, name, notes FROM contacts ORDER BY id") == names

    # The next open migrates all the way, with the data.
    with Store.open(db) as store:
        assert store.schema_version() == migrate.HEAD
    assert _raw(db, "SELECT id, name, notes FROM contacts ORDER BY id") == names
    assert _raw(db, "SELECT count(*) FROM followups WHERE reason = 'call back'") == [(200,)]
    sound(db)
