"""Issue #20, point 5, in the core: the one undo mechanism (services/undo.Journal) takes back each kind of
change the app makes, through the same core functions the CLI calls, and leaves the book as it was (every
row a person is made of, with its id). Fixed clock; no app."""

from __future__ import annotations

import datetime as dt

import pytest

from conftest import FIXED_NOW
from keepwarm.errors import UserError
from keepwarm.model import Assessment, Commitment, FollowUp, LinkKind
from keepwarm.model.entities import Note
from keepwarm.services import links, merge, notes, operations
from keepwarm.services.undo import Journal, undone
from keepwarm.store import followups
from db_rows import table_rows
from tui_support import build_history, use_test_rules

TABLES = (
    "contacts", "interactions", "commitments", "followups", "assessments", "contact_notes", "contact_links",
    "contact_emails", "contact_phones", "contact_tags", "contact_dates", "contact_totals",
)


def _changes(session, ids):
    """Each change the app makes, as (the contacts it touches, the call)."""
    ada, mary = ids["ada"], ids["mary"]
    today = FIXED_NOW.date()
    with session.store.read() as conn:
        (plan,) = [f for f in followups.list_followups(conn, ada) if f.status.value == "open"][:1]
    contact = operations.get_contact(session, ada)
    return {
        "touch": ([ada], lambda: operations.log_touch(session, {"contact_ids": [ada], "channel": "call", "at": FIXED_NOW - dt.timedelta(hours=1)})),
        "promise": ([ada], lambda: operations.save_promise(
            session, Commitment(contact_id=ada, by="me", text="send slides", due=today))),
        "kept": ([ada], lambda: operations.keep_promise(session, operations.open_promises(session, ada)[0].id)),
        "followup": ([ada], lambda: operations.add_followup(
            session, FollowUp(contact_id=ada, due=today + dt.timedelta(days=3), reason="ask about Q1",
                              source="manual", rule_key="manual"))),
        "assess": ([ada], lambda: operations.assess(session, Assessment(
            contact_id=ada, on=today, trust=5, communication=5, sharing=5, advocacy=5, conflict=5, commitment=5))),
        "note": ([ada], lambda: notes.add_note(session, Note(contact_id=ada, on=today, text="Two kids"))),
        "rhythm": ([ada], lambda: operations.set_rhythm(session, ada, 21)),
        "snooze": ([ada], lambda: operations.snooze_contact(session, ada, today + dt.timedelta(days=30))),
        "edit": ([ada], lambda: operations.save_contact(
            session, contact.model_copy(update={"title": "Chief Analyst", "tags": ["board"]}), ada)),
        "dismiss": ([("followups", plan.id)], lambda: operations.dismiss(session, plan.id)),
        "link": ([ada, mary], lambda: links.link(session, ada, mary, LinkKind.PARTNER)),
        "merge": ([mary, ada], lambda: merge.merge_contacts(session, mary, ada)),
        "delete": ([ada], lambda: operations.delete_contact(session, ada)),
    }


@pytest.mark.parametrize("change", ["touch", "promise", "kept", "followup", "assess", "note", "rhythm", "snooze",
                                    "edit", "dismiss", "link", "merge", "delete"])
def test_each_change_is_taken_back_whole(session, change):
    use_test_rules(session)
    ids = build_history(session)
    operations.reschedule(session, list(ids.values()))
    links.link(session, ids["ada"], ids["charles"], LinkKind.REPORTS_TO)
    before = table_rows(session.db_path, TABLES)
    journal = Journal()
    targets, call = _changes(session, ids)[change]
    journal.record(session, targets, f"Did {change}.", lambda: call())
    assert table_rows(session.db_path, TABLES) != before
    assert journal.undo(session) == f"Did {change}"
    assert table_rows(session.db_path, TABLES) == before


def test_changes_are_taken_back_last_first_and_then_there_is_nothing(session):
    use_test_rules(session)
    ids = build_history(session)
    journal = Journal()
    first = table_rows(session.db_path, TABLES)
    journal.record(session, [ids["ada"]], "Noted on Ada.", notes.add_note, session,
                   Note(contact_id=ids["ada"], on=FIXED_NOW.date(), text="one"))
    second = table_rows(session.db_path, TABLES)
    journal.record(session, [ids["ada"]], "Logged call with Ada Lovelace.", operations.log_touch, session,
                   {"contact_ids": [ids["ada"]], "channel": "call", "at": FIXED_NOW - dt.timedelta(hours=1)})
    assert journal.undo(session) == "logged call with Ada Lovelace"
    assert table_rows(session.db_path, TABLES)["interactions"] == second["interactions"]
    assert journal.undo(session) == "noted on Ada"
    assert table_rows(session.db_path, TABLES)["contact_notes"] == first["contact_notes"]
    with pytest.raises(UserError, match="^Nothing left to undo: every change of this session is undone.$"):
        journal.undo(session)


def test_a_change_that_fails_is_not_recorded(session):
    ids = build_history(session)
    journal = Journal()
    with pytest.raises(UserError):
        journal.record(session, [ids["ada"]], "Linked.", links.link, session, ids["ada"], ids["ada"], LinkKind.KNOWS)
    assert len(journal) == 0


def test_words_of_what_was_undone():
    assert undone("Logged call with Ada.") == "logged call with Ada"
    assert undone("Ada Lovelace: every 3 weeks, your own rhythm.") == "Ada Lovelace: every 3 weeks, your own rhythm"
