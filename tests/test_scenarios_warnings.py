"""Scenario tests of the warning detectors through the real engine and CLI.

Each test builds a concrete history with the CLI at the fixed clock (Sunday
2026-11-22, 09:00 UTC; the recent window starts 2026-08-24, the baseline
2025-08-24), then reads `contact show --json` or `agenda --json`.
"""

from __future__ import annotations

import datetime as dt

FIXED_NOW = "2026-11-22T09:00:00+00:00"


def ok(result):
    assert result.exit_code == 0, result.stderr
    return result


def show(run, who: str) -> dict:
    return ok(run("contact", "show", who, "--json")).json()


def warned(run, who: str) -> dict[str, dict]:
    """The contact's warnings by key (each key appears once per contact)."""
    found = show(run, who)["warnings"]
    keys = [w["key"] for w in found]
    assert len(keys) == len(set(keys)), keys
    return {w["key"]: w for w in found}


def log(run, who: str, channel: str, when: str, *extra: str):
    return ok(run("log", who, "--channel", channel, "--when", when, *extra))


def added_on(monkeypatch, run, day: str, *args: str):
    """Add a contact as if on `day` (the clock is moved for this one command)."""
    monkeypatch.setenv("KEEPWARM_NOW", f"{day}T09:00:00+00:00")
    try:
        ok(run("contact", "add", *args))
    finally:
        monkeypatch.setenv("KEEPWARM_NOW", FIXED_NOW)


# --------------------------------------------------------- per-contact rules


def test_twice_a_month_for_a_year_then_once_in_three_months_is_a_frequency_drop(run):
    ok(run("contact", "add", "Ada Lovelace"))
    day = dt.date(2025, 9, 1)
    while day <= dt.date(2026, 8, 15):  # the 1st and the 15th: 24 touches in the baseline year
        for dom in (1, 15):
            log(run, "Ada", "call", day.replace(day=dom).isoformat(), "--direction", "inbound")
        day = (day.replace(day=28) + dt.timedelta(days=5)).replace(day=1)
    log(run, "Ada", "call", "2026-10-05")
    drop = warned(run, "Ada")["frequency_drop"]
    assert drop["evidence"] == {
        "recent_per_month": 0.33, "baseline_per_month": 1.97, "share_of_baseline": 0.17,
        "recent_days": 90, "baseline_days": 365, "touches_recent": 1, "touches_baseline": 24,
    }
    assert drop["severity"] == 3 and "0.33" in drop["message"] and "1.97" in drop["message"]


def test_a_steady_rhythm_and_a_new_contact_give_no_frequency_drop(run):
    ok(run("contact", "add", "Ada Lovelace"))
    for month in range(1, 12):
        log(run, "Ada", "call", f"2026-{month:02d}-10")
    ok(run("contact", "add", "Bea Newcomer"))
    log(run, "Bea", "call", "2026-11-20")
    assert "frequency_drop" not in warned(run, "Ada")
    assert "frequency_drop" not in warned(run, "Bea")


def test_unanswered_emails_against_a_responsive_past_give_reply_slowdown(run):
    ok(run("contact", "add", "Ada Lovelace"))
    for day in ("2026-03-02", "2026-04-06", "2026-05-04", "2026-06-01"):
        log(run, "Ada", "email", day, "--responded", "--response-hours", "3")
    for day, answer in (("2026-09-07", "--responded"), ("2026-09-28", "--no-reply"),
                        ("2026-10-19", "--no-reply"), ("2026-11-09", "--no-reply")):
        extra = ("--response-hours", "50") if answer == "--responded" else ()
        log(run, "Ada", "email", day, answer, *extra)
    slow = warned(run, "Ada")["reply_slowdown"]
    assert slow["severity"] == 3
    assert slow["evidence"]["reply_rate_recent"] == 0.25 and slow["evidence"]["reply_rate_baseline"] == 1.0
    assert slow["evidence"]["latency_recent_hours"] == 50.0 and slow["evidence"]["latency_baseline_hours"] == 3.0
    assert "1 of your last 4" in slow["message"] and "50 hours" in slow["message"]


