"""Follow-ups proposed by cadence rules: stored idempotently, completed by touches, respected when dismissed."""

from __future__ import annotations

import datetime as dt
import textwrap

from engine_helpers import Monthly, use_plugins

from keepwarm.services import actions
from keepwarm.engine.agenda import build_agenda
from keepwarm.engine.evaluate import evaluate
from keepwarm.model import Contact
from keepwarm.plugin import Proposal, hookimpl
from keepwarm.store import contacts as people
from keepwarm.store import followups

from conftest import FIXED_NOW

UTC = dt.timezone.utc
TODAY = FIXED_NOW.date()


def _ada(session, **fields):
    with session.store.write() as conn:
        return people.insert_contact(conn, Contact(name="Ada Lovelace", **fields), FIXED_NOW)


def _log(session, cid, day: str):
    with session.store.write() as conn:
        actions.log_interactions(conn, [cid], FIXED_NOW, at=dt.datetime.fromisoformat(day).replace(hour=10, tzinfo=UTC),
                                 channel="call")


def _all(session):
    with session.store.read() as conn:
        return followups.list_followups(conn)


def test_running_the_engine_twice_creates_nothing_new(session):
    ada = _ada(session)
    _log(session, ada, "2026-11-01")
    use_plugins(session, ("monthly", Monthly()))
    first = evaluate(session)
    second = evaluate(session)
    assert first.changes == {"created": 1, "moved": 0, "closed": 0}
    assert second.changes == {"created": 0, "moved": 0, "closed": 0}
    [item] = _all(session)
    assert (item.due, item.source, item.rule_key, item.status.value) == (dt.date(2026, 12, 1), "monthly", "monthly", "open")


def test_logging_a_touch_completes_the_due_follow_up_and_the_next_is_scheduled(session):
    ada = _ada(session)
    _log(session, ada, "2026-10-01")
    use_plugins(session, ("monthly", Monthly()))
    evaluate(session)
    [due] = _all(session)
    assert due.due == dt.date(2026, 10, 31)  # overdue at the fixed clock
    _log(session, ada, "2026-11-22")
    evaluate(session)
    items = {f.id: f for f in _all(session)}
    assert items[due.id].status.value == "done" and items[due.id].sequence == 1
    [next_one] = [f for f in items.values() if f.status.value == "open"]
    assert next_one.due == dt.date(2026, 12, 22)


def test_a_touch_long_before_the_due_date_does_not_complete_it(session):
    ada = _ada(session)
    with session.store.write() as conn:
        followups.insert_followup(conn, followups.FollowUp(contact_id=ada, due=dt.date(2026, 12, 20), reason="x"),
                                  FIXED_NOW)
    _log(session, ada, "2026-11-22")  # 28 days early: more than the 7 days ahead a touch reaches
    assert [f.status.value for f in _all(session)] == ["open"]


def test_a_dismissed_follow_up_is_not_proposed_again_for_the_same_date(session):
    ada = _ada(session)
    _log(session, ada, "2026-11-01")
    use_plugins(session, ("monthly", Monthly()))
    evaluate(session)
    [item] = _all(session)
    with session.store.write() as conn:
        followups.dismiss_followup(conn, item.id, FIXED_NOW)
    evaluate(session)
    assert [(f.id, f.status.value) for f in _all(session)] == [(item.id, "dismissed")]


def test_a_snoozed_follow_up_keeps_the_date_the_user_chose(session):
    ada = _ada(session)
    _log(session, ada, "2026-10-01")
    use_plugins(session, ("monthly", Monthly()))
    evaluate(session)
    [item] = _all(session)
    with session.store.write() as conn:
        followups.snooze_followup(conn, item.id, dt.date(2026, 12, 5), FIXED_NOW)
    evaluate(session)
    [after] = _all(session)
    assert (after.status.value, after.snoozed_until, after.due) == ("snoozed", dt.date(2026, 12, 5), item.due)
    agenda = build_agenda(session, days=7)
    assert agenda.items == []  # it sleeps until 5 December
    assert [i.followup.id for i in build_agenda(session, days=14).items] == [item.id]


