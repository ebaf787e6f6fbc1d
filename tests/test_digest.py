"""`keepwarm digest` (issue #20, point 7): today's short list as text, Markdown and JSON, from the agenda's own list.

The clock is the fixed one of the tests: Sunday 22 November 2026, 09:00 UTC.
"""

from __future__ import annotations

import json

import pytest

from conftest import FIXED_NOW
from keepwarm.model import Contact, FollowUp
from keepwarm.store import contacts as people
from keepwarm.store import followups

TITLE = "\x1b]0;pwned\x07"
RAW = ("\x1b", "\x9b", "\x07", "\x08", "\r")


@pytest.fixture
def day(home, run):
    """Two late follow-ups, one due today at a time, one next week (not today's), four people."""
    for args in (
        ("contact", "add", "Ada Lovelace", "--account", "Analytical Engines"),
        ("contact", "add", "Bob Stone"),
        ("contact", "add", "Cleo Park"),
        ("contact", "add", "Dan Wu"),
        ("followup", "add", "Ada", "send the engine drawings", "--due", "2026-05-01", "--channel", "email"),
        ("followup", "add", "Bob", "thank him for the intro", "--due", "2026-11-21"),
        ("followup", "add", "Cleo", "call about the renewal", "--due", "2026-11-22 15:30", "--channel", "call"),
        ("followup", "add", "Dan", "quarterly review", "--due", "2026-11-30"),
    ):
        result = run(*args)
        assert result.exit_code == 0, result.stderr
    return run


def agenda_today(run) -> list[dict]:
    result = run("agenda", "--days", "0", "--json")
    assert result.exit_code == 0, result.stderr
    return result.json()["items"]


def test_json_is_the_agendas_list_for_today_with_one_suggestion_each(day):
    result = day("digest", "--json")
    assert result.exit_code == 0, result.stderr
    digest = result.json()
    agenda = agenda_today(day)
    assert digest["date"] == "2026-11-22"
    # The same items in the same order as the agenda over today: nothing of next week, nothing of its own.
    assert [i["followup_id"] for i in digest["items"]] == [i["followup"]["id"] for i in agenda]
    assert digest["total"] == len(agenda) and digest["more"] == 0
    assert digest["late"] == sum(1 for i in agenda if i["overdue_days"] > 0)
    assert "quarterly review" not in result.stdout
    mine = {i["why"]: i for i in digest["items"]}
    ada = mine["send the engine drawings"]
    assert ada["contact"]["name"] == "Ada Lovelace" and ada["contact"]["account"] == "Analytical Engines"
    assert (ada["due"], ada["overdue_days"], ada["channel"]) == ("2026-05-01", 205, "email")
    assert mine["call about the renewal"]["due_time"] == "15:30"
    # The suggestion is the agenda's best one for that person, else the follow-up's own action.
    for item, row in zip(digest["items"], agenda):
        best = row["suggestions"][0]["text"] if row["suggestions"] else row["followup"]["action"] or None
        assert item["suggestion"] == best


def test_text_says_who_why_and_what_to_try(day):
    result = day("digest")
    assert result.exit_code == 0, result.stderr
    digest = day("digest", "--json").json()
    lines = result.stdout.splitlines()
    total, late = digest["total"], digest["late"]
    assert lines[0] == f"keepwarm, Sunday 22 November 2026: {total} follow-ups for today, {late} of them late."
    by_reason = {i["why"]: (n, i) for n, i in enumerate(digest["items"], start=1)}
    n, ada = by_reason["send the engine drawings"]
    at = lines.index(f"{n}. Ada Lovelace (Analytical Engines), 205 days late")
    assert lines[at + 1 : at + 3] == ["   Why: send the engine drawings", f"   Try: {ada['suggestion']}"]
    n, _ = by_reason["thank him for the intro"]
    assert f"{n}. Bob Stone, 1 day late" in lines
    n, _ = by_reason["call about the renewal"]
    assert f"{n}. Cleo Park, due today at 15:30" in lines
    assert "\x1b" not in result.stdout


