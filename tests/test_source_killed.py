"""A sync killed at any point goes on from where it stopped, with nothing half-written and nothing twice.

`keepwarm sync` runs as its own process on a Maildir of 8,000 messages and
is killed (SIGKILL: no handler runs) as soon as it has saved some of them,
then run again to the end. The book must equal the one a single, uninterrupted
sync makes of the same Maildir: the same touches, replies and unanswered mail.
"""

from __future__ import annotations

import datetime as dt
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import FIXED_NOW

ME = "me@corp.example"
MESSAGES = 8_000
PEOPLE = 40


def _maildir(root: Path, messages: int = MESSAGES) -> Path:
    """Messages written straight into cur/ (as a mail program leaves them), some answered, some not."""
    from email.utils import format_datetime

    for sub in ("cur", "new", "tmp"):
        (root / sub).mkdir(parents=True, exist_ok=True)
    for n in range(messages):
        person = f"person{n % PEOPLE}@client.example"
        when = FIXED_NOW - dt.timedelta(minutes=40 * (messages - n))
        mine = n % 3 == 0
        head = [f"Message-ID: <m{n}@x>", f"Date: {format_datetime(when)}",
                f"From: {ME if mine else person}", f"To: {person if mine else ME}"]
        if not mine and n % 3 == 1:
            head.append(f"In-Reply-To: <m{n - 1}@x>")
        (root / "cur" / f"{1700000000 + n}.M{n}.test:2,S").write_text("\r\n".join(head) + "\r\n\r\nhi\r\n")
    return root


def _env(home: Path) -> dict[str, str]:
    return {**os.environ, "KEEPWARM_HOME": str(home), "KEEPWARM_NOW": FIXED_NOW.isoformat(), "TZ": "UTC",
            "PYTHONPATH": os.pathsep.join(p for p in sys.path if p)}


def _keepwarm(home: Path, *args: str, **kwargs) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "keepwarm", *args], env=_env(home), stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, **kwargs)


def _book(home: Path, maildir: Path) -> Path:
    (home / "config").mkdir(parents=True, exist_ok=True)
    (home / "config" / "config.toml").write_text(
        f'me = ["{ME}"]\n[sources.work]\nkind = "maildir"\npath = "{maildir}"\n', encoding="utf-8")
    cards = home / "people.vcf"
    cards.write_text("".join(f"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Person {n}\r\nEMAIL:person{n}@client.example\r\n"
                             "END:VCARD\r\n" for n in range(PEOPLE)), encoding="utf-8")
    done = _keepwarm(home, "import", "vcard", str(cards))
    assert done.wait(60) == 0, done.stderr.read()
    return home / "data" / "keepwarm.db"


def _state(db: Path) -> list[tuple]:
    conn = sqlite3.connect(db)
    try:
        return conn.execute(
            "SELECT c.external_id, i.contact_id, i.at, i.direction, i.responded, i.response_hours, i.in_reply "
            "FROM interactions i JOIN captures c ON c.id = i.capture_id ORDER BY c.external_id, i.contact_id"
        ).fetchall()
    finally:
        conn.close()


def _saved(db: Path) -> int:
    try:
        conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=0.1)
        try:
            return conn.execute("SELECT count(*) FROM captures").fetchone()[0]
        finally:
            conn.close()
    except sqlite3.Error:
        return 0


@pytest.mark.xdist_group("slow-subprocess")
def test_a_killed_sync_resumes_and_ends_as_an_uninterrupted_one(tmp_path):
    maildir = _maildir(tmp_path / "Mail")
    whole = _book(tmp_path / "whole", maildir)
    once = _keepwarm(tmp_path / "whole", "sync")
    assert once.wait(600) == 0, once.stderr.read()
    expected = _state(whole)
    assert len(expected) == MESSAGES

    killed = _book(tmp_path / "killed", maildir)
    run = _keepwarm(tmp_path / "killed", "sync")
    deadline = time.monotonic() + 600
    while _saved(killed) == 0 and run.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    assert run.poll() is None, "the sync ended before it could be killed in the middle"
    run.send_signal(signal.SIGKILL)
    run.wait(30)
    partial = _saved(killed)
    assert 0 < partial < MESSAGES, partial
    again = _keepwarm(tmp_path / "killed", "sync", "--json")
    out, err = again.communicate(timeout=600)
    assert again.returncode == 0, err
    assert _state(killed) == expected


@pytest.mark.xdist_group("slow-subprocess")
def test_ctrl_c_stops_after_the_item_being_read_and_the_next_sync_goes_on(tmp_path):
    maildir = _maildir(tmp_path / "Mail", 16_000)
    db = _book(tmp_path / "home", maildir)
    run = _keepwarm(tmp_path / "home", "sync")
    deadline = time.monotonic() + 600
    while _saved(db) == 0 and run.poll() is None and time.monotonic() < deadline:
        time.sleep(0.02)
    assert run.poll() is None, "the sync ended before Ctrl-C could be pressed in the middle"
    run.send_signal(signal.SIGINT)
    out, err = run.communicate(timeout=600)
    assert run.returncode == 130, err
    assert "Stopping after the message or event being read" in err and "Traceback" not in err
    assert out.strip().endswith("(stopped; the next sync goes on from here)"), out
    stopped = _saved(db)
    assert 0 < stopped < 16_000
    again = _keepwarm(tmp_path / "home", "sync", "--json")
    out, err = again.communicate(timeout=600)
    assert again.returncode == 0, err
    assert _saved(db) == 16_000