def test_the_due_date_moves_when_the_rule_moves_it_and_the_sequence_rises(session):
    ada = _ada(session)
    _log(session, ada, "2026-11-01")
    use_plugins(session, ("monthly", Monthly()))
    evaluate(session)
    session.__dict__["runtime"].rules.sections["monthly"] = type(session.runtime.rules.sections["monthly"])(days=14)
    ev = evaluate(session)
    assert ev.changes["moved"] == 1
    [item] = _all(session)
    assert (item.due, item.sequence) == (dt.date(2026, 11, 15), 1)


def test_a_rule_that_stops_proposing_closes_its_follow_up_but_a_failing_one_does_not(session):
    ada = _ada(session)

    class Once:
        wanted = True
        broken = False

        @hookimpl
        def keepwarm_cadence(self, ctx):
            if self.broken:
                raise RuntimeError("bad day")
            return [Proposal(rule_key="once", due=TODAY, reason="once")] if self.wanted else []

    rule = Once()
    use_plugins(session, ("once", rule))
    evaluate(session)
    rule.broken = True
    evaluate(session)
    assert [f.status.value for f in _all(session)] == ["open"]  # a failure never closes anything
    rule.broken, rule.wanted = False, False
    evaluate(session)
    assert [f.status.value for f in _all(session)] == ["done"]


def test_do_not_contact_dismisses_open_rule_follow_ups_and_proposes_nothing(session):
    ada = _ada(session)
    use_plugins(session, ("monthly", Monthly()))
    evaluate(session)
    with session.store.write() as conn:
        people.update_contact(conn, ada, Contact(name="Ada Lovelace", do_not_contact=True), FIXED_NOW)
    evaluate(session)
    assert [f.status.value for f in _all(session)] == ["dismissed"]


def test_agenda_orders_overdue_first_and_explains_health(session):
    ada = _ada(session, tier="a")
    with session.store.write() as conn:
        bob = people.insert_contact(conn, Contact(name="Bob Stone"), FIXED_NOW)
    _log(session, ada, "2026-10-01")
    _log(session, bob, "2026-11-20")
    use_plugins(session, ("monthly", Monthly()))
    agenda = build_agenda(session, days=30)
    assert [(i.contact.name, i.bucket, i.overdue_days) for i in agenda.items] == [
        ("Ada Lovelace", "overdue", 22),
        ("Bob Stone", "upcoming", -28),
    ]
    recency = next(t for t in agenda.items[0].health.terms if t.key == "recency")
    assert recency.detail == "last touch on 1 October 2026 against a 30-day rhythm"
    assert agenda.items[0].health.score < agenda.items[1].health.score


def test_agenda_command_uses_a_plugin_dropped_into_the_plugins_folder(run, home):
    folder = home / "config" / "plugins"
    folder.mkdir(parents=True)
    (folder / "weekly_pings.py").write_text(textwrap.dedent("""
        import datetime as dt
        from keepwarm.plugin import Proposal, hookimpl

        @hookimpl
        def keepwarm_cadence(ctx):
            return [Proposal(rule_key="weekly_pings", due=ctx.today, reason="weekly ping from a file plugin")]
    """))
    run("contact", "add", "Ada Lovelace")
    result = run("agenda", "--json")
    assert result.exit_code == 0
    mine = [i for i in result.json()["items"] if i["followup"]["source"] == "weekly_pings"]
    assert [(i["contact"]["name"], i["bucket"], i["followup"]["reason"]) for i in mine] == [
        ("Ada Lovelace", "today", "weekly ping from a file plugin")
    ]
    listed = {p["name"]: p for p in run("plugins", "list", "--json").json()}
    assert listed["weekly_pings"]["source"] == "file"
    assert listed["weekly_pings"]["hooks"] == ["keepwarm_cadence"]


def test_a_plugin_failing_in_the_agenda_is_reported_on_stderr(run, home):
    folder = home / "config" / "plugins"
    folder.mkdir(parents=True)
    (folder / "grumpy.py").write_text(
        "from keepwarm.plugin import hookimpl\n@hookimpl\ndef keepwarm_warnings(ctx):\n    raise RuntimeError('no')\n"
    )
    run("contact", "add", "Ada Lovelace")
    result = run("agenda")
    assert result.exit_code == 0
    assert "keepwarm: warning: plugin grumpy: keepwarm_warnings for contact 1: RuntimeError: no" in result.stderr
