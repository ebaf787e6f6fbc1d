"""Scenario tests of the action suggesters through the real engine and CLI.

Each test builds a concrete history with the CLI at the fixed clock (Sunday
2026-11-22, 09:00 UTC), then reads `contact show --json` or `agenda --json`.
"""

from __future__ import annotations


def ok(result):
    assert result.exit_code == 0, result.stderr
    return result


def show(run, who: str) -> dict:
    return ok(run("contact", "show", who, "--json")).json()


def suggested(run, who: str) -> dict[str, dict]:
    """The contact's suggestions by key (each key appears once in these scenarios)."""
    return {s["key"]: s for s in show(run, who)["suggestions"]}


def warned(run, who: str) -> dict[str, dict]:
    return {w["key"]: w for w in show(run, who)["warnings"]}


def log(run, who: str, channel: str, when: str, *extra: str):
    return ok(run("log", who, "--channel", channel, "--when", when, *extra))


# ----------------------------------------------------------------------------


def test_five_outbound_touches_and_none_back_give_one_way_and_a_small_favor(run):
    ok(run("contact", "add", "Ada Lovelace"))
    for day in ("2026-09-01", "2026-09-22", "2026-10-13", "2026-11-03", "2026-11-17"):
        log(run, "Ada", "email", day)
    view = show(run, "Ada")
    assert "one_way" in {w["key"] for w in view["warnings"]}
    favor = {s["key"]: s for s in view["suggestions"]}["small_favor"]
    assert favor["score"] == 0.7
    assert "runs one way" in favor["why"] and "5 touches came from you and 0 from Ada" in favor["why"]
    assert "never asked" in favor["why"]


def test_asking_a_favor_ends_the_small_favor_suggestion(run):
    ok(run("contact", "add", "Ada Lovelace"))
    for day, direction in (("2026-09-01", "outbound"), ("2026-09-22", "inbound"), ("2026-10-13", "outbound"),
                           ("2026-11-03", "inbound"), ("2026-11-10", "outbound")):
        log(run, "Ada", "call", day, "--direction", direction)
    favor = suggested(run, "Ada")["small_favor"]
    assert favor["score"] == 0.45 and "in touch 5 times" in favor["why"]
    log(run, "Ada", "call", "2026-11-20", "--purpose", "favor_asked")
    assert "small_favor" not in suggested(run, "Ada")


def test_a_meeting_yesterday_without_a_written_follow_up_gives_reflect_back(run):
    ok(run("contact", "add", "Ada Lovelace"))
    log(run, "Ada", "meeting", "2026-11-21 14:00")
    found = show(run, "Ada")["suggestions"]
    assert found[0]["key"] == "reflect_back"
    assert found[0]["score"] == 0.85
    assert "2026-11-21" in found[0]["why"] and "Saturday 21 November" in found[0]["text"]
    log(run, "Ada", "email", "2026-11-21 18:00")
    assert "reflect_back" not in suggested(run, "Ada")


def test_a_meeting_last_week_is_too_old_to_reflect_back(run):
    ok(run("contact", "add", "Ada Lovelace"))
    log(run, "Ada", "meeting", "2026-11-15")
    assert "reflect_back" not in suggested(run, "Ada")


def test_a_sailor_and_a_sailing_expert_in_my_contacts_give_an_introduction(run):
    ok(run("contact", "add", "Ada Lovelace", "--interest", "sailing"))
    ok(run("contact", "add", "Grace Hopper", "--tag", "expert:sailing"))
    ok(run("contact", "add", "Alan Turing", "--interest", "chess"))
    intro = suggested(run, "Ada")["introduction"]
    assert "Ada Lovelace" in intro["text"] and "Grace Hopper" in intro["text"] and "sailing" in intro["text"]
    assert "expert:sailing" in intro["why"]
    assert "introduction" not in suggested(run, "Alan")


def test_the_introduction_prefers_the_expert_i_spoke_to_recently(run):
    ok(run("contact", "add", "Ada Lovelace", "--interest", "sailing"))
    ok(run("contact", "add", "Grace Hopper", "--tag", "expert:sailing"))
    ok(run("contact", "add", "Linus Keel", "--tag", "expert:sailing"))
    log(run, "Grace", "call", "2026-02-01")
    log(run, "Linus", "call", "2026-11-12")
    intro = suggested(run, "Ada")["introduction"]
    assert "Linus Keel" in intro["text"] and "10 days ago" in intro["why"]


