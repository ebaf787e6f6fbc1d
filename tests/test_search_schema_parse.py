"""A contact's searchable text is written once in the schema (the view of migration 0018), not in each of the
triggers that keep the index: SQLite parses every trigger's SQL again on each connection, so 0013's triggers,
each carrying the whole folded text, cost every command about 4 ms before it read a row."""

from __future__ import annotations

import sqlite3

from keepwarm.home.session import Session
from keepwarm.model import Contact
from keepwarm.store import contacts as people
from keepwarm.services import search

from conftest import FIXED_NOW


def test_the_contact_triggers_read_the_one_view_and_the_folding_is_written_once(tmp_path):
    session = Session(tmp_path / "book.db", now=FIXED_NOW)
    with session.store.write() as conn:
        cid = people.insert_contact(conn, Contact(name="Zoë Άλφα", emails=["zoe@example.com"]), FIXED_NOW)
    session.close()
    conn = sqlite3.connect(tmp_path / "book.db")
    try:
        schema = dict(conn.execute("SELECT name, sql FROM sqlite_master WHERE type IN ('trigger', 'view')"))
    finally:
        conn.close()
    fold = "replace(replace(replace("
    holders = sorted(name for name, sql in schema.items() if sql.count(fold) >= 5)
    # The touches', promises' and notes' triggers fold their one column; the contacts' text is folded in the view.
    assert "search_contact_text" in holders
    assert not [name for name in holders if name.startswith("trg_search_contact") or name == "trg_search_accounts_update"]
    refreshing = [name for name in schema if name.startswith(("trg_search_contact", "trg_search_accounts"))
                  and not name.endswith("contacts_delete")]
    assert refreshing and all("search_contact_text" in schema[name] for name in refreshing)
    # and the index is what it was: found by a folded word and by an e-mail, after an edit of the e-mail too
    session = Session(tmp_path / "book.db", now=FIXED_NOW)
    assert [(hit.kind, hit.contact_id) for hit in search.find(session, "αλφα", limit=5)] == [("contacts", cid)]
    with session.store.write() as write:
        contact = people.get_contact(write, cid)
        people.update_contact(write, cid, contact.model_copy(update={"emails": ["zoe@elsewhere.example"]}), FIXED_NOW)
    assert [hit.contact_id for hit in search.find(session, "elsewhere", limit=5)] == [cid]
    assert search.find(session, "zoe@example", limit=5) == []
    session.close()
