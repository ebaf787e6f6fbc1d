"""Contacts synced both ways with an address book (a vdir, CardDAV): `keepwarm sync` for a contacts source.

Each card is matched to a contact by UID. For each, the state of the last
sync is kept (store.cards: the card's etag, and the digest of the synced
fields both sides then agreed on, the base). A side whose digest differs from
the base changed since: a change on one side only goes to the other; a change
on both sides to different values is a conflict, reported and left alone on
both sides until the user picks one (`keepwarm source resolve`). A write to
the book is conditional on the etag the card was read with, so a card edited
on the phone during the sync is a conflict too, never overwritten.

New cards become contacts and new contacts become cards. A deletion is never
carried over: a card deleted in the book, or a contact deleted here, is
reported and waits for the user's choice. A card that cannot be read is
reported (file and line) and left as it is; the other cards still sync.

The book is read and written first, outside any transaction (a server may be
slow); what that decided is saved to the database in one transaction. If that
fails after the book was written, the next sync finds both sides equal and
only records it: the comparison heals itself.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from typing import Any

from ..api.address_books import AddressBookError, AddressBookKind, BookRequest, CardChanged, CardRef
from ..errors import UserError
from ..io import vcard_edit
from ..model import Contact
from ..store import cards as states
from ..store import contacts as people
from ..text.controls import visible
from ..text.wording import noun, one_line, plural
from .registry import Configured
from .summary import SyncSummary

CardState = states.CardState


def _shown(text: str) -> str:
    return one_line(visible(text, multiline=False))


@dataclass
class BookSummary(SyncSummary):
    """What one address book's sync did, for the one-line summary and --json (as SourceSummary for the others)."""

    read: int = 0
    new_here: int = 0
    updated_here: int = 0
    new_there: int = 0
    updated_there: int = 0
    #: Cards waiting for the user: {"uid", "name", "why": "conflict" | "gone_there" | "gone_here", "fields"}.
    waiting: list[dict] = field(default_factory=list)
    #: Cards that could not be read or written: "file: what was wrong".
    unreadable: list[str] = field(default_factory=list)
    unknown: int = 0  # as SourceSummary: an address book brings no unknown correspondents
    reread: bool = False
    #: The contacts written here, for the engine to evaluate afterwards.
    touched: set[int] = field(default_factory=set)

    def _count(self, why: str) -> int:
        return sum(1 for w in self.waiting if w["why"] == why)

    def line(self) -> str:
        parts = [
            f"read {self.read:,} {noun(self.read, 'card')}",
            f"{self.new_here:,} new {noun(self.new_here, 'contact')}",
            f"{self.updated_here:,} updated here",
            f"{self.new_there:,} new {noun(self.new_there, 'card')}",
            f"{self.updated_there:,} updated in the book",
        ]
        conflicts = [w for w in self.waiting if w["why"] == "conflict"]
        if conflicts:
            named = ", ".join(f"{w['name']} ({', '.join(w['fields'])})" for w in conflicts[:3])
            more = ", ..." if len(conflicts) > 3 else ""
            parts.append(f"{plural(len(conflicts), 'conflict')}, neither side written: {named}{more}")
        if self._count("gone_there"):
            parts.append(f"{plural(self._count('gone_there'), 'card')} deleted in the book (contacts kept)")
        if self._count("gone_here"):
            parts.append(f"{plural(self._count('gone_here'), 'contact')} deleted here (cards kept)")
        if self.unreadable:
            more = ", ..." if len(self.unreadable) > 2 else ""
            parts.append(f"{plural(len(self.unreadable), 'card')} not synced ({'; '.join(self.unreadable[:2])}{more})")
        text = f"{self.name}: " + ", ".join(parts)
        if self.waiting:
            text += f" (see `keepwarm source conflicts {self.name}`)"
        return self.ended(text)

    def to_json(self) -> dict:
        return self.json_with(
            {
                "read": self.read,
                "new_contacts": self.new_here,
                "updated_contacts": self.updated_here,
                "new_cards": self.new_there,
                "updated_cards": self.updated_there,
                "waiting": self.waiting,
                "unreadable": self.unreadable,
            }
        )


