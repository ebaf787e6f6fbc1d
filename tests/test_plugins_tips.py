"""Contract tests of the built-in communication tips, on hand-built contexts.

Each rule gets a positive case, its boundaries, the disabled case and the
no-data case; the shared checks (settings documented and bounded, the shipped
rule pack equal to the model defaults, `{name}` filled everywhere) run over all four.
"""

from __future__ import annotations

import datetime as dt
import tomllib
from pathlib import Path

import pytest
from pydantic import ValidationError

from keepwarm.api.types import ContactContext, ContactStats
from keepwarm.model import Contact, FollowUp, Motivation
from keepwarm_plugins import tips_channel, tips_etiquette, tips_motivation, tips_style

UTC = dt.timezone.utc
TODAY = dt.date(2026, 11, 22)
NOW = dt.datetime(2026, 11, 22, 9, tzinfo=UTC)
PACK = Path(__file__).resolve().parents[1] / "rules" / "tips.toml"
MODULES = [tips_style, tips_motivation, tips_channel, tips_etiquette]
SECTIONS = ["style_tips", "motivation_tips", "channel_tips", "etiquette_tips"]


def days_ago(days: int) -> dt.datetime:
    return dt.datetime.combine(TODAY - dt.timedelta(days=days), dt.time(19), tzinfo=UTC)


def ada(**fields) -> Contact:
    return Contact(id=1, name="Ada Lovelace", **fields)


def context(contact: Contact | None = None, rule_set=None, stats: ContactStats | None = None, **extra):
    return ContactContext(
        contact=contact or ada(),
        stats=stats or ContactStats(contact_id=1, recent_days=90, baseline_days=365),
        today=TODAY, now=NOW,
        rules=rule_set if rule_set is not None else {m.SECTION: m.Settings() for m in MODULES},
        **extra,
    )


def followup(rule_key: str = "cadence", channel: str | None = None, in_days: int = 0, **fields) -> FollowUp:
    return FollowUp(id=1, contact_id=1, due=TODAY + dt.timedelta(days=in_days), reason="planned", rule_key=rule_key,
                    source="x", channel=channel, **fields)


def texts(result) -> list[str]:
    return [t.text for t in result or []]


# ------------------------------------------------------------ shared checks


@pytest.mark.parametrize("module", MODULES, ids=SECTIONS)
def test_rule_pack_ships_exactly_the_model_defaults(module):
    pack = tomllib.loads(PACK.read_text(encoding="utf-8"))
    assert pack[module.SECTION] == module.Settings().model_dump(mode="json")


def test_pack_sections_are_exactly_the_tip_rules():
    assert sorted(tomllib.loads(PACK.read_text(encoding="utf-8"))) == sorted(SECTIONS)


@pytest.mark.parametrize("module", MODULES, ids=SECTIONS)
def test_settings_are_documented_bounded_and_strict(module):
    assert module.Settings.model_config.get("extra") == "forbid"
    for name, info in module.Settings.model_fields.items():
        assert info.description, f"{name} has no description"
        if info.annotation in (int, float):
            bounds = {type(m).__name__ for m in info.metadata}
            assert bounds & {"Ge", "Gt"} and bounds & {"Le", "Lt"}, f"{name} is unbounded"


@pytest.mark.parametrize("module", MODULES, ids=SECTIONS)
def test_disabled_tips_say_nothing(module):
    contact = ada(style="driver", motivations=["autonomy"], preferred_channel="meal", best_time="evenings")
    rule_set = {module.SECTION: module.Settings(enabled=False)}
    assert module.keepwarm_tips(context(contact, rule_set, followups=(followup(),))) is None


@pytest.mark.parametrize("module", MODULES, ids=SECTIONS)
def test_every_tip_is_addressed_by_first_name_and_filled(module):
    contact = ada(style="amiable", motivations=list(Motivation), preferred_channel="event", best_time="afternoons")
    found = module.keepwarm_tips(context(contact, followups=(followup(),)))
    assert found
    for tip in found:
        assert "{" not in tip.text and "}" not in tip.text
        assert "Lovelace" not in tip.text


