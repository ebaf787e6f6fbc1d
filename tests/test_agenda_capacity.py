"""A humane daily list (issue 20, point 9): a daily capacity makes today the best few, the backlog spread
over the days after, the rest "later"; promises never leave their day; the agenda, the digest and the
calendar show the same day; an import spreads its new people.

The clock is the fixed one of the tests: Sunday 22 November 2026, 09:00 UTC.
"""

from __future__ import annotations

import collections
import csv
import sqlite3

import pytest

from keepwarm.home import paths

TODAY = "2026-11-22"
MONDAY = "2026-11-23"


def _config(text: str) -> None:
    paths.config_file().parent.mkdir(parents=True, exist_ok=True)
    paths.config_file().write_text(text, encoding="utf-8")


def ok(result):
    assert result.exit_code == 0, result.stdout + result.stderr
    return result


@pytest.fixture
def backlog(home, run):
    """Eight follow-ups due by today (one at a time of day, one a promise of mine due today), one tomorrow."""
    for args in (
        ("contact", "add", "Ada Lovelace", "--tier", "a", "--role", "executive-sponsor"),
        ("contact", "add", "Bob Stone", "--tier", "c"),
        ("contact", "add", "Cleo Park", "--tier", "b"),
        ("contact", "add", "Dan Wu", "--tier", "c"),
        ("contact", "add", "Eve Moss", "--tier", "c"),
        ("contact", "add", "Fay Lind", "--tier", "b"),
        ("contact", "add", "Gus Marsh", "--tier", "c"),
        ("contact", "add", "Hal Berg", "--tier", "a"),
        ("contact", "add", "Ivy Roe", "--tier", "c"),
        ("followup", "add", "Ada", "the renewal call", "--due", "2026-11-10"),
        ("followup", "add", "Bob", "thank him for the intro", "--due", "2026-11-21"),
        ("followup", "add", "Cleo", "ask about the offsite", "--due", TODAY),
        ("followup", "add", "Dan", "the call we set", "--due", f"{TODAY} 15:30"),
        ("followup", "add", "Eve", "send the paper", "--due", "2026-11-01"),
        ("followup", "add", "Fay", "lunch", "--due", "2026-11-20"),
        ("followup", "add", "Gus", "say hello", "--due", TODAY),
        ("followup", "add", "Hal", "the board deck", "--due", MONDAY),
        ("promise", "add", "Ivy", "send Ivy the contract", "--due", TODAY),
    ):
        ok(run(*args))
    return run


def _agenda(run, *args: str) -> dict:
    return ok(run("agenda", "--json", *args)).json()


def _names(items) -> list[str]:
    return [item["contact"]["name"].split()[0] for item in items]


def test_today_is_the_best_five_and_the_rest_is_later_but_reachable(backlog):
    today = _agenda(backlog, "--days", "0")
    # The timed call and the promise keep their day; of the others, the most important and most urgent:
    # the executive sponsor 12 days late, then the two tier-B people.
    assert sorted(_names(today["items"])) == ["Ada", "Cleo", "Dan", "Fay", "Ivy"]
    assert {item["planned"] for item in today["items"]} == {TODAY}
    assert today["later"] == 3
    everything = _agenda(backlog, "--days", "0", "--all")
    later = [item for item in everything["items"] if item["bucket"] == "later"]
    assert sorted(_names(later)) == ["Bob", "Eve", "Gus"]
    assert everything["items"][-3:] == later  # last, after today's
    assert {item["plan_note"] for item in later} == {"later: today is full"}
    assert {item["planned"] for item in later} == {None}