def open_book(source: Configured):
    assert isinstance(source.kind, AddressBookKind) and source.options is not None
    return source.kind.open(BookRequest(source.name, source.options))


@dataclass
class _Plan:
    """What the book's side of a sync decided, saved in one transaction afterwards."""

    inserts: list[Contact] = field(default_factory=list)  # new contacts, with their card's state
    insert_states: list[CardState] = field(default_factory=list)
    updates: list[tuple[int, Contact]] = field(default_factory=list)
    saves: list[CardState] = field(default_factory=list)
    drops: list[str] = field(default_factory=list)


class _Card:
    """One card of the book, read when needed."""

    def __init__(self, book, ref: CardRef) -> None:
        self.book, self.ref = book, ref
        self.text: str | None = None
        self.read: vcard_edit.ReadCard | None = None

    def load(self) -> vcard_edit.ReadCard:
        if self.read is None:
            text, etag = self.book.get(self.ref.href)
            self.text = text
            if etag and etag != self.ref.etag:
                self.ref = CardRef(self.ref.href, etag)
            self.read = vcard_edit.read(text, self.ref.href)
        return self.read


def sync_book(session, source: Configured, summary: BookSummary, dry_run: bool, cancel=None) -> None:
    """Sync one address book; its problems end in `summary.problem`, never raised (but a UserError)."""
    try:
        book = open_book(source)
        refs = list(book.cards())
    except AddressBookError as exc:
        summary.problem = one_line(str(exc))
        return
    except Exception as exc:  # a plugin's own failure: this source's problem, not the sync's
        summary.problem = one_line(f"{type(exc).__name__}: {exc}")
        return
    with session.store.read() as conn:
        known = states.load(conn, source.name)
        contacts = people.list_contacts(conn)
    run = _Sync(book, known, contacts, summary, dry_run)
    try:
        for ref in refs:
            if cancel is not None and cancel.is_set():
                summary.stopped = True  # what was decided so far is saved; the rest waits for the next sync
                break
            run.card(ref)
        else:
            run.gone_there()
            for contact in contacts:
                if contact.id not in run.linked and contact.uid not in known and contact.uid not in run.seen:
                    run.send_new(contact)
    except AddressBookError as exc:
        summary.problem = one_line(str(exc))
    except Exception as exc:  # the plugin's failure is this source's problem; what was decided before is kept
        summary.problem = one_line(f"{type(exc).__name__}: {exc}")
    _save(session, source.name, run.plan, summary, dry_run, session.now)


def waiting_row(state: CardState, name: str) -> dict:
    """A card waiting, as `keepwarm source conflicts` lists it (what the state table says)."""
    fields = json.loads(state.detail) if state.state == states.CONFLICT and state.detail else []
    return _waiting(state, name or state.uid, state.state, fields)


def _waiting(state: CardState, name: str, why: str, fields: list[str] | None = None) -> dict:
    return {
        "uid": _shown(state.uid),
        "name": _shown(name),
        "why": why,
        "fields": fields or [],
        "file": _shown(state.href),
    }


