"""Issue #17, the core behind the app's new writes: un-dismiss, promises kept and edited, the demo book."""

from __future__ import annotations

import datetime as dt

import pytest

from keepwarm.services import actions, operations
from keepwarm.errors import UserError
from keepwarm.io import demo
from keepwarm.model import Commitment, Contact, FollowUp
from keepwarm.store import activity, followups
from keepwarm.store import contacts as people

from conftest import FIXED_NOW


@pytest.fixture
def ada(session) -> int:
    with session.store.write() as conn:
        return people.insert_contact(conn, Contact(name="Ada Lovelace", account="Engines"), FIXED_NOW)


def _followup(session, contact_id: int, **fields) -> int:
    with session.store.write() as conn:
        return followups.insert_followup(conn, FollowUp(contact_id=contact_id, due=dt.date(2026, 11, 20),
                                                        reason="call", rule_key="manual", source="manual",
                                                        **fields), FIXED_NOW)


def test_undismiss_reopens_as_it_was_and_refuses_what_was_not_dismissed(session, ada):
    plain = _followup(session, ada)
    snoozed = _followup(session, ada)
    operations.snooze(session, snoozed, dt.date(2026, 12, 1))
    for fid in (plain, snoozed):
        operations.dismiss(session, fid)
        operations.undismiss(session, fid)
    with session.store.read() as conn:
        back, later = followups.get_followup(conn, plain), followups.get_followup(conn, snoozed)
    assert (back.status.value, back.due, back.closed_at) == ("open", dt.date(2026, 11, 20), None)
    assert (later.status.value, later.snoozed_until) == ("snoozed", dt.date(2026, 12, 1))
    with pytest.raises(UserError, match=f"follow-up {plain}: is open; only a dismissed one can be brought back"):
        operations.undismiss(session, plain)


def test_a_promise_is_found_from_its_reminder_only_while_open_and_for_its_contact(session, ada):
    with session.store.write() as conn:
        pid = activity.insert_commitment(conn, Commitment(contact_id=ada, text="send the report"), FIXED_NOW)
        assert actions.promise_of(conn, ada, f"promise_due.{pid}").text == "send the report"
        assert actions.promise_of(conn, ada + 1, f"promise_due.{pid}") is None
        assert actions.promise_of(conn, ada, "cadence.interval") is None
        assert actions.promise_of(conn, ada, "promise_due.x") is None
        actions.keep_promise(conn, pid, FIXED_NOW)
        assert actions.promise_of(conn, ada, f"promise_due.{pid}") is None
        with pytest.raises(UserError, match=f"promise {pid}: is done already"):
            actions.keep_promise(conn, pid, FIXED_NOW)


def test_save_promise_edits_text_date_and_side_and_keeps_the_status(session, ada):
    pid = operations.save_promise(session, Commitment(contact_id=ada, text="send the report"))
    operations.save_promise(session, Commitment(contact_id=ada, text="send the full report", by="them",
                                                due=dt.date(2026, 12, 4)), pid)
    with session.store.read() as conn:
        found = activity.get_commitment(conn, pid)
    assert (found.text, found.by.value, found.due, found.status.value) == (
        "send the full report", "them", dt.date(2026, 12, 4), "open")


def test_the_demo_book_is_filled_once_and_then_opened_as_it_is(session):
    if not demo.demo_path().exists():
        pytest.skip("the example data set is not installed")
    first = operations.demo_book(session)
    assert first == demo.default_db() and first != session.db_path
    from keepwarm.home.session import Session

    book = Session(first, now=FIXED_NOW)
    try:
        with book.store.write() as conn:
            people.insert_contact(conn, Contact(name="Added in the demo"), FIXED_NOW)
    finally:
        book.close()
    assert operations.demo_book(session) == first  # not replaced: what was added there is still there
    book = Session(first, now=FIXED_NOW)
    try:
        with book.store.read() as conn:
            assert people.find_by_exact_name(conn, "Added in the demo")
    finally:
        book.close()
    with session.store.read() as conn:
        assert people.list_contacts(conn) == []