def test_the_backlog_moves_to_the_next_days_saying_why(backlog):
    week = _agenda(backlog, "--days", "2")
    by_name = {item["contact"]["name"].split()[0]: item for item in week["items"]}
    assert week["later"] == 0
    for name in ("Bob", "Eve", "Gus"):  # late or due today, moved to Monday
        assert by_name[name]["planned"] == MONDAY and by_name[name]["bucket"] == "upcoming"
        assert by_name[name]["plan_note"] == "moved to Mon 23 Nov: today is full"
    assert by_name["Hal"]["planned"] == MONDAY and by_name["Hal"]["plan_note"] is None  # its own day
    per_day = collections.Counter(item["planned"] for item in week["items"])
    assert max(per_day.values()) <= 5
    text = ok(backlog("agenda", "--days", "0")).stdout
    assert "3 more follow-ups wait for later" in text and "--all" in text
    assert "Eve Moss" not in text  # not shouting
    assert "~ moved to Mon 23 Nov: today is full" in ok(backlog("agenda", "--days", "2")).stdout


def test_a_promise_due_today_is_never_pushed_off_today(backlog):
    _config("[agenda]\ncapacity = 1\n")
    today = _agenda(backlog, "--days", "0")
    # Past the capacity of one: the promise and the call at 15:30 stay; the executive sponsor waits.
    assert sorted(_names(today["items"])) == ["Dan", "Ivy"]
    promise = next(item for item in today["items"] if item["contact"]["name"] == "Ivy Roe")
    assert promise["followup"]["rule_key"].startswith("promise_due.") and promise["plan_note"] is None
    week = _agenda(backlog, "--days", "6")
    assert [item["contact"]["name"] for item in week["items"] if item["planned"] == MONDAY] == ["Ada Lovelace"]


def test_the_digest_is_todays_list_of_the_agenda(backlog):
    digest = ok(backlog("digest", "--json")).json()
    agenda = _agenda(backlog, "--days", "0")
    assert [item["followup_id"] for item in digest["items"]] == [item["followup"]["id"] for item in agenda["items"]]
    assert (digest["total"], digest["later"]) == (5, 3)
    text = ok(backlog("digest")).stdout
    assert text.startswith("keepwarm, Sunday 22 November 2026: 5 follow-ups for today, 2 of them late.")
    assert "3 more follow-ups wait for the coming days: today is full" in text
    assert "Eve Moss" not in text


def _events(text: str) -> dict[str, tuple[str, str]]:
    """Each event's summary: (its DTSTART line, its notes unfolded)."""
    out = {}
    for block in text.split("BEGIN:VEVENT")[1:]:
        lines = block.replace("\r\n ", "").split("\r\n")
        summary = next(line for line in lines if line.startswith("SUMMARY:"))
        start = next(line for line in lines if line.startswith("DTSTART"))
        notes = next((line for line in lines if line.startswith("DESCRIPTION:")), "")
        out[summary] = (start, notes)
    return out


def _block(out, summary: str) -> str:
    """The event of this summary, as written."""
    text = out.read_bytes().decode("utf-8").replace("\r\n ", "")
    return next(block for block in text.split("BEGIN:VEVENT")[1:] if summary + "\r\n" in block)


def test_the_calendar_shows_each_day_what_the_agenda_shows(backlog, tmp_path):
    out = tmp_path / "k.ics"
    ok(backlog("export", "ics", "-o", str(out), "--days", "1"))
    events = _events(out.read_bytes().decode("utf-8"))
    agenda = _agenda(backlog, "--days", "1")
    assert len(events) == len(agenda["items"]) == 9
    starts = {summary: start for summary, (start, _) in events.items()}
    eve = next(summary for summary in events if "Eve" in summary)
    assert starts[eve] == "DTSTART;VALUE=DATE:20261123"  # 21 days late, moved to Monday with the agenda
    assert "Moved to Mon 23 Nov: today is full (your daily capacity)." in events[eve][1]
    days = collections.Counter(start.rsplit(":", 1)[1][:8] for start in starts.values())
    assert days == {"20261122": 5, "20261123": 4}
    # What waits for later than the horizon is not in the calendar, and one that was goes (cancelled).
    _config("[agenda]\ncapacity = 1\n")
    ok(backlog("export", "ics", "-o", str(out), "--days", "1"))
    again = _events(out.read_bytes().decode("utf-8"))
    agenda = _agenda(backlog, "--days", "1")
    kept = [item["contact"]["name"] for item in agenda["items"] if item["bucket"] != "later"]
    assert sorted(kept) == ["Ada Lovelace", "Dan Wu", "Ivy Roe"] and agenda["later"] == 6
    cancelled = [summary for summary in again if "STATUS:CANCELLED" in _block(out, summary)]
    assert len(again) == 9 and len(cancelled) == 6  # the three kept, and the six that went
    assert not any(name.split()[0] in summary for name in kept for summary in cancelled)


