"""The agenda evaluates only what changed since the results it stored, and the whole book when that is not known.

Scenarios from a concrete book (six people in two accounts, tests/tui_support.py)
at a fixed clock: what each agenda evaluated (`Agenda.evaluation`, None when no
plugin ran) and that its JSON equals the one a from-scratch run gives.
"""

from __future__ import annotations

import datetime as dt
import os

from tui_support import TipsAsked, build_history, copy_without_results

from keepwarm.services import actions
from keepwarm.engine.agenda import build_agenda
from keepwarm.model import Assessment, Tier
from keepwarm.plugin import Warning, hookimpl
from keepwarm.home.session import Session
from keepwarm.store import activity, snapshots
from keepwarm.store import contacts as people

from conftest import FIXED_NOW

ENGINES = ("Ada Lovelace", "Charles Babbage")  # Analytical Engines
DIFFERENCE = ("Mary Somerville", "Katherine Johnson", "Alan Turing")  # Difference Co


def _evaluated(agenda) -> set[str] | None:
    """The names the agenda's run evaluated; None when none ran."""
    if agenda.evaluation is None:
        return None
    return {c.name for c in agenda.evaluation.contacts.values()}


def _json(agenda) -> dict:
    out = agenda.to_json()
    for item in out["items"]:
        for key in ("id", "created_at", "updated_at"):
            item["followup"].pop(key)
    return out


def _from_scratch(session, tmp_path) -> dict:
    """The agenda of a copy of the book with nothing a run stored (as after a restore), at the same clock."""
    copy = copy_without_results(session, tmp_path / "scratch.db")
    fresh = Session(copy, now=session.now)
    fresh.__dict__["runtime"] = session.runtime
    try:
        return _json(build_agenda(fresh))
    finally:
        fresh.close()
        copy.unlink()


def _log(session, cid: int, **kwargs) -> None:
    with session.store.write() as conn:  # written as an import or another process would: no run of its own
        actions.log_interactions(conn, [cid], session.now, at=session.now - dt.timedelta(hours=2), **kwargs)


def test_the_first_agenda_evaluates_the_whole_book_and_the_next_none(session, tmp_path):
    build_history(session)
    first = build_agenda(session)
    assert _evaluated(first) == {*ENGINES, *DIFFERENCE, "Grace Hopper"}
    again = build_agenda(session)
    assert _evaluated(again) is None  # nothing changed: no plugin ran for it
    assert _json(again) == _json(first) == _from_scratch(session, tmp_path)
    assert again.items and all(item.health.terms for item in again.items)  # the rows are whole from the store


def test_a_touch_evaluates_its_contact_and_the_members_of_its_account(session, tmp_path):
    ids = build_history(session)
    build_agenda(session)
    _log(session, ids["mary"], channel="call", direction="inbound", sentiment=2)
    after = build_agenda(session)
    assert _evaluated(after) == set(DIFFERENCE)  # her account's warnings read every member
    assert _json(after) == _from_scratch(session, tmp_path)
    _log(session, ids["grace"], channel="email", direction="outbound")
    assert _evaluated(build_agenda(session)) == {"Grace Hopper"}  # no account: she alone


def test_changes_made_outside_the_engine_are_seen_by_the_next_agenda(session, tmp_path):
    ids = build_history(session)
    before = {i.contact.name: i for i in build_agenda(session).items}
    with session.store.write() as conn:
        activity.insert_assessment(conn, Assessment(contact_id=ids["charles"], on=dt.date(2026, 11, 21), trust=5,
                                                    communication=5, sharing=5, advocacy=5, conflict=5,
                                                    commitment=5), FIXED_NOW)
        ada = people.get_contact(conn, ids["ada"])
        people.update_contact(conn, ids["ada"], ada.model_copy(update={"tier": Tier.C}), FIXED_NOW)
    after = build_agenda(session)
    assert _evaluated(after) == set(ENGINES)
    shown = {i.contact.name: i for i in after.items}
    assert shown["Charles Babbage"].health.score > before["Charles Babbage"].health.score
    assert _json(after) == _from_scratch(session, tmp_path)


def test_hours_later_the_same_day_nothing_is_evaluated_again(session):
    build_history(session)
    first = _json(build_agenda(session))
    later = Session(session.db_path, now=FIXED_NOW + dt.timedelta(hours=10))  # still the 22nd in UTC
    later.__dict__["runtime"] = session.runtime
    try:
        agenda = build_agenda(later)
        assert _evaluated(agenda) is None
        assert _json(agenda) == first
    finally:
        later.close()


