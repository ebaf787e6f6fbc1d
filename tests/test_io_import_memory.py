"""A contacts import holds whole only the stored contacts its records name (issue 19: every command under 400 MB).

The matcher indexes every stored contact's UID, e-mails, profile URLs and name,
reading the book a chunk at a time, and holds as models only those the records at
hand can match, merge or tell apart from a namesake, and the run's new and changed
contacts until they are written: 50,000 new cards into a book of 50,000 took
611 MB when every stored contact was held.
"""

from __future__ import annotations

from sqlalchemy import select

from keepwarm.services import devdata
from keepwarm.io import contacts_apply
from keepwarm.io.contacts_apply import Incoming, _Matcher
from keepwarm.io.imports import import_vcards
from keepwarm.io.report import Where
from keepwarm.store.schema import contacts


def _names(session) -> dict[int, str]:
    with session.store.read() as conn:
        return dict(conn.execute(select(contacts.c.id, contacts.c.name)).all())


def test_the_matcher_keeps_only_the_contacts_the_records_name(session, monkeypatch):
    devdata.generate(session, contacts=30, interactions_per_contact=0, seed=2)
    names = _names(session)
    monkeypatch.setattr(contacts_apply, "INDEX_CHUNK", 7)  # the book read in five chunks
    items = [
        Incoming(where=Where("a.vcf", 1, 1), fields={"name": names[23]}),
        Incoming(where=Where("a.vcf", 9, 2), fields={"name": "Someone New", "emails": ["Person4@example.com"]}),
        Incoming(where=Where("a.vcf", 17, 3), fields={"name": "Nobody Here", "emails": ["nobody@example.org"]}),
    ]
    with session.store.read() as conn:
        matcher = _Matcher(conn)
        assert len(matcher.uids) == 30 and len(matcher.emails) == 30  # every stored contact is indexed
        assert matcher.contacts == {} and matcher.stored == {}  # and none is held
        matcher.read_ahead(items)
        assert set(matcher.stored) == {5, 23}  # person4@example.com is the fifth generated contact's
        found = [matcher.find(item)[:2] for item in items]
        assert found == [(23, "name"), (5, "email Person4@example.com"), (None, "")]
        matcher.read_ahead([items[2]])
        assert matcher.stored == {}  # the next records name no one: the earlier ones' contacts are let go


def test_a_vcard_import_matches_stored_contacts_read_a_chunk_at_a_time(session, monkeypatch, tmp_path):
    devdata.generate(session, contacts=30, interactions_per_contact=0, seed=2)
    names = _names(session)
    monkeypatch.setattr(contacts_apply, "INDEX_CHUNK", 4)
    cards = tmp_path / "cards.vcf"
    cards.write_text(
        "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Quite Different\r\nEMAIL:person28@example.com\r\nTITLE:CFO\r\nEND:VCARD\r\n"
        f"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:{names[12]}\r\nTITLE:Head of Sales\r\nEND:VCARD\r\n"
        "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Brand New\r\nEMAIL:brand@new.example\r\nEND:VCARD\r\n",
        encoding="utf-8",
    )
    report = import_vcards(session.store, [cards], session.now)
    assert report.counts() == {"created": 1, "updated": 2, "unchanged": 0, "skipped": 0}
    assert {(e.id, e.matched_by) for e in report.of("updated")} == {(29, "email person28@example.com"), (12, "name")}
    assert len(_names(session)) == 31


def test_an_unchanged_reimport_holds_no_more_than_the_records_at_hand(session, monkeypatch, tmp_path):
    monkeypatch.setattr(contacts_apply, "INDEX_CHUNK", 3)
    cards = tmp_path / "cards.vcf"
    cards.write_text(
        "".join(
            f"BEGIN:VCARD\r\nVERSION:3.0\r\nUID:urn:uuid:00000000-0000-4000-8000-{n:012d}\r\nFN:Person {n}\r\n"
            f"EMAIL:p{n}@example.org\r\nEND:VCARD\r\n"
            for n in range(10)
        ),
        encoding="utf-8",
    )
    assert import_vcards(session.store, [cards], session.now).counts()["created"] == 10
    held: list[int] = []
    real = _Matcher.read_ahead

    def watched(self, items):
        real(self, items)
        held.append(len(self.stored) + len(self.contacts))

    monkeypatch.setattr(_Matcher, "read_ahead", watched)
    again = import_vcards(session.store, [cards], session.now)
    assert again.counts() == {"created": 0, "updated": 0, "unchanged": 10, "skipped": 0}
    assert {e.matched_by for e in again.of("unchanged")} == {"UID"}
    assert held == [3, 3, 3, 1]  # never the ten at once