def test_cancelled_and_declined_meetings_give_access_restriction(run):
    ok(run("contact", "add", "Ada Lovelace"))
    log(run, "Ada", "meeting", "2026-03-10")
    for day, outcome in (("2026-09-15", "cancelled"), ("2026-10-06", "declined"), ("2026-11-03", "no_show")):
        log(run, "Ada", "meeting", day, "--outcome", outcome)
    access = warned(run, "Ada")["access_restriction"]
    assert access["evidence"]["problems_recent"] == 3 and access["evidence"]["problems_baseline"] == 0
    assert access["severity"] == 2 and "3 meetings" in access["message"]


def test_warm_calls_turning_sour_give_sentiment_shift(run):
    ok(run("contact", "add", "Ada Lovelace"))
    for day in ("2026-02-03", "2026-04-07", "2026-06-02"):
        log(run, "Ada", "call", day, "--sentiment", "2")
    for day, mood in (("2026-09-08", "0"), ("2026-10-13", "-1"), ("2026-11-10", "-1")):
        log(run, "Ada", "call", day, "--sentiment", mood)
    shift = warned(run, "Ada")["sentiment_shift"]
    assert shift["evidence"] == {"sentiment_recent": -0.67, "rated_recent": 3, "sentiment_baseline": 2.0,
                                 "drop": 2.67, "recent_days": 90}
    assert shift["severity"] == 2 and "+2.0" in shift["message"]


def test_a_competitor_rfp_in_the_notes_gives_market_signals(run):
    ok(run("contact", "add", "Ada Lovelace"))
    log(run, "Ada", "call", "2026-11-10", "--notes", "They mentioned a competitor RFP going out in January")
    log(run, "Ada", "call", "2026-11-17", "--notes", "Talked about their sailing trip")
    signals = warned(run, "Ada")["market_signals"]
    assert signals["evidence"] == {"competitor_mentions": 1, "competitor_latest": "2026-11-10", "recent_days": 90}
    assert signals["severity"] == 2
    log(run, "Ada", "meeting", "2026-11-20", "--notes", "Finance announced a Budget Freeze for Q1")
    both = warned(run, "Ada")["market_signals"]
    assert both["severity"] == 3 and both["evidence"]["budget_latest"] == "2026-11-20"


def test_notes_older_than_the_recent_window_raise_no_market_signal(run):
    ok(run("contact", "add", "Ada Lovelace"))
    log(run, "Ada", "call", "2026-05-10", "--notes", "They ran an RFP last spring")
    assert "market_signals" not in warned(run, "Ada")


def test_late_and_curt_reactions_give_push_away(run):
    ok(run("contact", "add", "Ada Lovelace"))
    log(run, "Ada", "meeting", "2026-10-20", "--notes", "Ada arrived late and left early")
    log(run, "Ada", "call", "2026-11-12", "--notes", "She was curt, cut me off twice")
    log(run, "Ada", "call", "2026-11-18", "--notes", "Agreed to talk again later this month")
    push = warned(run, "Ada")["push_away"]
    assert push["evidence"] == {"mentions": 2, "latest": "2026-11-12", "recent_days": 90}
    assert push["severity"] == 2 and "2026-11-12" in push["message"]


def test_a_promise_due_on_the_first_gives_overdue_promises_until_it_is_kept(run):
    ok(run("contact", "add", "Ada Lovelace"))
    ok(run("promise", "add", "Ada", "send the benchmark report", "--due", "2026-11-01"))
    ok(run("promise", "add", "Ada", "send their slides", "--due", "2026-10-01", "--by", "them"))
    late = warned(run, "Ada")["overdue_promises"]
    assert late["severity"] == 3
    assert late["evidence"] == {"overdue": 1, "oldest_due": "2026-11-01", "days_overdue": 21,
                                "promises": '"send the benchmark report" (due 2026-11-01)'}
    agenda = ok(run("agenda", "--json", "--days", "30")).json()
    item = next(i for i in agenda["items"] if i["contact"]["name"] == "Ada Lovelace")
    assert "overdue_promises" in {w["key"] for w in item["warnings"]}
    ok(run("promise", "done", "1"))
    assert "overdue_promises" not in warned(run, "Ada")