def test_a_new_day_evaluates_the_whole_book(session, tmp_path):
    build_history(session)
    build_agenda(session)
    tomorrow = Session(session.db_path, now=FIXED_NOW + dt.timedelta(days=1))
    tomorrow.__dict__["runtime"] = session.runtime
    try:
        agenda = build_agenda(tomorrow)
        assert _evaluated(agenda) == {*ENGINES, *DIFFERENCE, "Grace Hopper"}
        assert all(item.overdue_days >= 0 or item.due > tomorrow.today for item in agenda.items)
        assert _json(agenda) == _from_scratch(tomorrow, tmp_path)
    finally:
        tomorrow.close()


def test_other_rules_or_other_plugins_evaluate_the_whole_book(session, home):
    from keepwarm.home import paths

    build_history(session)
    build_agenda(session)
    rules = paths.user_rules_dir()
    rules.mkdir(parents=True, exist_ok=True)
    (rules / "mine.toml").write_text("[cadence.tier_days]\na = 7\n", encoding="utf-8")
    stricter = Session(session.db_path, now=FIXED_NOW)
    try:
        assert not stricter.runtime.rules.problems
        agenda = build_agenda(stricter)
        assert len(_evaluated(agenda)) == 6
        assert _evaluated(build_agenda(stricter)) is None  # the new state is stored with the results
        stricter.runtime.host.disable("warn_replies", "test")  # a plugin turned off
        assert len(_evaluated(build_agenda(stricter))) == 6
    finally:
        stricter.close()


class _Watcher:
    """A warning rule that reads the whole network: any change anywhere may change what it says."""

    @hookimpl
    def keepwarm_warnings(self, ctx):
        colder = [c for c in ctx.network.contacts if c.tier.value > ctx.contact.tier.value]
        return [Warning("many_below", f"{len(colder)} people rank below", severity=1)] if len(colder) > 3 else []


def test_a_rule_that_reads_the_network_makes_every_change_a_whole_book_run(session, tmp_path):
    ids = build_history(session)
    session.runtime.host.register_for_test(_Watcher(), "watcher")
    build_agenda(session)
    with session.store.read() as conn:
        assert snapshots.run_facts(conn).reads_network
    _log(session, ids["grace"], channel="email")
    agenda = build_agenda(session)
    assert len(_evaluated(agenda)) == 6
    assert _json(agenda) == _from_scratch(session, tmp_path)


class _Broken:
    @hookimpl
    def keepwarm_warnings(self, ctx):
        if ctx.contact.name == "Grace Hopper":
            raise RuntimeError("no navy data")
        return []


def test_a_plugins_problem_is_still_reported_while_its_results_are_carried_over(session):
    build_history(session)
    session.runtime.host.register_for_test(_Broken(), "broken")
    first = build_agenda(session)
    assert [(p.plugin, p.hook) for p in first.problems] == [("broken", "keepwarm_warnings")]
    runtime = session.runtime
    again = Session(session.db_path, now=FIXED_NOW)
    again.__dict__["runtime"] = runtime
    runtime.host.problems.clear()
    runtime.host._problem_index.clear()
    try:
        carried = build_agenda(again)
        assert _evaluated(carried) is None
        assert [(p.plugin, p.hook, p.error) for p in carried.problems] == [
            ("broken", "keepwarm_warnings", "RuntimeError: no navy data")
        ]
    finally:
        again.close()


def test_a_run_over_one_contact_leaves_the_rest_of_its_account_to_the_next_agenda(session, tmp_path):
    from keepwarm.engine.evaluate import evaluate

    ids = build_history(session)
    build_agenda(session)
    _log(session, ids["ada"], channel="meeting")
    evaluate(session, contact_ids=[ids["ada"]])  # as `keepwarm log` does after its write
    after = build_agenda(session)
    assert _evaluated(after) == set(ENGINES)  # Charles reads Ada's touch through the account
    assert _json(after) == _from_scratch(session, tmp_path)


def test_an_edited_plugin_file_is_a_new_state(session, home, tmp_path):
    from keepwarm.home import paths
    from keepwarm.hosting.runtime import build_runtime
    from keepwarm.engine.state import fingerprint

    build_history(session)
    plugins = paths.user_plugins_dir()
    plugins.mkdir(parents=True, exist_ok=True)
    source = plugins / "gentle.py"
    source.write_text("from keepwarm.plugin import hookimpl\n\n@hookimpl\ndef keepwarm_tips(ctx):\n    return []\n")
    os.chmod(source, 0o600)
    before = fingerprint(build_runtime(), session.today)
    assert fingerprint(build_runtime(), session.today) == before
    source.write_text(source.read_text() + "# a fix\n")
    assert fingerprint(build_runtime(), session.today) != before


