"""A contact's detail in a big account: the members' statistics read in part, and still the full run's answers.

A detail evaluates the contact with every other member of its account, since
account rules look at all of them. Those members get `MemberStats`: the
all-time figures and the recent touch count read in bulk, every other figure
computed (for all of them at once) only if something reads it. These tests
hold the detail to the full run after each kind of write, check that the
built-in rules never needed the rest, and that a rule reading more sees
exactly the full figures. They also check `list_contacts` by ids and by account
(how the detail loads the members).
"""

from __future__ import annotations

import dataclasses

import pytest
from sqlalchemy import delete, select, update

from keepwarm.api.types import ContactStats, to_json
from keepwarm.services.detail import contact_detail
from keepwarm.engine.evaluate import evaluate
from keepwarm.engine.stats import MemberStats
from keepwarm.model import Role, Stage
from keepwarm.plugin import Warning, hookimpl
from keepwarm.store import contacts as people
from keepwarm.store.schema import interactions
from keepwarm.testing import run_engine

ROLES = [Role.CHAMPION, Role.EXECUTIVE_SPONSOR, Role.FINANCIAL_APPROVER, Role.END_USER, None]


@pytest.fixture
def acme(keepwarm_history):
    """An account of 24 people with varied histories, one person elsewhere, one with no account."""
    h = keepwarm_history
    members = []
    for n in range(24):
        role = ROLES[n % len(ROLES)]
        members.append(h.contact(f"Member {n:02d}", account="Acme", role=role.value if role else None,
                                 interests=["sailing"] if n % 4 == 0 else [], tags=["vip"] if n % 6 == 0 else [],
                                 stage="former" if n == 7 else "active"))
        if n % 3:
            h.every(members[-1], days=11 + n, start="2026-01-05", notes="budget freeze" if n % 5 == 0 else "")
        if n % 4 == 1:
            h.log(members[-1], "2026-11-10", direction="inbound", sentiment=2, notes="Mentioned a competitor")
    other = h.contact("Olga Other", account="Globex", tags=["expert:sailing"])
    h.log(other, "2026-10-01")
    loner = h.contact("Lou Loner", interests=["sailing"])
    h.promise(members[2], "send the deck", due="2026-11-01")
    h.assess(members[3], "2026-06-01", trust=4)
    return {"members": members, "other": other, "loner": loner}


def _view(evaluation, cid):
    return (evaluation.health[cid].to_json(), to_json(evaluation.warnings[cid]), to_json(evaluation.tips(cid)),
            to_json(evaluation.suggestions(cid)), evaluation.proposals[cid])


def _assert_details_match(session, ids):
    full = evaluate(session, persist=False)
    for cid in ids:
        view = contact_detail(session, cid)
        assert view["health"] == full.health[cid].to_json(), cid
        assert view["warnings"] == to_json(full.warnings[cid]), cid
        assert view["tips"] == to_json(full.tips(cid)), cid
        assert view["suggestions"] == to_json(full.suggestions(cid)), cid
        assert view["problems"] == []
        alone = evaluate(session, contact_ids=[cid], persist=False)
        assert _view(alone, cid) == _view(full, cid), cid
        for member, stats in alone.stats.items():
            assert stats == full.stats[member] and full.stats[member] == stats, (cid, member)
    return full


def test_a_members_detail_equals_the_full_run_after_each_kind_of_write(keepwarm_session, keepwarm_history, acme):
    h, members = keepwarm_history, acme["members"]
    focus = [members[0], members[1], members[7], acme["other"], acme["loner"]]
    _assert_details_match(keepwarm_session, focus)
    h.log(members[5], keepwarm_session.now, channel="meeting")  # a new touch of another member
    full = _assert_details_match(keepwarm_session, focus)
    assert {w.key for ws in full.account_warnings.values() for w in ws} >= {"single_threaded"}
    with keepwarm_session.store.write() as conn:  # that touch did not take place after all
        latest = conn.execute(select(interactions.c.id).where(interactions.c.contact_id == members[5])
                              .order_by(interactions.c.at.desc()).limit(1)).scalar_one()
        conn.execute(update(interactions).where(interactions.c.id == latest).values(outcome="cancelled"))
    _assert_details_match(keepwarm_session, focus)
    with keepwarm_session.store.write() as conn:  # a member's history gone, another member's role and stage changed
        conn.execute(delete(interactions).where(interactions.c.contact_id == members[4]))
        changed = people.get_contact(conn, members[0])
        people.update_contact(conn, members[0], changed.model_copy(update={"role": None, "stage": Stage.FORMER}),
                              keepwarm_session.now)
    _assert_details_match(keepwarm_session, focus)
    newcomer = h.contact("New Face", account="Acme", role="champion")  # a new member, never touched
    _assert_details_match(keepwarm_session, [*focus, newcomer])
    with keepwarm_session.store.write() as conn:
        people.delete_contact(conn, members[1])
    _assert_details_match(keepwarm_session, [members[0], newcomer])


