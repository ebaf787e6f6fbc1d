"""Scenario tests of the cadence rules through the real engine and CLI.

Each test builds a concrete history with the CLI at the fixed clock (Sunday
2026-11-22, 09:00 UTC), then reads `agenda --json` or `contact show --json`.
"""

from __future__ import annotations

from keepwarm.home import paths


def ok(result):
    assert result.exit_code == 0, result.stderr
    return result


def log(run, who: str, channel: str, when: str, *extra: str):
    return ok(run("log", who, "--channel", channel, "--when", when, *extra))


def agenda(run, days: int = 30) -> dict[str, dict]:
    """Agenda items by rule key (each key appears once per scenario)."""
    items = ok(run("agenda", "--json", "--days", str(days))).json()["items"]
    return {item["followup"]["rule_key"]: item for item in items}


def open_followups(run, who: str) -> dict[str, dict]:
    return {f["rule_key"]: f for f in ok(run("contact", "show", who, "--json")).json()["open_followups"]}


def user_rules(text: str) -> None:
    folder = paths.user_rules_dir()
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "mine.toml").write_text(text, encoding="utf-8")


# ------------------------------------------------------------------ cadence


def test_tier_a_champion_untouched_for_40_days_is_overdue_and_a_call_moves_the_next_due(run):
    ok(run("contact", "add", "Ada Lovelace", "--tier", "a", "--role", "champion", "--channel", "email"))
    log(run, "Ada", "call", "2026-10-13")
    item = agenda(run)["cadence"]
    assert item["due"] == "2026-11-03" and item["bucket"] == "overdue" and item["overdue_days"] == 19
    assert "every 3 weeks" in item["followup"]["reason"] and "last touch on 13 October 2026" in item["followup"]["reason"]
    assert item["followup"]["channel"] == "email" and item["followup"]["source"] == "cadence_interval"
    first_id = item["followup"]["id"]

    log(run, "Ada", "call", "2026-11-22 08:00")
    after = open_followups(run, "Ada")["cadence"]
    assert after["due"] == "2026-12-13"  # today + 21
    assert after["id"] != first_id and "last touch on 22 November 2026" in after["reason"]
    assert "cadence" not in agenda(run, days=7)


def test_an_inbound_touch_also_resets_the_rhythm(run):
    ok(run("contact", "add", "Grace Hopper", "--tier", "b"))
    log(run, "Grace", "call", "2026-08-01")
    log(run, "Grace", "email", "2026-11-12", "--direction", "inbound")
    assert open_followups(run, "Grace")["cadence"]["due"] == "2027-01-11"  # 2026-11-12 + 60


def test_a_former_contact_has_no_rhythm_and_a_dormant_one_a_stretched_one(run):
    ok(run("contact", "add", "Old Friend", "--stage", "former"))
    ok(run("contact", "add", "Quiet Client", "--stage", "dormant", "--tier", "a"))
    log(run, "Old", "call", "2026-01-05")
    log(run, "Quiet", "call", "2026-10-01")
    assert "cadence" not in open_followups(run, "Old")
    quiet = open_followups(run, "Quiet")["cadence"]
    assert quiet["due"] == "2026-11-30" and "every 2 months" in quiet["reason"]  # 30 days x 2


def test_user_rules_change_the_tier_interval(run):
    user_rules("[cadence.tier_days]\na = 10\n")
    ok(run("contact", "add", "Ada Lovelace", "--tier", "a"))
    log(run, "Ada", "call", "2026-11-20")
    assert open_followups(run, "Ada")["cadence"]["due"] == "2026-11-30"


# ---------------------------------------------------------- prospect sequence


def test_a_new_prospect_gets_a_call_today_and_no_routine_check_in(run):
    ok(run("contact", "add", "Pat Prospect", "--stage", "prospect"))
    items = agenda(run, days=60)
    assert items["prospect_sequence.call"]["due"] == "2026-11-22"
    assert items["prospect_sequence.call"]["followup"]["channel"] == "call"
    assert "cadence" not in items


