"""Applying imported contact records: match, merge, and count what changed.

A record carries only the fields its source speaks for; its single values
replace the stored ones, its lists (emails, phones, tags...) add to the stored
lists, and everything else (a role set in keepwarm, notes typed here) is kept.
A record finds its contact by UID (unless it names another person, with no
e-mail in common: then it is reported and imported on its own), then by any of its emails, then by a
profile URL, and only then by exact name, and never by name when the two
disagree on what identifies a person (both have emails, profile URLs or
phones, and none in common): namesakes stay apart. So an updated export
updates instead of duplicating, the same file imported twice changes nothing,
and the report says what was matched by what and merged with which record.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import uuid
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, cast

from pydantic import ValidationError
from sqlalchemy import Connection, select

from ..model import Contact, DateKind, stored_id
from ..store import contacts as people
from ..store.schema import contacts as contacts_table
from ..text.controls import fold, visible
from . import bulk
from .report import ImportReport, Where
from .spread import Spread, spread
from .validation import message

ALL_KINDS = frozenset(k.value for k in DateKind)


@dataclass
class Incoming:
    """One contact as a source file describes it, before it meets the database."""

    where: Where
    fields: dict[str, Any] = field(default_factory=dict)
    uid: str | None = None
    sources: dict[str, str] = field(default_factory=dict)  # field -> the column or property it came from
    date_kinds: frozenset[str] | None = None  # kinds of dates the source speaks for (None: those it gives)
    problem: str | None = None
    invalid: bool = True  # False: a row with nothing to import, reported without stopping the file
    warnings: list[str] = field(default_factory=list)  # values left out of an otherwise imported record

    @property
    def label(self) -> str:
        name = self.fields.get("name")
        if isinstance(name, str) and name.strip():
            return name.strip()
        emails = self.fields.get("emails") or []
        return emails[0] if emails else ""


def explain(exc: ValidationError, sources: dict[str, str]) -> str:
    """A validation error named after the file's own column or property where there is one."""
    parts = []
    for err in exc.errors():
        loc = [str(p) for p in err.get("loc", ())]
        where = sources.get(loc[0], ".".join(loc)) if loc else ""
        parts.append(f"{where}: {message(err)}" if where else message(err))
    return "; ".join(parts)


def _validate(data: dict, item: Incoming) -> Contact | str:
    try:
        return Contact.model_validate(data)
    except ValidationError as exc:
        return explain(exc, item.sources)


#: Fields that may span lines: they keep newlines and tabs; every other text is one line.
MULTI_LINE_FIELDS = frozenset({"notes", "addresses"})


def show_controls(items: list[Incoming]) -> dict[Where, list[str]]:
    """Make the control characters of the records' texts visible, and say in which fields.

    A shared file can carry escape sequences; they are kept, as `\\x1b` and
    so on, rather than dropped (nothing of the file is lost) or stored raw.
    """
    found: dict[Where, list[str]] = {}
    for item in items:
        for key, value in item.fields.items():
            multiline = key in MULTI_LINE_FIELDS
            if isinstance(value, str):
                shown: object = visible(value, multiline=multiline)
            elif isinstance(value, list) and all(isinstance(v, str) for v in value):
                shown = [visible(v, multiline=multiline) for v in value]
            else:
                continue
            if shown != value:
                item.fields[key] = shown
                found.setdefault(item.where, []).append(item.sources.get(key, key))
    return found


def _kinds(item: Incoming) -> frozenset[str]:
    if item.date_kinds is not None:
        return item.date_kinds
    return frozenset(str(getattr(d.get("kind"), "value", d.get("kind"))) for d in item.fields.get("dates", []))


#: Fields holding several values: an import adds to them, it never takes a stored value away.
LIST_FIELDS = ("emails", "phones", "addresses", "urls", "motivations", "interests", "tags")


def _text(value: object) -> str:
    return str(getattr(value, "value", value))


def phone_key(phone: str) -> str | None:
    """A phone's last nine digits: `+34 612 345 678` and `612345678` are one number."""
    digits = re.sub(r"\D", "", phone)
    return digits[-9:] if len(digits) >= 5 else None


def profile_key(url: str) -> str | None:
    """A URL naming one person (a path after the host, as linkedin.com/in/NAME); None for a bare site."""
    text = re.sub(r"^[a-z][a-z0-9+.-]*://", "", url.strip().lower())
    host, _, path = text.partition("/")
    path = path.split("?")[0].split("#")[0].strip("/")
    host = host.removeprefix("www.")
    return f"{host}/{path}" if host and path else None


