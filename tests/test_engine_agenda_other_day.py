"""An agenda as of another day (`agenda --on`) is worked out a group of the book at a time.

Its health, warnings and advice come from runs as of that day that store nothing.
One run over the whole book held every contact's statistics and contexts at once
(over a gigabyte at 50,000 contacts); the runs now take the agenda's contacts a
group of the book at a time (`evaluate.GROUP`, whole accounts), keep only the
texts a row shows, and must give what one run over the whole book as of that day
gives. A generated book (services/devdata: accounts, interests, experts to
introduce) at a fixed clock, cut into groups of a few contacts.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest

from keepwarm.api.types import to_json
from keepwarm.calendar.advice import consult
from keepwarm.engine import advisor as advisor_module
from keepwarm.engine import agenda as agenda_module
from keepwarm.engine import evaluate as engine
from keepwarm.engine.agenda import _as_of, build_agenda
from sqlalchemy import select

from keepwarm.home.session import Session
from keepwarm.services import devdata
from keepwarm.services.results import current
from keepwarm.store import contacts as people
from keepwarm.store import snapshots
from keepwarm.store.database import Store
from keepwarm.store.schema import contact_snapshots, followups, snapshot_runs

AHEAD = 9  # days: far enough for health and the cadence's words to differ from today's


@pytest.fixture
def book(keepwarm_session):
    session = keepwarm_session
    devdata.generate(session, contacts=60, interactions_per_contact=6, seed=11, accounts_count=6)
    engine.evaluate(session)
    return session


def _one_run_over_the_whole_book(session, day: dt.date) -> dict[int, dict]:
    """What each contact's row and advice were made from before: one run as of `day` over every contact."""
    run = engine.evaluate(session, persist=False, now=_as_of(session, day))
    shown = session.runtime.engine.suggestions_shown
    return {
        cid: {
            "health": run.health[cid].to_json(),
            "warnings": to_json(run.warnings[cid]),
            "tips": to_json(run.tips(cid)),
            "suggestions": to_json(run.suggestions(cid))[:shown],
        }
        for cid in run.contacts
    }


def _stored(session) -> tuple:
    """Every stored result (advice included), the runs' facts and every follow-up, as rows."""
    with session.store.read() as conn:
        return (
            conn.execute(select(contact_snapshots).order_by(contact_snapshots.c.contact_id)).all(),
            conn.execute(select(snapshot_runs)).all(),
            conn.execute(select(followups).order_by(followups.c.id)).all(),
        )


def _spy_runs(monkeypatch) -> list[list[int] | None]:
    runs: list[list[int] | None] = []
    real = engine._evaluate

    def seen(session_, *, persist, contact_ids, at=None):
        if at is not None:  # the runs as of another day
            runs.append(sorted(contact_ids) if contact_ids is not None else None)
        return real(session_, persist=persist, contact_ids=contact_ids, at=at)

    monkeypatch.setattr(engine, "_evaluate", seen)
    return runs


def test_an_agenda_as_of_another_day_is_worked_out_in_groups_and_equals_one_run_over_the_book(book, monkeypatch):
    day = book.today + dt.timedelta(days=AHEAD)
    want = _one_run_over_the_whole_book(book, day)
    stored_before = _stored(book)

    monkeypatch.setattr(engine, "GROUP", 12)
    monkeypatch.setattr(advisor_module, "ADVICE_GROUP", 12)
    monkeypatch.setattr(advisor_module, "ALL_EXPECTED_FROM", 1)
    monkeypatch.setattr(agenda_module, "ADVICE_BATCH", 5)
    runs = _spy_runs(monkeypatch)
    agenda = build_agenda(book, on=day, advice=False)
    items = list(agenda.stream_json()["items"])

    ids = {item["contact"]["id"] for item in items}
    assert len(ids) > 20 and any(item["bucket"] == "overdue" for item in items)
    assert runs and None not in runs  # never the whole book at once
    with book.store.read() as conn:
        groups = engine._groups(conn)
    assert groups is not None
    for run in runs:  # each run over the wanted contacts of one group of the book
        assert any(set(run) <= set(group) for group in groups)
    # Each contact twice: once for the rows (health, warnings), once for its advice as the printer reaches it.
    assert Counter(cid for run in runs for cid in run) == dict.fromkeys(ids, 2)
    for item in items:
        expected = want[item["contact"]["id"]]
        assert item["health"] == expected["health"]
        assert item["warnings"] == expected["warnings"]
        assert {"tips": item["tips"], "suggestions": item["suggestions"]} == {
            "tips": expected["tips"],
            "suggestions": expected["suggestions"],
        }
        assert item["overdue_days"] == (day - dt.date.fromisoformat(item["due"])).days
    # By the day the daily plan gives (later ones last), then most urgent first: by due day, then the
    # weakest health as of that day.
    keys = [(item["planned"] or "later", item["due"], item["health"]["score"]) for item in items]
    assert keys == sorted(keys)
    # The stored results and follow-ups are today's: nothing as of that day was kept, advice included.
    assert _stored(book) == stored_before
    again = _spy_runs(monkeypatch)
    today = build_agenda(book, advice=False)
    list(today.stream_json()["items"])
    assert again == []