class _Sync:
    """The book's side of one sync: each card compared with its contact and the last sync's state."""

    def __init__(self, book, known: dict[str, CardState], contacts: list[Contact], summary: BookSummary, dry_run):
        self.book, self.known, self.summary, self.dry_run = book, known, summary, dry_run
        self.by_id = {c.id: c for c in contacts}
        self.by_uid = {c.uid: c for c in contacts if c.uid}
        self.by_href = {s.href: s for s in known.values()}
        self.plan = _Plan()
        self.seen: set[str] = set()  # the UIDs of cards the book holds (and of those it holds but could not read)
        #: The contacts that have a card in this book: from earlier syncs, and met during this one.
        self.linked: set[int] = {s.contact_id for s in known.values() if s.contact_id is not None}
        self.by_email: dict[str, list[Contact]] = {}
        for contact in contacts:
            if contact.id not in self.linked and contact.uid not in known:
                for email in contact.emails:
                    self.by_email.setdefault(email.lower(), []).append(contact)

    def _identify(self, card: _Card) -> tuple[str, CardState | None] | None:
        """The card's UID and the state of its last sync; None for a card not synced (said in the summary)."""
        ref, summary = card.ref, self.summary
        state = self.by_href.get(ref.href)
        try:
            if state is not None and state.etag == ref.etag and state.state != states.CONFLICT:
                return state.uid, state  # unchanged since the last sync: not read again
            read = card.load()
        except ValueError as exc:  # a card the book cannot give as text
            summary.unreadable.append(_shown(str(exc)))
            return None
        except CardChanged:
            return None  # gone since it was listed: the next sync sees it
        if read.contact is None or not read.uid:
            if state is not None:
                self.seen.add(state.uid)  # there, only unreadable now: not a deletion
            problem = read.problem or "no UID (expected a UID property: a card is matched by it)"
            summary.unreadable.append(f"{_shown(ref.href)}: {_shown(problem)}")
            return None
        uid = read.uid
        return uid, self.known.get(uid, state if state is not None and state.uid == uid else None)

    def card(self, ref: CardRef) -> None:
        card = _Card(self.book, ref)
        found = self._identify(card)
        if found is None:
            return
        uid, state = found
        if uid in self.seen:
            self.summary.unreadable.append(f"{_shown(ref.href)}: UID {_shown(uid)} is on another card too (not synced)")
            return
        self.seen.add(uid)
        self.summary.read += 1
        if state is not None and state.state == states.DETACHED:
            state = None  # the card came back: met again as a new one
        if state is None:
            contact = self.by_uid.get(uid) or self._same_email(card)
        else:
            contact = self.by_id.get(state.contact_id) if state.contact_id is not None else None
        if state is not None and contact is None:
            state.href, state.state, state.detail = ref.href, states.GONE_HERE, ""
            self.plan.saves.append(state)
            try:
                read = card.load()  # for the name the user knows the card by
            except (ValueError, CardChanged):
                read = None
            name = read.contact.name if read is not None and read.contact is not None else uid
            self.summary.waiting.append(_waiting(state, name, "gone_here"))
        elif contact is None:
            self._new_here(card, uid)
        else:
            self._compare(card, uid, state, contact)

    def _same_email(self, card: _Card) -> Contact | None:
        """The one contact, in no card of this book yet, sharing an e-mail address with a card met for the first
        time: the same person, entered on both sides before the first sync (compared as any card, so a difference
        is a conflict, not a guess). Two or more such contacts: none (the card becomes a contact of its own)."""
        read = card.load()
        assert read.contact is not None
        found = {
            c.id: c for e in read.contact.emails for c in self.by_email.get(e.lower(), []) if c.id not in self.linked
        }
        return next(iter(found.values())) if len(found) == 1 else None

    def _new_here(self, card: _Card, uid: str) -> None:
        read = card.load()
        assert read.contact is not None
        self.plan.inserts.append(read.contact.model_copy(update={"uid": uid}))
        digest = vcard_edit.digest(read.contact)
        self.plan.insert_states.append(CardState(uid, card.ref.href, card.ref.etag, digest, None, states.SYNCED, ""))
        self.summary.new_here += 1

    def _compare(self, card: _Card, uid: str, state: CardState | None, contact: Contact) -> None:
        """The three-way comparison: mine (the contact), theirs (the card) and the base they last agreed on."""
        summary, plan = self.summary, self.plan
        base = state.base if state is not None else None
        mine = vcard_edit.digest(contact)
        theirs = base if card.read is None else vcard_edit.digest(card.load().contact)  # type: ignore[arg-type]
        if state is None:
            state = CardState(uid, card.ref.href, card.ref.etag, "", contact.id, states.SYNCED, "")
        state.href, state.contact_id = card.ref.href, contact.id
        assert contact.id is not None
        self.linked.add(contact.id)
        if mine == theirs:
            state.etag, state.base, state.state, state.detail = card.ref.etag, mine, states.SYNCED, ""
            plan.saves.append(state)
        elif base is not None and theirs == base:  # changed here only: out to the book
            try:
                _push(card, contact, state, self.dry_run)
            except CardChanged:
                _conflict(state, contact, plan, summary, ["changed in the book during the sync"])
                return
            except ValueError as exc:  # the card cannot be edited (its photo is not base64...): left as it is
                summary.unreadable.append(f"{_shown(card.ref.href)}: {_shown(str(exc))} (not written)")
                return
            plan.saves.append(state)
            summary.updated_there += 1
        elif base is not None and mine == base:  # changed in the book only: in here
            read = card.load()
            assert read.contact is not None and contact.id is not None
            plan.updates.append((contact.id, vcard_edit.with_card(contact, read.contact)))
            summary.touched.add(contact.id)
            state.etag, state.base, state.state, state.detail = card.ref.etag, theirs or "", states.SYNCED, ""
            plan.saves.append(state)
            summary.updated_here += 1
        else:
            read = card.load()
            assert read.contact is not None
            _conflict(state, contact, plan, summary, vcard_edit.changed_fields(contact, read.contact))

    def gone_there(self) -> None:
        """The cards of the last sync the book no longer holds: their contacts are kept, and the user asked."""
        for uid, state in self.known.items():
            if uid in self.seen or state.state == states.DETACHED:
                continue
            contact = self.by_id.get(state.contact_id) if state.contact_id is not None else None
            if contact is None:
                self.plan.drops.append(uid)  # deleted on both sides: nothing left to keep
                continue
            state.state, state.detail = states.GONE_THERE, ""
            self.plan.saves.append(state)
            self.summary.waiting.append(_waiting(state, contact.name, "gone_there"))

    def send_new(self, contact: Contact) -> None:
        """A contact the book has never held: a new card."""
        _send_new(self.book, contact, self.plan, self.summary, self.dry_run)


