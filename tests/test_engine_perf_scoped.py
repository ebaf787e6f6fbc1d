"""A contact's detail evaluates that contact alone, yet must say what the full engine run says.

The scoped run reads the rest of the network from the store on demand (candidate
helpers for an introduction, their last touches); these tests pin that it gives
the same health, warnings, tips and suggestions as the run over every contact.
"""

from __future__ import annotations

import pytest

from keepwarm.api.types import Proposal, to_json
from keepwarm.services.detail import contact_detail
from keepwarm.engine import stats as statistics
from keepwarm.engine.evaluate import evaluate
from keepwarm.engine.network import StoredNetwork, last_touches


@pytest.fixture
def book(keepwarm_history):
    h = keepwarm_history
    ids = {
        "ada": h.contact("Ada Lovelace", account="Acme", interests=["sailing", "Chess"]),
        "grace": h.contact("Grace Hopper", tags=["expert:sailing"]),
        "linus": h.contact("Linus Keel", tags=["EXPERT: Sailing "]),
        "carol": h.contact("Carol Colleague", account="Acme", tags=["expert:sailing"]),
        "quiet": h.contact("Quentin Quiet", tags=["expert:sailing"], do_not_contact=True),
        "coach": h.contact("Bobby Fischer", title="Chess coach"),
        "zoe": h.contact("Zoë Zürich", title="Chess instructor in Zürich", interests=["chess"]),
        "sam": h.contact("Sam Sharer", interests=["chess"], account="Globex"),
        "tom": h.contact("Tom Trustee", title="Trustee", account="Globex", interests=["trust"]),
        "una": h.contact("Una Alone", interests=["knitting"]),
        "wen": h.contact("Wen Wide", interests=["sailing"], account="Globex"),
    }
    h.log(ids["grace"], "2026-02-01")
    h.log(ids["linus"], "2026-11-12")
    h.log(ids["linus"], "2026-11-20", outcome="cancelled")
    h.log(ids["coach"], "2026-10-01")
    h.log(ids["zoe"], "2026-10-01")
    h.log(ids["ada"], "2026-09-01", purpose="celebration")
    h.log(ids["sam"], "2026-11-01", direction="inbound")
    return ids


def _view(evaluation, cid):
    return (evaluation.health[cid], to_json(evaluation.warnings[cid]), to_json(evaluation.tips(cid)),
            to_json(evaluation.suggestions(cid)), evaluation.proposals[cid])


def test_each_contact_evaluated_alone_matches_the_full_run(keepwarm_session, book):
    full = evaluate(keepwarm_session, persist=False)
    for name, cid in book.items():
        alone = evaluate(keepwarm_session, contact_ids=[cid], persist=False)
        assert _view(alone, cid) == _view(full, cid), name
        assert alone.problems == []
    intro = {s.key: s for s in full.suggestions(book["ada"])}["introduction"]
    assert "Linus Keel" in intro.text  # the expert spoken to last, not a colleague or a do-not-contact


def test_the_detail_view_shows_the_full_runs_advice(keepwarm_session, book):
    full = evaluate(keepwarm_session, persist=False)
    for cid in book.values():
        view = contact_detail(keepwarm_session, cid)
        assert view["health"] == full.health[cid].to_json()
        assert view["warnings"] == to_json(full.warnings[cid])
        assert view["tips"] == to_json(full.tips(cid))
        assert view["suggestions"] == to_json(full.suggestions(cid))
        assert view["problems"] == []


def test_a_title_match_outside_the_account_is_found_when_no_expert_is_tagged(keepwarm_session, book):
    alone = evaluate(keepwarm_session, contact_ids=[book["sam"]], persist=False)
    intro = {s.key: s for s in alone.suggestions(book["sam"])}["introduction"]
    # Bobby and Zoë both work as chess teachers and were last touched the same day: the earlier name wins.
    assert "Bobby Fischer" in intro.text and "works as Chess coach" in intro.why


def test_the_stored_networks_last_touches_equal_the_statistics(keepwarm_session, book):
    cfg = keepwarm_session.runtime.engine
    with keepwarm_session.store.read() as conn:
        stats = statistics.compute(conn, keepwarm_session.now, keepwarm_session.today,
                                   recent_days=cfg.recent_days, baseline_days=cfg.baseline_days)
        light = last_touches(conn, book.values())
    assert light == {cid: stats[cid].last_touch for cid in book.values()}
    assert light[book["una"]] is None and light[book["linus"]] is not None


def test_the_stored_network_computes_others_statistics_on_first_use(keepwarm_session, book):
    alone = evaluate(keepwarm_session, contact_ids=[book["una"]], persist=False)
    network = alone.contexts[book["una"]].network.target  # as cadence and warning plugins get it: watched
    assert isinstance(network, StoredNetwork)
    full = evaluate(keepwarm_session, persist=False)
    assert network.stats[book["grace"]] == full.stats[book["grace"]]
    assert dict(network.stats.items()) == full.stats
    assert [c.id for c in network.contacts] == [c.id for c in full.contexts[book["una"]].network.contacts]
    assert network.candidates("chess", "title") is not None
    assert network.candidates("zürich", "title") is None  # not plain ASCII: the caller scans everyone


class Boom:
    from keepwarm.plugin import hookimpl

    @hookimpl
    def keepwarm_cadence(self, ctx):
        if ctx.contact.name.startswith("Ada"):
            raise RuntimeError("no cadence for Ada")
        return Proposal(rule_key="boom", due=ctx.today, reason="boom")


class WrongType:
    from keepwarm.plugin import hookimpl

    @hookimpl
    def keepwarm_cadence(self, ctx):
        return ["not a proposal"]


def test_the_dispatcher_records_what_one_call_at_a_time_records(keepwarm_session, book):
    from tests.engine_helpers import use_plugins

    def run(through_dispatcher: bool):
        runtime = use_plugins(keepwarm_session, ("boom", Boom()), ("wrong", WrongType()))
        host = runtime.host
        ctxs = evaluate(keepwarm_session, persist=False).contexts
        host.problems.clear()
        host._problem_index.clear()
        call = host.dispatcher("keepwarm_cadence", Proposal)
        results = [call(ctx, cid) if through_dispatcher else host.cadence(ctx) for cid, ctx in ctxs.items()]
        return results, [(p.plugin, p.hook, p.contact_id, p.error, p.count) for p in host.problems]

    assert run(True) == run(False)
    results, problems = run(True)
    assert ("boom", "keepwarm_cadence", book["ada"], "RuntimeError: no cadence for Ada", 1) in problems
    assert any(p[0] == "wrong" and p[4] == len(book) for p in problems)
    assert all("wrong" in failed for _, failed in results)