def test_advice_is_kept_while_nothing_changes_and_worked_out_again_after_any_change(session, tmp_path):
    ids = build_history(session)
    asked = TipsAsked()
    session.runtime.host.register_for_test(asked, "asked")
    first = _json(build_agenda(session))
    shown = {item["contact"]["id"] for item in first["items"]}
    assert set(asked.asked) == shown and any(item["suggestions"] for item in first["items"])
    asked.asked.clear()
    assert _json(build_agenda(session)) == first and asked.asked == []  # kept
    # Someone not on the agenda is touched: introductions read everyone, so all advice is worked out again.
    _log(session, ids["katherine"], channel="email", direction="inbound")
    again = _json(build_agenda(session))
    assert set(asked.asked) == {item["contact"]["id"] for item in again["items"]}
    assert again == _from_scratch(session, tmp_path)


def test_an_export_with_nothing_changed_reuses_the_stored_results(session):
    from keepwarm.calendar.export import Selection, build_export

    build_history(session)
    asked = TipsAsked()
    session.runtime.host.register_for_test(asked, "asked")
    selection = Selection(days=30, alarm_minutes=None)
    first = build_export(session, selection, "a.ics").text
    assert asked.asked and session.runtime.host.problems == []
    asked.asked.clear()
    again = build_export(session, selection, "a.ics").text
    assert asked.asked == []  # no plugin ran: the results and the advice were kept
    assert again == first and "Watch out:" in first  # the same notes, warnings among them


def test_changes_to_most_of_the_book_evaluate_it_whole(session, tmp_path):
    ids = build_history(session)
    build_agenda(session)
    for who in ("grace", "mary"):  # Grace alone, Mary with her account's two others: four of six
        _log(session, ids[who], channel="call")
    agenda = build_agenda(session)
    assert len(_evaluated(agenda)) == 6 and agenda.evaluation.open_followups is not None  # read as a whole
    assert _json(agenda) == _from_scratch(session, tmp_path)


def test_an_edited_contacts_account_is_evaluated_once_not_again_and_again(session):
    ids = build_history(session)
    build_agenda(session)
    with session.store.write() as conn:  # the account's row changes with the contact's: its members read it
        ada = people.get_contact(conn, ids["ada"])
        people.update_contact(conn, ids["ada"], ada.model_copy(update={"title": "Chief Scientist"}), FIXED_NOW)
    assert _evaluated(build_agenda(session)) == set(ENGINES)
    assert _evaluated(build_agenda(session)) is None


def test_a_deleted_contact_leaves_nothing_to_evaluate_again(session, tmp_path):
    ids = build_history(session)
    build_agenda(session)
    with session.store.write() as conn:
        actions.log_interactions(conn, [ids["charles"]], FIXED_NOW, at=FIXED_NOW, channel="call")  # marked
        people.delete_contact(conn, ids["charles"])
    after = build_agenda(session)
    assert _evaluated(after) == {"Ada Lovelace"}  # his account's other member
    assert "Charles Babbage" not in {item.contact.name for item in after.items}
    assert _evaluated(build_agenda(session)) is None
    assert _json(after) == _from_scratch(session, tmp_path)


def test_a_large_book_is_evaluated_a_group_of_accounts_at_a_time(session, tmp_path, monkeypatch):
    from keepwarm.engine import evaluate as engine

    build_history(session)
    whole = _from_scratch(session, tmp_path)
    monkeypatch.setattr(engine, "GROUP", 2)  # "large": more than two contacts
    groups = []
    real = engine._evaluate

    def seen(session_, *, persist, contact_ids, at=None):
        if persist:  # the runs that store results (advice comes from runs that store none)
            groups.append(sorted(contact_ids) if contact_ids is not None else None)
        return real(session_, persist=persist, contact_ids=contact_ids, at=at)

    monkeypatch.setattr(engine, "_evaluate", seen)
    first = build_agenda(session)
    evaluated = [g for g in groups if g is not None]
    assert None not in groups and sorted(cid for g in evaluated for cid in g) == list(range(1, 7))
    names = {cid: name for cid, name in enumerate(["Ada", "Charles", "Mary", "Grace", "Katherine", "Alan"], 1)}
    assert {"Ada", "Charles"} in [{names[c] for c in g} for g in evaluated]  # an account is never split
    assert _json(first) == whole
    with session.store.read() as conn:
        assert snapshots.run_facts(conn).state is not None  # stored whole: the next agenda has nothing to do
    groups.clear()
    assert build_agenda(session).evaluation is None and groups == []
