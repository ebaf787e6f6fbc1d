"""Contract tests of the built-in action suggesters, on hand-built contexts.

Each rule gets a positive case, its boundaries, the disabled case and the
no-data case; the shared checks (settings documented and bounded, the shipped
rule pack equal to the model defaults) run over all twelve.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
import tomllib
from pathlib import Path

import pytest

from keepwarm.api.types import (
    AccountContext,
    ContactContext,
    ContactStats,
    Member,
    Network,
    Suggestion,
    Warning,
)
from keepwarm.model import Account, Assessment, Commitment, Contact, ImportantDate
from keepwarm_plugins import (
    suggest_celebrate,
    suggest_entertain,
    suggest_introduction,
    suggest_keep_promise,
    suggest_meet_stakeholders,
    suggest_no_reply_note,
    suggest_recovery_plan,
    suggest_referral,
    suggest_reflect_back,
    suggest_review,
    suggest_small_favor,
    suggest_useful_content,
)

UTC = dt.timezone.utc
TODAY = dt.date(2026, 11, 22)
NOW = dt.datetime(2026, 11, 22, 9, tzinfo=UTC)
PACK = Path(__file__).resolve().parents[1] / "rules" / "suggestions.toml"

MODULES = [
    suggest_useful_content, suggest_introduction, suggest_review, suggest_small_favor, suggest_no_reply_note,
    suggest_celebrate, suggest_entertain, suggest_reflect_back, suggest_recovery_plan, suggest_referral,
    suggest_meet_stakeholders, suggest_keep_promise,
]
SECTIONS = [
    "useful_content", "introduction", "offer_review", "small_favor", "no_reply_note", "celebrate", "entertain",
    "reflect_back", "recovery_plan", "referral", "meet_stakeholders", "keep_promise",
]


# ------------------------------------------------------------------ builders


def days_ago(days: int, hour: int = 10) -> dt.datetime:
    return dt.datetime.combine(TODAY - dt.timedelta(days=days), dt.time(hour), tzinfo=UTC)


def stats(contact_id: int = 1, **values) -> ContactStats:
    return ContactStats(contact_id=contact_id, recent_days=90, baseline_days=365, **values)


def person(name: str = "Ada Lovelace", contact_id: int = 1, **fields) -> Contact:
    return Contact(id=contact_id, name=name, **fields)


def warning(key: str) -> Warning:
    return Warning(key=key, message=f"{key} detected", severity=2, evidence={"n": 1})


def assessment(on: dt.date = TODAY, **ratings) -> Assessment:
    values = {"trust": 3, "communication": 3, "sharing": 3, "advocacy": 3, "conflict": 3, "commitment": 3}
    values.update(ratings)
    return Assessment(contact_id=1, on=on, **values)


def account(contact: Contact, *others: Contact, industry: str = "") -> AccountContext:
    members = tuple(Member(c, stats(c.id)) for c in (contact, *others))
    return AccountContext(account=Account(id=1, name="Acme", industry=industry), members=members,
                          today=TODAY, now=NOW, rules={})


def network(*contacts: Contact, touched: dict[int, dt.datetime] | None = None) -> Network:
    touched = touched or {}
    return Network(contacts=tuple(contacts),
                   stats={c.id: stats(c.id, last_touch=touched.get(c.id)) for c in contacts})


def promise(text: str, due: dt.date | None, by: str = "me", pid: int = 1) -> Commitment:
    return Commitment(id=pid, contact_id=1, by=by, text=text, due=due)


def make(rule, contact: Contact | None = None, *, settings: dict | None = None, **fields) -> ContactContext:
    contact = contact or person()
    fields.setdefault("stats", stats(contact.id))
    return ContactContext(contact=contact, today=TODAY, now=NOW,
                          rules={rule.SECTION: rule.Settings(**(settings or {}))}, **fields)


def suggest(ctx_or_rule, ctx: ContactContext | None = None) -> list[Suggestion]:
    rule, ctx = (ctx_or_rule, ctx) if ctx is not None else (_rule_of(ctx_or_rule), ctx_or_rule)
    found = rule.keepwarm_suggestions(ctx=ctx)
    return list(found or [])


def _rule_of(ctx: ContactContext):
    (section,) = ctx.rules
    return next(m for m in MODULES if m.SECTION == section)


def one(ctx: ContactContext) -> Suggestion:
    found = suggest(ctx)
    assert len(found) == 1, found
    assert found[0].key == _rule_of(ctx).SECTION
    return found[0]


def none(ctx: ContactContext) -> None:
    assert suggest(ctx) == []


# ------------------------------------------------- one positive case per rule

ADA_SAILS = person(interests=["sailing"])
GRACE = person("Grace Hopper", 2, tags=["expert:sailing"])


def _positive(rule) -> ContactContext:
    ada = ADA_SAILS
    return {
        suggest_useful_content: lambda: make(rule, ada),
        suggest_introduction: lambda: make(rule, ada, network=network(ada, GRACE)),
        suggest_review: lambda: make(rule, person(style="analytical")),
        suggest_small_favor: lambda: make(rule, warnings=(warning("one_way"),),
                                          stats=stats(touches_total=5, outbound_total=5)),
        suggest_no_reply_note: lambda: make(rule, ada, warnings=(warning("reply_slowdown"),)),
        suggest_celebrate: lambda: make(rule, person(dates=[ImportantDate(kind="birthday", month=12, day=1)])),
        suggest_entertain: lambda: make(rule, stats=stats(latest_assessment=assessment(trust=4))),
        suggest_reflect_back: lambda: make(rule, stats=stats(last_meeting=days_ago(1))),
        suggest_recovery_plan: lambda: make(rule, warnings=(warning("sentiment_shift"),)),
        suggest_referral: lambda: make(rule, stats=stats(latest_assessment=assessment(trust=5, advocacy=5))),
        suggest_meet_stakeholders: lambda: make(rule, person(account="Acme"),
                                                account=account(person(account="Acme"))),
        suggest_keep_promise: lambda: make(rule, commitments=(promise("send the deck", TODAY),)),
    }[rule]()


@pytest.mark.parametrize("rule", MODULES, ids=SECTIONS)
def test_each_rule_fires_on_its_positive_case_with_a_reason(rule):
    found = one(_positive(rule))
    assert found.why and found.text
    assert "Ada" in found.text
    assert 0 <= found.score <= 1


@pytest.mark.parametrize("rule", MODULES, ids=SECTIONS)
def test_a_disabled_rule_says_nothing(rule):
    ctx = _positive(rule)
    ctx = dataclasses.replace(ctx, rules={rule.SECTION: rule.Settings(enabled=False)})
    assert rule.keepwarm_suggestions(ctx=ctx) is None


@pytest.mark.parametrize("rule", MODULES, ids=SECTIONS)
def test_nobody_is_nudged_towards_a_contact_marked_do_not_contact(rule):
    ctx = _positive(rule)
    ctx = dataclasses.replace(ctx, contact=ctx.contact.model_copy(update={"do_not_contact": True}))
    assert rule.keepwarm_suggestions(ctx=ctx) is None


@pytest.mark.parametrize("rule", MODULES, ids=SECTIONS)
def test_without_any_data_no_rule_suggests_anything_or_fails(rule):
    bare = person()
    ctx = make(rule, bare, network=network(bare))
    assert rule.keepwarm_suggestions(ctx=ctx) in (None, [])


# --------------------------------------------------------- settings and pack


@pytest.mark.parametrize("rule", MODULES, ids=SECTIONS)
def test_each_plugin_declares_its_section_with_a_strict_documented_model(rule, ):
    section = rule.keepwarm_config_section()
    assert section.name == rule.SECTION
    assert section.model is rule.Settings
    assert rule.Settings.model_config.get("extra") == "forbid"
    assert rule.Settings().enabled is True
    for name, info in rule.Settings.model_fields.items():
        assert info.description, f"{rule.SECTION}.{name} needs a description"
        if info.annotation in (int, float):
            bounds = {type(m).__name__ for m in info.metadata}
            assert bounds & {"Ge", "Gt"} and bounds & {"Le", "Lt"}, f"{rule.SECTION}.{name} needs bounds"


def test_the_sections_are_exactly_the_agreed_names():
    assert [m.SECTION for m in MODULES] == SECTIONS


def test_the_shipped_pack_holds_exactly_the_model_defaults():
    pack = tomllib.loads(PACK.read_text(encoding="utf-8"))
    assert sorted(pack) == sorted(SECTIONS)
    for rule in MODULES:
        assert pack[rule.SECTION] == rule.Settings().model_dump(mode="json"), rule.SECTION
        assert rule.Settings.model_validate(pack[rule.SECTION]) == rule.Settings()


def test_every_key_in_the_pack_is_explained_by_a_comment_just_above_it():
    lines = PACK.read_text(encoding="utf-8").splitlines()
    assert lines[0].startswith("#") and "keepwarm rules check" in PACK.read_text(encoding="utf-8")
    for index, line in enumerate(lines):
        if re.match(r"^[a-z_]+ = ", line):
            assert lines[index - 1].startswith("# "), f"line {index + 1} ({line}) has no comment above it"


def test_a_misspelt_or_out_of_range_setting_is_rejected():
    with pytest.raises(ValueError, match="extra"):
        suggest_keep_promise.Settings(days_ahaed=3)
    with pytest.raises(ValueError):
        suggest_referral.Settings(min_trust=6)
    with pytest.raises(ValueError):
        suggest_review.Settings(styles=["grumpy"])


# ------------------------------------------------------------ useful_content


def test_useful_content_names_the_interest_and_that_nothing_was_sent_yet():
    found = one(make(suggest_useful_content, ADA_SAILS))
    assert "sailing" in found.text and "sailing" in found.why
    assert "not sent them anything" in found.why
    assert found.score == 0.4 and found.channel == "email"


def test_useful_content_waits_min_days_after_a_value_add():
    none(make(suggest_useful_content, ADA_SAILS, stats=stats(last_value_add=days_ago(29))))
    found = one(make(suggest_useful_content, ADA_SAILS, stats=stats(last_value_add=days_ago(30))))
    assert (TODAY - dt.timedelta(days=30)).isoformat() in found.why


def test_useful_content_falls_back_on_the_account_industry():
    ada = person(account="Acme")
    found = one(make(suggest_useful_content, ada, account=account(ada, industry="cold-chain logistics")))
    assert "cold-chain logistics" in found.text and "works in" in found.why
    none(make(suggest_useful_content, ada, account=account(ada, industry="cold-chain logistics"),
              settings={"use_industry": False}))


# -------------------------------------------------------------- introduction


def test_introduction_names_both_people_and_the_topic():
    found = one(make(suggest_introduction, ADA_SAILS, network=network(ADA_SAILS, GRACE)))
    assert "Ada Lovelace" in found.text and "Grace Hopper" in found.text and "sailing" in found.text
    assert "Ada" in found.why and "Grace Hopper" in found.why and "expert:sailing" in found.why
    assert found.score == 0.55


def test_introduction_prefers_the_expert_you_are_closer_to():
    linus = person("Linus Sail", 3, tags=["Expert: Sailing"])
    found = one(make(suggest_introduction, ADA_SAILS, network=network(
        ADA_SAILS, GRACE, linus, touched={2: days_ago(200), 3: days_ago(5)})))
    assert "Linus Sail" in found.text and "5 days ago" in found.why


def test_an_expert_tag_beats_a_warmer_title_match():
    coach = person("Carl Coach", 3, title="Sailing coach")
    found = one(make(suggest_introduction, ADA_SAILS, network=network(ADA_SAILS, GRACE, coach,
                                                                       touched={3: days_ago(1)})))
    assert "Grace Hopper" in found.text


def test_introduction_by_title_ranks_lower_and_can_be_switched_off():
    coach = person("Carl Coach", 3, title="Sailing coach")
    found = one(make(suggest_introduction, ADA_SAILS, network=network(ADA_SAILS, coach)))
    assert "works as Sailing coach" in found.why and found.score == 0.45
    none(make(suggest_introduction, ADA_SAILS, network=network(ADA_SAILS, coach),
              settings={"match_titles": False}))


def test_introduction_by_shared_interest_is_the_weakest():
    bob = person("Bob Boat", 3, interests=["Sailing"])
    found = one(make(suggest_introduction, ADA_SAILS, network=network(ADA_SAILS, bob)))
    assert found.score == 0.35 and "shares the interest" in found.why
    none(make(suggest_introduction, ADA_SAILS, network=network(ADA_SAILS, bob),
              settings={"match_interests": False}))


def test_introduction_skips_colleagues_unless_told_and_people_not_to_contact():
    ada = person(interests=["sailing"], account="Acme")
    colleague = person("Grace Hopper", 2, tags=["expert:sailing"], account="Acme")
    none(make(suggest_introduction, ada, network=network(ada, colleague)))
    assert "Grace Hopper" in one(make(suggest_introduction, ada, network=network(ada, colleague),
                                      settings={"exclude_same_account": False})).text
    quiet = person("Grace Hopper", 2, tags=["expert:sailing"], do_not_contact=True)
    none(make(suggest_introduction, ADA_SAILS, network=network(ADA_SAILS, quiet)))


def test_introduction_reads_a_custom_prefix():
    knows = person("Grace Hopper", 2, tags=["knows:sailing"])
    none(make(suggest_introduction, ADA_SAILS, network=network(ADA_SAILS, knows)))
    found = one(make(suggest_introduction, ADA_SAILS, network=network(ADA_SAILS, knows),
                     settings={"expert_prefix": "knows:"}))
    assert "knows:sailing" in found.why


def test_introduction_without_a_matching_helper_or_network_says_nothing():
    other = person("Grace Hopper", 2, tags=["expert:chess"])
    none(make(suggest_introduction, ADA_SAILS, network=network(ADA_SAILS, other)))
    none(make(suggest_introduction, ADA_SAILS))


# -------------------------------------------------------------- offer_review


def test_offer_review_gives_each_reason_that_fits():
    ada = person(style="driver", motivations=["learning"], role="technical_evaluator")
    found = one(make(suggest_review, ada))
    assert "driver" in found.why and "learning" in found.why and "technical evaluator" in found.why
    assert "deck" in found.text and found.score == 0.4


def test_offer_review_skips_people_it_does_not_fit():
    none(make(suggest_review, person(style="amiable", motivations=["security_stability"], role="end_user")))
    found = one(make(suggest_review, person(style="amiable"), settings={"styles": ["amiable"]}))
    assert "amiable" in found.why


def test_offer_review_is_not_repeated_too_often():
    ada = person(motivations=["professional_success"])
    none(make(suggest_review, ada, stats=stats(last_value_add=days_ago(44))))
    assert "professional success" in one(make(suggest_review, ada, stats=stats(last_value_add=days_ago(45)))).why


# --------------------------------------------------------------- small_favor


def test_small_favor_answers_the_one_way_warning_with_its_evidence():
    found = one(make(suggest_small_favor, warnings=(warning("one_way"),),
                     stats=stats(touches_total=5, outbound_total=5, inbound_total=0)))
    assert found.score == 0.7
    assert "one way" in found.why and "5 touches came from you and 0 from Ada" in found.why
    assert "never asked" in found.why and "favor" in found.text


def test_small_favor_without_a_warning_waits_for_enough_touches():
    none(make(suggest_small_favor, stats=stats(touches_total=4, outbound_total=4)))
    found = one(make(suggest_small_favor, stats=stats(touches_total=5, outbound_total=3, inbound_total=2)))
    assert found.score == 0.45 and "5 times" in found.why
    none(make(suggest_small_favor, stats=stats(touches_total=9, favors_asked_total=1,
                                               last_favor_asked=days_ago(200))))


def test_small_favor_leaves_a_recent_request_alone():
    base = {"touches_total": 8, "outbound_total": 8, "favors_asked_total": 1}
    none(make(suggest_small_favor, warnings=(warning("one_way"),),
              stats=stats(last_favor_asked=days_ago(89), **base)))
    found = one(make(suggest_small_favor, warnings=(warning("one_way"),),
                     stats=stats(last_favor_asked=days_ago(90), **base)))
    assert (TODAY - dt.timedelta(days=90)).isoformat() in found.why


# ------------------------------------------------------------- no_reply_note


def test_no_reply_note_answers_slower_replies_and_says_no_reply_is_needed():
    ada = person(interests=["college football"])
    found = one(make(suggest_no_reply_note, ada, warnings=(warning("reply_slowdown"), warning("frequency_drop"))))
    assert "college football" in found.text and "no need to reply" in found.text
    assert "slower or fewer replies" in found.why and "fewer touches than usual" in found.why
    assert found.score == 0.6 and found.channel == "text"


def test_no_reply_note_suits_amiable_people_at_a_lower_rank():
    found = one(make(suggest_no_reply_note, person(interests=["jazz"], style="amiable")))
    assert found.score == 0.35 and "amiable" in found.why
    none(make(suggest_no_reply_note, person(interests=["jazz"], style="analytical")))


def test_no_reply_note_needs_a_topic_and_a_pause():
    none(make(suggest_no_reply_note, person(style="expressive")))
    ada = person(interests=["jazz"], style="expressive")
    none(make(suggest_no_reply_note, ada, stats=stats(last_outbound=days_ago(3))))
    one(make(suggest_no_reply_note, ada, stats=stats(last_outbound=days_ago(4))))


# ----------------------------------------------------------------- celebrate


def birthday(month: int, day: int, **extra) -> Contact:
    return person(dates=[ImportantDate(kind="birthday", month=month, day=day, **extra)])


def test_celebrate_names_the_date_and_ranks_by_closeness():
    found = one(make(suggest_celebrate, birthday(12, 1)))
    assert "birthday" in found.text and "Tuesday 1 December" in found.text
    assert "2026-12-01" in found.why and "in 9 days" in found.why
    assert found.score == round(0.8 * (1 - 0.5 * 9 / 14), 2)


def test_celebrate_on_the_day_and_at_the_edge_of_the_window():
    today = one(make(suggest_celebrate, birthday(11, 22)))
    assert "is today" in today.text and today.score == 0.8
    edge = one(make(suggest_celebrate, birthday(12, 6)))
    assert edge.score == 0.4
    none(make(suggest_celebrate, birthday(12, 7)))
    assert one(make(suggest_celebrate, birthday(11, 22), settings={"days_ahead": 0})).score == 0.8


def test_celebrate_counts_work_anniversary_years_and_reads_labels():
    ada = person(dates=[ImportantDate(kind="work_anniversary", month=12, day=5, year=2016),
                        ImportantDate(kind="custom", month=11, day=30, label="product launch")])
    found = suggest(make(suggest_celebrate, ada))
    texts = " | ".join(s.text for s in found)
    assert "10-year work anniversary" in texts and "product launch" in texts
    only = one(make(suggest_celebrate, ada, settings={"kinds": ["custom"]}))
    assert "product launch" in only.text


def test_celebrate_stays_quiet_once_the_occasion_was_celebrated():
    none(make(suggest_celebrate, birthday(12, 1), stats=stats(last_celebration=days_ago(3))))
    found = one(make(suggest_celebrate, birthday(12, 1), stats=stats(last_celebration=days_ago(60))))
    assert "60 days ago" in found.why


# ------------------------------------------------------------------ entertain


def test_entertain_says_to_leave_business_aside_and_why():
    found = one(make(suggest_entertain, person(interests=["golf"]),
                     stats=stats(latest_assessment=assessment(trust=3))))
    assert "leave business aside" in found.text and "golf" in found.text
    assert "3/5" in found.why and "never spent time" in found.why and found.channel == "meal"


def test_entertain_needs_decent_trust():
    none(make(suggest_entertain, stats=stats(latest_assessment=assessment(trust=2))))
    none(make(suggest_entertain, stats=stats(touches_total=3, sentiment_recent=1.0)))
    assert "4 times" in one(make(suggest_entertain, stats=stats(touches_total=4, sentiment_recent=0.5))).why
    none(make(suggest_entertain, stats=stats(touches_total=9, sentiment_recent=-0.5)))


def test_entertain_not_too_often_and_not_while_pushed_away():
    rated = {"latest_assessment": assessment(trust=5)}
    none(make(suggest_entertain, stats=stats(last_entertainment=days_ago(89), **rated)))
    assert "90 days ago" in one(make(suggest_entertain, stats=stats(last_entertainment=days_ago(90), **rated))).why
    none(make(suggest_entertain, stats=stats(**rated), warnings=(warning("push_away"),)))


# --------------------------------------------------------------- reflect_back


def test_reflect_back_after_yesterdays_meeting_ranks_high():
    found = one(make(suggest_reflect_back, stats=stats(last_meeting=days_ago(1, 15))))
    assert "2026-11-21" in found.why and "Saturday 21 November" in found.text
    assert "correct" in found.text and found.score == 0.85


def test_reflect_back_only_until_something_was_written():
    met = days_ago(1, 15)
    none(make(suggest_reflect_back, stats=stats(last_meeting=met, last_written_outbound=days_ago(1, 17))))
    one(make(suggest_reflect_back, stats=stats(last_meeting=met, last_written_outbound=days_ago(1, 9))))


def test_reflect_back_window_in_days():
    one(make(suggest_reflect_back, stats=stats(last_meeting=days_ago(3))))
    none(make(suggest_reflect_back, stats=stats(last_meeting=days_ago(4))))
    none(make(suggest_reflect_back, stats=stats(last_meeting=days_ago(1)), settings={"days": 0}))


# -------------------------------------------------------------- recovery_plan


def test_recovery_plan_lists_the_six_steps_and_its_trigger():
    found = one(make(suggest_recovery_plan, warnings=(warning("push_away"),)))
    for step in ("acknowledge", "root cause", "own your part", "plan the fix", "tell them the plan", "track"):
        assert step in found.text
    assert "push-away reactions" in found.why and found.score == 0.8


def test_recovery_plan_ranks_higher_with_more_reasons():
    found = one(make(suggest_recovery_plan, person(stage="at_risk"),
                     warnings=(warning("overdue_promises"), warning("sentiment_shift"), warning("one_way"))))
    assert found.score == 0.9
    assert "overdue" in found.why and "negative mood" in found.why and "marked at risk" in found.why
    assert "one-way" not in found.why


def test_recovery_plan_for_at_risk_can_be_switched_off_and_ignores_other_warnings():
    assert "at risk" in one(make(suggest_recovery_plan, person(stage="at_risk"))).why
    none(make(suggest_recovery_plan, person(stage="at_risk"), settings={"at_risk": False}))
    none(make(suggest_recovery_plan, warnings=(warning("frequency_drop"),)))


# ------------------------------------------------------------------- referral


def test_referral_when_trust_and_advocacy_are_high():
    found = one(make(suggest_referral, person(account="Acme"),
                     stats=stats(latest_assessment=assessment(trust=5, advocacy=5))))
    assert "referral" in found.text and "Acme" in found.text
    assert "trust 5/5" in found.why and "advocacy 5/5" in found.why and found.score == 0.5


def test_referral_thresholds():
    one(make(suggest_referral, stats=stats(latest_assessment=assessment(trust=4, advocacy=4))))
    none(make(suggest_referral, stats=stats(latest_assessment=assessment(trust=3, advocacy=5))))
    none(make(suggest_referral, stats=stats(latest_assessment=assessment(trust=5, advocacy=3))))


def test_referral_not_while_cooling_but_a_one_way_warning_is_no_obstacle():
    high = stats(latest_assessment=assessment(trust=5, advocacy=5))
    none(make(suggest_referral, stats=high, warnings=(warning("frequency_drop"),)))
    one(make(suggest_referral, stats=high, warnings=(warning("one_way"),)))
    none(make(suggest_referral, person(stage="at_risk"), stats=high))


def test_referral_ignores_stale_assessments_and_recent_requests():
    old = TODAY - dt.timedelta(days=366)
    none(make(suggest_referral, stats=stats(latest_assessment=assessment(on=old, trust=5, advocacy=5))))
    one(make(suggest_referral, stats=stats(latest_assessment=assessment(on=old + dt.timedelta(days=1),
                                                                         trust=5, advocacy=5))))
    none(make(suggest_referral, stats=stats(latest_assessment=assessment(trust=5, advocacy=5),
                                            last_favor_asked=days_ago(10))))


# ---------------------------------------------------------- meet_stakeholders


def test_meet_stakeholders_names_the_missing_roles():
    ada = person(account="Acme", role="executive_sponsor")
    cfo = person("Carl Cash", 2, account="Acme", role="financial_approver")
    found = one(make(suggest_meet_stakeholders, ada, account=account(ada, cfo)))
    assert "decision influencer" in found.text and "technical evaluator" in found.text
    assert "financial approver" not in found.text and "Acme" in found.text
    assert "decision influencer, technical evaluator" in found.why and found.score == 0.4


def test_meet_stakeholders_answers_single_threading_at_a_higher_rank():
    ada = person(account="Acme", role="champion")
    found = one(make(suggest_meet_stakeholders, ada, account=account(ada),
                     warnings=(warning("single_threaded"),), settings={"key_roles": ["champion"]}))
    assert found.score == 0.65 and "hangs on one person" in found.why and "Acme" in found.why


def test_meet_stakeholders_quiet_when_roles_are_covered_or_there_is_no_account():
    ada = person(account="Acme", role="champion")
    none(make(suggest_meet_stakeholders, ada, account=account(ada), settings={"key_roles": ["champion"]}))
    none(make(suggest_meet_stakeholders, person(), warnings=(warning("single_threaded"),)))


# -------------------------------------------------------------- keep_promise


def test_keep_promise_overdue_ranks_highest_and_quotes_the_promise():
    found = one(make(suggest_keep_promise, commitments=(promise("send the benchmark report",
                                                                TODAY - dt.timedelta(days=7)),)))
    assert '"send the benchmark report"' in found.text and "7 days ago" in found.text
    assert "2026-11-15" in found.why and found.score == 0.95


def test_keep_promise_due_soon_ranks_by_closeness_within_the_window():
    def score(days: int) -> list[float]:
        return [s.score for s in suggest(make(suggest_keep_promise,
                                              commitments=(promise("call back", TODAY + dt.timedelta(days=days)),)))]
    assert score(0) == [0.75] and score(7) == [0.55] and score(8) == []


def test_keep_promise_only_mine_with_a_due_date_overdue_first():
    found = suggest(make(suggest_keep_promise, commitments=(
        promise("theirs", TODAY, by="them", pid=1),
        promise("someday", None, pid=2),
        promise("tomorrow's", TODAY + dt.timedelta(days=1), pid=3),
        promise("late one", TODAY - dt.timedelta(days=1), pid=4),
    )))
    assert [s.text.split('"')[1] for s in found] == ["late one", "tomorrow's"]


def test_introduction_title_match_takes_whole_words_including_symbols():
    ada = person(interests=["C++"])
    found = one(make(suggest_introduction, ada, network=network(ada, person("Bjarne S", 2, title="C++ consultant"))))
    assert "C++ consultant" in found.why
    rust = person(interests=["rust"])
    none(make(suggest_introduction, rust, network=network(rust, person("Tom T", 2, title="Trustee"))))


def test_small_favor_cites_the_recent_window_when_the_warning_counts_only_that():
    recent = Warning(key="one_way", message="never reaches out lately", evidence={
        "outbound": 6, "inbound": 0, "span": "recent", "recent_days": 90})
    found = one(make(suggest_small_favor, warnings=(recent,),
                     stats=stats(touches_total=20, outbound_total=14, inbound_total=6)))
    assert "in the last 90 days 6 touches came from you and 0 from Ada" in found.why
