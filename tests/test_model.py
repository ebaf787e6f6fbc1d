"""The domain model refuses bad values with messages that name the field."""

from __future__ import annotations

import datetime as dt

import pytest
from pydantic import ValidationError

from keepwarm.errors import describe_validation_error
from keepwarm.model import (
    Account,
    Assessment,
    Channel,
    Commitment,
    Contact,
    FollowUp,
    FollowUpStatus,
    ImportantDate,
    Interaction,
    Motivation,
    Role,
    SocialStyle,
    Stage,
)
from keepwarm.model.enums import choices, normalize_word

RATINGS = {"trust": 3, "communication": 3, "sharing": 3, "advocacy": 3, "conflict": 3, "commitment": 3}


def message(factory) -> str:
    with pytest.raises(ValidationError) as caught:
        factory()
    return describe_validation_error(caught.value)


# ------------------------------------------------------------------ enums


def test_the_vocabularies_are_the_designs():
    assert choices(Role) == [
        "primary_contact",
        "decision_influencer",
        "end_user",
        "technical_evaluator",
        "financial_approver",
        "implementation_team",
        "external_advisor",
        "executive_sponsor",
        "champion",
    ]
    assert choices(SocialStyle) == ["analytical", "driver", "expressive", "amiable", "unknown"]
    assert choices(Stage) == ["prospect", "new_client", "active", "at_risk", "dormant", "former"]
    assert len(choices(Motivation)) == 7
    assert "meal" in choices(Channel)


def test_typed_words_normalise_to_one_value():
    assert normalize_word("Check-In") == "check_in"
    assert normalize_word("  at   risk ") == "at_risk"


@pytest.mark.parametrize(
    ("field", "value", "accepted"),
    [
        ("role", "boss", "primary_contact, decision_influencer, end_user, technical_evaluator, financial_approver, "
                         "implementation_team, external_advisor, executive_sponsor, champion"),
        ("style", "nice", "analytical, driver, expressive, amiable, unknown"),
        ("stage", "gone", "prospect, new_client, active, at_risk, dormant, former"),
        ("tier", "z", "a, b, c"),
        ("preferred_channel", "fax", "call, email, meeting, text, social, event, letter, gift, meal"),
    ],
)
def test_unknown_enum_value_names_the_field_and_lists_the_choices(field, value, accepted):
    assert message(lambda: Contact(name="Ada", **{field: value})) == f"{field}: {value!r} is not one of: {accepted}"


def test_unknown_motivation_names_its_position():
    text = message(lambda: Contact(name="Ada", motivations=["achievement", "money"]))
    assert text.startswith("motivations.1: 'money' is not one of: professional_success, ")


def test_interaction_enums():
    at = dt.datetime(2026, 11, 20, 10, tzinfo=dt.timezone.utc)
    assert message(lambda: Interaction(contact_id=1, at=at, channel="call", direction="sideways")) == (
        "direction: 'sideways' is not one of: outbound, inbound"
    )
    assert message(lambda: Commitment(contact_id=1, text="deck", by="you")) == "by: 'you' is not one of: me, them"


# ------------------------------------------------------------------ contact


def test_contact_defaults_and_cleaning():
    c = Contact(name="  Ada Lovelace ", account="  ", tags=["VIP", "vip", " key  account "], motivations=["learning", "learning"])
    assert c.name == "Ada Lovelace"
    assert c.account is None
    assert c.tags == ["VIP", "key account"]
    assert c.motivations == [Motivation.LEARNING]
    assert c.style == SocialStyle.UNKNOWN and c.stage == Stage.ACTIVE and c.tier.value == "b"


def test_empty_name_is_refused():
    assert message(lambda: Contact(name="   ")) == "name: empty (expected some text)"


def test_emails_are_validated_and_deduplicated_ignoring_case():
    assert Contact(name="Ada", emails=[" ada@example.com ", "ADA@example.com", "a.l@mail.example.org"]).emails == [
        "ada@example.com",
        "a.l@mail.example.org",
    ]


@pytest.mark.parametrize("bad", ["ada", "ada@example", "@example.com", "ada@.com", "ada@example.", "a da@example.com", "a@b@c.com"])
def test_bad_email_is_refused(bad):
    assert message(lambda: Contact(name="Ada", emails=[bad])) == (
        f"emails: {bad!r} is not an email address (expected name@example.com)"
    )


