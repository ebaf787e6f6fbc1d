"""A run's objects go when its results are dropped, without waiting for the cyclic garbage collector.

The engine pauses the collector during a run, and a run's hundreds of thousands of
objects end among the oldest: were they held in a cycle, they would stay until a full
collection, and a process that runs the engine again (the app, a benchmark, a day
followed by the next) would hold one more run's worth of memory at its peak.
"""

from __future__ import annotations

import datetime as dt
import gc
import weakref

from tui_support import build_history

from keepwarm.engine.agenda import build_agenda
from keepwarm.services import actions


def test_a_dropped_agenda_frees_its_run_by_reference_counting_alone(session):
    ids = build_history(session)
    build_agenda(session)
    with session.store.write() as conn:  # a call with Charles: his follow-up moves, which advice must see
        actions.log_interactions(conn, [ids["charles"]], session.now, at=session.now - dt.timedelta(hours=1), channel="call")
    was_enabled = gc.isenabled()
    gc.collect()
    gc.disable()
    try:
        agenda = build_agenda(session, advice=False)  # as the app paints it: no advice asked for yet
        evaluation = agenda.evaluation
        assert evaluation is not None and any(evaluation.changes.values())
        gone = weakref.ref(evaluation)
        del agenda, evaluation
        assert gone() is None
    finally:
        if was_enabled:
            gc.enable()