def test_five_outbound_touches_and_none_back_give_one_way_until_they_call(run):
    ok(run("contact", "add", "Ada Lovelace"))
    for day in ("2026-09-01", "2026-09-22", "2026-10-13", "2026-11-03", "2026-11-17"):
        log(run, "Ada", "email", day)
    one_way = warned(run, "Ada")["one_way"]
    assert one_way["evidence"]["outbound"] == 5 and one_way["evidence"]["inbound"] == 0
    assert one_way["evidence"]["favors_asked"] == 0
    assert "never reaches out" in one_way["message"] and "never asked Ada for anything" in one_way["message"]
    log(run, "Ada", "call", "2026-11-20", "--direction", "inbound")
    assert "one_way" not in warned(run, "Ada")


def test_four_outbound_touches_are_not_yet_one_way_and_a_favor_asked_ends_it(run):
    ok(run("contact", "add", "Ada Lovelace"))
    for day in ("2026-09-01", "2026-09-22", "2026-10-13", "2026-11-03"):
        log(run, "Ada", "email", day)
    assert "one_way" not in warned(run, "Ada")
    log(run, "Ada", "call", "2026-11-17", "--purpose", "favor_asked")
    assert "one_way" not in warned(run, "Ada")


# ------------------------------------------------------------ account rules


def test_one_touched_person_out_of_four_gives_single_threaded_on_every_member(run):
    ok(run("contact", "add", "Ada Lovelace", "--account", "Acme", "--role", "champion"))
    ok(run("contact", "add", "Bob Budget", "--account", "Acme", "--role", "financial_approver"))
    ok(run("contact", "add", "Eve Exec", "--account", "Acme", "--role", "executive_sponsor"))
    ok(run("contact", "add", "Dora Decides", "--account", "Acme", "--role", "decision_influencer"))
    for day in ("2026-09-10", "2026-10-10", "2026-11-10"):
        log(run, "Ada", "call", day)
    for who in ("Ada", "Bob", "Eve", "Dora"):
        thread = warned(run, who)["single_threaded"]
        assert thread["evidence"] == {"touched": 1, "members": 4, "threads": "Ada Lovelace", "recent_days": 90}
    log(run, "Bob", "call", "2026-11-20")
    assert "single_threaded" not in warned(run, "Ada")


def test_a_key_stakeholder_untouched_since_august_is_named_with_the_days(run):
    ok(run("contact", "add", "Ada Lovelace", "--account", "Acme", "--role", "champion"))
    ok(run("contact", "add", "Carl Cash", "--account", "Acme", "--role", "financial_approver"))
    ok(run("contact", "add", "Ulla User", "--account", "Acme", "--role", "end_user"))
    log(run, "Carl", "call", "2026-08-01")
    log(run, "Ulla", "call", "2026-05-01")
    log(run, "Ada", "call", "2026-11-16")
    untouched = warned(run, "Ada")["untouched_stakeholder"]
    assert untouched["evidence"] == {"who": "Carl Cash (financial approver)", "days_since_touch": "Carl Cash: 113",
                                     "longest_days": 113, "limit_days": 60}
    assert untouched["severity"] == 2 and "Ulla" not in untouched["message"]
    log(run, "Carl", "call", "2026-11-18")
    assert "untouched_stakeholder" not in warned(run, "Ada")


def test_a_champion_who_left_and_a_new_face_give_stakeholder_change(run):
    ok(run("contact", "add", "Cleo Champion", "--account", "Acme", "--role", "champion", "--stage", "former"))
    ok(run("contact", "add", "Nina New", "--account", "Acme", "--role", "technical_evaluator"))
    change = warned(run, "Nina")["stakeholder_change"]
    assert change["severity"] == 3
    assert change["evidence"] == {"former_champions": "Cleo Champion", "active_champions": 0,
                                  "new_stakeholders": "Nina New (technical evaluator)", "new_days": 60}
    assert "Cleo Champion" in change["message"] and "Introduce yourself" in change["message"]


def test_new_people_in_an_account_known_for_a_year_are_a_note_until_met(run, monkeypatch):
    added_on(monkeypatch, run, "2025-10-01", "Old Hand", "--account", "Acme", "--role", "champion")
    log(run, "Old", "call", "2026-11-02")
    ok(run("contact", "add", "Nina New", "--account", "Acme", "--role", "financial_approver"))
    change = warned(run, "Old")["stakeholder_change"]
    assert change["severity"] == 1
    assert change["evidence"] == {"new_stakeholders": "Nina New (financial approver)", "new_days": 60}
    log(run, "Nina", "call", "2026-11-20")
    assert "stakeholder_change" not in warned(run, "Old")
