"""The store's loaders give exactly the models pydantic's validation would give.

`list_contacts` and `list_followups` skip pydantic's validation for speed;
these tests hold what they build, field by field and type by type, to the
same values validated, on the example data and on every stored field, and
check that the agenda built from the run's own read of the open follow-ups is
the agenda built from reading them again.
"""

from __future__ import annotations

import datetime as dt

import pytest

from keepwarm.services import devdata
from keepwarm.engine.agenda import build_agenda
from keepwarm.engine.evaluate import evaluate
from keepwarm.io import demo
from keepwarm.model import Channel, DateKind, FollowUp, ImportantDate, Motivation, Role, Stage, Tier
from keepwarm.store import contacts as people
from keepwarm.store import followups
from keepwarm.store.schema import snapshot_runs


def _same_models(expected, got):
    assert len(got) == len(expected)
    for want, have in zip(expected, got):
        assert type(have) is type(want)
        assert have == want
        assert have.model_fields_set == want.model_fields_set
        assert list(have.__dict__) == list(want.__dict__)
        for name, value in want.__dict__.items():
            assert type(have.__dict__[name]) is type(value), name
            if isinstance(value, list):
                assert [type(v) for v in have.__dict__[name]] == [type(v) for v in value], name
        assert have.model_dump(mode="json") == want.model_dump(mode="json")


def _validated(models):
    return [type(m).model_validate(m.model_dump()) for m in models]


def _check_store(session):
    with session.store.read() as conn:
        contacts, items = people.list_contacts(conn), followups.list_followups(conn)
        assert contacts and items
        _same_models(_validated(contacts), contacts)
        _same_models(_validated(items), items)
        for one in items:
            _same_models([followups.get_followup(conn, one.id)], [one])
        for one in contacts:
            _same_models([people.get_contact(conn, one.id)], [one])


def test_loaders_give_validated_models_on_the_example_data(keepwarm_session):
    demo.load_demo(keepwarm_session.store, keepwarm_session.today, keepwarm_session.now)
    evaluate(keepwarm_session)  # the rules' follow-ups
    with keepwarm_session.store.write() as conn:  # one snoozed, so both open states are read
        first = followups.list_followups(conn, statuses=followups.OPEN_STATES)[0]
        followups.snooze_followup(conn, first.id, keepwarm_session.today + dt.timedelta(days=3), keepwarm_session.now)
    _check_store(keepwarm_session)


def test_every_stored_field_comes_back(keepwarm_history):
    h = keepwarm_history
    full = h.contact(
        "Ada Lovelace", account="Acme", title="CTO", emails=["ada@example.com", "a@example.org"], phones=["+1 555"],
        addresses=["1 Main St"], urls=["https://example.com"], role=Role.CHAMPION, motivations=list(Motivation)[:2],
        interests=["chess", "sailing"], preferred_channel=Channel.EMAIL, best_time="mornings", tier=Tier.A,
        stage=Stage.AT_RISK, tags=["vip", "expert:chess"], notes="likes tea", owner="me",
        dates=[ImportantDate(kind=DateKind.BIRTHDAY, month=2, day=29),
               ImportantDate(kind=DateKind.CUSTOM, month=5, day=1, year=2001, label="founding")],
    )
    h.contact("Bob Bare", do_not_contact=True)
    with h.session.store.write() as conn:
        followups.insert_followup(conn, FollowUp(contact_id=full, due=dt.date(2026, 11, 20), reason="Call back",
                                                 channel=Channel.CALL, due_time=dt.time(9, 30)), h.session.now)
    _check_store(h.session)
    with h.session.store.read() as conn:
        [ada] = [c for c in people.list_contacts(conn) if c.id == full]
    assert ada.account == "Acme" and ada.dates[0].kind == DateKind.BIRTHDAY and ada.tags == ["vip", "expert:chess"]


@pytest.mark.parametrize("days", [0, 7, 30])
def test_an_agenda_without_changes_is_the_one_read_again(keepwarm_session, days):
    devdata.generate(keepwarm_session, contacts=40, interactions_per_contact=6, seed=5)
    build_agenda(keepwarm_session)  # stores the rules' follow-ups
    quiet = build_agenda(keepwarm_session, days=days)  # nothing changed: the stored rows, no run
    assert quiet.evaluation is None and not any(quiet.changes.values())
    with keepwarm_session.store.write() as conn:  # the stored state forgotten: the next agenda runs over it all
        conn.execute(snapshot_runs.delete())
    reread = build_agenda(keepwarm_session, days=days)
    assert reread.evaluation is not None and len(reread.evaluation.contacts) == 40
    assert quiet.items and quiet.to_json() == reread.to_json()