def test_extra_fields_are_forbidden():
    assert message(lambda: Contact(name="Ada", nickname="Countess")) == "nickname: is not a known field"
    assert message(lambda: Account(name="Acme", size=10)) == "size: is not a known field"


def test_assignment_is_validated_too():
    c = Contact(name="Ada")
    with pytest.raises(ValidationError):
        c.stage = "gone"
    assert c.stage == Stage.ACTIVE


def test_birthday_without_a_year():
    c = Contact(name="Ada", dates=[{"kind": "birthday", "month": 12, "day": 10}])
    assert c.birthday() == ImportantDate(kind="birthday", month=12, day=10, year=None)
    assert c.birthday().as_text() == "--12-10"
    assert message(lambda: Contact(name="Ada", dates=[{"kind": "birthday", "month": 13, "day": 1}])) == (
        "dates.0.month: 13 is too large (expected at most 12)"
    )


# ------------------------------------------------------------------ ratings and sentiment


@pytest.mark.parametrize("value", [1, 5])
def test_rating_bounds_are_accepted(value):
    a = Assessment(contact_id=1, on=dt.date(2026, 11, 22), **{**RATINGS, "trust": value})
    assert a.trust == value


def test_rating_out_of_range():
    assert message(lambda: Assessment(contact_id=1, on=dt.date(2026, 11, 22), **{**RATINGS, "trust": 6})) == (
        "trust: 6 is too large (expected at most 5)"
    )
    assert message(lambda: Assessment(contact_id=1, on=dt.date(2026, 11, 22), **{**RATINGS, "conflict": 0})) == (
        "conflict: 0 is too small (expected at least 1)"
    )


def test_assessment_mean():
    a = Assessment(contact_id=1, on=dt.date(2026, 11, 22), trust=5, communication=4, sharing=3, advocacy=2, conflict=1, commitment=3)
    assert a.mean() == 3.0


@pytest.mark.parametrize(("value", "ok"), [(-3, False), (-2, True), (0, True), (2, True), (3, False)])
def test_sentiment_is_minus_two_to_two(value, ok):
    at = dt.datetime(2026, 11, 20, 10, tzinfo=dt.timezone.utc)
    if ok:
        assert Interaction(contact_id=1, at=at, channel="call", sentiment=value).sentiment == value
    else:
        text = message(lambda: Interaction(contact_id=1, at=at, channel="call", sentiment=value))
        assert text.startswith(f"sentiment: {value} is too ")


# ------------------------------------------------------------------ times


def test_interaction_times_are_converted_to_utc():
    tokyo = dt.timezone(dt.timedelta(hours=9))
    item = Interaction(contact_id=1, at=dt.datetime(2026, 11, 22, 9, 30, tzinfo=tokyo), channel="meeting")
    assert item.at == dt.datetime(2026, 11, 22, 0, 30, tzinfo=dt.timezone.utc)
    assert item.at.utcoffset() == dt.timedelta(0)
    assert Interaction(contact_id=1, at="2026-11-22T10:00:00-05:00", channel="call").at.hour == 15


def test_naive_interaction_time_is_refused():
    assert message(lambda: Interaction(contact_id=1, at=dt.datetime(2026, 11, 22, 9), channel="call")) == (
        "at: a time needs its time zone"
    )


# ------------------------------------------------------------------ follow-ups and promises


def test_snoozed_follow_up_needs_a_date():
    assert message(lambda: FollowUp(contact_id=1, due=dt.date(2026, 11, 22), reason="call", status="snoozed")) == (
        "snoozed_until: a snoozed follow-up needs the date it wakes up"
    )
    woke = FollowUp(
        contact_id=1, due=dt.date(2026, 11, 22), reason="call", status="snoozed", snoozed_until=dt.date(2026, 11, 29)
    )
    assert woke.status == FollowUpStatus.SNOOZED


def test_follow_up_needs_a_reason():
    assert message(lambda: FollowUp(contact_id=1, due=dt.date(2026, 11, 22), reason="")) == (
        "reason: empty (expected some text)"
    )


def test_commitment_defaults():
    c = Commitment(contact_id=1, text="send the deck")
    assert (c.by.value, c.status.value, c.due) == ("me", "open", None)
