"""What an address-book plugin hands to keepwarm: a kind, and a book that lists, reads and writes cards.

Unlike an interaction source, an address book is synced both ways: contacts
edited on a phone come back, keepwarm's edits go out. The plugin only moves
cards (vCard text) and says whether one changed (its `etag`); the core does
everything else: matching cards to contacts by UID, the three-way comparison
with the state of the last sync, conflicts, and editing a card's properties
so that what keepwarm does not model stays on the card as it was. So a
third-party kind (another server, another folder layout) needs to know
nothing about contacts.

A book writes one card at a time, each write conditional on the etag it was
read with (If-Match), so that a card changed on the phone meanwhile is a
conflict, never overwritten.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, Protocol

from pydantic import BaseModel

from .sources import CaptureError, _text


class AddressBookError(RuntimeError):
    """The book cannot be read or written at all (no such folder, the server refused): one line saying why."""


class CardChanged(RuntimeError):
    """A conditional write found the card changed (or created, or deleted) since it was read: not written."""


@dataclass(frozen=True, slots=True)
class CardRef:
    """One card as the book lists it: where it is (`href`, stable within the book) and its version (`etag`).

    `etag` changes whenever the card's bytes do (an HTTP ETag, a file's
    digest); equal etags mean the card was not read again.
    """

    href: str
    etag: str

    def __post_init__(self) -> None:
        _text("href", self.href, empty=False)
        _text("etag", self.etag, empty=False)


class AddressBook(Protocol):
    """What `AddressBookKind.open` returns: one book, opened for one sync."""

    def cards(self) -> Iterable[CardRef]:
        """Every card the book holds now (raise AddressBookError when it cannot be listed)."""
        ...

    def get(self, href: str) -> tuple[str, str]:
        """The card's vCard text and its etag now."""
        ...

    def put(self, href: str | None, text: str, *, uid: str, etag: str | None) -> CardRef:
        """Write a card: a new one when `etag` is None (`href` None: the book names it from `uid`), refusing
        to replace a card that exists; else replace the card at `href` only if its etag is still `etag`.
        Raise CardChanged when the condition fails. Returns where the card is and its new etag."""
        ...

    def delete(self, href: str, *, etag: str) -> None:
        """Remove the card only if its etag is still `etag` (CardChanged otherwise)."""
        ...


@dataclass(frozen=True, slots=True)
class BookRequest:
    """What `open` is given: the source's name and validated settings."""

    name: str
    options: BaseModel


@dataclass(frozen=True, slots=True)
class AddressBookKind:
    """A kind of address book a plugin provides (`keepwarm source add KIND TARGET`).

    As `SourceKind`: `options` is the pydantic model of `[sources.NAME]`
    (besides `kind`), with `extra="forbid"`; `target` names its field that
    `source add KIND TARGET` fills. `open` turns a `BookRequest` into an
    `AddressBook`; it may raise AddressBookError.
    """

    name: str
    summary: str
    options: type[BaseModel]
    target: str
    open: Callable[[BookRequest], Any]
    family: str = "contacts"

    def __post_init__(self) -> None:
        _text("name", self.name, empty=False)
        if not self.name.replace("-", "").replace("_", "").isalnum() or not self.name.isascii():
            raise CaptureError(f"an address book kind's name is a plain word, not {self.name!r}")
        _text("summary", self.summary, empty=False)
        if not (isinstance(self.options, type) and issubclass(self.options, BaseModel)):
            raise CaptureError("options must be a pydantic model class")
        if self.target not in self.options.model_fields:
            raise CaptureError(f"target {self.target!r} is not a field of {self.options.__name__}")
        if not callable(self.open):
            raise CaptureError("open must be callable")
        if self.family != "contacts":
            raise CaptureError("an address book kind's family is 'contacts'")
