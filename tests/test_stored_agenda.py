"""The agenda rebuilt from what the last engine run stored equals the one that run gave.

An engine run stores each evaluated contact's score, band and warnings with the
follow-ups it reconciled (`store.snapshots`); `stored_agenda` reads them back
without running the engine, for the TUI's first paint. These tests pin that the
two agree after a run in everything stored (all of the run's JSON but the health's
terms, which only the engine's own rows bring) (the built-in rules, a generated book and a hand-made
one, at the fixed clock), that a write made since shows up only as far as the
store knows it, and that the engine's next run brings the snapshot up to date.
"""

from __future__ import annotations

import datetime as dt

from tui_support import build_history, use_test_rules

from keepwarm.services import actions, devdata
from keepwarm.engine import conclusions
from keepwarm.plan import daily
from keepwarm.engine.agenda import build_agenda
from keepwarm.engine.evaluate import evaluate
from keepwarm.model import Assessment, Contact, FollowUp
from keepwarm.plugin import Warning, hookimpl
from keepwarm.store import activity, followups, snapshots
from keepwarm.store import contacts as people
from keepwarm.store.schema import contact_snapshots

from conftest import FIXED_NOW

#: What a run over the whole book would store beside its rows (no state: the next agenda evaluates it all).
_FACTS = snapshots.RunFacts(state=None, reads_network=False, problems=[])


def _stored(session, **kwargs):
    """The stored agenda as the screen paints it: its rows through the same daily plan as the engine's."""
    with session.store.read() as conn:
        stored = snapshots.stored_agenda(conn, session.today, **kwargs)
        if stored is not None:
            stored = daily.planned(stored, session.settings.agenda.capacity)
        return stored, (stored.to_json(conn) if stored is not None else None)


def _fresh(session, **kwargs) -> dict:
    """The agenda, its stored results brought up to date first."""
    as_json = build_agenda(session, advice=False, **kwargs).to_json(advice=False)
    assert all(item["health"]["terms"] for item in as_json["items"])  # every health explains itself
    return as_json


def test_nothing_is_stored_before_the_first_run(session):
    build_history(session)
    stored, _ = _stored(session)
    assert stored is None


def test_the_stored_agenda_equals_the_runs_own_on_a_generated_book(session):
    devdata.generate(session, contacts=60, interactions_per_contact=12, seed=3)
    fresh = _fresh(session)
    stored, as_json = _stored(session)
    assert len(fresh["items"]) > 10
    assert any(i["warnings"] for i in fresh["items"])  # account and contact warnings both come back
    assert as_json == fresh
    assert stored.evaluated_on == session.today and stored.unevaluated == 0


def test_the_stored_agenda_equals_the_runs_own_with_snoozed_timed_and_manual_items(session):
    ids = build_history(session)
    with session.store.write() as conn:
        followups.insert_followup(conn, FollowUp(contact_id=ids["mary"], due=dt.date(2026, 11, 24),
                                                 due_time=dt.time(9, 30), reason="send the deck", channel="email",
                                                 action="attach the numbers"), FIXED_NOW)
        manual = followups.insert_followup(conn, FollowUp(contact_id=ids["grace"], due=dt.date(2026, 11, 20),
                                                          reason="call about the panel"), FIXED_NOW)
        followups.snooze_followup(conn, manual, dt.date(2026, 11, 26), FIXED_NOW)
    fresh = _fresh(session)
    _, as_json = _stored(session)
    assert {i["followup"]["status"] for i in fresh["items"]} == {"open", "snoozed"}
    assert any(i["followup"]["due_time"] for i in fresh["items"])
    assert "Alan Turing" not in {i["contact"]["name"] for i in fresh["items"]}  # do not contact
    assert as_json == fresh
    # Another window, from another day: the same items. A fresh agenda from that day evaluates as of
    # it (plugins see it as their today), so its health and warnings are that day's, not the stored ones.
    later = dt.date(2026, 11, 23)
    assert _window(_stored(session, on=later, days=3)[1]) == _window(_fresh(session, on=later, days=3))


def _window(agenda: dict) -> dict:
    return {**agenda, "items": [{k: v for k, v in item.items() if k not in ("health", "warnings")}
                                for item in agenda["items"]]}


def test_a_contact_keeps_its_stored_state_until_the_engine_runs_again(session):
    ids = build_history(session)
    before = {i["contact"]["name"]: i for i in _fresh(session)["items"]}
    charles = before["Charles Babbage"]
    assert any(w["key"] for w in charles["warnings"])
    # Written without an engine run (as an import or another tool would): a glowing assessment.
    with session.store.write() as conn:
        activity.insert_assessment(conn, Assessment(contact_id=ids["charles"], on=dt.date(2026, 11, 21), trust=5,
                                                    communication=5, sharing=5, advocacy=5, conflict=5,
                                                    commitment=5), FIXED_NOW)
    _, stale = _stored(session)
    shown = {i["contact"]["name"]: i for i in stale["items"]}
    assert shown["Charles Babbage"]["health"] == charles["health"]
    assert shown["Charles Babbage"]["warnings"] == charles["warnings"]

    fresh = _fresh(session)  # the engine runs: his health rises with the assessment
    after = {i["contact"]["name"]: i for i in fresh["items"]}
    assert after["Charles Babbage"]["health"]["score"] > charles["health"]["score"]
    assert _stored(session)[1] == fresh


