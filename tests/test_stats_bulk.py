"""The bulk statistics equal a plain per-contact computation on a generated history.

`engine.stats` computes everything in grouped SQL scans (the note signals in a
scan of their own, over the recent window); this recomputes each figure in
Python from the contact's own interactions, one contact at a time, and
compares them all. Runs on the deterministic generator's data, which has every
channel, purpose, outcome and the notes that mention competitors and budgets.
"""

from __future__ import annotations

import datetime as dt

import pytest

from keepwarm.services import devdata
from keepwarm.engine import stats as statistics
from keepwarm.store import activity

from conftest import FIXED_NOW

RECENT, BASELINE = 90, 365
SIGNALS = {"competitor": ["competitor", "rfp"], "budget": ["budget", "freeze"], "push_away": ["was late", "seemed"]}
MEANS = ("latency_recent_hours", "latency_baseline_hours", "sentiment_recent", "sentiment_baseline")
ACCESS = {"declined", "cancelled", "rescheduled", "no_show"}
VALUE = {"value_article", "value_introduction", "value_review", "value_resource"}


_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


def _ascii_lower(text: str) -> str:
    """Notes folded as the documented signal matching folds them: A-Z only."""
    return text.translate(_ASCII_LOWER)


def _mean(values):
    values = [v for v in values if v is not None]
    return round(sum(values) / len(values), 3) if values else None


def _latest(items):
    return max((i.at for i in items), default=None)


def expected(items, now: dt.datetime, signals) -> dict:
    recent_start = now - dt.timedelta(days=RECENT)
    base_start = recent_start - dt.timedelta(days=BASELINE)
    rec = [i for i in items if i.at >= recent_start]
    base = [i for i in items if base_start <= i.at < recent_start]
    done = [i for i in items if i.outcome == "completed"]
    d_rec = [i for i in done if i.at >= recent_start]
    d_base = [i for i in done if base_start <= i.at < recent_start]
    out_ = lambda xs: [i for i in xs if i.direction == "outbound"]  # noqa: E731
    in_ = lambda xs: [i for i in xs if i.direction == "inbound"]  # noqa: E731
    sig_counts, sig_last = {}, {}
    for name, words in signals.items():
        hits = [i for i in rec if any(w in _ascii_lower(i.notes) for w in words)]
        sig_counts[name] = len(hits)
        if hits:
            sig_last[name] = _latest(hits)
    return {
        "first_touch": min((i.at for i in done), default=None),
        "last_touch": _latest(done),
        "last_outbound": _latest(out_(done)),
        "last_inbound": _latest(in_(done)),
        "last_meeting": _latest([i for i in done if i.channel == "meeting"]),
        "last_written_outbound": _latest([i for i in out_(done) if i.channel in ("email", "letter", "text")]),
        "last_value_add": _latest([i for i in done if i.purpose in VALUE]),
        "last_celebration": _latest([i for i in done if i.purpose == "celebration"]),
        "last_entertainment": _latest([i for i in done if i.purpose == "entertainment"]),
        "last_recovery": _latest([i for i in done if i.purpose == "recovery"]),
        "last_favor_asked": _latest([i for i in out_(done) if i.purpose == "favor_asked"]),
        "touches_total": len(done),
        "touches_recent": len(d_rec),
        "touches_baseline": len(d_base),
        "inbound_total": len(in_(done)),
        "inbound_recent": len(in_(d_rec)),
        "outbound_total": len(out_(done)),
        "outbound_recent": len(out_(d_rec)),
        "unprompted_inbound_recent": len([i for i in in_(d_rec) if i.purpose not in ("business", "recovery")]),
        "asked_recent": len([i for i in out_(rec) if i.responded is not None]),
        "replied_recent": len([i for i in out_(rec) if i.responded is True]),
        "asked_baseline": len([i for i in out_(base) if i.responded is not None]),
        "replied_baseline": len([i for i in out_(base) if i.responded is True]),
        "latency_recent_hours": _mean([i.response_hours for i in out_(rec)]),
        "latency_baseline_hours": _mean([i.response_hours for i in out_(base)]),
        "sentiment_recent": _mean([i.sentiment for i in d_rec]),
        "sentiment_baseline": _mean([i.sentiment for i in d_base]),
        "sentiment_count_recent": len([i for i in d_rec if i.sentiment is not None]),
        "access_problems_recent": len([i for i in rec if i.outcome in ACCESS]),
        "access_problems_baseline": len([i for i in base if i.outcome in ACCESS]),
        "favors_asked_total": len([i for i in out_(done) if i.purpose == "favor_asked"]),
        "favors_received_total": len([i for i in done if i.purpose == "favor_received"]),
        "value_adds_total": len([i for i in done if i.purpose in VALUE]),
        "value_adds_recent": len([i for i in d_rec if i.purpose in VALUE]),
        "note_signals": sig_counts,
        "note_signal_last": sig_last,
    }