# ---------------------------------------------------------------- style tips


@pytest.mark.parametrize("style", ["analytical", "driver", "expressive", "amiable"])
def test_each_style_gets_its_own_two_to_four_tips(style):
    found = tips_style.keepwarm_tips(context(ada(style=style)))
    assert 2 <= len(found) <= 4
    assert {t.topic for t in found} == {"style"}
    assert texts(found) == [t.replace("{name}", "Ada") for t in getattr(tips_style.Settings(), style)]
    others = [s for s in ("analytical", "driver", "expressive", "amiable") if s != style]
    for other in others:
        assert not set(texts(found)) & {t.replace("{name}", "Ada") for t in getattr(tips_style.Settings(), other)}


def test_analytical_tips_speak_of_evidence_and_time():
    found = " ".join(texts(tips_style.keepwarm_tips(context(ada(style="analytical")))))
    assert "evidence" in found and "Ada weighs facts" in found and "time to study" in found


def test_an_unknown_style_gets_one_tip_to_observe_and_record_it():
    found = tips_style.keepwarm_tips(context(ada()))
    assert len(found) == 1
    assert "Ada's style" in found[0].text and "--style" in found[0].text


def test_users_can_rewrite_or_silence_style_tips():
    cfg = tips_style.Settings(driver=["Ask {name} for ten minutes, {name} will say yes."], unknown=[])
    found = tips_style.keepwarm_tips(context(ada(style="driver"), {"style_tips": cfg}))
    assert texts(found) == ["Ask Ada for ten minutes, Ada will say yes."]
    assert tips_style.keepwarm_tips(context(ada(), {"style_tips": cfg})) is None


def test_style_tips_reject_empty_texts_and_unknown_styles():
    with pytest.raises(ValidationError):
        tips_style.Settings(driver=[""])
    with pytest.raises(ValidationError):
        tips_style.Settings.model_validate({"analitical": ["x"]})


# ----------------------------------------------------------- motivation tips


def test_every_driver_has_one_or_two_tips():
    for driver in Motivation:
        found = tips_motivation.keepwarm_tips(context(ada(motivations=[driver])))
        assert 1 <= len(found) <= 2, driver
        assert {t.topic for t in found} == {"motivation"}


def test_tips_follow_the_contacts_drivers_in_order():
    found = texts(tips_motivation.keepwarm_tips(context(ada(motivations=["security_stability", "learning"]))))
    assert len(found) == 4
    assert "Lower the risk for Ada" in found[0] and "something new to learn" in found[2]


def test_no_driver_known_gives_the_configurable_question():
    found = texts(tips_motivation.keepwarm_tips(context(ada())))
    assert found == ["You do not know yet what drives Ada: ask what a good year would look like for them, and note it."]
    quiet = {"motivation_tips": tips_motivation.Settings(unknown=[])}
    assert tips_motivation.keepwarm_tips(context(ada(), quiet)) is None


# -------------------------------------------------------------- channel tips


def test_channel_and_time_together():
    found = tips_channel.keepwarm_tips(context(ada(preferred_channel="email", best_time="mornings")))
    assert texts(found) == ["Ada prefers email; best reached mornings."]
    assert found[0].topic == "channel"


def test_channel_or_time_alone():
    assert texts(tips_channel.keepwarm_tips(context(ada(preferred_channel="call")))) == ["Ada prefers a phone call."]
    assert texts(tips_channel.keepwarm_tips(context(ada(best_time="after 4 pm")))) == \
        ["Ada is best reached after 4 pm."]


def test_do_not_contact_wins_over_preferences():
    found = texts(tips_channel.keepwarm_tips(context(ada(do_not_contact=True, preferred_channel="email"))))
    assert len(found) == 1 and "asked not to be contacted" in found[0] and "email" not in found[0]


