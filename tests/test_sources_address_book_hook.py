"""A third party's address book, through the `keepwarm_address_book_kinds` hook (issue #20, point 8).

The built-in contacts and carddav kinds use nothing else; here a plugin holds its cards in memory, so the
core's three-way sync is seen on its own: a card changed between the listing and the write is a conflict
(the book refuses the write), a kind name taken by a source kind is the later plugin's problem.
"""

from __future__ import annotations

import hashlib

from pydantic import BaseModel, ConfigDict

from keepwarm.home.settings import Settings
from keepwarm.hosting.host import PluginHost
from keepwarm.hosting.runtime import build_runtime
from keepwarm.plugin import AddressBookKind, CardChanged, CardRef, hookimpl
from keepwarm.sources.registry import kinds
from keepwarm.sources.sync import sync
from keepwarm.store import contacts as people

ADA = "BEGIN:VCARD\r\nVERSION:4.0\r\nUID:ada-1\r\nFN:Ada Lovelace\r\nEND:VCARD\r\n"


class Options(BaseModel):
    model_config = ConfigDict(extra="forbid")

    book: str


def etag(text: str) -> str:
    return hashlib.sha1(text.encode()).hexdigest()


class MemoryBook:
    """Cards by href; `before_put` runs before each write (a phone editing meanwhile)."""

    def __init__(self) -> None:
        self.cards_: dict[str, str] = {}
        self.before_put = None

    def cards(self):
        return [CardRef(href, etag(text)) for href, text in self.cards_.items()]

    def get(self, href):
        return self.cards_[href], etag(self.cards_[href])

    def put(self, href, text, *, uid, etag: str | None):
        if self.before_put:
            self.before_put()
        href = href or f"{uid}.vcf"
        if (etag is None and href in self.cards_) or (etag is not None and globals()["etag"](self.cards_[href]) != etag):
            raise CardChanged(href)
        self.cards_[href] = text
        return CardRef(href, globals()["etag"](text))

    def delete(self, href, *, etag):
        del self.cards_[href]


class Memory:
    def __init__(self, name: str = "memory") -> None:
        self.book = MemoryBook()
        self.name = name

    @hookimpl
    def keepwarm_address_book_kinds(self):
        return [AddressBookKind(self.name, "cards a test holds", Options, "book", lambda request: self.book)]


def use(session, *plugins, **settings) -> None:
    session._config = Settings.model_validate(settings)
    session.__dict__.pop("settings", None)
    host = PluginHost(plugins_dir=None).load()
    for n, plugin in enumerate(plugins):
        host.register_for_test(plugin, f"memory_{n}")
    session.__dict__["runtime"] = build_runtime(host=host)


def test_a_card_changed_between_the_listing_and_the_write_is_a_conflict(session):
    memory = Memory()
    memory.book.cards_["ada-1.vcf"] = ADA
    use(session, memory, sources={"mem": {"kind": "memory", "book": "x"}})
    [first] = sync(session)
    assert (first.read, first.new_here, first.problem) == (1, 1, None)
    with session.store.write() as conn:
        ada = people.find_by_uid(conn, "ada-1")
        contact = people.get_contact(conn, ada)
        people.update_contact(conn, ada, contact.model_copy(update={"title": "Analyst"}), session.now)

    def phone() -> None:
        memory.book.cards_["ada-1.vcf"] = ADA.replace("Ada Lovelace", "Ada King")

    memory.book.before_put = phone
    [second] = sync(session)
    assert [(w["uid"], w["why"], w["fields"]) for w in second.waiting] == [
        ("ada-1", "conflict", ["changed in the book during the sync"])
    ]
    assert "Ada King" in memory.book.cards_["ada-1.vcf"] and "Analyst" not in memory.book.cards_["ada-1.vcf"]
    memory.book.before_put = None
    [third] = sync(session)
    assert [(w["uid"], w["fields"]) for w in third.waiting] == [("ada-1", ["name", "title"])]


def test_a_kind_name_a_source_kind_holds_is_the_later_plugin_s_problem(session):
    use(session, Memory("vdir"))
    offered = kinds(session)
    assert offered["vdir"][1].family == "calendar"
    [problem] = [p for p in session.runtime.host.problems if p.hook == "keepwarm_address_book_kinds"]
    assert "offers the kind 'vdir', which a source kind offers already" in problem.error
