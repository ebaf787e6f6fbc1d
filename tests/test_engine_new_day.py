"""A new day moves every statistics window, so the whole book is evaluated again; what it stores
is rewritten only where a result really changed.

A follow-up's reason and a health's words are stored and exported: a "3 days ago"
in them would be false the next day and would rewrite nearly every stored row
each morning. From a concrete book (tests/tui_support.py) at a fixed clock.
"""

from __future__ import annotations

import datetime as dt
import sqlite3

from tui_support import build_history

from keepwarm.engine.agenda import build_agenda
from keepwarm.home.session import Session

from conftest import FIXED_NOW


def _stored(path) -> tuple[dict, dict]:
    """Each open follow-up's (due, reason, sequence) and each contact's stored health row, by id."""
    raw = sqlite3.connect(path)
    try:
        plans = {
            fid: (due, reason, sequence)
            for fid, due, reason, sequence in raw.execute(
                "SELECT id, due, reason, sequence FROM followups WHERE status IN ('open', 'snoozed')"
            )
        }
        health = {cid: (score, band, terms) for cid, score, band, terms in raw.execute(
            "SELECT contact_id, score, band, terms FROM contact_snapshots"
        )}
    finally:
        raw.close()
    return plans, health


def _a_day_later(session):
    """What was stored after the first agenda, the next day's agenda, and what was stored after it."""
    build_history(session)
    build_agenda(session)
    before = _stored(session.db_path)
    later = Session(session.db_path, now=FIXED_NOW + dt.timedelta(days=1))
    later.__dict__["runtime"] = session.runtime
    try:
        agenda = build_agenda(later)
    finally:
        later.close()
    return before, agenda, _stored(session.db_path)


def test_the_next_morning_rewrites_no_follow_up_whose_due_date_stays(session):
    (plans_before, _), agenda, (plans_after, _) = _a_day_later(session)
    assert agenda.evaluation is not None and len(agenda.evaluation.contacts) == 6  # the whole book, again
    assert agenda.changes["moved"] == 0
    assert plans_after == plans_before  # the same reasons, the same sequence numbers (no calendar update)
    charles = next(reason for _, reason, _ in plans_after.values() if "Charles" in reason)
    assert "last touch on 1 September 2026" in charles and "ago" not in charles


def test_the_stored_health_words_say_dates_and_stay_while_the_score_stays(session):
    (_, before), _, (_, after) = _a_day_later(session)
    unchanged = [cid for cid in before if before[cid][0] == after[cid][0] and before[cid][2] == after[cid][2]]
    # Katherine (wrote this week) and Grace (never touched) are within or without any rhythm alike on
    # both days: their rows are the same, words included.
    assert len(unchanged) >= 2
    assert all("days ago" not in terms for _, _, terms in after.values())
    assert any("last touch on 17 November 2026" in terms for _, _, terms in after.values())