def test_no_preference_nudges_to_record_one_unless_switched_off():
    found = texts(tips_channel.keepwarm_tips(context(ada())))
    assert len(found) == 1 and "how Ada likes to be reached" in found[0] and "--channel" in found[0]
    quiet = {"channel_tips": tips_channel.Settings(nudge_when_unknown=False)}
    assert tips_channel.keepwarm_tips(context(ada(), quiet)) is None


def test_channel_texts_are_rewritable():
    cfg = tips_channel.Settings(prefers="Use {channel} with {name}", best_time="ideally {time}!")
    found = texts(tips_channel.keepwarm_tips(context(ada(preferred_channel="text", best_time="Fridays"),
                                                     {"channel_tips": cfg})))
    assert found == ["Use text messages with Ada; ideally Fridays!"]


# ------------------------------------------------------------ etiquette tips


def test_a_planned_meal_brings_the_no_business_tip():
    found = tips_etiquette.keepwarm_tips(context(followups=(followup("manual", channel="meal"),)))
    assert len(found) == 1 and found[0].topic == "etiquette"
    assert "leave business at the door" in found[0].text and "When you take Ada out" in found[0].text


def test_a_recent_entertainment_touch_brings_the_tip_within_the_window():
    inside = ContactStats(contact_id=1, recent_days=90, baseline_days=365, last_entertainment=days_ago(14))
    outside = ContactStats(contact_id=1, recent_days=90, baseline_days=365, last_entertainment=days_ago(15))
    assert "leave business at the door" in texts(tips_etiquette.keepwarm_tips(context(stats=inside)))[0]
    assert tips_etiquette.keepwarm_tips(context(stats=outside)) is None


def test_someone_who_likes_events_always_gets_the_tip():
    assert len(tips_etiquette.keepwarm_tips(context(ada(preferred_channel="event")))) == 1
    assert tips_etiquette.keepwarm_tips(context(ada(preferred_channel="email"))) is None


def test_check_in_follow_ups_bring_the_keep_it_about_them_tip():
    for key in ("cadence", "recovery_cadence", "prospect_sequence.touch"):
        found = texts(tips_etiquette.keepwarm_tips(context(followups=(followup(key),))))
        assert found and "Make the check-in about Ada" in found[0], key
    for key in ("promise_due.3", "prospect_sequence.call", "cadences", "manual"):
        assert tips_etiquette.keepwarm_tips(context(followups=(followup(key),))) is None, key


def test_only_follow_ups_coming_up_soon_count():
    assert len(tips_etiquette.keepwarm_tips(context(followups=(followup("cadence", "meal", in_days=7),)))) == 2
    assert len(tips_etiquette.keepwarm_tips(context(followups=(followup("cadence", "meal", in_days=-30),)))) == 2
    assert tips_etiquette.keepwarm_tips(context(followups=(followup("cadence", "meal", in_days=8),))) is None
    snoozed = followup("cadence", "meal", status="snoozed", snoozed_until=TODAY + dt.timedelta(days=20))
    assert tips_etiquette.keepwarm_tips(context(followups=(snoozed,))) is None
    wide = {"etiquette_tips": tips_etiquette.Settings(upcoming_days=30)}
    assert len(tips_etiquette.keepwarm_tips(context(rule_set=wide, followups=(snoozed,)))) == 2


def test_both_etiquette_tips_together_and_configurable_rules():
    found = texts(tips_etiquette.keepwarm_tips(context(followups=(followup("cadence", channel="meal"),))))
    assert len(found) == 2 and "business at the door" in found[0] and "check-in about Ada" in found[1]
    cfg = tips_etiquette.Settings(check_in_rules=["occasions"], entertaining_channels=["gift"])
    only_occasions = {"etiquette_tips": cfg}
    assert tips_etiquette.keepwarm_tips(context(rule_set=only_occasions,
                                                followups=(followup("cadence", channel="meal"),))) is None
    found = texts(tips_etiquette.keepwarm_tips(context(rule_set=only_occasions,
                                                       followups=(followup("occasions.birthday.11-29", "gift"),))))
    assert len(found) == 2


def test_no_plans_and_no_history_give_no_etiquette_tip():
    assert tips_etiquette.keepwarm_tips(context()) is None
