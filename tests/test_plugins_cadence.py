"""Contract tests of the built-in cadence rules, on hand-built contexts.

Each rule gets a positive case, its boundaries, the disabled case and the
no-data case; the shared checks (settings documented and bounded, the shipped
rule pack equal to the model defaults) run over all five.
"""

from __future__ import annotations

import datetime as dt
import tomllib
from pathlib import Path

import pytest
from pydantic import BaseModel, ValidationError

from keepwarm.api.types import ContactContext, ContactStats
from keepwarm.model import Channel, Commitment, Contact, ImportantDate
from keepwarm_plugins import cadence_interval, cadence_occasions, cadence_promises, cadence_prospect, cadence_recovery

UTC = dt.timezone.utc
TODAY = dt.date(2026, 11, 22)
NOW = dt.datetime(2026, 11, 22, 9, tzinfo=UTC)
PACK = Path(__file__).resolve().parents[1] / "rules" / "cadence.toml"
MODULES = [cadence_interval, cadence_prospect, cadence_occasions, cadence_recovery, cadence_promises]
SECTIONS = ["cadence", "prospect_sequence", "occasions", "recovery_cadence", "promise_due"]


# ------------------------------------------------------------------ builders


def at(day: str | dt.date, hour: int = 10) -> dt.datetime:
    day = dt.date.fromisoformat(day) if isinstance(day, str) else day
    return dt.datetime.combine(day, dt.time(hour), tzinfo=UTC)


def days_ago(days: int, hour: int = 10) -> dt.datetime:
    return at(TODAY - dt.timedelta(days=days), hour)


def stats(**values) -> ContactStats:
    return ContactStats(contact_id=1, recent_days=90, baseline_days=365, **values)


def rules(**overrides: BaseModel) -> dict[str, BaseModel]:
    """Every cadence section at its defaults (they look at each other), with `overrides` by section name."""
    out = {m.SECTION: m.Settings() for m in MODULES}
    out.update(overrides)
    return out


def context(contact: Contact | None = None, st: ContactStats | None = None, rule_set=None, **extra) -> ContactContext:
    return ContactContext(
        contact=contact or Contact(id=1, name="Ada Lovelace"), stats=st or stats(), today=TODAY, now=NOW,
        rules=rule_set if rule_set is not None else rules(), **extra,
    )


def ada(**fields) -> Contact:
    return Contact(id=1, name="Ada Lovelace", **fields)


def only(result, key: str | None = None):
    assert result is not None and len(result) == 1, result
    if key is not None:
        assert result[0].rule_key == key
    return result[0]


# ------------------------------------------------------------ shared checks


@pytest.mark.parametrize("module", MODULES, ids=SECTIONS)
def test_rule_pack_ships_exactly_the_model_defaults(module):
    pack = tomllib.loads(PACK.read_text(encoding="utf-8"))
    assert pack[module.SECTION] == module.Settings().model_dump(mode="json")


def _models(model: type[BaseModel]):
    yield model
    for info in model.model_fields.values():
        if isinstance(info.annotation, type) and issubclass(info.annotation, BaseModel):
            yield from _models(info.annotation)


@pytest.mark.parametrize("module", MODULES, ids=SECTIONS)
def test_settings_are_documented_bounded_and_strict(module):
    assert module.Settings.model_config.get("extra") == "forbid"
    assert module.Settings.model_fields["enabled"].default is True
    for model in _models(module.Settings):
        assert model.model_config.get("extra") == "forbid", model
        for name, info in model.model_fields.items():
            assert info.description, f"{model.__name__}.{name} has no description"
            if info.annotation in (int, float):
                bounds = {type(m).__name__ for m in info.metadata}
                assert bounds & {"Ge", "Gt"} and bounds & {"Le", "Lt"}, f"{model.__name__}.{name} is unbounded"


def test_pack_sections_are_exactly_the_cadence_rules():
    assert sorted(tomllib.loads(PACK.read_text(encoding="utf-8"))) == sorted(SECTIONS)


@pytest.mark.parametrize("module", MODULES, ids=SECTIONS)
def test_disabled_rule_proposes_nothing(module):
    contact = ada(tier="a", role="champion", stage="prospect", dates=[ImportantDate(kind="birthday", month=11, day=29)])
    st = stats(first_touch=days_ago(400), last_touch=days_ago(40), last_recovery=days_ago(3))
    promise = Commitment(id=1, contact_id=1, text="send the deck", due=TODAY)
    off = module.Settings(enabled=False)
    assert module.keepwarm_cadence(context(contact, st, rules(**{module.SECTION: off}), commitments=(promise,))) is None


