"""The engine's shortcuts give what the plain way gives.

Each shortcut here exists for speed at 10,000 contacts (see docs/performance.md):
health explained only when read, settings-derived tables kept per settings
object, the suggesters' warning lookup kept per contact, and the run's objects
moved out of the collector's young generation when a run ends. Each test holds
one of them to the plain computation (tests/test_engine_perf_golden.py holds the
whole engine's output to a recording).
"""

from __future__ import annotations

import gc
import random

from keepwarm.services import devdata
from keepwarm.api.types import Warning
from keepwarm.engine.evaluate import collector_paused, evaluate
from keepwarm.engine.health import Health, _terms, contact_health
from keepwarm.plugin import per_settings, warnings_for


def test_health_is_explained_on_first_read_with_the_words_of_its_worked_terms(keepwarm_session):
    devdata.generate(keepwarm_session, contacts=40, interactions_per_contact=6, seed=2)
    ev = evaluate(keepwarm_session, persist=False)
    cfg = ev.runtime.health
    explained = 0
    for cid, health in ev.health.items():
        assert health._terms is None  # scored, not yet explained
        warnings = ev.warnings[cid]
        worked = _terms(ev.stats[cid], warnings, ev.today, ev.interval_days(cid), cfg)
        total, maximum = sum(t[2] for t in worked), sum(t[3] for t in worked) or 1.0
        assert health.score == round(max(0.0, min(1.0, total / maximum)) * 100)
        assert [t[:4] for t in health.terms] == [t[:4] for t in worked] and all(t.detail for t in health.terms)
        eager = Health(health.score, health.band, health.terms)
        assert eager == health and hash(eager) == hash(health) and eager.to_json() == health.to_json()
        explained += bool(warnings)
    assert explained, "some contacts have warnings, so the warnings term is checked too"
    fresh = contact_health(ev.stats[cid], [], ev.today, 30, cfg)
    assert fresh != Health(fresh.score, fresh.band, ())  # the terms count in equality


def test_settings_tables_are_built_once_per_settings_object():
    built = []

    @per_settings
    def table(cfg):
        built.append(cfg)
        return {"from": cfg}

    first, second = object(), object()
    assert table(first) is table(first)
    assert table(second)["from"] is second and table(first)["from"] is first
    assert built == [first, second, first]  # a new object is never served the old one's table


def _plain_present(warnings, keys):
    found = []
    for key in keys:
        match = next((w for w in warnings if w.key == key), None)
        if match is not None:
            found.append(match)
    return found


class _Ctx:
    def __init__(self, warnings):
        self.warnings = warnings


def test_the_suggesters_find_the_warnings_a_plain_scan_finds():
    rng = random.Random(4)
    keys = ["one_way", "push_away", "market_signals", "frequency_drop", "nothing_like_it"]
    for _ in range(300):
        warnings = tuple(Warning(key=rng.choice(keys[:4]), message=str(n)) for n in range(rng.randint(0, 5)))
        wanted = rng.sample(keys, rng.randint(0, 5)) + rng.sample(keys, 1)  # duplicates too
        ctx = _Ctx(warnings)
        assert warnings_for(ctx, wanted) == _plain_present(warnings, wanted)
        assert warnings_for(ctx, wanted) == _plain_present(warnings, wanted)  # the kept lookup
    changing = [Warning(key="one_way", message="a")]
    ctx = _Ctx(changing)
    assert warnings_for(ctx, ["push_away"]) == []
    changing.append(Warning(key="push_away", message="b"))  # a list may change: it is never kept
    assert [w.message for w in warnings_for(ctx, ["push_away"])] == ["b"]


class _Node:
    def __init__(self):
        self.me = self  # a cycle: only the collector frees it


def test_a_run_leaves_its_objects_out_of_the_young_generation_and_cycles_still_collectable(keepwarm_session):
    devdata.generate(keepwarm_session, contacts=30, interactions_per_contact=4, seed=6)
    gc.collect()
    before = gc.get_count()[0]
    with collector_paused():
        kept = [[n] for n in range(50_000)]  # what a run allocates and keeps
        cycles = [_Node() for _ in range(100)]
        assert gc.get_count()[0] > 50_000
    assert gc.isenabled() and gc.get_freeze_count() == 0
    assert gc.get_count()[0] < before + 1000  # nothing left for the next allocation to walk
    del cycles
    assert gc.collect() >= 100  # moved, not leaked: a full collection frees the cycles
    assert len(kept) == 50_000
    evaluate(keepwarm_session, persist=False)
    assert gc.get_count()[0] < 1000 and gc.get_freeze_count() == 0


def test_objects_frozen_by_someone_else_stay_frozen(keepwarm_session):
    gc.collect()
    gc.freeze()
    try:
        frozen = gc.get_freeze_count()
        with collector_paused():
            [[n] for n in range(1000)]
        # Unfreezing would leave none; a few frozen objects may be freed meanwhile by another thread of the
        # worker (a test's server or sync thread ending), which also lowers the count.
        assert gc.get_freeze_count() > frozen - 100 and gc.isenabled()
    finally:
        gc.unfreeze()
