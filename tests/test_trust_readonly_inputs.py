"""Plugins get read-only inputs: what one plugin is handed, it cannot change for the others or for what is stored."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json

import pytest
from engine_helpers import Monthly, use_plugins
from pydantic import BaseModel

from keepwarm.engine.evaluate import evaluate
from keepwarm.engine.readonly import Freezer, ReadOnlyDict, ReadOnlyList
from keepwarm.model import Contact, Interaction
from keepwarm.plugin import Tip, Warning, hookimpl
from keepwarm.store import contacts as people

from conftest import FIXED_NOW

#: Each a plugin's attempt to change what it was handed; every one must fail inside its own call.
ATTEMPTS = {
    "rules section": lambda ctx: setattr(ctx.rules["monthly"], "days", 1),
    "rules mapping": lambda ctx: ctx.rules.__setitem__("monthly", None),
    "contact name": lambda ctx: setattr(ctx.contact, "name", "Mallory"),
    "contact tags": lambda ctx: ctx.contact.tags.append("hacked"),
    "context field": lambda ctx: setattr(ctx, "contact", None),
    "stats field": lambda ctx: setattr(ctx.stats, "touches_total", 99),
    "stats signals": lambda ctx: ctx.stats.note_signals.__setitem__("hacked", 1),
    "account member": lambda ctx: setattr(ctx.account.members[0].contact, "name", "Mallory"),
    "account name": lambda ctx: setattr(ctx.account.account, "name", "Evil Corp"),
    "network contact": lambda ctx: setattr(ctx.network.contacts[0], "title", "CEO"),
    "network stats": lambda ctx: ctx.network.stats.clear(),
}


class Meddler:
    """Tries one change per contact (the attempt named by the contact's notes) and records whether it held."""

    def __init__(self) -> None:
        self.held: list[str] = []

    @hookimpl
    def keepwarm_warnings(self, ctx):
        ATTEMPTS[ctx.contact.notes](ctx)
        self.held.append(ctx.contact.notes)
        return []


class Reader:
    """Runs after the meddler and notes what it sees."""

    def __init__(self) -> None:
        self.seen: list[tuple] = []

    @hookimpl
    def keepwarm_warnings(self, ctx):
        self.seen.append((ctx.contact.name, ctx.rules["monthly"].days, tuple(ctx.contact.tags),
                          ctx.stats.touches_total, dict(ctx.stats.note_signals)))
        return [Warning(key="seen", message=f"{ctx.contact.name} seen", severity=1)]


@pytest.mark.parametrize("attempt", sorted(ATTEMPTS))
def test_a_plugin_cannot_change_what_the_others_read_and_its_attempt_is_its_problem(session, attempt):
    with session.store.write() as conn:
        ada = people.insert_contact(conn, Contact(name="Ada Lovelace", account="Acme", tags=["vip"], notes=attempt),
                                    FIXED_NOW)
    meddler, reader = Meddler(), Reader()
    use_plugins(session, ("monthly", Monthly()), ("reader", reader), ("meddler", meddler))
    ev = evaluate(session)
    assert meddler.held == []
    assert [(p.plugin, p.hook, p.contact_id) for p in ev.problems] == [("meddler", "keepwarm_warnings", ada)]
    assert reader.seen == [("Ada Lovelace", 30, ("vip",), 0, {})]
    assert [w.message for w in ev.warnings[ada]] == ["Ada Lovelace seen"]
    with session.store.read() as conn:
        stored = people.get_contact(conn, ada)
    assert (stored.name, stored.title, stored.tags, stored.account) == ("Ada Lovelace", "", ["vip"], "Acme")
    assert session.runtime.rules.sections["monthly"].days == 30


def test_a_suggester_cannot_change_the_warnings_it_is_handed(session):
    class Warn:
        @hookimpl
        def keepwarm_warnings(self, ctx):
            return [Warning(key="quiet", message="quiet", evidence={"days": 90})]

    class Suggest:
        @hookimpl
        def keepwarm_suggestions(self, ctx):
            ctx.warnings[0].evidence["days"] = 1
            return []

    with session.store.write() as conn:
        ada = people.insert_contact(conn, Contact(name="Ada Lovelace"), FIXED_NOW)
    use_plugins(session, ("warn", Warn()), ("suggest", Suggest()))
    ev = evaluate(session)
    assert ev.suggestions(ada) == []
    assert ev.warnings[ada][0].evidence == {"days": 90}
    assert [(p.plugin, p.error.split(":")[0]) for p in ev.problems] == [("suggest", "TypeError")]


def test_tips_still_read_the_context_as_before(session):
    class Named:
        @hookimpl
        def keepwarm_tips(self, ctx):
            return [Tip(f"{ctx.contact.name}: {', '.join(ctx.contact.tags)}; every {ctx.rules['monthly'].days} days")]

    with session.store.write() as conn:
        ada = people.insert_contact(conn, Contact(name="Ada Lovelace", tags=["vip", "golf"]), FIXED_NOW)
    use_plugins(session, ("monthly", Monthly()), ("named", Named()))
    assert [t.text for t in evaluate(session).tips(ada)] == ["Ada Lovelace: vip, golf; every 30 days"]


# ------------------------------------------------------ generic: fields added later are covered

class Setting(BaseModel):
    words: list[str] = []


@dataclasses.dataclass(frozen=True, slots=True)
class FutureContext:
    """A context with fields of kinds no context holds today (the last interactions, a settings model)."""

    interactions: tuple[Interaction, ...]
    settings: Setting
    by_day: dict[str, list[int]]
    label: str = "x"


def test_a_field_added_to_a_context_is_read_only_without_a_special_case():
    touch = Interaction(contact_id=1, at=FIXED_NOW, channel="call", notes="went badly")
    ctx = Freezer()(FutureContext((touch,), Setting(words=["a"]), {"mon": [1, 2]}))
    with pytest.raises(ValueError):
        ctx.interactions[0].notes = "went well"
    with pytest.raises(TypeError):
        ctx.settings.words.append("b")
    with pytest.raises(TypeError):
        ctx.by_day["mon"].append(3)
    with pytest.raises(dataclasses.FrozenInstanceError):
        ctx.label = "y"  # type: ignore[misc]
    assert touch.notes == "went badly" and ctx.interactions[0] == touch, "the original is the engine's, unchanged"
    assert isinstance(ctx.interactions[0], Interaction) and isinstance(ctx.by_day, dict)
    assert json.loads(json.dumps({"by_day": ctx.by_day, "words": ctx.settings.words})) == {
        "by_day": {"mon": [1, 2]}, "words": ["a"]}
    assert ctx.settings.model_dump() == {"words": ["a"]}


def test_the_runs_own_objects_are_frozen_where_they_are_and_long_lived_ones_are_copied():
    freeze = Freezer()
    ada = Contact(name="Ada Lovelace", tags=["vip"])
    first, second = freeze((ada,)), freeze([ada])
    assert first[0] is second[0] is ada
    with pytest.raises(ValueError):
        ada.name = "Mallory"
    settings = Setting(words=["a"])
    copied = Freezer(copy=True)(settings)
    settings.words.append("b")
    assert copied.words == ["a"] and copied == Setting(words=["a"])
    with pytest.raises(ValueError):
        copied.words = []
    assert isinstance(freeze({"a": 1}), ReadOnlyDict) and isinstance(freeze([1]), ReadOnlyList)
    assert freeze(dt.date(2026, 1, 1)) == dt.date(2026, 1, 1)
