"""Concurrent use: the CLI (or a cron job) writes while the TUI is open.

WAL lets readers and one writer work at once; `BEGIN IMMEDIATE` plus a busy
timeout makes writers queue instead of failing with "database is locked".
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys

from sqlalchemy import func, select

from keepwarm.model import Contact
from keepwarm.store import Store, schema
from keepwarm.store import activity
from keepwarm.store import contacts as people
from keepwarm.store.database import BUSY_TIMEOUT_MS

WRITER = r"""
import datetime as dt, sys
from sqlalchemy import func, select
from keepwarm.model import Interaction
from keepwarm.store import Store, activity, schema

store = Store.open(sys.argv[1])
who, rounds = sys.argv[2], int(sys.argv[3])
now = dt.datetime(2026, 11, 22, 9, 0, tzinfo=dt.timezone.utc)
print("ready", flush=True)
sys.stdin.readline()
for i in range(rounds):
    with store.write() as conn:
        # Read, then write, in one transaction: two writers interleaving here would
        # read the same count and the numbers below would repeat.
        seen = conn.execute(select(func.count()).select_from(schema.interactions)).scalar_one()
        activity.insert_interactions(conn, [Interaction(contact_id=1, at=now, channel="call", notes=f"{who}:{i}:{seen}")], now)
store.close()
print("done", flush=True)
"""

ROUNDS = 150
NOW = dt.datetime(2026, 11, 22, 9, 0, tzinfo=dt.timezone.utc)


def test_two_writer_processes_lose_no_write_and_never_see_a_lock(tmp_path):
    db = tmp_path / "keepwarm.db"
    with Store.open(db) as store:
        with store.write() as conn:
            people.insert_contact(conn, Contact(name="Ada"), NOW)
    env = {**os.environ, "TZ": "UTC"}
    procs = [
        subprocess.Popen([sys.executable, "-c", WRITER, str(db), who, str(ROUNDS)], env=env, text=True,
                         stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        for who in ("a", "b")
    ]
    for proc in procs:
        assert proc.stdout.readline() == "ready\n"
    for proc in procs:  # both start writing together
        proc.stdin.write("go\n")
        proc.stdin.flush()
    results = [proc.communicate(timeout=300) for proc in procs]
    for proc, (out, err) in zip(procs, results):
        assert "locked" not in err
        assert proc.returncode == 0, err
        assert out == "done\n"
    with Store.open(db) as store:
        with store.read() as conn:
            notes = [row.notes for row in activity.list_interactions(conn)]
    assert len(notes) == 2 * ROUNDS
    for who in ("a", "b"):
        assert sorted(int(n.split(":")[1]) for n in notes if n.startswith(who + ":")) == list(range(ROUNDS))
    # Every transaction saw every write committed before it: the counts are 0 .. 2N-1, each once.
    assert sorted(int(n.split(":")[2]) for n in notes) == list(range(2 * ROUNDS))


def _count(store: Store) -> int:
    with store.read() as conn:
        return conn.execute(select(func.count()).select_from(schema.contacts)).scalar_one()


def test_an_open_reader_sees_what_another_process_commits(tmp_path, home):
    """The TUI's store, open the whole time, picks up a contact the CLI adds in another process."""
    db = tmp_path / "keepwarm.db"
    reader = Store.open(db)
    try:
        assert _count(reader) == 0
        env = {**os.environ}
        with reader.read() as conn:  # a read in progress does not block the writer (WAL)
            assert conn.execute(select(func.count()).select_from(schema.contacts)).scalar_one() == 0
            done = subprocess.run([sys.executable, "-m", "keepwarm", "--db", str(db), "contact", "add", "Grace Hopper"],
                                  env=env, capture_output=True, text=True, timeout=120)
            assert done.returncode == 0, done.stderr
            # Inside the same transaction the snapshot holds still...
            assert conn.execute(select(func.count()).select_from(schema.contacts)).scalar_one() == 0
        # ...and the next read sees the new contact.
        assert _count(reader) == 1
        with reader.read() as conn:
            assert [c.name for c in people.list_contacts(conn)] == ["Grace Hopper"]
    finally:
        reader.close()


def test_wal_and_busy_timeout_are_set_on_every_connection(tmp_path):
    with Store.open(tmp_path / "keepwarm.db") as store:
        for _ in range(2):
            with store.engine.connect() as conn:
                assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
                assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == BUSY_TIMEOUT_MS