def _value_key(key: str, value: object) -> str | None:
    text = _text(value)
    if key == "phones":
        return phone_key(text) or fold(text)
    if key == "urls":
        return profile_key(text) or fold(text).rstrip("/")
    return " ".join(fold(text).split())


def _union(key: str, stored: list, given: list) -> list:
    out, seen = list(stored), {_value_key(key, v) for v in stored}
    for value in given:
        k = _value_key(key, value)
        if k not in seen:
            seen.add(k)
            out.append(value)
    return out


def merge(current: Contact, item: Incoming) -> dict:
    data = current.model_dump(exclude={"id"})
    for key, value in item.fields.items():
        if key == "dates":
            kinds = _kinds(item)
            kept = [d for d in data["dates"] if str(getattr(d["kind"], "value", d["kind"])) not in kinds]
            data["dates"] = kept + list(value)
        elif key in LIST_FIELDS:
            data[key] = _union(key, data[key], list(value))
        else:
            data[key] = value
    return data


def _identifiers(fields: dict) -> dict[str, set[str]]:
    """What tells one person from a namesake: emails, profile URLs, phones."""
    return {
        "email": {e.strip().lower() for e in fields.get("emails") or [] if isinstance(e, str) and e.strip()},
        "profile URL": {k for u in fields.get("urls") or [] if isinstance(u, str) and (k := profile_key(u))},
        "phone": {k for p in fields.get("phones") or [] if isinstance(p, str) and (k := phone_key(p))},
    }


def disagreement(contact: Contact, item: Incoming) -> str | None:
    """The kind of identifier both have and share none of (so they are two people), else None."""
    mine, theirs = _identifiers(item.fields), _identifiers(contact.model_dump())
    return next((kind for kind in mine if mine[kind] and theirs[kind] and not mine[kind] & theirs[kind]), None)


def same_person(contact: Contact, item: Incoming) -> bool:
    """Whether a record carrying a stored contact's UID describes that contact: the same name
    (ignoring case and accents), or an e-mail or profile URL in common. Some exporters give
    every card one UID; matched by it alone, another person would be merged into the contact."""
    name = item.fields.get("name")
    if isinstance(name, str) and fold(name) == fold(contact.name):
        return True
    mine, theirs = _identifiers(item.fields), _identifiers(contact.model_dump())
    return bool(mine["email"] & theirs["email"] or mine["profile URL"] & theirs["profile URL"])


def _json(contact: Contact) -> dict:
    return contact.model_dump(mode="json", exclude={"id", "uid"})


def _same_dates(a: list, b: list) -> bool:
    def key(items):
        return sorted(json.dumps(i, sort_keys=True) for i in items)

    return key(a) == key(b)


def changed_fields(current: Contact, new: Contact) -> list[str]:
    old, fresh = _json(current), _json(new)
    out = []
    for name in Contact.model_fields:
        if name in ("id", "uid"):
            continue
        if name == "dates" and _same_dates(old["dates"], fresh["dates"]):
            continue
        if old.get(name) != fresh.get(name):
            out.append(name)
    return out


#: Stored contacts read at a time while the matcher indexes the book (under `store.contacts._FEW`, so that each
#: read fetches only those contacts' e-mails, phones and dates, not everyone's).
INDEX_CHUNK = 800


