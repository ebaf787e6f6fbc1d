"""Inputs at the edges end in one line and exit 2, with nothing written, never in a traceback.

Dates at the ends of the calendar, a byte that is not UTF-8, an over-long
account, an id larger than SQLite's integers, a deeply nested backup, and a
disk that fills during an import.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

EDGES = ("0001-01-01T00:00+14:00", "9999-12-31T23:59:59.999999-12:00")
TOO_BIG = str(2**64)


def one_line(result, *words: str) -> str:
    assert result.exit_code == 2, (result.stdout, result.stderr)
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr, result.stderr
    for word in words:
        assert word in result.stderr
    return result.stderr


@pytest.fixture
def ann(run):
    assert run("contact", "add", "Ann").exit_code == 0
    return run


@pytest.mark.parametrize("edge", EDGES)
def test_a_time_at_the_end_of_the_calendar_is_refused_by_log_followup_and_promise(ann, edge):
    one_line(ann("log", "Ann", "-c", "email", "--when", edge), "when:", "outside the calendar")
    one_line(ann("followup", "add", "Ann", "call", "--due", edge), "due:", "outside the calendar")
    one_line(ann("promise", "add", "Ann", "send it", "--due", edge[:10]), "due:", "outside the calendar")
    assert ann("history", "Ann", "--json").json() == []
    assert [f for f in ann("followup", "list", "--json").json() if f["source"] == "manual"] == []
    assert ann("promise", "list", "--json").json() == []


def _backup_with(run, tmp_path, section: str, record: dict) -> Path:
    assert run("contact", "add", "Ann").exit_code == 0
    path = tmp_path / "backup.json"
    assert run("export", "json", "-o", str(path)).exit_code == 0
    data = json.loads(path.read_text(encoding="utf-8"))
    data[section] = [record]
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


@pytest.mark.parametrize("field", ["at", "created_at"])
@pytest.mark.parametrize("edge", EDGES)
def test_a_restore_record_at_the_end_of_the_calendar_is_one_line(run, tmp_path, monkeypatch, field, edge):
    touch = {"id": 1, "contact_id": 1, "at": "2026-11-20T10:00:00Z", "channel": "email",
             "created_at": "2026-11-20T10:00:00Z", field: edge}
    path = _backup_with(run, tmp_path, "interactions", touch)
    monkeypatch.setenv("KEEPWARM_HOME", str(tmp_path / "elsewhere"))
    one_line(run("restore", str(path)), f"interactions[0].{field}", "end of the calendar")
    assert run("contact", "list", "--json").json() == []


def test_a_restore_record_id_larger_than_sqlite_integers_is_one_line(run, tmp_path, monkeypatch):
    touch = {"id": 2**64, "contact_id": 1, "at": "2026-11-20T10:00:00Z", "channel": "email",
             "created_at": "2026-11-20T10:00:00Z"}
    path = _backup_with(run, tmp_path, "interactions", touch)
    monkeypatch.setenv("KEEPWARM_HOME", str(tmp_path / "elsewhere"))
    one_line(run("restore", str(path)), "interactions[0].id", "too large")


@pytest.mark.parametrize("layout", ["one line", "a record per line"])
def test_a_deeply_nested_backup_is_one_line(run, tmp_path, monkeypatch, layout):
    path = _backup_with(run, tmp_path, "interactions", {"id": 1})
    text = path.read_text(encoding="utf-8")
    deep = "[" * 100_000 + "]" * 100_000
    if layout == "one line":
        text = text.replace('"interactions": [{"id": 1}]', f'"interactions": [{{"id": 1, "at": {deep}}}]')
    else:
        assert run("export", "json", "-o", str(path)).exit_code == 0  # the exported layout: a record per line
        text = path.read_text(encoding="utf-8").replace('"interactions": [],', f'"interactions": [\n    {{"at": {deep}}}\n  ],')
    path.write_text(text, encoding="utf-8")
    monkeypatch.setenv("KEEPWARM_HOME", str(tmp_path / "elsewhere"))
    one_line(run("restore", str(path)), "nested too deeply")


def test_a_byte_that_is_not_utf8_in_an_argument_is_one_line(ann):
    # Python hands a command line byte that is not UTF-8 over as a lone surrogate (surrogateescape).
    one_line(ann("contact", "add", "Bj\udcf6rn"), "not valid UTF-8", "Bj\\xf6rn")
    one_line(ann("log", "Ann", "-c", "email", "--notes", "caf\udce9"), "not valid UTF-8")
    assert [c["name"] for c in ann("contact", "list", "--json").json()] == ["Ann"]


def test_a_byte_that_is_not_utf8_from_a_real_command_line_is_one_line(home, tmp_path):
    env = {**os.environ, "KEEPWARM_DB": str(tmp_path / "k.db"), "PYTHONPATH": os.pathsep.join(sys.path)}
    expected = "is not valid UTF-8 text (expected UTF-8, check the terminal's encoding)\n"
    for args, number in ((["contact", "add", b"Bj\xf6rn"], 3), (["contact", "list", "--search", b"Bj\xf6rn"], 4)):
        done = subprocess.run([sys.executable, "-m", "keepwarm", *args], env=env, capture_output=True, check=False)
        assert done.returncode == 2
        assert done.stderr.decode() == f"keepwarm: argument {number} (Bj\\xf6rn) {expected}"


def test_an_overlong_account_is_one_line(ann):
    one_line(ann("contact", "add", "Bob", "--account", "A" * 20_000), "account: too long", "at most 10,000")
    one_line(ann("contact", "edit", "Ann", "--account", "A" * 20_000), "account: too long")
    assert ann("contact", "show", "Ann", "--json").json()["contact"]["account"] is None


@pytest.mark.parametrize(
    "args, words",
    [
        (("contact", "show", TOO_BIG), ("no contact with id",)),
        (("history", TOO_BIG), ("no contact with id",)),
        (("account", "show", TOO_BIG), ("account",)),
        (("followup", "done", TOO_BIG), ("out of range", "9223372036854775807")),
        (("promise", "done", TOO_BIG), ("out of range",)),
        (("log", TOO_BIG, "-c", "email"), ("no contact with id",)),
    ],
)
def test_an_id_larger_than_sqlite_integers_is_one_line(ann, args, words):
    one_line(ann(*args), *words)


# ------------------------------------------------------------------ a disk that fills

def _vcards(path: Path, count: int) -> None:
    with path.open("w", encoding="utf-8", newline="") as fh:
        for i in range(count):
            fh.write(f"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Person {i} Secretname\r\nEMAIL:p{i}@example.com\r\n"
                     f"NOTE:{'private note ' * 20}\r\nEND:VCARD\r\n")


def _import_under_a_size_limit(db: Path, cards: Path, limit: int) -> subprocess.CompletedProcess:
    """The import in a process whose files may not grow past `limit` bytes: writes fail with EFBIG."""
    script = textwrap.dedent(f"""
        import resource, signal, sys
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a failed write, not a killed process
        resource.setrlimit(resource.RLIMIT_FSIZE, ({limit}, {limit}))
        from keepwarm.cli import main
        sys.argv = ["keepwarm", "--db", {str(db)!r}, "import", "vcard", {str(cards)!r}]
        main()
    """)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    return subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, check=False)


def _check_one_line_and_nothing_imported(run, db: Path, done) -> None:
    assert done.returncode == 2, done.stderr[-2000:]
    assert done.stderr.count("\n") == 1 and "Traceback" not in done.stderr, done.stderr[-2000:]
    assert "Secretname" not in done.stderr and "private note" not in done.stderr
    assert str(db) in done.stderr and "the change in progress was undone" in done.stderr
    assert [c["name"] for c in run("--db", str(db), "contact", "list", "--json").json()] == ["Ann"]


posix_only = pytest.mark.skipif(not hasattr(os, "fork"), reason="resource limits are POSIX")


@posix_only
def test_an_import_that_meets_a_file_size_limit_is_one_line_and_keeps_the_database(run, home, tmp_path):
    db = tmp_path / "k.db"
    assert run("--db", str(db), "contact", "add", "Ann").exit_code == 0
    cards = tmp_path / "many.vcf"
    _vcards(cards, 3000)
    done = _import_under_a_size_limit(db, cards, db.stat().st_size + 64 * 1024)
    _check_one_line_and_nothing_imported(run, db, done)
    assert "disk I/O error" in done.stderr


@pytest.fixture
def tiny_disk(tmp_path):
    """A 1600 KiB tmpfs: a disk that really fills (ENOSPC), with room for the database and its copy aside. Mounting needs root, so elsewhere this is skipped."""
    mount = tmp_path / "tiny"
    mount.mkdir()
    made = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1600k", "tmpfs", str(mount)],
                          capture_output=True, check=False) if os.geteuid() == 0 else None
    if made is None or made.returncode != 0:
        pytest.skip("a small tmpfs cannot be mounted here (needs root)")
    yield mount
    subprocess.run(["umount", str(mount)], check=False)


def test_an_import_onto_a_full_disk_is_one_line_and_keeps_the_database(run, home, tmp_path, tiny_disk):
    db = tiny_disk / "k.db"
    assert run("--db", str(db), "contact", "add", "Ann").exit_code == 0
    cards = tmp_path / "many.vcf"
    _vcards(cards, 3000)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    done = subprocess.run([sys.executable, "-m", "keepwarm", "--db", str(db), "import", "vcard", str(cards)],
                          env=env, capture_output=True, text=True, check=False)
    _check_one_line_and_nothing_imported(run, db, done)
    assert "the disk is full" in done.stderr