@pytest.mark.parametrize("module", MODULES, ids=SECTIONS)
def test_do_not_contact_gets_no_proposal(module):
    contact = ada(do_not_contact=True, stage="prospect", dates=[ImportantDate(kind="birthday", month=11, day=29)])
    promise = Commitment(id=1, contact_id=1, text="send the deck", due=TODAY)
    assert module.keepwarm_cadence(context(contact, stats(last_recovery=days_ago(1)), commitments=(promise,))) is None


# ---------------------------------------------------------- cadence_interval


def test_tier_a_champion_last_touched_40_days_ago_is_overdue_on_the_champion_rhythm():
    contact = ada(tier="a", role="champion", preferred_channel="email")
    p = only(cadence_interval.keepwarm_cadence(context(contact, stats(last_touch=days_ago(40)))), "cadence")
    assert p.due == dt.date(2026, 11, 3)  # 40 days ago + 21
    assert p.interval_days == 21
    assert p.channel == Channel.EMAIL
    assert p.satisfied_by_touch is True
    assert "every 3 weeks" in p.reason and "(champion)" in p.reason
    assert "last touch on 13 October 2026" in p.reason and "by email as Ada prefers" in p.reason


def test_the_last_touch_counts_whoever_made_it():
    st = stats(last_touch=days_ago(10), last_inbound=days_ago(10), last_outbound=days_ago(50))
    p = only(cadence_interval.keepwarm_cadence(context(ada(tier="a"), st)))
    assert p.due == TODAY + dt.timedelta(days=20)
    assert p.reason.startswith("Monthly check-in with Ada (tier A): last touch on 12 November 2026")


@pytest.mark.parametrize(
    ("fields", "days", "words"),
    [
        ({"tier": "b"}, 60, "every 2 months"),
        ({"tier": "c"}, 120, "every 120 days"),
        ({"tier": "c", "role": "executive_sponsor"}, 30, "Monthly"),
        ({"tier": "a", "role": "end_user"}, 30, "Monthly"),  # a role without a limit keeps the tier's
        ({"tier": "c", "stage": "new_client"}, 14, "every 2 weeks"),
        ({"tier": "b", "stage": "dormant"}, 120, "every 120 days"),  # stretched x2
        ({"tier": "a", "role": "champion", "stage": "dormant"}, 42, "every 6 weeks"),  # tightest, then stretched
    ],
)
def test_the_interval_is_the_tightest_of_tier_role_and_stage_then_stretched(fields, days, words):
    p = only(cadence_interval.keepwarm_cadence(context(ada(**fields), stats(last_touch=days_ago(1)))))
    assert p.interval_days == days
    assert p.due == TODAY - dt.timedelta(days=1) + dt.timedelta(days=days)
    assert words in p.reason


def test_a_role_limit_looser_than_the_tier_does_not_loosen_it():
    cfg = cadence_interval.Settings(role_days={"champion": 31})
    p = only(cadence_interval.keepwarm_cadence(context(ada(tier="a", role="champion"), stats(last_touch=days_ago(1)),
                                                       rules(cadence=cfg))))
    assert p.interval_days == 30 and "(tier A)" in p.reason
    cfg = cadence_interval.Settings(role_days={"champion": 29})
    p = only(cadence_interval.keepwarm_cadence(context(ada(tier="a", role="champion"), stats(last_touch=days_ago(1)),
                                                       rules(cadence=cfg))))
    assert p.interval_days == 29 and "(champion)" in p.reason


def test_former_contacts_have_no_routine_rhythm():
    assert cadence_interval.keepwarm_cadence(context(ada(stage="former"), stats(last_touch=days_ago(400)))) is None


def test_never_touched_contact_is_due_a_short_grace_after_being_added():
    p = only(cadence_interval.keepwarm_cadence(context(ada(), stats(first_seen=days_ago(2)))))
    assert p.due == dt.date(2026, 11, 23)
    assert "not been in touch yet" in p.reason
    p = only(cadence_interval.keepwarm_cadence(context(ada(), stats())))  # nothing known at all
    assert p.due == TODAY + dt.timedelta(days=3)


def test_prospects_and_recovery_take_over_the_rhythm_unless_told_otherwise():
    prospect = ada(tier="b", stage="prospect")
    assert cadence_interval.keepwarm_cadence(context(prospect, stats(last_touch=days_ago(3)))) is None
    off = rules(prospect_sequence=cadence_prospect.Settings(enabled=False))
    p = only(cadence_interval.keepwarm_cadence(context(prospect, stats(last_touch=days_ago(3)), off)))
    assert p.interval_days == 14
    at_risk = ada(stage="at_risk")
    assert cadence_interval.keepwarm_cadence(context(at_risk, stats(last_touch=days_ago(3)))) is None
    keep = rules(cadence=cadence_interval.Settings(defer_to_sequences=False))
    p = only(cadence_interval.keepwarm_cadence(context(at_risk, stats(last_touch=days_ago(3)), keep)))
    assert p.interval_days == 14


