"""`keepwarm log`, `history`, `promise`, `followup`, `assess` and the bare `keepwarm`, in-process.

The clock is Sunday 2026-11-22 09:00 UTC (see conftest).
"""

from __future__ import annotations

import pytest


def ok(result):
    assert result.exit_code == 0, result.stderr
    return result


@pytest.fixture
def team(run):
    for name, account in (("Ada Lovelace", "Acme"), ("Bob Noyce", "Acme"), ("Grace Hopper", "Navy")):
        ok(run("contact", "add", name, "--account", account))
    return run


def manual(items: list[dict]) -> list[dict]:
    """Only what the user planned; the cadence rules may add their own follow-ups after a log."""
    return [f for f in items if f["source"] == "manual"]


# ------------------------------------------------------------------ log and history


def test_log_one_contact_with_every_field(team):
    result = ok(team("log", "ada", "--channel", "meeting", "--direction", "inbound", "--purpose", "value-review",
                     "--outcome", "completed", "--sentiment", "-1", "--responded", "--response-hours", "4.5",
                     "--notes", "worried about the budget", "--when", "2026-11-20 15:30", "--json"))
    assert result.json() == [{"id": 1, "contact_id": 1}]
    [item] = ok(team("history", "ada", "--json")).json()
    assert item == {
        "id": 1, "contact_id": 1, "at": "2026-11-20T15:30:00Z", "channel": "meeting", "direction": "inbound",
        "purpose": "value_review", "outcome": "completed", "sentiment": -1, "responded": True,
        "response_hours": 4.5, "notes": "worried about the budget", "group_key": None,
    }


def test_log_defaults_and_text_output(team):
    assert ok(team("log", "grace", "-c", "call")).stdout == "Logged call with Grace Hopper\n"
    [item] = ok(team("history", "grace", "--json")).json()
    assert (item["at"], item["direction"], item["purpose"], item["outcome"], item["sentiment"]) == (
        "2026-11-22T09:00:00Z", "outbound", "check_in", "completed", None
    )


def test_log_several_contacts_at_once_shares_a_group_key(team):
    result = ok(team("log", "ada", "bob", "3", "-c", "meal", "-p", "entertainment", "--when", "yesterday 19:00",
                     "--json"))
    assert result.json() == [{"id": 1, "contact_id": 1}, {"id": 2, "contact_id": 2}, {"id": 3, "contact_id": 3}]
    items = [ok(team("history", ref, "--json")).json() for ref in ("1", "2", "3")]
    assert [len(i) for i in items] == [1, 1, 1]
    keys = {i[0]["group_key"] for i in items}
    assert len(keys) == 1 and None not in keys
    assert {i[0]["at"] for i in items} == {"2026-11-21T19:00:00Z"}
    assert ok(team("log", "ada", "bob", "-c", "call")).stdout == "Logged call with Ada Lovelace, Bob Noyce\n"
    later = [ok(team("history", ref, "--json")).json()[0]["group_key"] for ref in ("1", "2")]
    assert later[0] == later[1] and later[0] not in keys


def test_the_same_contact_twice_is_logged_once(team):
    assert ok(team("log", "ada", "1", "-c", "call", "--json")).json() == [{"id": 1, "contact_id": 1}]
    assert len(ok(team("history", "ada", "--json")).json()) == 1


WHENS = [
    ("now", "2026-11-22T09:00:00Z"),
    ("today", "2026-11-22T09:00:00Z"),
    ("yesterday", "2026-11-21T12:00:00Z"),
    ("3 days ago", "2026-11-19T12:00:00Z"),
    ("-1w", "2026-11-15T12:00:00Z"),
    ("last friday 14:00", "2026-11-20T14:00:00Z"),
    ("8am", "2026-11-22T08:00:00Z"),
    ("2026-11-01T10:00:00+02:00", "2026-11-01T08:00:00Z"),
]


def test_log_when(team):
    for when, stored in WHENS:
        [created] = ok(team("log", "grace", "-c", "email", "--when", when, "--json")).json()
        at = {i["id"]: i["at"] for i in ok(team("history", "grace", "--json")).json()}
        assert at[created["id"]] == stored, when


def test_times_are_typed_and_shown_in_the_users_zone_but_stored_in_utc(team, monkeypatch):
    monkeypatch.setenv("TZ", "Europe/Berlin")
    ok(team("log", "grace", "-c", "call", "--when", "yesterday 15:00"))
    assert ok(team("history", "grace", "--json")).json()[0]["at"] == "2026-11-21T14:00:00Z"
    table = ok(team("history", "grace")).stdout.splitlines()
    assert table[0].split() == ["ID", "WHEN", "CHANNEL", "DIRECTION", "PURPOSE", "MOOD", "NOTES"]
    assert table[1].split()[:7] == ["1", "2026-11-21", "15:00", "call", "outbound", "check", "in"]