def test_markdown_is_a_numbered_list_with_the_names_in_bold(day):
    result = day("digest", "--format", "markdown")
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "# keepwarm, Sunday 22 November 2026"
    assert any(line.endswith("**Ada Lovelace** (Analytical Engines), 205 days late") for line in lines)
    assert "   - Why: send the engine drawings" in lines
    tried = [i["suggestion"] for i in day("digest", "--json").json()["items"] if i["suggestion"]]
    assert tried and sum(1 for line in lines if line.startswith("   - Try: ")) == len(tried)


def test_limit_shows_the_most_urgent_and_counts_the_rest(day):
    full = day("digest", "--json").json()
    result = day("digest", "--limit", "1", "--json")
    assert result.exit_code == 0, result.stderr
    cut = result.json()
    assert cut["items"] == full["items"][:1]
    assert cut["items"][0]["why"] == "send the engine drawings"  # the latest first, as the agenda orders them
    assert (cut["total"], cut["more"]) == (full["total"], full["total"] - 1)
    text = day("digest", "--limit", "1").stdout
    assert text.rstrip().endswith(f"... and {full['total'] - 1} more (keepwarm agenda --days 0 lists them all).")
    assert "2. " not in text


def test_an_empty_day_says_so_and_exits_zero(home, run):
    assert run("contact", "add", "Dan Wu").exit_code == 0
    assert run("followup", "add", "Dan", "quarterly review", "--due", "2026-11-30").exit_code == 0
    # A new contact may get a first check-in from the cadence rules: done today, nothing is left for today.
    for item in agenda_today(run):
        assert run("followup", "done", str(item["followup"]["id"])).exit_code == 0
    result = run("digest")
    assert (result.exit_code, result.stdout, result.stderr) == (0, "Nothing due today.\n", "")
    empty = run("digest", "--json")
    assert empty.exit_code == 0
    assert empty.json() == {
        "date": "2026-11-22", "total": 0, "late": 0, "items": [], "more": 0, "later": 0, "problems": []
    }


def test_a_bad_limit_is_one_line(day):
    result = day("digest", "--limit", "0")
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1 and "--limit" in result.stderr


@pytest.fixture
def hostile(session):
    """A contact whose name and reason carry escape sequences and Markdown, put in the database directly."""
    with session.store.write() as conn:
        cid = people.insert_contact(
            conn, Contact(name=f"Eve{TITLE}[click](https://evil.example) <b>**X**</b>\u009b31m"), FIXED_NOW
        )
        followups.insert_followup(conn, FollowUp(contact_id=cid, due=FIXED_NOW.date(), reason=f"call{TITLE}\rnow"), FIXED_NOW)
    return cid


@pytest.mark.parametrize("fmt", ["text", "markdown", "json"])
def test_no_control_character_reaches_the_terminal(run, hostile, fmt):
    result = run("digest", "--format", fmt)
    assert result.exit_code == 0, result.stderr
    assert [c for c in RAW if c in result.stdout] == []
    if fmt == "json":
        item = json.loads(result.stdout)["items"][0]
        assert item["contact"]["name"].startswith("Eve\\x1b]0;pwned\\x07[click]")
    elif fmt == "text":
        assert "Eve\\x1b]0;pwned\\x07" in result.stdout
        assert "call\\x1b]0;pwned\\x07 now" in result.stdout  # one line: the carriage return is a space
    else:  # the visible form, its backslash and bracket escaped for Markdown to show them as they are
        assert "Eve\\\\x1b\\]0;pwned\\\\x07" in result.stdout


def test_markdown_cannot_be_made_a_link_or_html_by_a_name(run, hostile):
    out = run("digest", "--format", "markdown").stdout
    assert "\\[click\\](https://evil.example) \\<b\\>\\*\\*X\\*\\*\\</b\\>" in out
    assert "[click](" not in out.replace("\\[click\\](", "")
