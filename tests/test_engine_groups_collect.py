"""A whole-book run made of groups lets each group's run go with a young collection, not a full one.

`evaluate` pauses the cyclic collector for the whole run, so a group's run is
young objects only when it is let go: `gc.collect(0)` finds its cycles, as the
advisor's and the unstored runs' groups do. A full collection there walked the
whole heap again for every group (in a test process, pytest's and every
module's: 86 ms each, a third of the equivalence property test's CPU). Counted
with the collector's own callbacks on a generated book cut into groups.
"""

from __future__ import annotations

import gc

from keepwarm.engine import evaluate as engine
from keepwarm.services import devdata
from keepwarm.store.schema import contact_snapshots


def _collections_during(run) -> list[int]:
    """The generation of each collection the collector made while `run()` ran."""
    seen: list[int] = []

    def note(phase, info):
        if phase == "start":
            seen.append(info["generation"])

    gc.callbacks.append(note)
    try:
        run()
    finally:
        gc.callbacks.remove(note)
    return seen


def test_a_whole_book_run_in_groups_collects_each_group_young_and_stores_every_contact(keepwarm_session,
                                                                                      monkeypatch):
    session = keepwarm_session
    devdata.generate(session, contacts=40, interactions_per_contact=4, seed=3, accounts_count=5)
    monkeypatch.setattr(engine, "GROUP", 8)
    with session.store.read() as conn:
        groups = engine._groups(conn)
    assert groups is not None and len(groups) >= 3

    done = []
    collected = _collections_during(lambda: done.append(engine.evaluate(session)))

    assert collected.count(0) >= len(groups) - 1  # each group's run let go before the next is read
    assert 2 not in collected  # never the whole heap for it
    with session.store.read() as conn:
        stored = {row.contact_id for row in conn.execute(contact_snapshots.select())}
    assert stored == {cid for group in groups for cid in group}
