"""Read-only media and full disks: the data stays readable, and `doctor` does not say "All good".

A real read-only or full filesystem is used where the test can make one (a
small tmpfs, when running as root); a user's read-only file (mode 0444 in a
0555 folder) otherwise.
"""

from __future__ import annotations

import collections
import json
import os
import shutil
import subprocess

import pytest


def _mount(folder, *options: str) -> bool:
    if os.getuid() != 0 or not shutil.which("mount"):
        return False
    folder.mkdir(exist_ok=True)
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", ",".join(options), "tmpfs", str(folder)],
                          capture_output=True)
    return done.returncode == 0


@pytest.fixture
def media(tmp_path):
    """A folder on its own small filesystem (root only), unmounted afterwards."""
    folder = tmp_path / "media"
    if not _mount(folder, "size=2m"):
        pytest.skip("needs root and tmpfs mounts to make a real small filesystem")
    yield folder
    subprocess.run(["umount", "-l", str(folder)], check=False)


@pytest.fixture
def read_only_db(run, tmp_path):
    """A database with one contact that keepwarm cannot change: a read-only mount as root, else mode 0444."""
    if os.getuid() == 0:
        folder = tmp_path / "ro"
        if not _mount(folder, "size=4m"):
            pytest.skip("as root, only a read-only mount makes a file read-only")
        db = folder / "keepwarm.db"
        assert run("--db", str(db), "contact", "add", "Ada Lovelace", "--email", "ada@example.org").exit_code == 0
        subprocess.run(["mount", "-o", "remount,ro", str(folder)], check=True)
        yield db
        subprocess.run(["umount", "-l", str(folder)], check=False)
    else:
        folder = tmp_path / "ro"
        folder.mkdir()
        db = folder / "keepwarm.db"
        assert run("--db", str(db), "contact", "add", "Ada Lovelace", "--email", "ada@example.org").exit_code == 0
        os.chmod(db, 0o444)
        os.chmod(folder, 0o555)
        yield db
        os.chmod(folder, 0o755)


def test_a_read_only_database_is_listed_exported_and_backed_up(run, read_only_db, tmp_path):
    before = read_only_db.read_bytes()
    listed = run("--db", str(read_only_db), "contact", "list", "--json")
    assert listed.exit_code == 0, listed.stderr
    assert [c["name"] for c in listed.json()] == ["Ada Lovelace"]

    exported = run("--db", str(read_only_db), "export", "json", "-o", str(tmp_path / "all.json"))
    assert exported.exit_code == 0, exported.stderr
    assert [c["name"] for c in json.loads((tmp_path / "all.json").read_text())["contacts"]] == ["Ada Lovelace"]

    copied = run("--db", str(read_only_db), "backup", str(tmp_path / "copy.db"))
    assert copied.exit_code == 0, copied.stderr
    again = run("--db", str(tmp_path / "copy.db"), "contact", "list", "--json")
    assert [c["name"] for c in again.json()] == ["Ada Lovelace"]

    agenda = run("--db", str(read_only_db), "agenda", "--json")
    assert agenda.exit_code == 0, agenda.stderr  # advice from what the file holds; nothing stored

    logged = run("--db", str(read_only_db), "log", "Ada", "-c", "call")
    assert logged.exit_code == 2
    assert logged.stderr.startswith(f"keepwarm: {read_only_db}: nothing was written, because ")
    assert len(logged.stderr.splitlines()) == 1
    assert read_only_db.read_bytes() == before
    assert sorted(p.name for p in read_only_db.parent.iterdir()) == ["keepwarm.db"]


def test_doctor_reports_a_read_only_database_with_the_way_out(run, read_only_db):
    result = run("--db", str(read_only_db), "doctor", "--json")
    assert result.exit_code == 1
    [storage] = [f for f in result.json()["findings"] if f["check"] == "storage"]
    assert storage["ok"] is False
    assert storage["message"].startswith(f"{read_only_db}: read-only (")
    assert storage["message"].endswith("keepwarm can list, export and back it up, but cannot record anything")
    assert f"keepwarm --db {read_only_db} backup COPY.db" in storage["fix"]


def test_doctor_finds_a_full_disk(run, media):
    db = media / "keepwarm.db"
    assert run("--db", str(db), "contact", "add", "Ada Lovelace").exit_code == 0
    fd = os.open(media / "filler", os.O_WRONLY | os.O_CREAT, 0o600)
    try:
        while True:
            os.write(fd, b"\0" * 4096)
    except OSError:
        pass
    finally:
        os.close(fd)
    result = run("--db", str(db), "doctor")
    assert result.exit_code == 1
    assert "All good" not in result.stdout
    assert f"PROBLEM  storage      {media}: a test write failed (No space left on device)" in result.stdout
    assert f"PROBLEM  storage      only 0 bytes free on the filesystem of {media}" in result.stdout
    assert sorted(p.name for p in media.iterdir() if p.name.startswith(".")) == []  # the probe left nothing


def test_doctor_warns_when_less_room_is_left_than_a_copy_of_the_database_needs(run, db_path, monkeypatch):
    assert run("contact", "add", "Ada Lovelace").exit_code == 0
    import keepwarm.doctor.checks

    usage = collections.namedtuple("usage", "total used free")
    monkeypatch.setattr(keepwarm.doctor.checks.shutil, "disk_usage", lambda _folder: usage(10**9, 10**9 - 3 * 1024**2, 3 * 1024**2))
    result = run("doctor", "--json")
    assert result.exit_code == 1
    [storage] = [f for f in result.json()["findings"] if f["check"] == "storage"]
    assert storage["message"] == (f"only 3.0 MB free on the filesystem of {db_path.parent}: imports, backups and "
                                  "upgrades need room (at least 50.0 MB, as much as the database for a copy)")


def test_doctor_on_a_roomy_writable_disk_says_so(run, db_path):
    assert run("contact", "add", "Ada Lovelace").exit_code == 0
    result = run("doctor", "--json")
    [storage] = [f for f in result.json()["findings"] if f["check"] == "storage"]
    assert storage["ok"] is True
    assert storage["message"].endswith(f"free in {db_path.parent}; a test write worked")
    assert sorted(p.name for p in db_path.parent.iterdir() if p.name.startswith(".")) == []
