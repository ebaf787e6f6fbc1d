"""Each person's rhythm and snooze (issue 20, point 3), end to end through the CLI at a fixed clock.

The clock is pinned at Sunday 22 November 2026, 09:00 UTC (tests/conftest.py).
"""

from __future__ import annotations

import datetime as dt
import json

import pytest

from keepwarm.errors import UserError
from keepwarm.text.rhythms import parse_rhythm, parse_snooze, rhythm

TODAY = dt.date(2026, 11, 22)


def ok(result):
    assert result.exit_code == 0, result.stderr
    return result


def items_of(run, name: str, days: int = 7) -> list[dict]:
    agenda = ok(run("agenda", "--days", str(days), "--json")).json()
    return [i for i in agenda["items"] if i["contact"]["name"] == name]


def cadence_of(run, name: str, days: int = 200) -> dict:
    (item,) = [i for i in items_of(run, name, days) if i["followup"]["rule_key"] == "cadence"]
    return item


@pytest.fixture
def ada(run):
    """Ada, tier B (every 2 months by the rules), last touched on 1 November."""
    ok(run("contact", "add", "Ada Lovelace", "--tier", "b"))
    ok(run("log", "Ada", "--channel", "call", "--when", "2026-11-01"))
    return run


# ------------------------------------------------------------------ the grammar


@pytest.mark.parametrize(
    "text, days",
    [
        ("every 3 weeks", 21),
        ("every 10 days", 10),
        ("every 2 months", 60),
        ("Every  Two Weeks", 14),
        ("every week", 7),
        ("every other week", 14),
        ("monthly", 30),
        ("quarterly", 90),
        ("3 weeks", 21),
        ("every 2 years", 730),
    ],
)
def test_a_rhythm_is_read_as_people_say_it_and_said_back_the_same_way(text, days):
    assert parse_rhythm(text) == days
    assert parse_rhythm(rhythm(days)) == days


@pytest.mark.parametrize(
    "text, expected",
    [
        ("every 0 days", "expected at least every 1 day"),
        ("every -3 weeks", "expected at least every 1 day"),
        ("every 3 years", "expected at most every 730 days"),
        ("sometimes", "is not a rhythm (expected 'every 3 weeks'"),
        ("every 1.5 weeks", "is not a rhythm"),
        ("", "empty (expected a rhythm such as"),
    ],
)
def test_a_rhythm_that_is_not_one_is_refused_with_what_was_expected(text, expected):
    with pytest.raises(UserError) as caught:
        parse_rhythm(text)
    assert caught.value.message.startswith("rhythm: ") and expected in caught.value.message


@pytest.mark.parametrize(
    "text, day",
    [
        ("not before March", dt.date(2027, 3, 1)),
        ("until 2027-03-01", dt.date(2027, 3, 1)),
        ("for 3 weeks", dt.date(2026, 12, 13)),
        ("for two months", dt.date(2027, 1, 22)),
        ("March 2028", dt.date(2028, 3, 1)),
        ("until 15 January", dt.date(2027, 1, 15)),
        ("November", dt.date(2027, 11, 1)),  # this November has begun: the next one
        ("friday", dt.date(2026, 11, 27)),
    ],
)
def test_a_snooze_ends_on_the_day_people_mean(text, day):
    assert parse_snooze(text, TODAY) == day


@pytest.mark.parametrize(
    "text, expected",
    [
        ("until 2026-11-01", "is 2026-11-01, not after today (expected a future day)"),
        ("for 0 days", "not after today"),
        ("whenever", "is not a day to snooze until (expected 'until 2027-03-01'"),
        ("until 2027-02-30", "is not a day to snooze until"),
    ],
)
def test_a_snooze_that_ends_nowhere_in_the_future_is_refused(text, expected):
    with pytest.raises(UserError) as caught:
        parse_snooze(text, TODAY)
    assert caught.value.message.startswith("snooze: ") and expected in caught.value.message


# ------------------------------------------------------------------ the rhythm