def test_a_prospect_first_called_yesterday_has_the_thank_you_note_due_today(run):
    ok(run("contact", "add", "Pat Prospect", "--stage", "prospect"))
    log(run, "Pat", "call", "2026-11-21 15:00")
    items = agenda(run, days=60)
    note = items["prospect_sequence.thank_you"]
    assert note["due"] == "2026-11-22" and note["bucket"] == "today" and note["followup"]["channel"] == "email"
    assert "prospect_sequence.call" not in items

    log(run, "Pat", "email", "2026-11-22 08:30")
    left = open_followups(run, "Pat")
    assert set(left) == {"prospect_sequence.touch"}
    assert left["prospect_sequence.touch"]["due"] == "2026-12-06"


# ------------------------------------------------------------------ occasions


def test_a_birthday_next_sunday_is_due_on_the_lead_day(run):
    ok(run("contact", "add", "Ada Lovelace", "--birthday", "1985-11-29"))
    log(run, "Ada", "call", "2026-11-20")
    item = agenda(run, days=7)["occasions.birthday.11-29"]
    assert item["due"] == "2026-11-26"
    assert "Ada's 41st birthday is on Sunday 29 November (2026-11-29)" in item["followup"]["reason"]


def test_the_lead_day_comes_from_the_users_rules_and_a_dismissed_occasion_stays_dismissed(run):
    user_rules("[occasions.lead_days]\nbirthday = 7\n")
    ok(run("contact", "add", "Ada Lovelace", "--birthday", "11-29"))
    item = agenda(run, days=0)["occasions.birthday.11-29"]
    assert item["due"] == "2026-11-22" and "Ada's birthday is on" in item["followup"]["reason"]
    ok(run("followup", "dismiss", str(item["followup"]["id"])))
    assert "occasions.birthday.11-29" not in agenda(run, days=30)


def test_one_year_since_the_first_touch_is_marked(run):
    ok(run("contact", "add", "Ada Lovelace"))
    log(run, "Ada", "meeting", "2025-11-25")
    log(run, "Ada", "call", "2026-11-01")
    item = agenda(run, days=7)["occasions.relationship.1y"]
    assert item["due"] == "2026-11-18" and item["bucket"] == "overdue"
    assert "1-year anniversary of your first touch with Ada" in item["followup"]["reason"]


# ------------------------------------------------------------------- recovery


def test_an_at_risk_client_gets_a_weekly_recovery_rhythm_instead_of_the_routine_one(run):
    ok(run("contact", "add", "Ada Lovelace", "--stage", "at_risk"))
    log(run, "Ada", "call", "2026-11-12")
    items = agenda(run, days=30)
    assert items["recovery_cadence"]["due"] == "2026-11-19" and items["recovery_cadence"]["overdue_days"] == 3
    assert "weekly" in items["recovery_cadence"]["followup"]["reason"]
    assert "cadence" not in items


def test_two_sour_touches_start_the_recovery_rhythm(run):
    ok(run("contact", "add", "Ada Lovelace"))
    log(run, "Ada", "call", "2026-11-02", "--sentiment", "-1")
    log(run, "Ada", "call", "2026-11-16", "--sentiment", "-2")
    left = open_followups(run, "Ada")
    assert left["recovery_cadence"]["due"] == "2026-11-23"
    assert "averages -1.5" in left["recovery_cadence"]["reason"]
    assert "cadence" not in left


# ------------------------------------------------------------------- promises


def test_a_promise_due_tuesday_is_a_follow_up_that_only_keeping_it_closes(run):
    ok(run("contact", "add", "Ada Lovelace"))
    ok(run("promise", "add", "Ada", "send the pricing sheet", "--due", "2026-11-24"))
    item = agenda(run, days=7)["promise_due.1"]
    assert item["due"] == "2026-11-23" and item["followup"]["satisfied_by_touch"] is False
    assert '"send the pricing sheet"' in item["followup"]["reason"]

    log(run, "Ada", "call", "2026-11-22 08:00")
    assert "promise_due.1" in open_followups(run, "Ada")
    ok(run("promise", "done", "1"))
    assert "promise_due.1" not in agenda(run, days=7)
    assert "promise_due.1" not in open_followups(run, "Ada")
