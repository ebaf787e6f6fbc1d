"""`u` takes back the account a change made for its contacts, and no other.

Adding someone at a company not in the book makes the account too; moving
someone to a new company makes it as well. Undoing either leaves the book's
accounts as they were. An account made by `account add`, or one that was
edited after it was made, or one someone else is at by then, stays.
Core functions and the app's journal, at the fixed clock (conftest.py).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select, update

from keepwarm.model import Account, Contact
from keepwarm.services import operations
from keepwarm.services.undo import Journal
from keepwarm.store.schema import accounts


def _accounts(session) -> dict[str, int]:
    with session.store.read() as conn:
        return {row.name: row.id for row in conn.execute(select(accounts.c.name, accounts.c.id))}


def _add(journal, session, name: str, account: str | None) -> int:
    contact = Contact(name=name, account=account)
    return journal.record_new(session, f"Added {name}.", operations.save_contact, session, contact)


def test_undoing_an_added_contact_takes_back_the_account_it_made_and_keeps_one_that_was_there(session):
    ada_id = operations.save_contact(session, Contact(name="Ada Lovelace", account="Analytical Engines"))
    before = _accounts(session)
    journal = Journal()
    _add(journal, session, "Charles Babbage", "Difference Engines")
    _add(journal, session, "Mary Somerville", "Analytical Engines")
    assert set(_accounts(session)) == {"Analytical Engines", "Difference Engines"}
    journal.undo(session)  # Mary: her account was there before her
    assert set(_accounts(session)) == {"Analytical Engines", "Difference Engines"}
    journal.undo(session)  # Charles: his account came with him
    assert _accounts(session) == before
    assert operations.get_contact(session, ada_id).account == "Analytical Engines"


def test_undoing_a_move_to_a_new_company_takes_back_that_company(session):
    ada_id = operations.save_contact(session, Contact(name="Ada Lovelace", account="Analytical Engines"))
    before = _accounts(session)
    journal = Journal()
    moved = Contact(name="Ada Lovelace", account="Jacquard Looms")
    journal.record(session, [ada_id], "Changed Ada Lovelace.", operations.save_contact, session, moved, ada_id)
    assert "Jacquard Looms" in _accounts(session)
    journal.undo(session)
    assert _accounts(session) == before
    assert operations.get_contact(session, ada_id).account == "Analytical Engines"


def test_an_account_added_on_its_own_edited_or_used_by_someone_else_meanwhile_stays(session):
    journal = Journal()
    _add(journal, session, "Charles Babbage", "Difference Engines")
    _add(journal, session, "Grace Hopper", "Compilers Inc")
    _add(journal, session, "Alan Turing", "Bombes Ltd")
    operations.save_account(session, Account(name="Enigma Works"))  # made by `account add`, outside the journal
    operations.save_contact(session, Contact(name="Joan Clarke", account="Bombes Ltd"))  # someone else joins
    with session.store.write() as conn:  # edited since it was made
        later = dt.datetime(2026, 11, 23, 9, 0, tzinfo=dt.timezone.utc)
        conn.execute(update(accounts).where(accounts.c.name == "Compilers Inc").values(updated_at=later))
    for _ in range(3):
        journal.undo(session)
    assert set(_accounts(session)) == {"Compilers Inc", "Bombes Ltd", "Enigma Works"}