def test_interval_settings_reject_unknown_roles_and_empty_intervals():
    with pytest.raises(ValidationError):
        cadence_interval.Settings(role_days={"champoin": 21})
    with pytest.raises(ValidationError):
        cadence_interval.Settings(tier_days={"a": 0, "b": 60, "c": 120})
    with pytest.raises(ValidationError):
        cadence_interval.Settings(tier_days={"a": 30, "b": 60, "c": 120, "d": 365})


# ---------------------------------------------------------- cadence_prospect


def prospect(**fields) -> Contact:
    return ada(stage="prospect", **fields)


def test_a_new_prospect_gets_a_call_now():
    p = only(cadence_prospect.keepwarm_cadence(context(prospect(), stats(first_seen=NOW))), "prospect_sequence.call")
    assert p.due == TODAY and p.channel == Channel.CALL and p.priority == 1
    assert "New prospect Ada" in p.reason and p.interval_days == 14


def test_a_prospect_first_called_yesterday_is_due_a_thank_you_note_today():
    st = stats(first_seen=days_ago(1), first_touch=days_ago(1), last_touch=days_ago(1), last_outbound=days_ago(1))
    p = only(cadence_prospect.keepwarm_cadence(context(prospect(), st)), "prospect_sequence.thank_you")
    assert p.due == TODAY and p.channel == Channel.EMAIL
    assert "first conversation (on 21 November 2026)" in p.reason


def test_a_note_after_the_call_moves_the_prospect_to_touches_every_other_week():
    st = stats(first_touch=days_ago(1, 10), last_touch=days_ago(1, 15), last_written_outbound=days_ago(1, 15))
    p = only(cadence_prospect.keepwarm_cadence(context(prospect(preferred_channel="call"), st)),
             "prospect_sequence.touch")
    assert p.due == TODAY + dt.timedelta(days=13)
    assert "every 2 weeks" in p.reason and "with a call as Ada prefers" in p.reason
    assert p.channel == Channel.CALL


def test_a_first_touch_that_was_itself_a_note_still_gets_a_thank_you():
    st = stats(first_touch=days_ago(1), last_touch=days_ago(1), last_written_outbound=days_ago(1))
    only(cadence_prospect.keepwarm_cadence(context(prospect(), st)), "prospect_sequence.thank_you")


def test_a_thank_you_is_dropped_once_the_first_regular_touch_is_due():
    st = stats(first_touch=days_ago(13), last_touch=days_ago(13))
    assert only(cadence_prospect.keepwarm_cadence(context(prospect(), st))).rule_key == "prospect_sequence.thank_you"
    st = stats(first_touch=days_ago(14), last_touch=days_ago(14))
    p = only(cadence_prospect.keepwarm_cadence(context(prospect(), st)), "prospect_sequence.touch")
    assert p.due == TODAY


def test_prospect_steps_follow_the_settings():
    cfg = cadence_prospect.Settings(stages=["new_client"], thank_you_after_days=2, thank_you_channel="letter")
    st = stats(first_touch=days_ago(1), last_touch=days_ago(1))
    assert cadence_prospect.keepwarm_cadence(context(prospect(), st, rules(prospect_sequence=cfg))) is None
    p = only(cadence_prospect.keepwarm_cadence(context(ada(stage="new_client"), st, rules(prospect_sequence=cfg))))
    assert p.due == TODAY + dt.timedelta(days=1) and p.channel == Channel.LETTER


def test_contacts_past_the_prospect_stage_are_not_in_the_sequence():
    assert cadence_prospect.keepwarm_cadence(context(ada(stage="active"), stats())) is None


# --------------------------------------------------------- cadence_occasions


def test_a_birthday_a_week_ahead_is_due_on_the_lead_day_with_the_age():
    contact = ada(dates=[ImportantDate(kind="birthday", month=11, day=29, year=1985)], preferred_channel="text")
    p = only(cadence_occasions.keepwarm_cadence(context(contact)), "occasions.birthday.11-29")
    assert p.due == dt.date(2026, 11, 26)
    assert p.reason.startswith("Ada's 41st birthday is on Sunday 29 November (2026-11-29)")
    assert "with a text message as Ada prefers" in p.reason
    assert p.satisfied_by_touch is True and p.channel == Channel.TEXT


