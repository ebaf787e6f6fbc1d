"""Values that cannot be right are refused at the door, and a mistyped --db path is never created.

`--response-hours inf` is no duration; notes and tags are bounded as names
are; `promise add --due ''` is refused as `followup add --due ''` is; read
commands and `import --dry-run` on a path where no database is create
nothing there.
"""

from __future__ import annotations

import json
import math
import sqlite3

import pytest


def one_line(result, *words: str) -> str:
    assert result.exit_code == 2, (result.stdout, result.stderr)
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr, result.stderr
    for word in words:
        assert word in result.stderr, result.stderr
    return result.stderr


@pytest.fixture
def ann(run):
    assert run("contact", "add", "Ann").exit_code == 0
    return run


# ------------------------------------------------------------------ response hours


@pytest.mark.parametrize("hours", ["inf", "Infinity", "nan", "-inf", "-1"])
def test_response_hours_must_be_a_finite_duration(ann, hours):
    one_line(ann("log", "Ann", "-c", "email", "--response-hours", hours), "--response-hours", "finite number")
    assert ann("history", "Ann", "--json").json() == []


def test_a_finite_response_time_is_kept(ann):
    assert ann("log", "Ann", "-c", "email", "--responded", "--response-hours", "4.5").exit_code == 0
    assert ann("history", "Ann", "--json").json()[0]["response_hours"] == 4.5


def test_a_restore_with_infinite_response_hours_is_refused(run, tmp_path, monkeypatch):
    assert run("contact", "add", "Ann").exit_code == 0
    path = tmp_path / "backup.json"
    assert run("export", "json", "-o", str(path)).exit_code == 0
    data = json.loads(path.read_text(encoding="utf-8"))
    data["interactions"] = [{"id": 1, "contact_id": 1, "at": "2026-11-20T10:00:00Z", "channel": "email",
                             "response_hours": math.inf, "created_at": "2026-11-20T10:00:00Z"}]
    path.write_text(json.dumps(data), encoding="utf-8")  # json writes the non-standard Infinity
    monkeypatch.setenv("KEEPWARM_HOME", str(tmp_path / "elsewhere"))
    one_line(run("restore", str(path)), "interactions[0].response_hours", "finite")


def test_an_infinity_stored_by_an_older_version_reads_back_as_unknown(ann, db_path):
    assert ann("log", "Ann", "-c", "email", "--response-hours", "3").exit_code == 0
    with sqlite3.connect(db_path) as conn:
        conn.execute("UPDATE interactions SET response_hours = 9e999")
    [touch] = ann("history", "Ann", "--json").json()
    assert touch["response_hours"] is None
    exported = ann("export", "json")
    assert "Infinity" not in exported.stdout
    assert json.loads(exported.stdout)["interactions"][0]["response_hours"] is None


# ------------------------------------------------------------------ lengths


@pytest.mark.parametrize(
    "args, field",
    [
        (("contact", "add", "Bob", "--notes", "n" * 100_001), "notes"),
        (("account", "add", "Acme", "--notes", "n" * 100_001), "notes"),
        (("contact", "add", "Bob", "--tag", "t" * 201), "tags.0"),
    ],
)
def test_notes_and_tags_have_a_length_limit_named_in_the_error(ann, args, field):
    limit = "100,000" if field == "notes" else "200"
    one_line(ann(*args), f"{field}: too long", f"at most {limit}")
    assert [c["name"] for c in ann("contact", "list", "--json").json()] == ["Ann"]
    assert ann("account", "list", "--json").json() == []


def test_touch_notes_have_the_limit_too(ann):
    one_line(ann("log", "Ann", "-c", "email", "--notes", "n" * 100_001), "notes: too long", "at most 100,000")
    assert ann("history", "Ann", "--json").json() == []


def test_notes_and_tags_at_the_limit_are_kept(ann):
    assert ann("contact", "edit", "Ann", "--notes", "n" * 100_000, "--tag", "t" * 200).exit_code == 0
    shown = ann("contact", "show", "Ann", "--json").json()["contact"]
    assert (len(shown["notes"]), shown["tags"]) == (100_000, ["t" * 200])


# ------------------------------------------------------------------ promise due


def test_promise_add_with_an_empty_due_is_refused_like_followup_add(ann):
    one_line(ann("promise", "add", "Ann", "send the deck", "--due", ""), "due:")
    one_line(ann("followup", "add", "Ann", "call", "--due", ""), "due: empty")
    assert ann("promise", "list", "--json").json() == []


# ------------------------------------------------------------------ no database created by reading


READS = [
    ("contact", "list"),
    ("contact", "show", "1"),
    ("history", "1"),
    ("agenda",),
    ("promise", "list"),
    ("followup", "list"),
    ("account", "list"),
    ("dashboard",),
    ("export", "json"),
    ("export", "vcard"),
    ("backup",),
]


@pytest.mark.parametrize("args", READS)
def test_a_read_command_on_a_mistyped_db_path_creates_nothing(run, tmp_path, args):
    missing = tmp_path / "typo" / "deeper" / "keepwarm.db"
    one_line(run("--db", str(missing), *args), str(missing), "no database here")
    assert not (tmp_path / "typo").exists()


def test_the_path_can_come_from_keepwarm_db_too(run, tmp_path, monkeypatch):
    missing = tmp_path / "typo.db"
    monkeypatch.setenv("KEEPWARM_DB", str(missing))
    one_line(run("agenda"), "no database here")
    assert not missing.exists()


def test_a_dry_run_import_creates_nothing(run, tmp_path):
    card = tmp_path / "one.vcf"
    card.write_text("BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ann\r\nEND:VCARD\r\n", encoding="utf-8")
    missing = tmp_path / "typo" / "keepwarm.db"
    one_line(run("--db", str(missing), "import", "vcard", "--dry-run", str(card)), "no database here")
    assert not (tmp_path / "typo").exists()
    # Without --dry-run the import adds data, so it starts the database.
    assert run("--db", str(missing), "import", "vcard", str(card)).exit_code == 0
    assert [c["name"] for c in run("--db", str(missing), "contact", "list", "--json").json()] == ["Ann"]


def test_commands_that_add_data_start_a_new_database_where_told(run, tmp_path):
    new = tmp_path / "books" / "new.db"
    assert run("--db", str(new), "contact", "add", "Ann").exit_code == 0
    assert new.is_file()
    other = tmp_path / "accounts.db"
    assert run("--db", str(other), "account", "add", "Acme").exit_code == 0
    assert other.is_file()


def test_the_default_database_is_still_created_on_first_use(run, db_path):
    assert not db_path.exists()
    assert run("contact", "list", "--json").json() == []
    assert db_path.is_file()


def test_the_summary_of_a_bare_keepwarm_on_a_mistyped_path_creates_nothing(run, tmp_path):
    missing = tmp_path / "typo" / "keepwarm.db"
    one_line(run("--db", str(missing)), "no database here")  # not a terminal: the summary, which only reads
    assert not (tmp_path / "typo").exists()
