"""A run's plugin inputs are frozen once: what the run froze already is not walked again (issue 19, new day).

The whole book's network is frozen first; then every contact's context holds
that contact, its statistics and its account's context again. Each context
must still reach plugins read-only through and through, but the parts frozen
already are taken from the freezer's memo as they are: the freezer does not
enter them again (at 10,000 contacts that re-entry was a third of the contexts'
freezing).
"""

from __future__ import annotations

import dataclasses
import datetime as dt

import keepwarm_plugins.cadence_occasions as occasions
import pytest

from keepwarm.api.types import AccountContext, ContactContext, ContactStats, Member, Network
from keepwarm.engine.readonly import Freezer, ReadOnlyDict
from keepwarm.model import Account, Contact, FollowUp
from keepwarm.rules.loading import RawRules, RuleSet
from keepwarm.text.wording import plural

from conftest import FIXED_NOW
from freeze_probe import entered as entered_while

TODAY = FIXED_NOW.date()


def _book():
    ada = Contact(id=1, name="Ada Lovelace", account="Acme", tags=["vip"], emails=["ada@example.com"])
    stats = ContactStats(1, 90, 365, touches_total=3, note_signals={"budget": 2}, note_signal_last={})
    account = Account(id=7, name="Acme")
    rules: dict = {}
    return ada, stats, account, rules


def test_a_context_is_frozen_without_entering_the_parts_the_run_froze_already():
    ada, stats, account, rules = _book()
    freeze = Freezer()
    freeze(Network(contacts=(ada,), stats={1: stats}))
    actx = freeze(AccountContext(account, (Member(ada, stats),), TODAY, FIXED_NOW, rules))
    plan = FollowUp(id=3, contact_id=1, due=TODAY, reason="call Ada")
    ctx = ContactContext(ada, stats, TODAY, FIXED_NOW, rules, actx, None, (), (plan,))

    entered = [value for _, value in entered_while(freeze, ctx)]

    assert not [v for v in entered if v is ada or v is stats or v is actx], "frozen parts entered again"
    assert any(v is plan for v in entered), "the context's own follow-up is frozen"
    frozen = ctx  # frozen where it is
    with pytest.raises(ValueError):
        frozen.followups[0].reason = "changed"
    with pytest.raises(ValueError):
        frozen.contact.name = "Mallory"
    with pytest.raises(TypeError):
        frozen.contact.tags.append("hacked")
    with pytest.raises(TypeError):
        frozen.stats.note_signals["budget"] = 0  # type: ignore[index]
    with pytest.raises(dataclasses.FrozenInstanceError):
        frozen.stats = stats  # type: ignore[misc]


def test_a_short_mapping_of_plain_values_is_copied_read_only_at_once():
    stats = ContactStats(1, 90, 365, note_signals={"budget": 2, "competitor": 1}, note_signal_last={})
    freeze = Freezer()

    entered = {name for name, _ in entered_while(freeze, stats)}

    assert type(stats.note_signals) is ReadOnlyDict and stats.note_signals == {"budget": 2, "competitor": 1}
    assert type(stats.note_signal_last) is ReadOnlyDict and stats.note_signal_last == {}
    assert "_container" not in entered, "a few counts need no walk of their own"
    with pytest.raises(TypeError):
        stats.note_signals.pop("budget")


def test_a_mapping_holding_something_mutable_is_still_walked():
    @dataclasses.dataclass(frozen=True)
    class Holder:
        by_day: dict

    held = Freezer()(Holder({"mon": [1, 2], "tue": {"x": [3]}}))
    with pytest.raises(TypeError):
        held.by_day["mon"].append(3)
    with pytest.raises(TypeError):
        held.by_day["tue"]["x"].append(4)
    assert held.by_day == {"mon": [1, 2], "tue": {"x": [3]}}


def test_plural_words_equal_counts_alike_whatever_their_type():
    # plural keeps what it worded (every contact's rules word the same few counts): equal counts of
    # another type must read the same, and each word its own plural.
    assert plural(1, "day") == plural(1.0, "day") == plural(True, "day") == "1 day"
    assert plural(2, "day") == plural(2.0, "day") == "2 days"
    assert plural(1.5, "day") == "1.5 days" and plural(2, "reply") == "2 replies"
    assert plural(2, "day", "days off") == "2 days off" and plural(2, "day") == "2 days"
    assert plural(0, "touch") == "0 touches"


def test_a_date_in_a_past_year_is_no_milestone_and_the_next_one_is_proposed():
    cfg = occasions.Settings()
    ada = Contact(id=1, name="Ada Lovelace")
    first = dt.datetime(TODAY.year - 3, TODAY.month, TODAY.day, 9, tzinfo=dt.timezone.utc)
    stats = ContactStats(1, 90, 365, first_touch=first)
    rules = RuleSet(sections={"occasions": cfg}, raw=RawRules(), problems=[], broken=set()).sections
    found = occasions.keepwarm_cadence(ContactContext(ada, stats, TODAY, FIXED_NOW, rules))
    assert [(p.rule_key, p.due) for p in found] == [
        ("occasions.relationship.5y", dt.date(TODAY.year + 2, TODAY.month, TODAY.day) - dt.timedelta(days=7))
    ]


def test_a_contacts_lists_of_text_are_copied_read_only_without_reading_their_items():
    ada = Contact(id=1, name="Ada Lovelace", emails=["ada@example.com"], tags=["vip", "golf"], interests=["chess"])
    freeze = Freezer()

    entered = [value for _, value in entered_while(freeze, ada)]

    assert entered and all(v is ada for v in entered), "the model alone is walked: its lists of text are copied"
    assert (ada.emails, ada.tags, ada.interests, ada.phones) == (["ada@example.com"], ["vip", "golf"], ["chess"], [])
    with pytest.raises(TypeError):
        ada.tags.append("hacked")
    with pytest.raises(TypeError):
        ada.emails[0] = "mallory@example.com"