def test_the_zone_can_come_from_the_settings_file(team, home):
    (home / "config").mkdir(parents=True, exist_ok=True)
    (home / "config" / "config.toml").write_text('timezone = "America/New_York"\n', encoding="utf-8")
    ok(team("log", "grace", "-c", "call", "--when", "2026-11-20 09:00"))
    assert ok(team("history", "grace", "--json")).json()[0]["at"] == "2026-11-20T14:00:00Z"


def test_history_is_newest_first_and_limited(team):
    for when, notes in (("3 days ago", "first"), ("yesterday", "third"), ("2 days ago", "second")):
        ok(team("log", "ada", "-c", "email", "--when", when, "--notes", notes))
    assert [i["notes"] for i in ok(team("history", "ada", "--json")).json()] == ["third", "second", "first"]
    assert [i["notes"] for i in ok(team("history", "ada", "--limit", "2", "--json")).json()] == ["third", "second"]
    rows = ok(team("history", "ada")).stdout.splitlines()
    assert len(rows) == 4 and rows[1].split()[-1] == "third"


def test_logging_completes_the_follow_up_it_meets(team):
    ok(team("followup", "add", "ada", "check in", "--due", "tomorrow"))
    ok(team("followup", "add", "ada", "quarterly review", "--due", "+2m"))
    ok(team("log", "ada", "-c", "call"))
    plans = {f["reason"]: f for f in manual(ok(team("followup", "list", "--all", "--json")).json())}
    assert plans["check in"]["status"] == "done"
    assert plans["check in"]["closed_at"] == "2026-11-22T09:00:00Z"
    assert plans["quarterly review"]["status"] == "open"


def test_a_declined_meeting_completes_nothing(team):
    ok(team("followup", "add", "ada", "check in", "--due", "tomorrow"))
    ok(team("log", "ada", "-c", "meeting", "--outcome", "declined"))
    [plan] = manual(ok(team("followup", "list", "--json")).json())
    assert (plan["reason"], plan["status"]) == ("check in", "open")


# ------------------------------------------------------------------ promises


def test_promises_add_list_done_cancel(team):
    assert ok(team("promise", "add", "ada", "send the benchmark", "--due", "friday")).stdout == (
        "Added promise 1, due 2026-11-27\n"
    )
    assert ok(team("promise", "add", "grace", "intro to the CTO", "--by", "them", "--due", "2026-11-20")).stdout == (
        "Added promise 2, due 2026-11-20\n"
    )
    assert ok(team("promise", "add", "bob", "lunch some day")).stdout == "Added promise 3\n"

    listed = ok(team("promise", "list", "--json")).json()
    assert [(p["id"], p["contact"], p["by"], p["due"], p["status"], p["text"]) for p in listed] == [
        (2, "Grace Hopper", "them", "2026-11-20", "open", "intro to the CTO"),
        (1, "Ada Lovelace", "me", "2026-11-27", "open", "send the benchmark"),
        (3, "Bob Noyce", "me", None, "open", "lunch some day"),
    ]
    assert [p["id"] for p in ok(team("promise", "list", "--by", "me", "--json")).json()] == [1, 3]
    assert [p["id"] for p in ok(team("promise", "list", "--contact", "ada", "--json")).json()] == [1]
    table = ok(team("promise", "list")).stdout.splitlines()
    assert table[0].split() == ["ID", "CONTACT", "BY", "DUE", "STATUS", "PROMISE"]
    assert "2026-11-20 OVERDUE" in table[1] and "OVERDUE" not in table[2]

    assert ok(team("promise", "done", "1")).stdout == "Promise 1 kept\n"
    assert ok(team("promise", "cancel", "3")).stdout == "Promise 3 cancelled\n"
    assert [p["id"] for p in ok(team("promise", "list", "--json")).json()] == [2]
    assert [p["id"] for p in ok(team("promise", "list", "--status", "done", "--json")).json()] == [1]
    everything = {p["id"]: p for p in ok(team("promise", "list", "--all", "--json")).json()}
    assert {i: p["status"] for i, p in everything.items()} == {1: "done", 2: "open", 3: "cancelled"}
    assert everything[1]["done_at"] == "2026-11-22T09:00:00Z"
    assert everything[2]["done_at"] is None


# ------------------------------------------------------------------ follow-ups