def test_a_birthday_without_a_year_mentions_no_age_and_lead_days_are_configurable():
    contact = ada(dates=[ImportantDate(kind="birthday", month=11, day=29)])
    cfg = cadence_occasions.Settings(lead_days={"birthday": 7})
    p = only(cadence_occasions.keepwarm_cadence(context(contact, rule_set=rules(occasions=cfg))))
    assert p.due == TODAY and p.reason.startswith("Ada's birthday is on Sunday 29 November")


def test_an_occasion_stays_a_little_after_the_day_then_moves_to_next_year():
    two_days_ago = ada(dates=[ImportantDate(kind="birthday", month=11, day=20)])
    p = only(cadence_occasions.keepwarm_cadence(context(two_days_ago)))
    assert p.due == dt.date(2026, 11, 17) and "(2026-11-20)" in p.reason
    three_days_ago = ada(dates=[ImportantDate(kind="birthday", month=11, day=19)])
    assert only(cadence_occasions.keepwarm_cadence(context(three_days_ago))).due == dt.date(2027, 11, 16)


def test_work_anniversaries_and_custom_dates_each_get_their_own_key():
    contact = ada(dates=[
        ImportantDate(kind="work_anniversary", month=12, day=1, year=2021),
        ImportantDate(kind="custom", month=12, day=10, label="company founding day"),
    ])
    found = {p.rule_key: p for p in cadence_occasions.keepwarm_cadence(context(contact))}
    assert set(found) == {"occasions.work_anniversary.12-01", "occasions.custom.12-10"}
    assert found["occasions.work_anniversary.12-01"].due == dt.date(2026, 11, 29)
    assert "Ada's 5th work anniversary is on" in found["occasions.work_anniversary.12-01"].reason
    assert found["occasions.custom.12-10"].due == dt.date(2026, 12, 3)
    assert "Ada's company founding day is on" in found["occasions.custom.12-10"].reason
    only_birthdays = rules(occasions=cadence_occasions.Settings(kinds=["birthday"]))
    assert cadence_occasions.keepwarm_cadence(context(contact, rule_set=only_birthdays)) is None


def test_a_leap_day_birthday_falls_on_28_february_in_common_years():
    contact = ada(dates=[ImportantDate(kind="birthday", month=2, day=29)])
    assert only(cadence_occasions.keepwarm_cadence(context(contact))).due == dt.date(2027, 2, 25)


def test_the_first_year_since_the_first_touch_is_a_milestone():
    st = stats(first_touch=at("2025-11-25"), last_touch=days_ago(5))
    p = only(cadence_occasions.keepwarm_cadence(context(ada(), st)), "occasions.relationship.1y")
    assert p.due == dt.date(2026, 11, 18)
    assert "1-year anniversary of your first touch with Ada is on Wednesday 25 November" in p.reason
    later = stats(first_touch=at("2024-11-25"), last_touch=days_ago(5))  # 2 years: not in the list, next is 5
    assert only(cadence_occasions.keepwarm_cadence(context(ada(), later))).rule_key == "occasions.relationship.5y"
    none = rules(occasions=cadence_occasions.Settings(relationship_years=[]))
    assert cadence_occasions.keepwarm_cadence(context(ada(), st, none)) is None


def test_no_dates_and_no_touches_give_no_occasion():
    assert cadence_occasions.keepwarm_cadence(context(ada(), stats())) is None


@pytest.mark.parametrize(("n", "text"), [(1, "1st"), (2, "2nd"), (3, "3rd"), (11, "11th"), (12, "12th"),
                                         (13, "13th"), (21, "21st"), (42, "42nd"), (111, "111th")])
def test_ordinals(n, text):
    assert cadence_occasions._ordinal(n) == text


# ---------------------------------------------------------- cadence_recovery


def test_an_at_risk_contact_gets_a_weekly_urgent_rhythm():
    p = only(cadence_recovery.keepwarm_cadence(context(ada(stage="at_risk"), stats(last_touch=days_ago(10)))),
             "recovery_cadence")
    assert p.due == TODAY - dt.timedelta(days=3)
    assert p.priority == 1 and p.interval_days == 7
    assert "weekly" in p.reason and "marked at risk" in p.reason and "last touch on 12 November 2026" in p.reason