def test_without_a_capacity_every_item_stays_on_its_own_day(backlog):
    _config("[agenda]\ncapacity = 0\n")
    today = _agenda(backlog, "--days", "0")
    assert len(today["items"]) == 8 and today["later"] == 0
    assert {item["bucket"] for item in today["items"]} == {"overdue", "today"}


@pytest.mark.parametrize(
    ("value", "expected"),
    [("-1", "agenda.capacity: -1 is too small (expected at least 0)"), ('"many"', "agenda.capacity: "), ("1000", "agenda.capacity: ")],
)
def test_a_capacity_that_is_not_a_number_of_people_is_refused_in_one_line(home, run, value, expected):
    _config(f"[agenda]\ncapacity = {value}\n")
    result = run("agenda")
    assert result.exit_code == 2
    message = result.stderr.strip()
    assert "\n" not in message and str(paths.config_file()) in message and expected in message
    assert "Traceback" not in result.stderr


def _linkedin(path, people: int) -> None:
    with open(path, "w", newline="", encoding="utf-8") as out:
        out.write("Notes:\n\"When exporting your connection data, you may notice...\"\n\n")
        writer = csv.writer(out)
        writer.writerow(["First Name", "Last Name", "URL", "Email Address", "Company", "Position", "Connected On"])
        for n in range(people):
            writer.writerow([f"Pat{n}", f"Doe{n}", f"https://www.linkedin.com/in/pat-{n}", "", f"Co {n % 90}",
                             "Engineer", "01 Mar 2024"])


def test_1800_linkedin_connections_come_due_a_days_worth_at_a_time(home, run, db_path, tmp_path):
    source = tmp_path / "Connections.csv"
    _linkedin(source, 1800)
    report = ok(run("import", "csv", str(source), "--json")).json()
    assert report["counts"]["created"] == 1800
    # Four a day (the capacity of five less one, left for the people already kept warm), tier by tier.
    assert report["spread"] == {"people": 1796, "per_day": 4, "last_day": "2028-02-14"}
    text = ok(run("import", "csv", str(source))).stdout  # again: nothing new, nothing spread
    assert "spread" not in text
    with sqlite3.connect(db_path) as conn:
        firsts = collections.Counter(day for (day,) in conn.execute("SELECT snoozed_until FROM contacts"))
        held = dict(conn.execute("SELECT held_by, count(*) FROM contacts GROUP BY held_by"))
    assert firsts[None] == 4 and max(firsts.values()) == 4 and len(firsts) == 450  # none before its first day
    assert held == {"": 4, "import": 1796}  # the import's hold, not a snooze of the user's
    month = _agenda(run, "--days", "30", "--all")
    per_day = collections.Counter(item["planned"] for item in month["items"])
    assert None not in per_day  # nothing left for later: the import no longer falls due all at once
    # A person never touched falls due three days after being added: from then on, a day's worth each day.
    assert max(per_day.values()) <= 5 and min(per_day) == "2026-11-25" and len(per_day) == 28
    today = _agenda(run, "--days", "0")
    assert len(today["items"]) <= 5


def test_an_import_of_a_days_worth_is_left_as_it_is(home, run, db_path, tmp_path):
    source = tmp_path / "Connections.csv"
    _linkedin(source, 4)
    report = ok(run("import", "csv", str(source), "--json")).json()
    assert report["spread"] is None
    with sqlite3.connect(db_path) as conn:
        assert conn.execute("SELECT count(*) FROM contacts WHERE snoozed_until IS NOT NULL").fetchone() == (0,)