def _conflict(state: CardState, contact: Contact, plan: _Plan, summary: BookSummary, fields) -> None:
    """Both sides changed: neither is written; the card is read again at each sync until the user picks."""
    state.state, state.detail = states.CONFLICT, json.dumps(fields)
    plan.saves.append(state)
    summary.waiting.append(_waiting(state, contact.name, "conflict", fields))


def _push(card: _Card, contact: Contact, state: CardState, dry_run: bool) -> None:
    """The contact's synced fields written into the card as the book holds it (If-Match its etag)."""
    card.load()
    assert card.text is not None
    text = vcard_edit.edit(card.text, card.ref.href, contact)
    if dry_run:
        written = card.ref
    else:
        written = card.book.put(card.ref.href, text, uid=state.uid, etag=card.ref.etag)
    state.href, state.etag, state.base = written.href, written.etag, vcard_edit.digest(contact)
    state.state, state.detail = states.SYNCED, ""


def _send_new(book, contact: Contact, plan: _Plan, summary: BookSummary, dry_run: bool) -> None:
    assert contact.uid is not None and contact.id is not None
    if dry_run:
        written = CardRef("(new)", "(new)")
    else:
        try:
            written = book.put(None, vcard_edit.new_card(contact), uid=contact.uid, etag=None)
        except CardChanged as exc:
            summary.unreadable.append(f"{_shown(contact.name)}: no card written ({_shown(str(exc))})")
            return
    plan.saves.append(
        CardState(contact.uid, written.href, written.etag, vcard_edit.digest(contact), contact.id, states.SYNCED, "")
    )
    summary.new_there += 1


def _save(session, name: str, plan: _Plan, summary: BookSummary, dry_run: bool, now: dt.datetime) -> None:
    if dry_run:
        return
    with session.store.write() as conn:
        for contact, state in zip(plan.inserts, plan.insert_states, strict=True):
            state.contact_id = people.insert_contact(conn, contact, now)
            summary.touched.add(state.contact_id)
            states.save(conn, name, state, now)
        for contact_id, contact in plan.updates:
            people.update_contact(conn, contact_id, contact, now)
        for state in plan.saves:
            states.save(conn, name, state, now)
        for uid in plan.drops:
            states.drop(conn, name, uid)


# ------------------------------------------------------------------ resolve

