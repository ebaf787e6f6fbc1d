"""The windows' scans of the statistics, run beside the rest (engine/stats.py `_aside`).

Over many contacts the all-time figures, the recent notes and the two windows are
scanned on a second connection in a thread of their own, each read back as one
JSON text, while the caller's connection reads the rest. These hold what that
must not change: the real numbers come back exact (JSON as SQLite writes it
keeps 15 digits), a run inside a write sees its own uncommitted rows, and the
scans of a whole book do run beside the caller's connection.
"""

from __future__ import annotations

import datetime as dt
import threading
from contextlib import contextmanager

from sqlalchemy import event

from keepwarm.engine import stats as statistics
from keepwarm.model import Contact
from keepwarm.services import actions
from keepwarm.store import contacts as people

from conftest import FIXED_NOW

#: A response time whose mean, rounded to three places, is 1.235; written with 15 digits (1.2345) it rounds to 1.234.
AWKWARD_HOURS = 1.2345000000000002
SIGNALS = {"competitor": ["competitor"]}


def _compute(conn, **kw):
    return statistics.compute(conn, FIXED_NOW, FIXED_NOW.date(), recent_days=90, baseline_days=365,
                              signals=SIGNALS, **kw)


def _book(session, extra: int = 0) -> int:
    """Ada with one awkward response time and a note naming a competitor, and `extra` untouched contacts."""
    with session.store.write() as conn:
        ada = people.insert_contact(conn, Contact(name="Ada Lovelace"), FIXED_NOW)
        for n in range(extra):
            people.insert_contact(conn, Contact(name=f"Quiet {n}"), FIXED_NOW)
        actions.log_interactions(conn, [ada], FIXED_NOW, at=FIXED_NOW - dt.timedelta(days=3), channel="email",
                                 direction="outbound", responded=True, response_hours=AWKWARD_HOURS,
                                 notes="Their competitor called")
        actions.log_interactions(conn, [ada], FIXED_NOW, at=FIXED_NOW - dt.timedelta(days=200), channel="call",
                                 direction="outbound", responded=True, response_hours=AWKWARD_HOURS)
    return ada


def test_real_numbers_come_back_exact_for_the_whole_book_and_for_a_few(session):
    ada = _book(session)
    assert round(AWKWARD_HOURS, 3) == 1.235 and round(float(f"{AWKWARD_HOURS:.15g}"), 3) == 1.234
    with session.store.read() as conn:
        everyone, one = _compute(conn), _compute(conn, contact_ids=[ada])
    for stats in (everyone[ada], one[ada]):
        assert stats.latency_recent_hours == 1.235
        assert stats.latency_baseline_hours == 1.235
        assert stats.note_signals == {"competitor": 1}
    assert everyone[ada] == one[ada]


def test_inside_a_write_the_statistics_see_the_uncommitted_rows(session):
    ada = _book(session)
    with session.store.write() as conn:
        actions.log_interactions(conn, [ada], FIXED_NOW, at=FIXED_NOW - dt.timedelta(days=1), channel="meeting",
                                 direction="inbound", notes="The competitor again")
        inside = _compute(conn)[ada]
        assert inside.touches_recent == 2 and inside.inbound_recent == 1
        assert inside.note_signals == {"competitor": 2}
        conn.rollback()
    with session.store.read() as conn:
        after = _compute(conn)[ada]
    assert after.touches_recent == 1 and after.note_signals == {"competitor": 1}


@contextmanager
def _statements(session):
    """Each statement run meanwhile: (its thread, its connection, whether it is one of the scans' JSON)."""
    seen: list[tuple[int, int, bool]] = []

    def note(conn, cursor, statement, parameters, context, executemany):
        seen.append((threading.get_ident(), id(conn.connection.dbapi_connection), "json_group_array" in statement))

    event.listen(session.store.engine, "before_cursor_execute", note)
    try:
        yield seen
    finally:
        event.remove(session.store.engine, "before_cursor_execute", note)


def test_a_whole_book_scans_its_windows_on_a_second_connection_beside_the_first(session):
    ada = _book(session)
    with _statements(session) as seen, session.store.read() as conn:
        mine = id(conn.connection.dbapi_connection)
        result = _compute(conn)
    assert result[ada].latency_recent_hours == 1.235
    here = threading.get_ident()
    windows = [(thread, connection) for thread, connection, scan in seen if scan]
    assert len(windows) == 4  # all-time figures, notes, recent, baseline
    assert all(thread != here and connection != mine for thread, connection in windows)
    assert any(scan is False and connection == mine for _, connection, scan in seen)  # the rest, read here


def test_a_few_contacts_or_a_write_scan_in_the_callers_connection(session):
    ada = _book(session)
    with _statements(session) as seen:
        with session.store.read() as conn:
            mine = id(conn.connection.dbapi_connection)
            _compute(conn, contact_ids=[ada])
        with session.store.write() as conn:
            writing = id(conn.connection.dbapi_connection)
            _compute(conn)
    here = threading.get_ident()
    assert {(thread, connection) for thread, connection, _ in seen} == {(here, mine), (here, writing)}
    assert not any(scan for *_, scan in seen)  # read as plain rows: no JSON to build for a few