@pytest.fixture
def generated(session):
    devdata.generate(session, contacts=60, interactions_per_contact=40, seed=5)
    return session


def test_bulk_statistics_equal_a_per_contact_computation(generated):
    with generated.store.read() as conn:
        bulk = statistics.compute(conn, FIXED_NOW, FIXED_NOW.date(), recent_days=RECENT, baseline_days=BASELINE,
                                  signals=SIGNALS)
        histories = {cid: activity.list_interactions(conn, cid) for cid in bulk}
    assert len(bulk) == 60
    touched = [cid for cid, items in histories.items() if items]
    assert len(touched) > 50
    signalled = 0
    for cid in touched:
        want = expected(histories[cid], FIXED_NOW, SIGNALS)
        got = {name: getattr(bulk[cid], name) for name in want}
        for name in MEANS:  # SQL's avg and Python's sum/len may round the third decimal differently
            if want[name] is not None and got[name] is not None:
                assert got[name] == pytest.approx(want[name], abs=0.0015), (cid, name)
                got[name] = want[name]
        assert got == want, cid
        signalled += sum(want["note_signals"].values())
    assert signalled > 0  # the notes did mention competitors and budgets


def test_a_subset_of_contacts_gets_the_same_figures_as_the_whole_run(generated):
    with generated.store.read() as conn:
        everyone = statistics.compute(conn, FIXED_NOW, FIXED_NOW.date(), recent_days=RECENT,
                                      baseline_days=BASELINE, signals=SIGNALS)
        some = statistics.compute(conn, FIXED_NOW, FIXED_NOW.date(), recent_days=RECENT, baseline_days=BASELINE,
                                  signals=SIGNALS, contact_ids=[3, 17, 42])
    assert sorted(some) == [3, 17, 42]
    for cid in some:
        assert some[cid] == everyone[cid]


def _introduction_by_plain_scan(ctx):
    """The introduction rule as a scan of the whole network for one contact (what the ranking must equal)."""
    from keepwarm_plugins import suggest_introduction as rule
    from keepwarm.plugin import applies
    from keepwarm_plugins._suggest_common import topics

    cfg = applies(ctx, rule.SECTION, reachable=True)
    if cfg is None:
        return None
    never = dt.datetime.min.replace(tzinfo=dt.timezone.utc)
    best = None
    for helper in ctx.network.others(ctx.contact):
        if helper.do_not_contact:
            continue
        if cfg.exclude_same_account and ctx.contact.account and helper.account == ctx.contact.account:
            continue
        stats = ctx.network.stats.get(helper.id)
        last = stats.last_touch if stats is not None else None
        for topic in topics(ctx, cfg.use_industry):
            kind = rule._match(helper, topic, cfg)
            if kind is not None:
                rank = (rule.STRENGTH[kind], last or never)
                if best is None or rank > best[0]:
                    best = (rank, helper.id, topic)
    return None if best is None else best[1:]


def test_introductions_ranked_once_per_network_pick_what_a_plain_scan_picks(generated):
    from keepwarm.engine.evaluate import evaluate
    from keepwarm_plugins import suggest_introduction as rule

    evaluation = evaluate(generated, persist=False)
    names = {c.id: c.name for c in evaluation.contacts.values()}
    picked = 0
    for cid in evaluation.contacts:
        ctx = evaluation.context(cid)
        want = _introduction_by_plain_scan(ctx)
        got = rule.keepwarm_suggestions(ctx)
        if want is None:
            assert not got, cid
            continue
        picked += 1
        helper_id, topic = want
        assert got[0].text.startswith(f"Introduce {names[cid]} to {names[helper_id]}, who can help with {topic}:"), cid
    assert picked > 10