def test_a_rhythm_of_ones_own_replaces_the_tier_and_the_reason_says_so(ada):
    run = ada
    before = cadence_of(run, "Ada Lovelace")
    assert before["followup"]["due"] == "2026-12-31"  # tier B: every 2 months after 1 November

    said = ok(run("contact", "rhythm", "Ada", "every 3 weeks"))
    assert said.stdout == "Contact 1 (Ada Lovelace): rhythm set to every 3 weeks\n"
    item = cadence_of(run, "Ada Lovelace")
    assert item["followup"]["due"] == "2026-11-22"
    assert item["followup"]["reason"] == (
        "Check-in every 3 weeks with Ada (you set this rhythm for Ada, in place of every 2 months for tier B): "
        "last touch on 1 November 2026."
    )
    # Health measures recency against the person's own rhythm too.
    shown = ok(run("contact", "show", "Ada", "--json")).json()
    assert shown["contact"]["rhythm_days"] == 21 and shown["rhythm"] == "every 3 weeks"
    assert "against a 21-day rhythm" in json.dumps(shown["health"])
    text = ok(run("contact", "show", "Ada")).stdout
    assert "  rhythm            every 3 weeks (yours, in place of the rules')\n" in text

    assert ok(run("contact", "rhythm", "Ada")).stdout == "Contact 1 (Ada Lovelace): rhythm is every 3 weeks\n"
    cleared = ok(run("contact", "rhythm", "Ada", "--clear", "--json")).json()
    assert cleared["rhythm_days"] is None and cleared["rhythm"] is None
    again = cadence_of(run, "Ada Lovelace")
    assert again["followup"]["due"] == "2026-12-31" and "you set" not in again["followup"]["reason"]
    assert ok(run("contact", "show", "Ada", "--json")).json()["rhythm"] is None


def test_a_rhythm_set_for_a_former_contact_keeps_them_in_touch(run):
    ok(run("contact", "add", "Grace Hopper", "--stage", "former"))
    ok(run("log", "Grace", "--channel", "email", "--when", "2026-11-10"))
    assert items_of(run, "Grace Hopper", 200) == []
    ok(run("contact", "rhythm", "Grace", "monthly"))
    item = cadence_of(run, "Grace Hopper")
    assert item["followup"]["due"] == "2026-12-10"
    assert "(you set this rhythm for Grace, though stage former has no routine rhythm)" in item["followup"]["reason"]


@pytest.mark.parametrize(
    "args, message",
    [
        (("every 0 days",), "keepwarm: rhythm: 'every 0 days' is not a rhythm (expected at least every 1 day"),
        (("every -2 weeks",), "keepwarm: rhythm: 'every -2 weeks' is not a rhythm (expected at least every 1 day"),
        (("now and then",), "keepwarm: rhythm: 'now and then' is not a rhythm (expected 'every 3 weeks'"),
        (("every 3 weeks", "--clear"), "keepwarm: contact rhythm: give a rhythm or --clear, not both"),
    ],
)
def test_a_bad_rhythm_is_one_line_exit_2_and_nothing_written(ada, args, message):
    run = ada
    ok(run("contact", "rhythm", "Ada", "every 10 days"))
    before = ok(run("export", "json")).stdout
    result = run("contact", "rhythm", "Ada", *args)
    assert result.exit_code == 2
    assert result.stderr.startswith(message) and result.stderr.count("\n") == 1
    assert ok(run("export", "json")).stdout == before


# ------------------------------------------------------------------ the snooze


