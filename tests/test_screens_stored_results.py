"""The dashboard and the lists of contacts and accounts read the stored results (issue 19).

A concrete book (six people in two accounts, tests/tui_support.py) at the fixed clock: after
an agenda, the dashboard runs no plugin; after touches and edits it evaluates only what changed;
and every figure equals what a copy of the book evaluated from scratch gives, whether that copy
stores its results or cannot be written (a run that stores nothing stands in for them).
"""

from __future__ import annotations

import datetime as dt

from keepwarm.engine.agenda import build_agenda
from keepwarm.home.session import Session
from keepwarm.model import Commitment, Tier
from keepwarm.plugin import Warning, hookimpl
from keepwarm.services import actions, dashboard, queries
from keepwarm.services.results import current
from keepwarm.store import activity
from keepwarm.store import contacts as people
from keepwarm.store.database import Store
from tui_support import build_history, copy_without_results


class _Counting:
    """Warns about whoever has an open promise, and notes each contact it is asked about."""

    def __init__(self) -> None:
        self.asked: list[str] = []

    @hookimpl
    def keepwarm_warnings(self, ctx):
        self.asked.append(ctx.contact.name)
        return [Warning("promised", "a promise is open", severity=1)] if ctx.commitments else []


def _screens(session) -> dict:
    """Everything the three screens show, from one read of the results."""
    results = current(session)
    accounts = queries.account_rows(session, results)
    return {
        "dashboard": dashboard.kpis(session, results=results),
        "contacts": queries.contact_rows(session, results),
        "accounts": accounts,
        "maps": {a["name"]: queries.account_view(session, a["id"], results) for a in accounts},
    }


def _from_scratch(session, tmp_path, *, writable: bool) -> dict:
    copy = copy_without_results(session, tmp_path / ("scratch.db" if writable else "readonly.db"))
    fresh = Session(copy, now=session.now)
    fresh.__dict__["runtime"] = session.runtime
    if not writable:
        fresh.__dict__["store"] = Store.open_read_only(copy)
    try:
        shown = _screens(fresh)
        with fresh.store.read() as conn:
            stored = conn.exec_driver_sql("SELECT count(*) FROM contact_snapshots").scalar()
        assert stored == (6 if writable else 0)  # the read-only copy shows a run that stored nothing
        return shown
    finally:
        fresh.close()


def test_the_screens_read_the_stored_results_and_equal_a_from_scratch_evaluation(session, tmp_path):
    ids = build_history(session)
    counting = _Counting()
    session.runtime.host.register_for_test(counting, "counting")
    build_agenda(session)

    counting.asked.clear()
    first = _screens(session)
    assert counting.asked == []  # right after an agenda: no contact evaluated, the stored results read
    assert current(session).evaluation is None
    assert first == _from_scratch(session, tmp_path, writable=True)
    assert first == _from_scratch(session, tmp_path, writable=False)
    overall = first["dashboard"]["overall"]
    assert overall["health"]["warm"] + overall["health"]["cooling"] + overall["health"]["cold"] == 6

    # A promise to Charles, overdue: only he and the other member of his account are evaluated again.
    with session.store.write() as conn:  # as an import or another process would write: no run of its own
        activity.insert_commitment(
            conn,
            Commitment(contact_id=ids["charles"], text="send the deck", due=session.today - dt.timedelta(days=3)),
            session.now,
        )
    counting.asked.clear()
    promised = _screens(session)
    assert sorted(counting.asked) == ["Ada Lovelace", "Charles Babbage"]
    assert promised == _from_scratch(session, tmp_path, writable=True)
    assert promised == _from_scratch(session, tmp_path, writable=False)
    rows, earlier = {r["name"]: r for r in promised["contacts"]}, {r["name"]: r for r in first["contacts"]}
    assert rows["Charles Babbage"]["warnings"] > earlier["Charles Babbage"]["warnings"]  # warned about it
    assert promised["dashboard"]["overall"]["overdue_promises"]["mine"] == overall["overdue_promises"]["mine"] + 1

    # A touch and an edit: an inbound call from Mary, Katherine made tier A (a key stakeholder).
    with session.store.write() as conn:
        actions.log_interactions(
            conn,
            [ids["mary"]],
            session.now,
            at=session.now - dt.timedelta(hours=2),
            channel="call",
            direction="inbound",
            sentiment=2,
        )
        katherine = people.get_contact(conn, ids["katherine"])
        people.update_contact(conn, ids["katherine"], katherine.model_copy(update={"tier": Tier.A}), session.now)
    after = _screens(session)
    assert after == _from_scratch(session, tmp_path, writable=True)
    assert after == _from_scratch(session, tmp_path, writable=False)
    now_all = after["dashboard"]["overall"]
    assert now_all["inbound"]["inbound"] == overall["inbound"]["inbound"] + 1
    assert now_all["key_on_cadence"]["key"] == overall["key_on_cadence"]["key"] + 1
    assert {r["name"]: r for r in after["contacts"]}["Mary Somerville"]["last_touch"] == session.today.isoformat()