def test_followups_add_and_list(team):
    assert ok(team("followup", "add", "ada", "send the deck", "--due", "tomorrow 10:00", "--channel", "email",
                   "--action", "attach the Q3 numbers")).stdout == "Added follow-up 1, due 2026-11-23 10:00\n"
    assert ok(team("followup", "add", "grace", "ask about the pilot", "--due", "+2w")).stdout == (
        "Added follow-up 2, due 2026-12-06\n"
    )
    assert ok(team("followup", "add", "bob", "say hello")).stdout == "Added follow-up 3, due 2026-11-22\n"
    listed = ok(team("followup", "list", "--json")).json()
    assert [(f["id"], f["contact"], f["due"], f["due_time"], f["status"], f["source"]) for f in listed] == [
        (3, "Bob Noyce", "2026-11-22", None, "open", "manual"),
        (1, "Ada Lovelace", "2026-11-23", "10:00:00", "open", "manual"),
        (2, "Grace Hopper", "2026-12-06", None, "open", "manual"),
    ]
    assert (listed[1]["channel"], listed[1]["action"], listed[1]["sequence"]) == ("email", "attach the Q3 numbers", 0)
    assert [f["id"] for f in ok(team("followup", "list", "--contact", "grace", "--json")).json()] == [2]
    table = ok(team("followup", "list")).stdout.splitlines()
    assert table[0].split() == ["ID", "DUE", "CONTACT", "STATUS", "SOURCE", "REASON"]
    assert table[2].split()[:3] == ["1", "2026-11-23", "10:00"]


def test_followups_done_snooze_dismiss(team):
    for who in ("ada", "bob", "grace"):
        ok(team("followup", "add", who, f"call {who}", "--due", "today"))
    assert ok(team("followup", "done", "1")).stdout == "Follow-up 1 done\n"
    assert ok(team("followup", "snooze", "2", "--until", "next friday")).stdout == (
        "Follow-up 2 snoozed until 2026-11-27\n"
    )
    assert ok(team("followup", "dismiss", "3")).stdout == "Follow-up 3 dismissed\n"

    current = ok(team("followup", "list", "--json")).json()
    assert [(f["id"], f["status"], f["snoozed_until"]) for f in current] == [(2, "snoozed", "2026-11-27")]
    table = ok(team("followup", "list")).stdout.splitlines()
    assert table[1].split()[:2] == ["2", "2026-11-27"]  # shown on the day it wakes up
    everything = {f["id"]: f for f in ok(team("followup", "list", "--all", "--json")).json()}
    assert {i: (f["status"], f["sequence"]) for i, f in everything.items()} == {
        1: ("done", 1), 2: ("snoozed", 1), 3: ("dismissed", 1)
    }
    assert everything[1]["closed_at"] == everything[3]["closed_at"] == "2026-11-22T09:00:00Z"
    assert [f["id"] for f in ok(team("followup", "list", "--status", "dismissed", "--json")).json()] == [3]
    # A snoozed follow-up can be snoozed again, by default for a week.
    assert ok(team("followup", "snooze", "2")).stdout == "Follow-up 2 snoozed until 2026-11-29\n"
    assert ok(team("followup", "done", "2")).stdout == "Follow-up 2 done\n"
    assert ok(team("followup", "list", "--json")).json() == []


# ------------------------------------------------------------------ assess


def test_assess_records_the_six_ratings(team):
    result = ok(team("assess", "ada", "--trust", "4", "--communication", "3", "--sharing", "2", "--advocacy", "5",
                     "--conflict", "3", "--commitment", "4", "--note", "after the QBR"))
    assert result.stdout == "Assessed Ada Lovelace: mean 3.5 of 5\n"
    ok(team("assess", "1", "--trust", "5", "--communication", "5", "--sharing", "5", "--advocacy", "5",
            "--conflict", "5", "--commitment", "5", "--on", "2026-11-01"))
    rows = ok(team("contact", "show", "ada", "--json")).json()["assessments"]
    assert [(a["on"], a["trust"], a["communication"], a["sharing"], a["advocacy"], a["conflict"], a["commitment"],
             a["note"], a["mean"]) for a in rows] == [
        ("2026-11-01", 5, 5, 5, 5, 5, 5, "", 5.0),
        ("2026-11-22", 4, 3, 2, 5, 3, 4, "after the QBR", 3.5),
    ]


# ------------------------------------------------------------------ bare keepwarm


def test_bare_keepwarm_prints_a_summary_and_exits(team, db_path):
    ok(team("log", "ada", "-c", "call", "--when", "yesterday"))
    result = ok(team())
    lines = result.stdout.splitlines()
    assert lines[0] == f"keepwarm database: {db_path}"
    assert lines[1].startswith("3 contacts in 2 accounts, 1 interaction, ")


def test_bare_keepwarm_on_an_empty_database_shows_the_way_in(run, db_path):
    lines = ok(run()).stdout.splitlines()
    assert lines[:2] == [f"keepwarm database: {db_path}", "It is empty. Start with one of:"]
    assert db_path.exists()