def test_a_snoozed_person_has_nothing_due_before_the_day_and_waking_them_brings_it_back(ada):
    run = ada
    ok(run("contact", "rhythm", "Ada", "every 2 weeks"))  # due 15 November: overdue today
    ok(run("followup", "add", "Ada", "send the slides", "--due", "2026-12-10"))  # beyond what a touch today meets
    assert {i["followup"]["reason"][:15] for i in items_of(run, "Ada Lovelace", 20)} == {
        "Check-in every ", "send the slides"}

    said = ok(run("contact", "snooze", "Ada", "not before March"))
    assert said.stdout == "Contact 1 (Ada Lovelace): snoozed until Mon 01 Mar 2027; nothing is due before\n"
    assert items_of(run, "Ada Lovelace", days=98) == []  # up to 28 February
    # The rule's check-in is held back by the engine (open, and it still follows the rules); the one the
    # user planned is snoozed, as `followup snooze` would.
    waiting = {i["followup"]["rule_key"]: i for i in items_of(run, "Ada Lovelace", days=99)}
    assert {(k, i["due"], i["followup"]["status"]) for k, i in waiting.items()} == {
        ("cadence", "2027-03-01", "open"), ("manual", "2027-03-01", "snoozed")}
    assert waiting["cadence"]["followup"]["reason"].endswith(
        "last touch on 1 November 2026. You snoozed Ada until 1 March 2027.")
    text = ok(run("agenda", "--days", "99")).stdout
    assert "(snoozed until 2027-03-01, health" in text
    shown = ok(run("contact", "show", "Ada")).stdout
    assert "  snoozed until     Mon 01 Mar 2027 (nothing is due before)\n" in shown
    assert ok(run("contact", "show", "Ada", "--json")).json()["snoozed_until"] == "2027-03-01"

    # A touch while snoozed: the next check-in the rule proposes waits for the day as well.
    ok(run("log", "Ada", "--channel", "call", "--when", "2026-11-22 08:00"))
    (after,) = [i for i in items_of(run, "Ada Lovelace", days=99) if i["followup"]["rule_key"] == "cadence"]
    assert after["followup"]["due"] == "2027-03-01" and after["followup"]["status"] == "open"
    assert after["followup"]["reason"].endswith(
        "last touch on 22 November 2026. You snoozed Ada until 1 March 2027."
    )

    woken = ok(run("contact", "snooze", "Ada", "--clear"))
    assert woken.stdout == "Contact 1 (Ada Lovelace): woken\n"
    back = {i["followup"]["reason"][:15]: (i["due"], i["followup"]["status"]) for i in items_of(run, "Ada Lovelace", 20)}
    assert back == {"send the slides": ("2026-12-10", "open"), "Check-in every ": ("2026-12-06", "open")}
    assert ok(run("contact", "show", "Ada", "--json")).json()["snoozed_until"] is None


def test_a_snooze_for_three_weeks_and_a_new_day_moves_only_what_waited_for_the_old_one(ada):
    run = ada
    ok(run("followup", "add", "Ada", "send the slides", "--due", "2026-11-25"))
    ok(run("followup", "add", "Ada", "new year call", "--due", "2027-01-20"))
    ok(run("contact", "snooze", "Ada", "for 3 weeks"))
    dues = {i["followup"]["reason"]: i["due"] for i in items_of(run, "Ada Lovelace", 70)}
    assert dues["send the slides"] == "2026-12-13" and dues["new year call"] == "2027-01-20"
    ok(run("contact", "snooze", "Ada", "until 2026-12-01"))  # a shorter snooze: what waited wakes earlier
    dues = {i["followup"]["reason"]: i["due"] for i in items_of(run, "Ada Lovelace", 70)}
    assert dues["send the slides"] == "2026-12-01" and dues["new year call"] == "2027-01-20"


@pytest.mark.parametrize(
    "args, message",
    [
        (("until 2026-11-01",), "keepwarm: snooze: 'until 2026-11-01' is 2026-11-01, not after today"),
        (("some day",), "keepwarm: snooze: 'some day' is not a day to snooze until (expected 'until 2027-03-01'"),
        (("for 3 weeks", "--clear"), "keepwarm: contact snooze: give a snooze or --clear, not both"),
    ],
)
def test_a_bad_snooze_is_one_line_exit_2_and_nothing_written(ada, args, message):
    run = ada
    ok(run("followup", "add", "Ada", "send the slides", "--due", "2026-11-25"))
    before = ok(run("export", "json")).stdout
    result = run("contact", "snooze", "Ada", *args)
    assert result.exit_code == 2
    assert result.stderr.startswith(message) and result.stderr.count("\n") == 1
    assert ok(run("export", "json")).stdout == before


# ------------------------------------------------------------------ the backup