class _Matcher:
    """Finds a record's contact in memory.

    Every stored contact's identifiers (UID, e-mails, profile URLs, folded name)
    are indexed when an import starts, reading the book `INDEX_CHUNK` contacts at a
    time. Whole contacts are held for the records at hand only (`read_ahead`: the
    stored contacts the next `INDEX_CHUNK` records name by one of those, the ones
    they can match, merge or tell apart from a namesake), and for this run's new
    and changed contacts until they are written. Holding every contact of a
    50,000-person book as a model took 270 MB, for an import that matched none of
    them; an import matching all of them unchanged held them all.
    """

    def __init__(self, conn: Connection) -> None:
        self._conn = conn
        self.contacts: dict[int, Contact] = {}  # this run's new and changed contacts
        self.stored: dict[int, Contact] = {}  # stored contacts the records at hand name, as stored
        self.uids: dict[str, int] = {}
        self.emails: dict[str, int] = {}
        self.profiles: dict[str, int] = {}
        self.names: dict[str, list[int]] = defaultdict(list)
        self.claimed: dict[int, str | None] = {}  # contact id -> the uid of the record that claimed it in this run
        self.claimed_by: dict[int, list[Where]] = defaultdict(list)  # contact id -> records of this run
        # In `list_contacts`' order, as before: where two stored contacts share an e-mail, the first one keeps it.
        order = (contacts_table.c.name_fold, contacts_table.c.id)
        ids = list(conn.execute(select(contacts_table.c.id).order_by(*order)).scalars())
        for start in range(0, len(ids), INDEX_CHUNK):
            for contact in people.list_contacts(conn, ids=ids[start : start + INDEX_CHUNK]):
                self._index(stored_id(contact.id), contact)

    def read_ahead(self, items: list[Incoming]) -> None:
        """The stored contacts these records name, read in one go, in place of the previous records'."""
        wanted = sorted(self._named(items) - self.contacts.keys())
        self.stored = {stored_id(c.id): c for c in people.list_contacts(self._conn, ids=wanted)} if wanted else {}

    def current(self, contact_id: int) -> Contact:
        """The contact as this run has it: new or changed here, else as stored."""
        found = self.contacts.get(contact_id) or self.stored.get(contact_id)
        if found is None:  # named only through a change made by an earlier record: read on its own
            [found] = people.list_contacts(self._conn, ids=[contact_id])
            self.stored[contact_id] = found
        return found

    def _named(self, items: list[Incoming]) -> set[int]:
        """The stored contacts the records name by UID, e-mail, profile URL or name: all `find` can return."""
        out: set[int] = set()
        for item in items:
            if item.uid and item.uid in self.uids:
                out.add(self.uids[item.uid])
            for email in item.fields.get("emails") or []:
                if isinstance(email, str) and (found := self.emails.get(email.strip().lower())) is not None:
                    out.add(found)
            for url in item.fields.get("urls") or []:
                if isinstance(url, str) and (found := self.profiles.get(profile_key(url) or "")) is not None:
                    out.add(found)
            name = item.fields.get("name")
            if isinstance(name, str) and name.strip():
                out.update(self.names.get(fold(name), ()))
        return out

    def put(self, contact_id: int, contact: Contact) -> None:
        old = self.contacts.get(contact_id) or self.stored.get(contact_id)
        if old is not None:
            for email in old.emails:
                if self.emails.get(email.lower()) == contact_id:
                    del self.emails[email.lower()]
            for url in old.urls:
                if (key := profile_key(url)) and self.profiles.get(key) == contact_id:
                    del self.profiles[key]
            self.names[fold(old.name)].remove(contact_id)
        self.contacts[contact_id] = contact
        self._index(contact_id, contact)

    def _index(self, contact_id: int, contact: Contact) -> None:
        if contact.uid:
            self.uids[contact.uid] = contact_id
        for email in contact.emails:
            self.emails.setdefault(email.lower(), contact_id)
        for url in contact.urls:
            if key := profile_key(url):
                self.profiles.setdefault(key, contact_id)
        self.names[fold(contact.name)].append(contact_id)

    def find(self, item: Incoming) -> tuple[int | None, str, str | None]:
        """(the contact this record is about, what matched it, a reason why that cannot be told)."""
        if item.uid and item.uid in self.uids:
            found = self.uids[item.uid]
            stored = self.current(found)
            # Cards of this run sharing a UID were already told apart (vcard_import.separate_shared_uids).
            if found in self.claimed or same_person(stored, item):
                return found, "UID", None
            item.warnings.append(
                f"has the UID of contact {found}, {stored.name!r}: a different person, "
                "imported on its own without that UID"
            )
            item.uid = None
        for email in item.fields.get("emails") or []:
            if isinstance(email, str) and email.strip().lower() in self.emails:
                return self.emails[email.strip().lower()], f"email {email.strip()}", None
        for url in item.fields.get("urls") or []:
            if isinstance(url, str) and (key := profile_key(url)) in self.profiles:
                return self.profiles[key], f"profile URL {url.strip()}", None
        name = item.fields.get("name")
        if isinstance(name, str) and name.strip():
            ids = self.names.get(fold(name), [])
            # Two cards with the same name and different UIDs in one file are two people.
            ids = [i for i in ids if not (i in self.claimed and item.uid and self.claimed[i] not in (None, item.uid))]
            # A namesake whose emails, profile URLs or phones all differ is another person.
            ids = [i for i in ids if disagreement(self.current(i), item) is None]
            if len(ids) == 1:
                return ids[0], "name", None
            if len(ids) > 1:
                return (
                    None,
                    "",
                    (f"{len(ids)} contacts are called {name.strip()!r}; add an email or a UID to tell them apart"),
                )
        return None, "", None

    def namesakes(self, item: Incoming) -> list[int]:
        name = item.fields.get("name")
        return list(self.names.get(fold(name), [])) if isinstance(name, str) and name.strip() else []

    def claim(self, contact_id: int, item: Incoming, contact: Contact) -> list[Where]:
        """Records of this run that came to this contact before `item`."""
        earlier = list(self.claimed_by[contact_id])
        self.claimed.setdefault(contact_id, item.uid)
        self.claimed_by[contact_id].append(item.where)
        if contact is not self.stored.get(contact_id):  # new or changed: held until written
            self.put(contact_id, contact)
        return earlier


