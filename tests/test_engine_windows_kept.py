"""Each contact's windowed statistics are carried from one run to the next (migration 0021, engine/windows.py).

A new day moves the recent and the baseline window by a day; a contact none of whose interactions lies between
the old and the new bounds, and not marked changed since, keeps the figures the last run read, and only the
others are scanned again. The carried figures must be exactly what a scan of every contact gives: from a
concrete book at a fixed clock, through moves of the clock of one day, several days and backwards, touches
back-dated into a window, and notes holding the note signals' words.
"""

from __future__ import annotations

import datetime as dt
import sqlite3

import pytest

from keepwarm.engine import stats as statistics
from keepwarm.engine.agenda import build_agenda
from keepwarm.home.session import Session
from keepwarm.model import Contact
from keepwarm.services import actions
from keepwarm.store import contacts as people

from conftest import FIXED_NOW

#: (days before FIXED_NOW, hour, what the touch says): each contact's history.
HISTORY = {
    "Near the recent bound": [(89, 12, "asked about the RFP"), (30, 9, ""), (200, 10, "budget is tight")],
    "Near the baseline bound": [(454, 15, "met at a fair"), (300, 9, "a competitor called")],
    "Quiet in the middle": [(20, 9, "lunch; another vendor came up"), (150, 9, "")],
    "Never touched": [],
    "Often": [(d, 8 + d % 9, "budget cuts" if d % 3 else "") for d in range(0, 470, 7)],
}


def _book(session: Session) -> dict[str, int]:
    ids = {}
    with session.store.write() as conn:
        for name, touches in HISTORY.items():
            cid = ids[name] = people.insert_contact(conn, Contact(name=name), session.now)
            for n, (days, hour, notes) in enumerate(touches):
                _touch(conn, cid, session.now, days, hour, notes, n)
    return ids


def _touch(conn, cid: int, now: dt.datetime, days: int, hour: int, notes: str, n: int) -> None:
    at = (now - dt.timedelta(days=days)).replace(hour=hour, minute=0)
    actions.log_interactions(
        conn,
        [cid],
        now,
        at=at,
        channel="email",
        direction="outbound" if n % 2 else "inbound",
        notes=notes,
        sentiment=(n % 5) - 2,
        responded=True if n % 2 else None,
        response_hours=[1.3, 0.1, 7.7, 2.2][n % 4] if n % 2 else None,  # means of these are not exact in binary
    )


def _day(path, now: dt.datetime, runtime) -> Session:
    session = Session(path, now=now)
    session.__dict__["runtime"] = runtime
    return session


def _end(session: Session) -> dt.datetime:
    """Where a run's windows end: the end of its day (engine/evaluate.py's `window_end`)."""
    return dt.datetime.combine(session.today + dt.timedelta(days=1), dt.time(), tzinfo=session.tz)


def _begun(session: Session, signals: dict | None = None, **options) -> statistics.Begun:
    """A run's statistics begun and finished (`.result`), with the rules' note signals unless others are given."""
    runtime = session.runtime
    cfg = runtime.engine
    with session.store.read() as conn:
        begun = statistics.begin(
            conn,
            _end(session),
            session.today,
            recent_days=cfg.recent_days,
            baseline_days=cfg.baseline_days,
            signals=runtime.host.note_signals(runtime.rules.sections) if signals is None else signals,
            **options,
        )
        begun.result = begun()  # type: ignore[attr-defined]
    return begun


def test_a_new_day_scans_only_the_contacts_with_a_touch_between_the_old_and_the_new_bounds(session):
    ids = _book(session)
    build_agenda(session)  # the whole book read and kept
    later = _day(session.db_path, FIXED_NOW + dt.timedelta(days=1), session.runtime)
    try:
        begun = _begun(later)
        scanned = {cid for cid, _ in begun.windows.fresh}
        # The touch 89 days back at noon leaves the recent window and enters the baseline; the one 454 days back
        # leaves the baseline; "Often" has one every 7 days, so some crosses a bound whatever the day.
        assert scanned == {ids["Near the recent bound"], ids["Near the baseline bound"]} | (
            {ids["Often"]} if ids["Often"] in scanned else set()
        )
        assert set(begun.windows.carried) == set(ids.values()) - scanned
        assert begun.result == _begun(later, kept=False).result  # type: ignore[attr-defined]
    finally:
        later.close()