def test_a_contact_added_since_the_last_run_shows_without_a_health(session):
    build_history(session)
    _fresh(session)
    with session.store.write() as conn:
        cid = people.insert_contact(conn, Contact(name="Hedy Lamarr"), FIXED_NOW)
        followups.insert_followup(conn, FollowUp(contact_id=cid, due=dt.date(2026, 11, 23), reason="intro call"),
                                  FIXED_NOW)
    stored, as_json = _stored(session)
    hedy = next(i for i in as_json["items"] if i["contact"]["name"] == "Hedy Lamarr")
    assert hedy["health"] == snapshots.UNKNOWN_HEALTH and hedy["warnings"] == []
    assert stored.unevaluated == 1


def test_a_run_rewrites_only_what_changed(session):
    ids = build_history(session)
    evaluation = build_agenda(session, advice=False).evaluation
    with session.store.write() as conn:
        assert conclusions.store(conn, evaluation, run=_FACTS) == 0  # the run itself stored all of it already
    with session.store.write() as conn:
        actions.log_interactions(conn, [ids["mary"]], FIXED_NOW, at=FIXED_NOW - dt.timedelta(hours=1),
                                 channel="call", direction="inbound", sentiment=2)
    evaluation = evaluate(session, persist=False)
    with session.store.write() as conn:
        changed = conclusions.store(conn, evaluation, run=_FACTS)
    assert 1 <= changed <= 2  # Mary's row, and perhaps her account's warnings; nobody else's
    # The next day's run finds the same: the run's date is stored once, no row is rewritten for it.
    evaluation.today += dt.timedelta(days=1)
    with session.store.write() as conn:
        assert conclusions.store(conn, evaluation, run=_FACTS) == 0
    stored, _ = _stored(session)
    assert stored.evaluated_on == evaluation.today


def test_a_run_over_a_few_contacts_leaves_the_books_date(session):
    ids = build_history(session)
    _fresh(session)
    evaluation = evaluate(session, persist=False, contact_ids=[ids["mary"]])
    evaluation.today += dt.timedelta(days=1)
    with session.store.write() as conn:
        conclusions.store(conn, evaluation, run=_FACTS)
    stored, _ = _stored(session)
    assert stored.evaluated_on == session.today  # the other rows are still the whole-book run's


class _OddEvidence:
    """A warning whose evidence holds a date, a list and a non-text key, and names with accents."""

    @hookimpl
    def keepwarm_warnings(self, ctx):
        return [Warning("odd", f"Ünusual “{ctx.contact.name}”", severity=1,
                        evidence={"since": dt.date(2026, 11, 1), "who": ["Zoë", "Ada"], 3: 0.1 + 0.2})]


def test_warnings_with_any_evidence_come_back_as_the_run_gave_them(session):
    build_history(session)
    use_test_rules(session).host.register_for_test(_OddEvidence(), "odd_evidence")
    fresh = _fresh(session)
    assert any(w["key"] == "odd" for i in fresh["items"] for w in i["warnings"])
    assert _stored(session)[1] == fresh


def test_one_contacts_advice_alone_equals_what_the_whole_book_run_gives_its_agenda_items(session):
    """The TUI fills the highlighted stored row's advice from a run over its contact alone."""
    from keepwarm.engine.agenda import contact_advice

    devdata.generate(session, contacts=60, interactions_per_contact=12, seed=3)
    agenda = build_agenda(session, advice=True)  # its first run: the reconcile stores every follow-up
    assert len(agenda.items) > 10 and agenda.changes["created"]
    assert any(item.suggestions for item in agenda.items) and any(item.tips for item in agenda.items)
    again = {item.followup.id: item.advice_json() for item in build_agenda(session, advice=True).items}
    with session.store.write() as conn:  # the kept advice forgotten: each contact's worked out by a run over it
        conn.execute(contact_snapshots.update().values(advice=None))
    for item in agenda.items:
        advice, messages = contact_advice(session, item.contact.id)
        assert advice == item.advice_json() == again[item.followup.id], item.contact.name
        assert messages == []
    with session.store.write() as conn:  # a contact gone since the stored run: no advice, no error
        people.delete_contact(conn, agenda.items[0].contact.id)
    assert contact_advice(session, agenda.items[0].contact.id)[0] == {"tips": [], "suggestions": []}
