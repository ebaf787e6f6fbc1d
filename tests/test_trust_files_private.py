"""Files keepwarm creates are private whatever the umask, and a killed copy leaves nothing behind for long."""

from __future__ import annotations

import os
import stat
import time

import pytest

from keepwarm.home import tempfiles
from keepwarm.io.files import write_private
from keepwarm.store import Store, backups


def mode(path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def open_umask():
    old = os.umask(0)
    try:
        yield
    finally:
        os.umask(old)


def test_an_empty_file_adopted_as_the_database_becomes_private(tmp_path):
    db = tmp_path / "adopted.db"
    db.touch()
    os.chmod(db, 0o644)
    Store.open(db).close()
    assert mode(db) == 0o600
    assert db.read_bytes().startswith(b"SQLite format 3\x00")


def test_every_folder_keepwarm_creates_is_0700_under_umask_000(tmp_path, open_umask):
    Store.open(tmp_path / "a" / "b" / "keepwarm.db").close()
    backups.backup_to(tmp_path / "a" / "b" / "keepwarm.db", tmp_path / "c" / "d" / "copy.db", tmp_path)
    write_private(tmp_path / "e" / "f" / "all.json", "{}")
    for folder in ("a", "a/b", "c", "c/d", "e", "e/f"):
        assert mode(tmp_path / folder) == 0o700, folder
    assert mode(tmp_path / "a" / "b" / "keepwarm.db") == 0o600
    assert mode(tmp_path / "c" / "d" / "copy.db") == 0o600
    assert mode(tmp_path / "e" / "f" / "all.json") == 0o600


def _aged(path, seconds: float) -> None:
    then = time.time() - seconds
    os.utime(path, (then, then))


def _leftover(target, age: float):
    fd, name = tempfiles.temp_beside(target)
    os.write(fd, b"half a copy")
    os.close(fd)
    _aged(name, age)
    return type(target)(name)


def test_a_killed_backups_temp_files_are_removed_at_the_next_start(tmp_path):
    db = tmp_path / "keepwarm.db"
    Store.open(db).close()
    stale = _leftover(tmp_path / "copy.db", tempfiles.STALE_AFTER_S + 60)
    journal = stale.with_name(stale.name + "-journal")
    journal.write_bytes(b"j")
    _aged(journal, tempfiles.STALE_AFTER_S + 60)
    busy = _leftover(tmp_path / "other.db", 5)  # another process still writing it
    theirs = tmp_path / ".notes.txt.abcdefgh.tmp"  # not ours: another program's name pattern
    theirs.write_text("keep me")
    _aged(theirs, 10 * tempfiles.STALE_AFTER_S)

    Store.open(db).close()

    assert not stale.exists() and not journal.exists()
    assert busy.exists() and theirs.exists()


def test_an_export_into_the_same_folder_removes_what_a_killed_export_left(tmp_path):
    stale = _leftover(tmp_path / "all.json", tempfiles.STALE_AFTER_S + 1)
    write_private(tmp_path / "all.json", "{}")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["all.json"]
    assert not stale.exists()


def test_an_ics_export_cleans_up_after_a_killed_one(run, tmp_path):
    run("contact", "add", "Ada Lovelace")
    stale = _leftover(tmp_path / "followups.ics", tempfiles.STALE_AFTER_S + 1)
    assert run("export", "ics", "-o", str(tmp_path / "followups.ics")).exit_code == 0
    assert not stale.exists()
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []


def test_doctor_lists_leftovers_with_the_command_that_removes_them(run, db_path):
    run("contact", "add", "Ada Lovelace")
    stale = _leftover(db_path.parent / "keepwarm.db.20261122T090000Z.bak", tempfiles.STALE_AFTER_S + 1)
    result = run("doctor", "--json")
    assert result.exit_code == 1
    [finding] = [f for f in result.json()["findings"] if f["check"] == "leftovers"]
    assert finding["message"] == (f"1 temporary file left by a backup or export that was stopped: {stale}")
    assert finding["fix"].endswith(f"rm {stale}")
    assert stale.exists()  # the doctor only looks
    run("contact", "list")
    assert not stale.exists()