def test_a_touch_back_dated_into_a_window_is_read_again_and_the_rest_carried(session):
    ids = _book(session)
    build_agenda(session)
    quiet = ids["Quiet in the middle"]
    with session.store.write() as conn:  # into the baseline window, months back: no bound moves
        _touch(conn, quiet, session.now, 120, 9, "the competitor again", 1)
    begun = _begun(session)
    assert [cid for cid, _ in begun.windows.fresh] == [quiet]  # marked since the run: its kept figures do not hold
    assert set(begun.windows.carried) == set(ids.values()) - {quiet}
    assert begun.result == _begun(session, kept=False).result  # type: ignore[attr-defined]
    assert begun.result[quiet].touches_baseline == 2 and begun.result[quiet].note_signals["competitor"] == 1  # type: ignore[attr-defined]


@pytest.mark.parametrize("moves", [[1, 1, 1], [3, 2], [1, -1, -2], [40, -40], [2, 0, 400]], ids=str)
def test_the_statistics_of_every_run_equal_a_scan_of_every_contact(session, moves):
    ids = _book(session)
    build_agenda(session)
    runtime, now = session.runtime, FIXED_NOW
    for step, days in enumerate(moves):
        now += dt.timedelta(days=days)
        day = _day(session.db_path, now, runtime)
        try:
            if step == 1:  # between the runs, a touch back-dated a year and one today
                with day.store.write() as conn:
                    _touch(conn, ids["Never touched"], now, 365, 11, "they mentioned a tender", 1)
                    _touch(conn, ids["Near the recent bound"], now, 0, 8, "", 2)
            agenda = build_agenda(day)  # the whole book on a new day; the touched contacts on the same day
            scan = _begun(day, kept=False).result  # type: ignore[attr-defined]
            evaluated = agenda.evaluation.stats if agenda.evaluation is not None else {}
            assert len(evaluated) == (2 if days == 0 and step == 1 else 0 if days == 0 else len(ids))
            assert {cid: scan[cid] for cid in evaluated} == evaluated
            assert _begun(day).result == scan  # type: ignore[attr-defined]
        finally:
            day.close()


def test_what_is_kept_follows_the_windows_it_was_read_over(session):
    ids = _book(session)
    build_agenda(session)
    later = _day(session.db_path, FIXED_NOW + dt.timedelta(days=2), session.runtime)
    try:
        build_agenda(later)
    finally:
        later.close()
    raw = sqlite3.connect(session.db_path)
    try:
        windows = {cid: window for cid, window in raw.execute("SELECT contact_id, bounds FROM window_figures")}
    finally:
        raw.close()
    assert set(windows) == set(ids.values())
    recent_from = (FIXED_NOW + dt.timedelta(days=3) - dt.timedelta(days=90)).replace(hour=0)
    assert set(windows.values()) == {next(iter(windows.values()))}  # carried and scanned alike hold for the new day
    assert next(iter(windows.values())).startswith(recent_from.replace(tzinfo=None).isoformat() + " ")


def test_other_words_for_the_note_signals_carry_nothing(session):
    _book(session)
    build_agenda(session)
    cfg = session.runtime.engine
    begun = _begun(session, signals={"competitor": ["zebra"]})
    found = begun.result  # type: ignore[attr-defined]
    with session.store.read() as conn:
        again = statistics.compute(
            conn,
            _end(session),
            session.today,
            recent_days=cfg.recent_days,
            baseline_days=cfg.baseline_days,
            signals={"competitor": ["zebra"]},
            kept=False,
        )
    assert begun.windows.carried == {} and found == again


@pytest.mark.slow
def test_on_both_stores_a_new_day_carries_what_the_last_run_kept(home, backend):
    first = Session(backend.db, now=FIXED_NOW)
    try:
        ids = _book(first)
        build_agenda(first)
        later = _day(backend.db, FIXED_NOW + dt.timedelta(days=1), first.runtime)
        try:
            build_agenda(later)  # the whole book: what it carried and read anew, kept for the next day
            begun = _begun(later)
            assert set(begun.windows.carried) == set(ids.values()) and begun.windows.fresh == []
            assert begun.result == _begun(later, kept=False).result  # type: ignore[attr-defined]
        finally:
            later.close()
    finally:
        first.close()