def test_a_recovery_conversation_keeps_the_rhythm_for_the_configured_days():
    st = stats(last_touch=days_ago(2), last_recovery=days_ago(30))
    p = only(cadence_recovery.keepwarm_cadence(context(ada(), st)))
    assert "recovery conversation on 23 October 2026" in p.reason and p.due == TODAY + dt.timedelta(days=5)
    st = stats(last_touch=days_ago(2), last_recovery=days_ago(31))
    assert cadence_recovery.keepwarm_cadence(context(ada(), st)) is None


@pytest.mark.parametrize(
    ("mood", "rated", "applies"),
    [(-0.5, 2, True), (-1.2, 5, True), (-0.4, 3, False), (-1.5, 1, False), (None, 0, False)],
)
def test_a_negative_recent_mood_triggers_recovery(mood, rated, applies):
    st = stats(last_touch=days_ago(4), sentiment_recent=mood, sentiment_count_recent=rated)
    result = cadence_recovery.keepwarm_cadence(context(ada(), st))
    assert (result is not None) is applies
    if applies:
        assert f"averages {mood:+.1f}" in result[0].reason and f"last {rated} rated touches" in result[0].reason


def test_recovery_without_any_touch_is_due_today_and_former_contacts_are_skipped():
    assert only(cadence_recovery.keepwarm_cadence(context(ada(stage="at_risk"), stats()))).due == TODAY
    assert cadence_recovery.keepwarm_cadence(context(ada(stage="former"), stats(last_recovery=days_ago(1)))) is None
    cfg = cadence_recovery.Settings(when_at_risk=False)
    off = rules(recovery_cadence=cfg)
    assert cadence_recovery.keepwarm_cadence(context(ada(stage="at_risk"), stats(), off)) is None


def test_a_healthy_contact_needs_no_recovery():
    st = stats(last_touch=days_ago(4), sentiment_recent=1.5, sentiment_count_recent=4)
    assert cadence_recovery.keepwarm_cadence(context(ada(), st)) is None


# ---------------------------------------------------------- cadence_promises


def promise(id_: int = 7, text: str = "send the pricing sheet", due: str | None = "2026-11-24",
            created: str = "2026-11-10", **fields) -> Commitment:
    return Commitment(id=id_, contact_id=1, text=text, due=dt.date.fromisoformat(due) if due else None,
                      created_at=at(created), **fields)


def test_a_promise_due_on_tuesday_becomes_a_follow_up_the_day_before():
    p = only(cadence_promises.keepwarm_cadence(context(commitments=(promise(),))), "promise_due.7")
    assert p.due == dt.date(2026, 11, 23)
    assert p.satisfied_by_touch is False and p.priority == 2
    assert 'You promised Ada: "send the pricing sheet"' in p.reason and "2026-11-24" in p.reason
    assert "keepwarm promise done 7" in p.action


def test_an_overdue_promise_is_urgent_and_says_when_it_was_due():
    p = only(cadence_promises.keepwarm_cadence(context(commitments=(promise(due="2026-11-20"),))))
    assert p.due == dt.date(2026, 11, 19) and p.priority == 1 and "was due on 20 November 2026" in p.reason
    today = only(cadence_promises.keepwarm_cadence(context(commitments=(promise(due="2026-11-22"),))))
    assert today.priority == 1 and "due today" in today.reason


def test_a_promise_recorded_late_is_due_the_day_it_was_made():
    late = promise(due="2026-11-23", created="2026-11-22")
    cfg = rules(promise_due=cadence_promises.Settings(lead_days=3))
    assert only(cadence_promises.keepwarm_cadence(context(commitments=(late,), rule_set=cfg))).due == TODAY
    early = promise(due="2026-11-30", created="2026-11-01")
    assert only(cadence_promises.keepwarm_cadence(context(commitments=(early,), rule_set=cfg))).due == \
        dt.date(2026, 11, 27)


def test_only_my_open_dated_promises_count():
    theirs = promise(id_=1, by="them")
    undated = promise(id_=2, due=None)
    kept = promise(id_=3, status="done")
    assert cadence_promises.keepwarm_cadence(context(commitments=(theirs, undated, kept))) is None
    assert cadence_promises.keepwarm_cadence(context()) is None
    both = cadence_promises.keepwarm_cadence(context(commitments=(promise(id_=4), promise(id_=5, text="call back"))))
    assert [p.rule_key for p in both] == ["promise_due.4", "promise_due.5"]


def test_a_long_promise_is_quoted_short():
    text = "prepare " + "a very detailed migration plan " * 10
    p = only(cadence_promises.keepwarm_cadence(context(commitments=(promise(text=text),))))
    quoted = p.reason.split('"')[1]
    assert len(quoted) == 80 and quoted.endswith("…") and quoted.startswith("prepare a very detailed")

