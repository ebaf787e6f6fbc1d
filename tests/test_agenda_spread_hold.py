"""An import's spread is its own hold, told apart from a snooze (issue 20, point 9).

An import that brings in more people than a day's worth gives each a first day
(io/spread.py), kept where a snooze is so that one mechanism holds every rule
back to it, and marked as the import's (`held_by`, migration 0017): the reason,
`contact show` and `contact snooze` say "first touch planned for", not "snoozed";
the user's own snooze replaces it, `--clear` wakes them; the backup carries it.

The clock is the fixed one of the tests: Sunday 22 November 2026, 09:00 UTC.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import sqlite3

import pytest

from keepwarm.home import paths
from keepwarm.io import backup
from keepwarm.model import Contact
from keepwarm.services.merge import merged_contact


def ok(result):
    assert result.exit_code == 0, result.stdout + result.stderr
    return result


def _linkedin(path, people: int) -> None:
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(["First Name", "Last Name", "URL", "Email Address", "Company", "Position", "Connected On"])
        for n in range(people):
            writer.writerow([f"Pat{n}", f"Doe{n}", f"https://www.linkedin.com/in/pat-{n}", "", "Co", "Engineer", ""])


@pytest.fixture
def spread_book(home, run, tmp_path):
    """Ten LinkedIn connections under a capacity of five: four a day, the first four today, the rest from
    Monday 23 (four) and Tuesday 24 November (two)."""
    paths.config_file().parent.mkdir(parents=True, exist_ok=True)
    paths.config_file().write_text("[agenda]\ncapacity = 5\n", encoding="utf-8")
    source = tmp_path / "Connections.csv"
    _linkedin(source, 10)
    report = ok(run("import", "csv", str(source), "--json")).json()
    assert report["spread"] == {"people": 6, "per_day": 4, "last_day": "2026-11-24"}
    ok(run("contact", "add", "Sam Snooze"))
    ok(run("contact", "snooze", "Sam Snooze", "2026-12-01"))
    return run


def _reason(run, name: str) -> str:
    items = ok(run("agenda", "--json", "--days", "60", "--all")).json()["items"]
    [item] = [i for i in items if i["contact"]["name"] == name]
    return item["followup"]["reason"]


def test_a_person_the_import_spread_is_planned_not_snoozed(spread_book, db_path):
    run = spread_book
    with sqlite3.connect(db_path) as conn:
        held = dict(conn.execute("SELECT name, held_by FROM contacts WHERE snoozed_until IS NOT NULL"))
    assert held == {**{f"Pat{n} Doe{n}": "import" for n in range(4, 10)}, "Sam Snooze": ""}
    # `contact show`, its --json and `contact snooze` without a day: planned, not snoozed.
    shown = ok(run("contact", "show", "Pat9 Doe9")).stdout
    assert "first touch" in shown and "planned for Tue 24 Nov 2026" in shown
    assert "snoozed" not in shown
    view = ok(run("contact", "show", "Pat9 Doe9", "--json")).json()
    assert view["first_touch_on"] == "2026-11-24" and view["snoozed_until"] is None
    said = ok(run("contact", "snooze", "Pat9 Doe9")).stdout
    assert said == "Contact 10 (Pat9 Doe9): first touch planned for Tue 24 Nov 2026; nothing is due before\n"
    as_json = ok(run("contact", "snooze", "Pat9 Doe9", "--json")).json()
    assert as_json["held_by"] == "import" and as_json["snoozed"] is False
    # The user's own snooze is told as before.
    sam = ok(run("contact", "show", "Sam Snooze", "--json")).json()
    assert sam["snoozed_until"] == "2026-12-01" and sam["first_touch_on"] is None
    assert "You snoozed Sam until 1 December 2026." in _reason(run, "Sam Snooze")


def test_the_reason_of_a_touch_the_spread_moved_says_it_in_our_words(home, run, db_path, tmp_path):
    paths.config_file().parent.mkdir(parents=True, exist_ok=True)
    paths.config_file().write_text("[agenda]\ncapacity = 2\n", encoding="utf-8")
    source = tmp_path / "Connections.csv"
    _linkedin(source, 12)  # one a day: the last on 3 December, after the 25th when a new person falls due
    report = ok(run("import", "csv", str(source), "--json")).json()
    assert report["spread"] == {"people": 11, "per_day": 1, "last_day": "2026-12-03"}
    reason = _reason(run, "Pat11 Doe11")
    assert reason.endswith(
        "First touch planned for 3 December 2026: the people an import brought in are spread over the days after it."
    )
    assert "snoozed" not in reason
    # The user's own snooze replaces the import's hold, and says so in the reason; --clear wakes them.
    ok(run("contact", "snooze", "Pat11 Doe11", "2026-12-10"))
    reason = _reason(run, "Pat11 Doe11")
    assert "You snoozed Pat11 until 10 December 2026." in reason and "First touch" not in reason
    with sqlite3.connect(db_path) as conn:
        assert conn.execute("SELECT held_by FROM contacts WHERE name = 'Pat11 Doe11'").fetchone() == ("",)
    ok(run("contact", "snooze", "Pat10 Doe10", "--clear"))
    woken = ok(run("contact", "show", "Pat10 Doe10", "--json")).json()
    assert woken["first_touch_on"] is None and woken["snoozed_until"] is None
    assert "First touch" not in _reason(run, "Pat10 Doe10")


def test_the_backup_carries_whose_hold_it_is_and_an_older_one_restores_as_snoozes(spread_book, tmp_path, monkeypatch):
    run = spread_book
    first = tmp_path / "first.json"
    ok(run("export", "json", "-o", str(first)))
    data = json.loads(first.read_text(encoding="utf-8"))
    assert data["version"] == 5
    held = {c["name"]: c.get("held_by") for c in data["contacts"]}
    assert held["Pat9 Doe9"] == "import" and held["Sam Snooze"] is None and held["Pat0 Doe0"] is None
    monkeypatch.setenv("KEEPWARM_HOME", str(tmp_path / "elsewhere"))
    ok(run("restore", str(first)))
    second = tmp_path / "second.json"
    ok(run("export", "json", "-o", str(second)))
    assert second.read_bytes() == first.read_bytes()
    assert ok(run("contact", "show", "Pat9 Doe9", "--json")).json()["first_touch_on"] == "2026-11-24"
    # A version 4 file (before `held_by`) still restores: its holds are snoozes.
    old = json.loads(first.read_text(encoding="utf-8"))
    old["version"] = 4
    for contact in old["contacts"]:
        contact.pop("held_by", None)
    path = tmp_path / "old.json"
    path.write_text(backup.dumps(old), encoding="utf-8")
    monkeypatch.setenv("KEEPWARM_HOME", str(tmp_path / "older"))
    ok(run("restore", str(path)))
    view = ok(run("contact", "show", "Pat9 Doe9", "--json")).json()
    assert view["snoozed_until"] == "2026-11-24" and view["first_touch_on"] is None


def test_a_merge_keeps_whose_hold_it_is_with_the_hold_it_keeps():
    planned = Contact(name="Pat Doe", snoozed_until=dt.date(2026, 12, 3), held_by="import")
    mine = Contact(name="Pat Doe", snoozed_until=dt.date(2026, 12, 20))
    # The first had no hold: the second's comes with whose it is.
    merged, filled, _ = merged_contact(Contact(name="Pat Doe"), planned)
    assert (merged.snoozed_until, merged.held_by) == (dt.date(2026, 12, 3), "import") and "snoozed_until" in filled
    # Both had one: the first's is kept, and stays the user's snooze.
    merged, _, conflicts = merged_contact(mine, planned)
    assert (merged.snoozed_until, merged.held_by) == (dt.date(2026, 12, 20), "")
    assert [name for name, _, _ in conflicts] == ["snoozed_until"]
