"""Issue 17, point 9: a restore or an import into a new, empty database leaves no `.bak` copy
of that empty file; a large import into a database holding data still copies it first."""

from __future__ import annotations

import json

from keepwarm.store import backups


def _large_csv(path, first: int = 0) -> None:
    rows = [f"Person {i},p{i}@example.com" for i in range(first, first + backups.LARGE_IMPORT)]
    path.write_text("Name,E-mail 1 - Value,Labels\n" + "".join(f"{r},\n" for r in rows), encoding="utf-8")


def _copies(folder):
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".bak"))


def test_a_large_import_into_a_new_database_leaves_no_copy_of_the_empty_file(run, tmp_path):
    work = tmp_path / "work"
    work.mkdir()
    large = tmp_path / "large.csv"
    _large_csv(large)
    result = run("--db", str(work / "new.db"), "import", "csv", str(large), "--json")
    assert result.exit_code == 0, result.stderr
    assert result.json()["counts"]["created"] == backups.LARGE_IMPORT
    assert _copies(work) == []
    # The next large import has data to protect: that one is copied first, holding the 500 people.
    more = tmp_path / "more.csv"
    _large_csv(more, first=backups.LARGE_IMPORT)
    assert run("--db", str(work / "new.db"), "import", "csv", str(more)).exit_code == 0
    [copy] = _copies(work)
    assert copy.startswith("new.db.before-import.")


def test_a_restore_into_a_new_database_leaves_no_copy_of_the_empty_file(run, tmp_path):
    work = tmp_path / "work"
    work.mkdir()
    source = tmp_path / "source.db"
    assert run("--db", str(source), "contact", "add", "Ada Lovelace").exit_code == 0
    dump = tmp_path / "all.json"
    assert run("--db", str(source), "export", "json", "-o", str(dump)).exit_code == 0
    for n in range(2):
        result = run("--db", str(work / f"new{n}.db"), "restore", str(dump), "--json")
        assert result.exit_code == 0, result.stderr
        assert result.json()["restored"]["contacts"] == 1
    assert _copies(work) == []
    listed = run("--db", str(work / "new1.db"), "contact", "list", "--json")
    assert [c["name"] for c in json.loads(listed.stdout)] == ["Ada Lovelace"]