def test_the_built_in_rules_never_need_the_members_other_figures(keepwarm_session, acme):
    alone = evaluate(keepwarm_session, contact_ids=[acme["members"][2]], persist=False)
    alone.tips(acme["members"][2])
    alone.suggestions(acme["members"][2])
    partial = [s for s in alone.stats.values() if isinstance(s, MemberStats)]
    assert len(partial) == len(acme["members"]) - 1
    assert not partial[0]._completion._done  # nothing but the bulk-read figures was looked at
    full = evaluate(keepwarm_session, persist=False)
    assert partial[0].touches_recent == full.stats[partial[0].contact_id].touches_recent
    assert not partial[0]._completion._done
    assert partial[0].sentiment_recent == full.stats[partial[0].contact_id].sentiment_recent  # completes everyone
    assert partial[0]._completion._done
    assert all(object.__getattribute__(s, "note_signals") == full.stats[s.contact_id].note_signals for s in partial)
    assert dataclasses.asdict(partial[1]) == dataclasses.asdict(full.stats[partial[1].contact_id])
    assert isinstance(partial[1], ContactStats)
    for stats in (partial[1], full.stats[partial[1].contact_id]):  # neither hashes: both hold dicts
        with pytest.raises(TypeError):
            hash(stats)


class ReadsEverything:
    """An account rule that reads the members' window figures and note signals."""

    @hookimpl
    def keepwarm_account_warnings(self, ctx):
        mood = sorted((m.contact.name, m.stats.sentiment_recent, m.stats.touches_baseline,
                       dict(m.stats.note_signals), m.stats.replied_recent) for m in ctx.members)
        moody = [name for name, sentiment, *_ in mood if sentiment is not None and sentiment > 1]
        signals = sum(sum(s.values()) for *_, s, _ in mood)
        return [Warning(key="reads_everything", message=f"{len(moody)} glad, {signals} signals: {mood!r}")]


def test_a_rule_reading_the_members_window_figures_sees_the_full_run(keepwarm_session, acme):
    full = run_engine(keepwarm_session, ReadsEverything(), persist=False)
    for cid in (acme["members"][0], acme["members"][9]):
        alone = evaluate(keepwarm_session, contact_ids=[cid], persist=False)
        ours = [w for w in alone.warnings[cid] if w.key == "reads_everything"]
        assert ours and to_json(ours) == to_json([w for w in full.warnings[cid] if w.key == "reads_everything"])
        assert "budget" in ours[0].message and "competitor" in ours[0].message
        assert _view(alone, cid) == _view(full, cid)


def test_list_contacts_by_ids_and_by_account(keepwarm_session, acme):
    with keepwarm_session.store.read() as conn:
        acme_id = people.find_account_id(conn, "acme")
        some = [acme["members"][3], acme["other"], acme["loner"], 10_000]
        assert [c.name for c in people.list_contacts(conn, ids=some)] == ["Lou Loner", "Member 03", "Olga Other"]
        members = people.list_contacts(conn, account_id=acme_id)
        assert [c.id for c in members] == acme["members"] and {c.account for c in members} == {"Acme"}
        assert [c.id for c in people.list_contacts(conn, account=str(acme_id))] == acme["members"]
        assert [c.tags for c in members][:7] == [["vip"], [], [], [], [], [], ["vip"]]
        assert len(people.list_contacts(conn)) == 26
        assert people.list_contacts(conn, ids=[]) == [] and people.list_contacts(conn, account_id=acme_id + 99) == []
        many = people.list_contacts(conn, ids=range(1, 1000))  # past the IN-list limit of the child rows
        assert [c.id for c in many] == [c.id for c in people.list_contacts(conn)]
        assert [c.tags for c in many if c.account == "Acme"] == [c.tags for c in members]
        assert [c.tags for c in many if c.account == "Globex"] == [["expert:sailing"]]


def test_a_detail_of_a_contact_that_does_not_exist_says_so(keepwarm_session, acme):
    from keepwarm.errors import NotFound

    with pytest.raises(NotFound, match="contact: no contact with id 4242"):
        contact_detail(keepwarm_session, 4242)