def test_trust_and_advocacy_of_five_without_warnings_give_a_referral(run):
    ok(run("contact", "add", "Ada Lovelace"))
    ok(run("assess", "Ada", "--trust", "5", "--communication", "4", "--sharing", "4", "--advocacy", "5",
           "--conflict", "4", "--commitment", "5", "--on", "2026-11-01"))
    view = show(run, "Ada")
    assert view["warnings"] == []
    referral = {s["key"]: s for s in view["suggestions"]}["referral"]
    assert "trust 5/5" in referral["why"] and "advocacy 5/5" in referral["why"] and "2026-11-01" in referral["why"]


def test_a_lukewarm_assessment_gives_no_referral(run):
    ok(run("contact", "add", "Ada Lovelace"))
    ok(run("assess", "Ada", "--trust", "3", "--communication", "4", "--sharing", "4", "--advocacy", "5",
           "--conflict", "4", "--commitment", "5"))
    assert "referral" not in suggested(run, "Ada")


def test_an_overdue_promise_is_the_first_suggestion_until_it_is_kept(run):
    ok(run("contact", "add", "Ada Lovelace", "--interest", "sailing"))
    ok(run("promise", "add", "Ada", "send the benchmark report", "--due", "2026-11-15"))
    ok(run("promise", "add", "Ada", "share the roadmap", "--due", "2026-11-25"))
    found = show(run, "Ada")["suggestions"]
    assert found[0]["key"] == "keep_promise" and found[0]["score"] == 0.95
    assert '"send the benchmark report"' in found[0]["text"] and "2026-11-15" in found[0]["why"]
    roadmap = next(s for s in found if "share the roadmap" in s["text"])
    assert roadmap["score"] == round(0.75 - 0.2 * 3 / 7, 2)
    ok(run("promise", "done", "1"))
    texts = [s["text"] for s in show(run, "Ada")["suggestions"]]
    assert not any("benchmark" in t for t in texts) and any("share the roadmap" in t for t in texts)


def test_an_overdue_promise_warning_also_calls_for_the_recovery_plan(run):
    ok(run("contact", "add", "Ada Lovelace"))
    ok(run("promise", "add", "Ada", "send the benchmark report", "--due", "2026-11-01"))
    assert "overdue_promises" in warned(run, "Ada")
    plan = suggested(run, "Ada")["recovery_plan"]
    assert "overdue" in plan["why"] and "root cause" in plan["text"]


def test_an_at_risk_contact_gets_the_six_step_recovery_plan(run):
    ok(run("contact", "add", "Ada Lovelace", "--stage", "at_risk"))
    plan = suggested(run, "Ada")["recovery_plan"]
    for step in ("acknowledge", "root cause", "own your part", "plan the fix", "tell them the plan", "track"):
        assert step in plan["text"]
    assert "at risk" in plan["why"] and plan["score"] >= 0.8


def test_an_upcoming_birthday_is_celebrated_once(run):
    ok(run("contact", "add", "Ada Lovelace", "--birthday", "12-01"))
    found = suggested(run, "Ada")["celebrate"]
    assert "birthday" in found["text"] and "Tuesday 1 December" in found["text"]
    assert "2026-12-01" in found["why"] and found["score"] == 0.54
    log(run, "Ada", "letter", "2026-11-22 08:00", "--purpose", "celebration")
    assert "celebrate" not in suggested(run, "Ada")


def test_useful_content_about_their_interest_until_something_useful_is_sent(run):
    ok(run("contact", "add", "Ada Lovelace", "--interest", "college football"))
    found = suggested(run, "Ada")["useful_content"]
    assert "college football" in found["text"] and "college football" in found["why"]
    log(run, "Ada", "email", "2026-11-20", "--purpose", "value_article")
    assert "useful_content" not in suggested(run, "Ada")


def test_an_analytical_evaluator_is_offered_a_review(run):
    ok(run("contact", "add", "Ada Lovelace", "--style", "analytical", "--role", "technical_evaluator"))
    found = suggested(run, "Ada")["offer_review"]
    assert "analytical" in found["why"] and "technical evaluator" in found["why"] and "draft" in found["text"]
    ok(run("contact", "add", "Bea Amiable", "--style", "amiable"))
    assert "offer_review" not in suggested(run, "Bea")


def test_an_amiable_contact_gets_a_note_that_needs_no_reply(run):
    ok(run("contact", "add", "Ada Lovelace", "--style", "amiable", "--interest", "jazz"))
    found = suggested(run, "Ada")["no_reply_note"]
    assert "jazz" in found["text"] and "no need to reply" in found["text"] and found["score"] == 0.35
    log(run, "Ada", "text", "2026-11-21")
    assert "no_reply_note" not in suggested(run, "Ada")


