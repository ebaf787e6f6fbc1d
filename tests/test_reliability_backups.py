"""Backups: `keepwarm backup [FILE]` through SQLite's online backup API, automatic rotating copies
before migrations, restores and large imports, and `keepwarm doctor`."""

from __future__ import annotations

import os
import sqlite3
import stat

import pytest

from keepwarm.home import paths
from keepwarm.io.backup import collect
from keepwarm.model import Contact
from keepwarm.store import Store, backups
from keepwarm.store import contacts as people
from conftest import FIXED_NOW


def mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def data_of(path):
    with Store.open(path) as store:
        with store.read() as conn:
            return collect(conn)


@pytest.fixture
def filled(run, db_path):
    for args in (("contact", "add", "Ada Lovelace", "--account", "Engines", "--email", "ada@engines.example"),
                 ("contact", "add", "Charles Babbage"),
                 ("log", "Ada", "-c", "call", "--notes", "talked, at length")):
        assert run(*args).exit_code == 0
    return db_path


def test_backup_to_a_file_is_a_private_complete_database(run, filled, tmp_path):
    target = tmp_path / "out" / "copy.db"
    result = run("backup", str(target))
    assert result.exit_code == 0, result.stderr
    assert result.stdout == f"Backed up 2 contacts and 1 interaction to {target}\n"
    assert mode(target) == 0o600
    assert mode(target.parent) == 0o700
    conn = sqlite3.connect(target)
    try:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"  # one file, no WAL needed
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    finally:
        conn.close()
    assert data_of(target) == data_of(filled)
    assert sorted(p.name for p in target.parent.iterdir()) == ["copy.db"]


def test_backup_without_a_file_goes_to_the_backups_folder(run, filled):
    result = run("backup", "--json")
    assert result.exit_code == 0, result.stderr
    made = result.json()
    folder = paths.backups_dir()
    assert made["backup"] == str(folder / "keepwarm.db.20261122T090000Z.bak")
    assert made["counts"] == {"contacts": 2, "interactions": 1}
    assert mode(folder) == 0o700 and mode(made["backup"]) == 0o600
    again = run("backup", "--json").json()["backup"]  # same second: a new name, not an overwrite
    assert again == str(folder / "keepwarm.db.20261122T090000Z-2.bak")


def test_backup_refuses_to_overwrite_unless_forced_and_never_the_database(run, filled, tmp_path):
    target = tmp_path / "copy.db"
    target.write_text("precious", encoding="utf-8")
    refused = run("backup", str(target))
    assert (refused.exit_code, refused.stderr) == (
        2, f"keepwarm: {target}: exists already (choose another name, or use --force to replace it)\n")
    assert target.read_text(encoding="utf-8") == "precious"
    assert run("backup", str(target), "--force").exit_code == 0
    assert data_of(target)["contacts"][0]["name"] == "Ada Lovelace"
    itself = run("backup", str(filled), "--force")
    assert itself.exit_code == 2 and "is the database itself" in itself.stderr
    folder = run("backup", str(tmp_path))
    assert folder.exit_code == 2 and "is a folder" in folder.stderr


def test_a_backup_taken_during_a_write_holds_only_what_was_committed(tmp_path):
    db = tmp_path / "keepwarm.db"
    with Store.open(db) as store:
        with store.write() as conn:
            people.insert_contact(conn, Contact(name="Committed"), FIXED_NOW)
        with store.write() as conn:
            people.insert_contact(conn, Contact(name="In flight"), FIXED_NOW)
            copy = backups.backup_to(db, tmp_path / "copy.db", tmp_path)
    assert [c["name"] for c in data_of(copy)["contacts"]] == ["Committed"]


def test_automatic_copies_rotate_keeping_the_newest(tmp_path, home):
    db = tmp_path / "keepwarm.db"
    folder = tmp_path / "backups"
    with Store.open(db, backup_dir=folder) as store:
        made = []
        for n in range(backups.KEEP + 3):
            with store.write() as conn:
                people.insert_contact(conn, Contact(name=f"Person {n}"), FIXED_NOW)
            made.append(store.copy_aside("import"))
    kept = [c.path for c in backups.automatic_copies(folder, "keepwarm.db")]
    assert kept == made[-backups.KEEP:]
    assert sorted(folder.iterdir()) == sorted(kept)
    assert len(data_of(kept[-1])["contacts"]) == backups.KEEP + 3
    # A copy the user made is never rotated away.
    manual = backups.backup_to(db, None, folder)
    with Store.open(db, backup_dir=folder) as store:
        store.copy_aside("import")
    assert manual.exists()


def _csv(path, rows: int) -> None:
    lines = ["Name,E-mail 1 - Value"] + [f"Person {i},p{i}@example.com" for i in range(rows)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def test_a_large_import_is_preceded_by_a_copy_a_small_one_and_a_dry_run_are_not(run, filled, tmp_path):
    folder = paths.backups_dir()
    small, large = tmp_path / "small.csv", tmp_path / "large.csv"
    _csv(small, 5)
    _csv(large, backups.LARGE_IMPORT)
    assert run("import", "csv", str(small)).exit_code == 0
    assert run("import", "csv", str(large), "--dry-run").exit_code == 0
    assert backups.automatic_copies(folder, "keepwarm.db") == []
    assert run("import", "csv", str(large)).exit_code == 0
    [copy] = backups.automatic_copies(folder, "keepwarm.db")
    assert copy.reason == "import" and mode(copy.path) == 0o600
    # The copy is the database as it was before the import.
    assert len(data_of(copy.path)["contacts"]) == 2 + 5


def test_no_copy_no_import(run, filled, tmp_path):
    paths.backups_dir().rmdir() if paths.backups_dir().exists() else None
    paths.backups_dir().write_text("a file where the backups folder should be", encoding="utf-8")
    large = tmp_path / "large.csv"
    _csv(large, backups.LARGE_IMPORT)
    before = data_of(filled)
    result = run("import", "csv", str(large))
    assert result.exit_code == 2
    assert result.stderr.startswith(f"keepwarm: {filled}: nothing was changed, because the automatic copy before the import")
    assert data_of(filled) == before


def test_a_restore_makes_no_copy_of_the_empty_database_it_fills(run, filled, tmp_path, monkeypatch):
    dump = tmp_path / "all.json"
    assert run("export", "json", "-o", str(dump)).exit_code == 0
    monkeypatch.setenv("KEEPWARM_HOME", str(tmp_path / "other"))
    assert run("restore", str(dump)).exit_code == 0
    # A restore only goes into an empty database: a copy of it would take back nothing.
    assert backups.automatic_copies(paths.backups_dir(), "keepwarm.db") == []