def test_the_backup_carries_the_rhythm_and_the_snooze_through_a_restore(ada, tmp_path, monkeypatch):
    run = ada
    # Unset, they are left out: the file is what version 2 always wrote, and an earlier keepwarm restores it.
    (plain,) = json.loads(ok(run("export", "json")).stdout)["contacts"]
    assert "rhythm_days" not in plain and "snoozed_until" not in plain
    ok(run("contact", "rhythm", "Ada", "every 3 weeks"))
    ok(run("contact", "snooze", "Ada", "until 2027-03-01"))
    first = tmp_path / "first.json"
    ok(run("export", "json", "-o", str(first)))
    (saved,) = json.loads(first.read_text(encoding="utf-8"))["contacts"]
    assert (saved["rhythm_days"], saved["snoozed_until"]) == (21, "2027-03-01")

    monkeypatch.setenv("KEEPWARM_HOME", str(tmp_path / "elsewhere"))
    ok(run("restore", str(first)))
    second = tmp_path / "second.json"
    ok(run("export", "json", "-o", str(second)))
    assert second.read_bytes() == first.read_bytes()
    shown = ok(run("contact", "show", "1", "--json")).json()
    assert (shown["rhythm"], shown["snoozed_until"]) == ("every 3 weeks", "2027-03-01")


def test_every_cadence_rule_is_held_back_by_a_snooze_not_only_the_routine_rhythm(run):
    """A promise and a birthday made while the person is snoozed fall due on the day the snooze ends."""
    ok(run("contact", "add", "Bob Noyce", "--birthday", "12-10"))
    ok(run("contact", "snooze", "Bob", "until 2027-01-05"))
    ok(run("promise", "add", "Bob", "send the deck", "--due", "2026-12-01"))
    found = {i["followup"]["rule_key"]: i for i in items_of(run, "Bob Noyce", days=60)}
    assert set(found) == {"cadence", "occasions.birthday.12-10", "promise_due.1"}
    for item in found.values():
        assert item["due"] == "2027-01-05" and item["followup"]["status"] == "open"
        assert item["followup"]["reason"].endswith(" You snoozed Bob until 5 January 2027.")
    assert items_of(run, "Bob Noyce", days=43) == []  # up to 4 January


def test_the_contacts_table_has_the_two_columns_empty_until_set(run, db_path):
    import sqlite3

    ok(run("contact", "add", "Ada Lovelace"))
    conn = sqlite3.connect(db_path)
    try:
        columns = {row[1]: row[2] for row in conn.execute("PRAGMA table_info(contacts)")}
        values = conn.execute("SELECT rhythm_days, snoozed_until FROM contacts").fetchall()
    finally:
        conn.close()
    assert (columns["rhythm_days"], columns["snoozed_until"]) == ("INTEGER", "DATE")
    assert values == [(None, None)]


def test_a_snooze_beyond_the_horizon_moves_the_rules_follow_up_there_and_it_keeps_following_the_rules(ada, db_path):
    """The engine stores follow-ups 120 days ahead; one already scheduled waits past that, it is not left behind."""
    import sqlite3

    run = ada

    def stored() -> list[tuple]:
        conn = sqlite3.connect(db_path)
        try:
            return conn.execute("SELECT rule_key, due, status, reason FROM followups ORDER BY id").fetchall()
        finally:
            conn.close()

    ok(run("agenda"))
    ((key, due, status, _),) = stored()
    assert (key, due, status) == ("cadence", "2026-12-31", "open")
    ok(run("contact", "snooze", "Ada", "until 2027-06-01"))
    ((key, due, status, reason),) = stored()
    assert (key, due, status) == ("cadence", "2027-06-01", "open")
    ok(run("contact", "rhythm", "Ada", "every 3 weeks"))  # while snoozed: the held follow-up says the new rhythm
    ((key, due, status, reason),) = stored()
    assert (due, status) == ("2027-06-01", "open")
    assert reason.startswith("Check-in every 3 weeks with Ada (you set this rhythm for Ada")
    assert reason.endswith("You snoozed Ada until 1 June 2027.")
    ok(run("contact", "snooze", "Ada", "--clear"))
    ((key, due, status, reason),) = stored()
    assert (due, status) == ("2026-11-22", "open") and "snoozed" not in reason