def test_a_contact_without_a_row_on_that_day_is_not_evaluated_for_it(book, monkeypatch):
    day = book.today + dt.timedelta(days=1)
    with book.store.read() as conn:
        shown = set(snapshots.agenda_contacts(conn, day + dt.timedelta(days=7)))
        everyone = {cid for cid, _ in people.contact_accounts(conn)}
    assert shown and shown < everyone
    runs = _spy_runs(monkeypatch)
    monkeypatch.setattr(engine, "GROUP", 12)
    agenda = build_agenda(book, on=day, advice=False)
    assert {item.contact_id for item in agenda.items} == shown
    assert runs and set().union(*map(set, runs)) == shown


def test_the_agenda_of_a_book_that_cannot_be_written_is_worked_out_in_groups_too(book, monkeypatch):
    want = _one_run_over_the_whole_book(book, book.today)
    read_only = Session(book.db_path, now=book.now, config=book.settings)
    read_only.__dict__["store"] = Store.open_read_only(book.db_path)
    assert read_only.store.read_only
    monkeypatch.setattr(engine, "GROUP", 12)
    monkeypatch.setattr(advisor_module, "ADVICE_GROUP", 12)
    monkeypatch.setattr(advisor_module, "ALL_EXPECTED_FROM", 1)
    runs = _spy_runs(monkeypatch)
    try:
        agenda = build_agenda(read_only, advice=False)
        items = list(agenda.stream_json()["items"])
    finally:
        read_only.close()
    assert len(items) > 20 and runs and None not in runs
    for item in items:
        expected = want[item["contact"]["id"]]
        assert (item["health"], item["warnings"]) == (expected["health"], expected["warnings"])
        assert item["suggestions"] == expected["suggestions"] and item["tips"] == expected["tips"]


def test_the_screens_of_a_book_that_cannot_be_written_read_runs_over_groups(book, monkeypatch):
    build_agenda(book, advice=False)
    want = current(book)  # the stored results, brought up to date
    read_only = Session(book.db_path, now=book.now, config=book.settings)
    read_only.__dict__["store"] = Store.open_read_only(book.db_path)
    monkeypatch.setattr(engine, "GROUP", 12)
    runs = _spy_runs(monkeypatch)
    try:
        got = current(read_only)
    finally:
        read_only.close()
    assert runs and None not in runs and max(map(len, runs)) < len(want.contacts)
    assert sorted(cid for run in runs for cid in run) == sorted(c.id for c in want.contacts)
    assert got.contacts == want.contacts
    assert got.account_warnings == want.account_warnings and got.account_warnings


def test_a_calendar_dry_run_takes_the_advice_of_runs_over_groups_as_the_stored_one(book, monkeypatch):
    build_agenda(book, advice=False)
    with book.store.read() as conn:
        ids = snapshots.agenda_contacts(conn, book.today + dt.timedelta(days=30))
    stored = consult(book, persist=True)
    stored.expect(ids)
    want = {cid: stored.advice_for(cid) for cid in ids}
    before = _stored(book)

    monkeypatch.setattr(engine, "GROUP", 12)
    monkeypatch.setattr(advisor_module, "ADVICE_GROUP", 12)
    monkeypatch.setattr(advisor_module, "ALL_EXPECTED_FROM", 1)
    runs = _spy_runs(monkeypatch)
    dry = consult(book, persist=False)
    dry.expect(ids)
    got = {}
    for start in range(0, len(ids), 7):  # the calendar's chunks
        chunk = ids[start : start + 7]
        dry.prepare(chunk)
        got.update((cid, dry.advice_for(cid)) for cid in chunk)
    assert got == want and any(advice.warnings for advice in got.values())
    assert runs and None not in runs
    assert Counter(cid for run in runs for cid in run) == dict.fromkeys(ids, 2)  # its row's run, its advice's
    assert _stored(book) == before