MINE, THEIRS = "mine", "theirs"


def resolve(session, source: Configured, uid: str, keep: str) -> dict[str, Any]:
    """The user's choice for one card waiting (a conflict, a deletion on one side); what was done.

    conflict: mine writes the contact into the card, theirs the card into the contact. A card deleted in the
    book: mine writes it again, theirs keeps the contact here only (never sent again). A contact deleted here:
    mine deletes the card too, theirs brings the card back as a contact.
    """
    if not isinstance(source.kind, AddressBookKind):
        raise UserError(f"NAME: {source.name} is a {source.kind_name} source, not an address book")
    if source.problem:
        raise UserError(source.problem)
    with session.store.read() as conn:
        state = states.load(conn, source.name).get(uid)
        contact = people.get_contact(conn, state.contact_id) if state and state.contact_id is not None else None
    if state is None or state.state not in states.WAITING:
        with session.store.read() as conn:
            there = [s.uid for _, s in states.waiting(conn, source.name)]
        listed = ", ".join(_shown(u) for u in there[:5]) or "none"
        raise UserError(f"UID: no card {_shown(uid)!r} waits in {source.name} (waiting: {listed})")
    try:
        book = open_book(source)
        done = _resolve(book, state, contact, keep)
    except AddressBookError as exc:
        raise UserError(one_line(str(exc))) from None
    except CardChanged as exc:
        raise UserError(
            f"{_shown(str(exc))}: the card changed again; run `keepwarm sync {source.name}` and resolve it then"
        ) from None
    except ValueError as exc:  # the card cannot be edited or read (a photo that is not base64...)
        raise UserError(
            f"{_shown(state.href)}: {_shown(str(exc))}; fix the card, or resolve with the other side"
        ) from None
    now = session.now
    with session.store.write() as conn:
        new = done.pop("contact", None)
        if new is not None and contact is not None and contact.id is not None:
            people.update_contact(conn, contact.id, new, now)
        elif new is not None:
            state.contact_id = people.insert_contact(conn, new, now)
        if done["action"] == "card deleted":
            states.drop(conn, source.name, uid)
        else:
            states.save(conn, source.name, state, now)
    touched = state.contact_id
    if new is not None and touched is not None:
        from ..engine.evaluate import evaluate  # lazy for start-up, as after any sync

        evaluate(session, contact_ids=[touched])
    return {"source": source.name, "uid": uid, "kept": keep, **done}


def _resolve(book, state: CardState, contact: Contact | None, keep: str) -> dict[str, Any]:
    if state.state == states.GONE_THERE:
        assert contact is not None
        if keep == THEIRS:
            state.state, state.detail = states.DETACHED, ""
            return {"action": "contact kept here only"}
        written = book.put(None, vcard_edit.new_card(contact), uid=state.uid, etag=None)
        state.href, state.etag, state.base = written.href, written.etag, vcard_edit.digest(contact)
        state.state, state.detail = states.SYNCED, ""
        return {"action": "card written again"}
    text, etag = book.get(state.href)
    read = vcard_edit.read(text, state.href)
    if read.contact is None:
        raise AddressBookError(f"{state.href}: {read.problem}")
    if state.state == states.GONE_HERE:
        if keep == MINE:
            book.delete(state.href, etag=etag)
            return {"action": "card deleted"}
        state.etag, state.base, state.state, state.detail = etag, vcard_edit.digest(read.contact), states.SYNCED, ""
        return {"action": "contact brought back", "contact": read.contact.model_copy(update={"uid": state.uid})}
    assert contact is not None
    if keep == THEIRS:
        new = vcard_edit.with_card(contact, read.contact)
        state.etag, state.base, state.state, state.detail = etag, vcard_edit.digest(new), states.SYNCED, ""
        return {"action": "contact updated from the card", "contact": new}
    written = book.put(state.href, vcard_edit.edit(text, state.href, contact), uid=state.uid, etag=etag)
    state.href, state.etag, state.base = written.href, written.etag, vcard_edit.digest(contact)
    state.state, state.detail = states.SYNCED, ""
    return {"action": "card updated from the contact"}