def apply_contacts(conn: Connection, items: list[Incoming], now: dt.datetime, report: ImportReport) -> None:
    """Plan and write at once (for callers already inside a write transaction)."""
    plan_contacts(conn, items, now, report)(conn)


def plan_contacts(
    conn: Connection, items: list[Incoming], now: dt.datetime, report: ImportReport, how: Spread | None = None
) -> Callable[[Connection], None]:
    """Match and validate every record (reading only), fill the report, and return what writes it.

    New contacts are written together (one statement per table), so a file
    of thousands of people imports in seconds; a later record in the same
    file that matches one of them changes it before it is written. With `how`,
    the new people are spread over the days after the import (io/spread.py).
    """
    cleaned = show_controls(items)
    matcher = _Matcher(conn)
    fresh: dict[int, Contact] = {}  # new contacts by the id they will get
    changed: dict[int, Contact] = {}  # stored contacts to update
    next_id = bulk.next_contact_id(conn)
    for n, item in enumerate(items):
        if n % INDEX_CHUNK == 0:
            matcher.read_ahead(items[n : n + INDEX_CHUNK])
        if item.problem:
            report.skip(item.where, item.problem, item.label, invalid=item.invalid)
            continue
        contact_id, matched_by, doubt = matcher.find(item)
        if doubt:
            report.skip(item.where, doubt, item.label, invalid=False)
            continue
        if contact_id is None:
            new = _validate({**item.fields, "uid": item.uid or str(uuid.uuid4())}, item)
            if isinstance(new, str):
                report.skip(item.where, new, item.label)
                continue
            apart = [i for i in matcher.namesakes(item) if i != contact_id]
            contact_id, next_id = next_id, next_id + 1
            fresh[contact_id] = new
            matcher.claim(contact_id, item, new)
            note = ""
            if apart:
                kind = disagreement(matcher.current(apart[0]), item) or "identifier"
                verb = "has" if len(apart) == 1 else "have"
                note = f"a new person: {_ids(apart)} of the same name {verb} another {kind}"
            report.add("created", item.where, new.name, id=contact_id, note=note, warnings=list(item.warnings))
            continue
        current = matcher.current(contact_id)
        merged = _validate(merge(current, item), item)
        if isinstance(merged, str):
            report.skip(item.where, merged, item.label)
            continue
        if _same_dates(_json(current)["dates"], _json(merged)["dates"]):
            merged.dates = list(current.dates)
        merged.uid = current.uid
        fields = changed_fields(current, merged)
        earlier = matcher.claim(contact_id, item, merged if fields else current)
        extra = {"id": contact_id, "matched_by": matched_by, "merged_with": earlier, "warnings": list(item.warnings)}
        if not fields:
            report.add("unchanged", item.where, current.name, **extra)
            continue
        if contact_id in fresh:
            fresh[contact_id] = merged
        else:
            changed[contact_id] = merged
        report.add("updated", item.where, merged.name, fields=fields, **extra)
    for entry in report.entries:
        entry.cleaned = cleaned.get(entry.where, entry.cleaned)
    report.spread = spread(fresh, how)

    # The new contacts become rows now, outside the write lock; writing them is then a copy.
    staged = bulk.Staged()
    # A new contact got its uid when it was made (its record's or a new one) and keeps it when merged.
    staged.add_contacts(conn, [(cid, c, cast(str, c.uid), now, now) for cid, c in fresh.items()])
    names = {c.account.strip().lower(): c.account for c in fresh.values() if c.account}

    def write(conn: Connection) -> None:
        for contact_id, contact in changed.items():
            people.update_contact(conn, contact_id, contact, now)
        staged.copy(conn, people.ensure_accounts(conn, names, now) if names else {})

    write.discard = staged.drop  # type: ignore[attr-defined]
    return write


def _ids(ids: list[int]) -> str:
    return ("contact " if len(ids) == 1 else "contacts ") + ", ".join(str(i) for i in ids)
