"""The database marks what changed since the engine last evaluated it, whoever wrote it (migration 0007).

The incremental engine will evaluate only what is marked; these tests hold the
marks right: every table a result reads marks its contact (or account), a run
clears what it evaluated and what it wrote itself, and a change made while a
run was working stays marked for the next one.
"""

from __future__ import annotations

import datetime as dt
import sqlite3

from sqlalchemy import text

from conftest import FIXED_NOW
from keepwarm.engine.evaluate import evaluate
from keepwarm.model import Assessment, Commitment, Contact, FollowUp, Interaction
from keepwarm.store import activity, followups, marks
from keepwarm.store import contacts as people


def _book(session):
    with session.store.write() as conn:
        acme = people.insert_contact(conn, Contact(name="Ada", account="Acme", emails=["ada@acme.example"]),
                                     session.now)
        bob = people.insert_contact(conn, Contact(name="Bob", account="Acme"), session.now)
        cy = people.insert_contact(conn, Contact(name="Cy"), session.now)
    return acme, bob, cy


def _marked(session) -> tuple[set[int], set[int]]:
    with session.store.read() as conn:
        found = marks.read(conn)
    return set(found.contacts), set(found.accounts)


def test_a_whole_book_run_clears_every_mark_and_its_own_writes(session):
    ada, bob, cy = _book(session)
    assert _marked(session)[0] == {ada, bob, cy}
    evaluate(session)  # it reconciles (writes follow-ups): its own marks go with the rest
    assert _marked(session) == (set(), set())


def test_every_table_a_result_reads_marks_its_contact(session):
    ada, bob, cy = _book(session)
    evaluate(session)
    with session.store.read() as conn:
        acme = people.find_account_id(conn, "Acme")
    writes = {
        "interaction": lambda conn: activity.insert_interactions(
            conn, [Interaction(contact_id=cy, at=FIXED_NOW - dt.timedelta(days=1), channel="call")], session.now),
        "promise": lambda conn: activity.insert_commitment(conn, Commitment(contact_id=cy, text="send it"), session.now),
        "assessment": lambda conn: activity.insert_assessment(
            conn, Assessment(contact_id=cy, on=FIXED_NOW.date(), trust=3, communication=3, sharing=3, advocacy=3,
                             conflict=3, commitment=3), session.now),
        "follow-up": lambda conn: followups.insert_followup(
            conn, FollowUp(contact_id=cy, due=FIXED_NOW.date(), reason="call back"), session.now),
        "contact row": lambda conn: people.update_contact(
            conn, cy, people.get_contact(conn, cy).model_copy(update={"title": "CTO"}), session.now),
        "tag": lambda conn: conn.execute(text(
            "INSERT INTO contact_tags (contact_id, position, tag, tag_fold) VALUES (:c, 9, 'x', 'x')"), {"c": cy}),
    }
    for what, write in writes.items():
        with session.store.write() as conn:
            write(conn)
        assert _marked(session)[0] == {cy}, what
        evaluate(session)
        assert _marked(session) == (set(), set()), what
    with session.store.write() as conn:  # the account's own row: its members' account warnings read it
        conn.execute(text("UPDATE accounts SET notes = 'merger' WHERE id = :a"), {"a": acme})
    assert _marked(session) == (set(), {acme})


def test_a_contact_moving_account_marks_both_accounts(session):
    ada, bob, cy = _book(session)
    evaluate(session)
    with session.store.write() as conn:
        acme = people.find_account_id(conn, "Acme")
        people.update_contact(conn, bob, people.get_contact(conn, bob).model_copy(update={"account": "Globex"}),
                              session.now)
        globex = people.find_account_id(conn, "Globex")
    contacts, accounts = _marked(session)
    assert contacts == {bob} and accounts == {acme, globex}


def test_a_run_over_one_contact_clears_only_its_mark_and_leaves_the_account_to_a_whole_run(session):
    ada, bob, cy = _book(session)
    evaluate(session)
    with session.store.write() as conn:
        activity.insert_interactions(conn, [Interaction(contact_id=ada, at=FIXED_NOW, channel="email")], session.now)
        activity.insert_interactions(conn, [Interaction(contact_id=cy, at=FIXED_NOW, channel="email")], session.now)
        conn.execute(text("UPDATE accounts SET notes = 'x'"))
    evaluate(session, contact_ids=[ada])
    contacts, accounts = _marked(session)
    assert contacts == {cy} and len(accounts) == 1


def test_a_change_made_while_a_run_works_stays_marked(session, db_path):
    """A cadence rule of the test writes, from another connection, while the run is between its read and its write."""
    from engine_helpers import use_plugins
    from keepwarm.plugin import hookimpl

    ada, bob, cy = _book(session)
    evaluate(session)

    class WritesMeanwhile:
        done = False

        @hookimpl
        def keepwarm_cadence(self, ctx):
            if not self.done and ctx.contact.id == ada:
                self.done = True
                other = sqlite3.connect(db_path)
                other.execute("INSERT INTO interactions (contact_id, at, channel, direction, purpose, outcome, notes,"
                              " created_at) VALUES (?, '2026-11-22 08:00:00.000000', 'call', 'outbound', 'check_in',"
                              " 'completed', '', '2026-11-22 08:00:00.000000')", (cy,))
                other.commit()
                other.close()
            return None

    use_plugins(session, ("writes_meanwhile", WritesMeanwhile()))
    evaluate(session)
    assert _marked(session)[0] == {cy}
