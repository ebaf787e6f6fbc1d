"""The address books' cards waiting for the user, and the user's choice for one: what `keepwarm source
conflicts` and `source resolve` print and do, and what the app's conflicts screen (`Y`) shows and does.

One implementation for both: the CLI lists `waiting` and calls `settle`; the
app lists `compared` (the same rows, each with its fields side by side, which
needs the card read from the book) and calls `settle`. Every text here comes
from a card or a contact, so from outside: control characters are made
visible before anything is returned.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..api.address_books import AddressBookError, AddressBookKind, CardChanged
from ..io import vcard_edit
from ..model import Contact
from ..store import cards
from ..store import contacts as people
from ..text.controls import visible
from ..text.wording import one_line
from .address_book import open_book, resolve, waiting_row
from .registry import Configured, pick, require

#: What each kind of wait is called where a person reads it.
WHY = {
    cards.CONFLICT: "changed on both sides",
    cards.GONE_THERE: "card deleted in the book",
    cards.GONE_HERE: "contact deleted here",
}


def _shown(text: str) -> str:
    return one_line(visible(text, multiline=False))


def waiting(session, name: str | None = None) -> list[dict[str, Any]]:
    """The cards waiting, of the source `name` or of every one: {"source", "uid", "name", "why", "fields", "file"}
    (what `keepwarm source conflicts --json` prints). An unknown name is a UserError naming the sources."""
    return [{"source": source, **row} for source, _, row in _waiting(session, name)]


def _waiting(session, name: str | None) -> list[tuple[str, cards.CardState, dict[str, Any]]]:
    if name is not None:
        require(session, name)
    if not session.db_path.exists():
        return []
    with session.store.read() as conn:
        names = people.contact_names(conn)
        return [
            (source, state, waiting_row(state, names.get(state.contact_id or -1, "")))
            for source, state in cards.waiting(conn, name)
        ]


@dataclass
class Difference:
    """One synced field as each side holds it (sanitized, one line each; "" for nothing)."""

    field: str
    mine: str
    theirs: str


@dataclass
class Compared:
    """A card waiting, with its fields side by side: keepwarm's (mine) and the book's (theirs)."""

    source: str
    uid: str  # as stored, for `settle`; `row["uid"]` is its shown form
    contact_id: int | None
    row: dict[str, Any]
    differences: list[Difference] = field(default_factory=list)
    #: Why the card could not be read from the book for the comparison (the wait is listed all the same).
    problem: str | None = None

    @property
    def why(self) -> str:
        return self.row["why"]


def _value(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return ", ".join(_value(v) for v in value)
    if hasattr(value, "month") and hasattr(value, "kind"):  # an ImportantDate
        year = f"{value.year:04d}" if value.year is not None else "-"
        label = f" ({value.label})" if value.label else ""
        return f"{value.kind.value} {year}-{value.month:02d}-{value.day:02d}{label}"
    return str(value)


def differences(mine: Contact | None, theirs: Contact | None) -> list[Difference]:
    """The synced fields where the two sides differ (every field one side holds when the other is gone)."""
    keys = [
        key for key in vcard_edit.SYNCED if mine is None or theirs is None or getattr(mine, key) != getattr(theirs, key)
    ]
    out = []
    for key in keys:
        a = _value(getattr(mine, key)) if mine is not None else ""
        b = _value(getattr(theirs, key)) if theirs is not None else ""
        if a or b:
            out.append(Difference(key, _shown(a), _shown(b)))
    return out


def compared(session) -> list[Compared]:
    """Every card waiting, each with its differing fields read from the book (slow for a CardDAV book: a
    request per card; run it off the UI thread). A book that cannot be read gives its rows with a problem."""
    configured = {c.name: c for c in pick(session, None)}
    books: dict[str, Any] = {}
    out: list[Compared] = []
    for source, state, row in _waiting(session, None):
        if source not in books:
            books[source] = _book(configured.get(source))
        out.append(_compare(session, books[source], source, state, row))
    return out


def _book(source: Configured | None):
    """The address book to read cards from, or None when it cannot be opened (gone from config.toml, broken)."""
    if source is None or source.problem or not isinstance(source.kind, AddressBookKind):
        return None
    try:
        return open_book(source)
    except AddressBookError:
        return None


def _compare(session, book, source: str, state: cards.CardState, row: dict[str, Any]) -> Compared:
    found = Compared(source, state.uid, state.contact_id, row)
    mine = None
    if state.contact_id is not None:
        with session.store.read() as conn:
            mine = people.get_contact(conn, state.contact_id)
    if state.state == cards.GONE_THERE:
        found.differences = differences(mine, None)
        return found
    if book is None:
        found.problem = f"{source}: the address book cannot be read now"
        found.differences = differences(mine, None) if mine is not None else []
        return found
    try:
        text, _etag = book.get(state.href)
        read = vcard_edit.read(text, state.href)
    except (AddressBookError, CardChanged, ValueError) as exc:
        found.problem = _shown(str(exc))
        return found
    except Exception as exc:  # a plugin's own failure: this card's problem, not the list's
        found.problem = _shown(f"{type(exc).__name__}: {exc}")
        return found
    if read.contact is None:
        found.problem = _shown(read.problem or "the card does not parse")
        return found
    found.differences = differences(mine, read.contact)
    return found


def settle(session, name: str, uid: str, keep: str) -> dict[str, Any]:
    """The user's choice (`mine` or `theirs`) for the card `uid` of the address book `name`; what was done:
    {"source", "uid", "kept", "action"}. A UserError (one line) when it cannot be done, nothing written."""
    [source] = pick(session, [name])
    return resolve(session, source, uid, keep)


def only_here(why: str, keep: str) -> bool:
    """Whether settling a wait this way writes only the rows of the contact it waits on, which the app's undo
    (`u`) can take back: keeping theirs of a conflict (the contact takes the card's fields) or of a card deleted
    in the book (the contact stays here only). Keeping mine writes the book, out of undo's reach; bringing a
    deleted contact back makes a new one."""
    return keep == "theirs" and why in (cards.CONFLICT, cards.GONE_THERE)