def test_decent_trust_and_no_outing_yet_give_an_invitation_without_business(run):
    ok(run("contact", "add", "Ada Lovelace", "--interest", "golf"))
    ok(run("assess", "Ada", "--trust", "4", "--communication", "3", "--sharing", "3", "--advocacy", "3",
           "--conflict", "3", "--commitment", "3", "--on", "2026-10-01"))
    found = suggested(run, "Ada")["entertain"]
    assert "leave business aside" in found["text"] and "golf" in found["text"] and "trust is 4/5" in found["why"].lower()
    log(run, "Ada", "meal", "2026-10-20", "--purpose", "entertainment")
    assert "entertain" not in suggested(run, "Ada")


def test_an_account_missing_key_roles_gets_meet_stakeholders_naming_them(run):
    ok(run("contact", "add", "Ada Lovelace", "--account", "Acme", "--role", "executive_sponsor"))
    ok(run("contact", "add", "Carl Cash", "--account", "Acme", "--role", "financial_approver"))
    found = suggested(run, "Ada")["meet_stakeholders"]
    assert "Acme" in found["text"] and "decision influencer" in found["text"] and "technical evaluator" in found["text"]
    assert "financial approver" not in found["why"]
    ok(run("contact", "add", "Dora Decides", "--account", "Acme", "--role", "decision_influencer"))
    ok(run("contact", "add", "Tim Tester", "--account", "Acme", "--role", "technical_evaluator"))
    log(run, "Ada", "call", "2026-11-02")
    for who in ("Carl", "Dora", "Tim"):
        log(run, who, "call", "2026-11-02", "--direction", "inbound")
    assert "meet_stakeholders" not in suggested(run, "Ada")


def test_a_single_threaded_account_ranks_meeting_others_higher(run):
    ok(run("contact", "add", "Ada Lovelace", "--account", "Acme", "--role", "champion"))
    for day in ("2026-08-01", "2026-09-01", "2026-10-01", "2026-11-01"):
        log(run, "Ada", "call", day)
    assert "single_threaded" in warned(run, "Ada")
    found = suggested(run, "Ada")["meet_stakeholders"]
    assert found["score"] == 0.65 and "hangs on one person" in found["why"]


def test_the_agenda_shows_the_best_suggestions_first(run):
    ok(run("contact", "add", "Ada Lovelace", "--interest", "sailing"))
    ok(run("promise", "add", "Ada", "send the benchmark report", "--due", "2026-11-18"))
    log(run, "Ada", "meeting", "2026-11-21 14:00")
    ok(run("followup", "add", "Ada", "check in", "--due", "today"))
    agenda = ok(run("agenda", "--json", "--days", "30")).json()
    item = next(i for i in agenda["items"] if i["contact"]["name"] == "Ada Lovelace")
    keys = [s["key"] for s in item["suggestions"]]
    assert keys[:2] == ["keep_promise", "reflect_back"]
    assert len(keys) <= 3


def test_a_turn_to_negative_mood_calls_for_recovery_and_holds_back_referral_and_outings(run):
    ok(run("contact", "add", "Ada Lovelace", "--interest", "golf"))
    ok(run("assess", "Ada", "--trust", "5", "--communication", "4", "--sharing", "4", "--advocacy", "5",
           "--conflict", "4", "--commitment", "5", "--on", "2026-06-01"))
    for day in ("2026-03-02", "2026-04-06", "2026-05-04", "2026-06-01"):
        log(run, "Ada", "call", day, "--sentiment", "1", "--direction", "inbound")
    for day in ("2026-09-07", "2026-10-05", "2026-11-09"):
        log(run, "Ada", "call", day, "--sentiment", "-1", "--direction", "inbound")
    assert "sentiment_shift" in warned(run, "Ada")
    found = suggested(run, "Ada")
    assert "negative mood" in found["recovery_plan"]["why"]
    assert "referral" not in found and "entertain" not in found


def test_replies_that_dried_up_make_a_no_reply_note_rank_higher(run):
    ok(run("contact", "add", "Ada Lovelace", "--style", "analytical", "--interest", "chess"))
    for day in ("2026-02-02", "2026-03-02", "2026-04-06", "2026-05-04"):
        log(run, "Ada", "email", day, "--responded", "--response-hours", "4")
    for day in ("2026-09-07", "2026-10-05", "2026-10-26", "2026-11-10"):
        log(run, "Ada", "email", day, "--no-reply")
    assert "reply_slowdown" in warned(run, "Ada")
    note = suggested(run, "Ada")["no_reply_note"]
    assert note["score"] == 0.6 and "slower or fewer replies" in note["why"] and "chess" in note["text"]
