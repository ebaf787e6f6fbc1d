"""The notes travel in the JSON backup: out and back byte for byte, checked as every record is, and a
backup made before notes existed (version 2, no `notes` section) still restores. Also the migration
that adds their table to a database of the schema before."""

from __future__ import annotations

import json
import shutil
import sqlite3
import sys
from pathlib import Path

import pytest

from keepwarm.io import backup, restore, restore_stream
from keepwarm.store import Store, migrate

sys.path.insert(0, str(Path(__file__).parent / "fixtures_db"))
from build import fixture_path  # noqa: E402


def _book(run) -> None:
    for step in (
        ("contact", "add", "Ada Lovelace", "--email", "ada@engines.example"),
        ("contact", "add", "Charles Babbage"),
        ("log", "ada", "-c", "call", "--when", "2026-11-20 10:00"),
        ("note", "add", "ada", "Met at the Royal Society dinner", "--on", "2025-03-01", "--kind", "how-we-met"),
        ("note", "add", "ada", "Two kids\n\tByron and Annabella", "--kind", "family"),
        ("note", "add", "charles", "Gift idea: \u00e9clairs from Paris (\u00e7a va)", "--kind", "gift",
         "--on", "2026-11-01"),
    ):
        result = run(*step)
        assert result.exit_code == 0, (step, result.stderr)


@pytest.mark.parametrize("layout", ["ours", "one line"])
def test_notes_go_out_and_come_back_byte_for_byte(run, tmp_path, monkeypatch, layout):
    _book(run)
    first = tmp_path / "first.json"
    assert run("export", "json", "-o", str(first)).exit_code == 0
    data = json.loads(first.read_text(encoding="utf-8"))
    assert data["version"] == 5
    assert [(n["id"], n["contact_id"], n["on"], n["kind"], n["text"]) for n in data["notes"]] == [
        (1, 1, "2025-03-01", "how_we_met", "Met at the Royal Society dinner"),
        (2, 1, "2026-11-22", "family", "Two kids\n\tByron and Annabella"),
        (3, 2, "2026-11-01", "gift", "Gift idea: \u00e9clairs from Paris (\u00e7a va)"),
    ]
    source = first
    if layout == "one line":  # not our layout: parsed whole
        source = tmp_path / "flat.json"
        source.write_text(json.dumps(data), encoding="utf-8")
        assert restore_stream.plan(source) is None
    monkeypatch.setenv("KEEPWARM_HOME", str(tmp_path / "elsewhere"))
    restored = run("restore", str(source))
    assert restored.exit_code == 0, restored.stderr
    assert "1 interaction, 0 promises, 1 follow-up, 0 assessments, 3 notes, 0 rule files" in restored.stdout
    second = tmp_path / "second.json"
    assert run("export", "json", "-o", str(second)).exit_code == 0
    assert second.read_bytes() == first.read_bytes()
    view = run("contact", "show", "ada", "--json").json()
    assert [n["text"] for n in view["notes"]] == ["Two kids\n\tByron and Annabella", "Met at the Royal Society dinner"]


@pytest.mark.parametrize("layout", ["ours", "one line"])
def test_a_backup_from_before_the_notes_still_restores(run, tmp_path, monkeypatch, layout):
    _book(run)
    data = json.loads(run("export", "json").stdout)
    old = {key: value for key, value in data.items() if key not in ("notes", "links")}
    old["version"] = 2
    path = tmp_path / "old.json"
    path.write_text(backup.dumps(old) if layout == "ours" else json.dumps(old), encoding="utf-8")
    monkeypatch.setenv("KEEPWARM_HOME", str(tmp_path / "elsewhere"))
    restored = run("restore", str(path))
    assert restored.exit_code == 0, restored.stderr
    assert restored.stdout.startswith("Restored 2 contacts, 0 accounts, 1 interaction, 0 promises, 1 follow-up, "
                                      "0 assessments, 0 rule files into ")
    again = json.loads(run("export", "json").stdout)
    assert again["notes"] == [] and again["links"] == [] and again["version"] == 5
    assert {k: v for k, v in again.items() if k not in ("notes", "links", "version")} == {
        k: v for k, v in old.items() if k != "version"}


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda n: n.__setitem__("contact_id", 9), "notes[0].contact_id: no contact with id 9 in this backup"),
        (lambda n: n.__setitem__("kind", "spouse"), "notes[0].kind: 'spouse' is not one of: "),
        (lambda n: n.__setitem__("text", "  "), "notes[0].text: empty (expected some text)"),
        (lambda n: n.__setitem__("on", "2026-02-30"), "notes[0].on: "),
        (lambda n: n.pop("created_at"), "notes[0].created_at: missing (it is required)"),
    ],
    ids=["contact", "kind", "text", "date", "stamp"],
)
@pytest.mark.parametrize("layout", ["ours", "one line"])
def test_a_bad_note_in_a_backup_is_named_and_nothing_is_restored(run, tmp_path, change, message, layout):
    _book(run)
    data = json.loads(run("export", "json").stdout)
    change(data["notes"][0])
    path = tmp_path / "bad.json"
    path.write_text(backup.dumps(data) if layout == "ours" else json.dumps(data), encoding="utf-8")
    target = tmp_path / "empty.db"
    result = run("--db", str(target), "restore", str(path))
    assert result.exit_code == 2
    assert message in result.stderr and result.stderr.count("\n") == 1
    with Store.open(target) as store, store.read() as conn:
        assert set(backup.table_counts(conn).values()) == {0}


def test_a_restore_with_notes_is_written_by_the_whole_file_parse_too(run, tmp_path):
    _book(run)
    data = json.loads(run("export", "json").stdout)
    flat = tmp_path / "flat.json"
    flat.write_text(json.dumps(data), encoding="utf-8")
    with Store.open(tmp_path / "whole.db") as store:
        counts = restore.restore(store, flat)
        assert counts["notes"] == 3
        with store.read() as conn:
            assert backup.collect(conn)["notes"] == data["notes"]


def test_a_database_of_the_schema_before_gains_the_notes_table_and_keeps_its_data(home, tmp_path):
    before = "0009"  # the schema this migration follows
    path = tmp_path / "old.db"
    shutil.copyfile(fixture_path(before), path)
    with Store.open(path) as store:
        assert store.schema_version() == migrate.HEAD
    conn = sqlite3.connect(path)
    try:
        conn.execute("PRAGMA foreign_keys = ON")
        assert conn.execute("SELECT name FROM contacts ORDER BY id").fetchall() == [
            ("Ada Lovelace",), ("Charles Babbage",)]
        assert conn.execute("SELECT count(*) FROM contact_notes").fetchone() == (0,)
        columns = [row[1] for row in conn.execute("PRAGMA table_info(contact_notes)")]
        assert columns == ["id", "contact_id", "on", "kind", "text", "created_at"]
        conn.execute("INSERT INTO contact_notes (contact_id, \"on\", text, created_at)"
                     " VALUES (2, '2026-11-01', 'likes engines', '2026-11-01 10:00:00')")
        assert conn.execute("SELECT kind FROM contact_notes").fetchall() == [("other",)]
        conn.execute("DELETE FROM contacts WHERE id = 2")
        assert conn.execute("SELECT count(*) FROM contact_notes").fetchone() == (0,)
        # Writing a note marks nothing for the engine (no trigger on the table but the search index's, 0013).
        assert conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'contact_notes' "
            "AND name NOT LIKE 'trg_search_notes_%'").fetchall() == []
    finally:
        conn.close()
