"""One loader of contacts and one of follow-ups, whoever reads them (#19).

The engine used to read through fast twins of the store's listings
(`store/contact_rows.py`, `store/followup_rows.py`); now the engine, the
detail, the CLI, the exports and the backup all go through
`contacts.list_contacts` and `followups.list_followups`, which keep the fast
twins' mechanism and the listings' filters.
"""

from __future__ import annotations

import datetime as dt
import importlib.util

import pytest

from keepwarm.engine.evaluate import evaluate
from keepwarm.errors import NotFound
from keepwarm.model import FollowUp, FollowUpStatus
from keepwarm.store import contacts as people
from keepwarm.store import followups


def test_the_twin_loaders_are_gone():
    for name in ("keepwarm.store.contact_rows", "keepwarm.store.followup_rows"):
        assert importlib.util.find_spec(name) is None, name


@pytest.fixture
def spied(monkeypatch):
    """Who read contacts and follow-ups through the one loader, as (loader, keyword arguments)."""
    calls: list[tuple[str, dict]] = []
    for module, name in ((people, "list_contacts"), (followups, "list_followups")):
        original = getattr(module, name)

        def spy(*args, _original=original, _name=name, **kwargs):
            calls.append((_name, kwargs))
            return _original(*args, **kwargs)

        monkeypatch.setattr(module, name, spy)
    return calls


def _book(run):
    for args in (("contact", "add", "Ada Lovelace", "--account", "Engines", "--tag", "vip", "--email", "ada@x.example"),
                 ("contact", "add", "Charles Babbage", "--account", "Engines"),
                 ("contact", "add", "Grace Hopper")):
        assert run(*args).exit_code == 0
    assert run("log", "Ada", "-c", "call", "--when", "2026-11-01 10:00").exit_code == 0


def test_the_engine_reads_the_whole_book_through_the_one_loader(run, session, spied):
    _book(run)
    spied.clear()
    evaluation = evaluate(session, persist=False)
    assert {c.name for c in evaluation.contacts.values()} == {"Ada Lovelace", "Charles Babbage", "Grace Hopper"}
    assert ("list_contacts", {}) in spied
    assert ("list_followups", {"statuses": followups.OPEN_STATES}) in spied


def test_a_detail_reads_the_contact_and_its_account_through_the_one_loader(run, session, spied):
    _book(run)
    with session.store.read() as conn:
        ada, engines = people.resolve_contact(conn, "Ada"), people.find_account_id(conn, "Engines")
        members = people.member_ids(conn, [engines])
    spied.clear()
    evaluate(session, contact_ids=[ada], persist=False)
    assert len(members) > 1 and [args for name, args in spied if name == "list_contacts"] == [{"ids": members}]


@pytest.mark.parametrize("command", [
    ("contact", "list", "--json"), ("contact", "show", "Ada", "--json"), ("export", "vcard", "-o", "-"),
    ("export", "json", "-o", "-"), ("export", "ics", "-o", "-"),
])
def test_the_cli_reads_contacts_through_the_one_loader(run, spied, command):
    _book(run)
    spied.clear()
    result = run(*command)
    assert result.exit_code == 0, result.stderr
    assert "Ada Lovelace" in result.stdout
    assert "list_contacts" in {name for name, _ in spied}


def test_the_filters_select_and_combine(keepwarm_history):
    h = keepwarm_history
    ada = h.contact("Ada Lovelace", account="Engines", tags=["VIP"], role="champion", stage="active")
    h.contact("Charles Babbage", account="Engines", stage="former")
    under = h.contact("Under_score", tags=["vip"])
    h.contact("Percent 100%", account="Other")
    with h.session.store.read() as conn:
        engines = people.find_account_id(conn, "engines")

        def names(**filters):
            return [c.name for c in people.list_contacts(conn, **filters)]

        assert names(tag="vip") == ["Ada Lovelace", "Under_score"]
        assert names(tag="vip", account="Engines") == ["Ada Lovelace"]
        assert names(account_id=engines) == ["Ada Lovelace", "Charles Babbage"]
        assert names(account_id=engines, stage="former") == ["Charles Babbage"]
        assert names(role="champion", ids=[ada, under]) == ["Ada Lovelace"]
        assert names(search="_") == ["Under_score"] and names(search="%") == ["Percent 100%"]
        assert names(search="LOVE") == ["Ada Lovelace"] and names(search="") == names()
        assert names(ids=[]) == [] and names(ids=[9999]) == []
        with pytest.raises(NotFound):
            people.list_contacts(conn, account="nowhere")
        with pytest.raises(NotFound, match="no contact with id 9999"):
            people.get_contact(conn, 9999)
        assert people.get_contact(conn, ada).tags == ["VIP"]


def test_the_follow_up_filters_select_and_combine(keepwarm_history):
    h = keepwarm_history
    ada, bob = h.contact("Ada Lovelace"), h.contact("Bob Brown")
    today, now = h.session.today, h.session.now
    with h.session.store.write() as conn:
        def add(who, days, reason):
            item = FollowUp(contact_id=who, due=today + dt.timedelta(days=days), reason=reason, source="test")
            return followups.insert_followup(conn, item, now)

        soon, later = add(ada, 1, "soon"), add(ada, 9, "later")
        done, sleepy = add(bob, 0, "done"), add(bob, 2, "sleepy")
        followups.complete_followup(conn, done, now)
        followups.snooze_followup(conn, sleepy, today + dt.timedelta(days=20), now + dt.timedelta(hours=1))
    with h.session.store.read() as conn:
        def reasons(*args, **filters):
            return [f.reason for f in followups.list_followups(conn, *args, **filters)]

        assert reasons() == ["done", "soon", "sleepy", "later"]
        assert reasons(ada) == ["soon", "later"]
        assert reasons(statuses=followups.OPEN_STATES) == ["soon", "sleepy", "later"]
        assert reasons(statuses=followups.OPEN_STATES, due_until=today + dt.timedelta(days=10)) == ["soon", "later"]
        assert reasons(statuses=followups.OPEN_STATES, due_until=today + dt.timedelta(days=20)) == [
            "soon", "sleepy", "later"]  # a snoozed one is due the day it wakes up
        assert reasons(changed_since=now + dt.timedelta(minutes=30)) == ["sleepy"]
        assert reasons(bob, statuses=(FollowUpStatus.DONE.value,)) == ["done"]
        woken = followups.get_followup(conn, sleepy)
        assert woken.status is FollowUpStatus.SNOOZED and woken.snoozed_until == today + dt.timedelta(days=20)
        assert woken.updated_at == now + dt.timedelta(hours=1) and woken.updated_at.tzinfo is dt.timezone.utc
        assert followups.get_followup(conn, soon).due == today + dt.timedelta(days=1)
        assert followups.get_followup(conn, later).closed_at is None
        with pytest.raises(NotFound, match="no follow-up with id 9999"):
            followups.get_followup(conn, 9999)
