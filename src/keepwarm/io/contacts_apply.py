"""Applying imported contact records: match, merge, and count what changed.

A record carries only the fields its source speaks for; those replace the
stored values and everything else (a role set in keepwarm, notes typed here)
is kept. A record finds its contact by UID, then by any of its emails, then by
exact name, so an updated export updates instead of duplicating, and the same
file imported twice changes nothing.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError
from sqlalchemy import Connection

from ..model import Contact, DateKind
from ..text import fold
from ..store import contacts as people
from . import bulk
from .report import ImportReport, Where
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
    warnings: list[str] = field(default_factory=list)  # what was left out or changed, the record still valid

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


def _kinds(item: Incoming) -> frozenset[str]:
    if item.date_kinds is not None:
        return item.date_kinds
    return frozenset(str(getattr(d.get("kind"), "value", d.get("kind"))) for d in item.fields.get("dates", []))


def merge(current: Contact, item: Incoming) -> dict:
    data = current.model_dump(exclude={"id"})
    for key, value in item.fields.items():
        if key == "dates":
            kinds = _kinds(item)
            kept = [d for d in data["dates"] if str(getattr(d["kind"], "value", d["kind"])) not in kinds]
            data["dates"] = kept + list(value)
        else:
            data[key] = value
    return data


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


class _Matcher:
    """Finds a record's contact in memory: every contact is loaded once, in bulk, when an import starts."""

    def __init__(self, conn: Connection) -> None:
        self.contacts: dict[int, Contact] = {}
        self.uids: dict[str, int] = {}
        self.emails: dict[str, int] = {}
        self.names: dict[str, list[int]] = defaultdict(list)
        self.claimed: dict[int, str | None] = {}  # contact id -> the uid of the record that claimed it in this run
        for contact in people.list_contacts(conn):
            self.put(contact.id, contact)

    def put(self, contact_id: int, contact: Contact) -> None:
        old = self.contacts.get(contact_id)
        if old is not None:
            for email in old.emails:
                if self.emails.get(email.lower()) == contact_id:
                    del self.emails[email.lower()]
            self.names[fold(old.name)].remove(contact_id)
        self.contacts[contact_id] = contact
        if contact.uid:
            self.uids[contact.uid] = contact_id
        for email in contact.emails:
            self.emails.setdefault(email.lower(), contact_id)
        self.names[fold(contact.name)].append(contact_id)

    def find(self, item: Incoming) -> tuple[int | None, str | None]:
        """The contact this record is about, or a reason why that cannot be told."""
        if item.uid and item.uid in self.uids:
            return self.uids[item.uid], None
        for email in item.fields.get("emails") or []:
            if isinstance(email, str) and email.strip().lower() in self.emails:
                return self.emails[email.strip().lower()], None
        name = item.fields.get("name")
        if isinstance(name, str) and name.strip():
            ids = self.names.get(fold(name), [])
            # Two cards with the same name and different UIDs in one file are two people.
            ids = [i for i in ids if not (i in self.claimed and item.uid and self.claimed[i] not in (None, item.uid))]
            if len(ids) == 1:
                return ids[0], None
            if len(ids) > 1:
                return None, (
                    f"{len(ids)} contacts are called {name.strip()!r}; add an email or a UID to tell them apart"
                )
        return None, None

    def claim(self, contact_id: int, item: Incoming, contact: Contact) -> None:
        self.claimed.setdefault(contact_id, item.uid)
        self.put(contact_id, contact)


def apply_contacts(conn: Connection, items: list[Incoming], now: dt.datetime, report: ImportReport) -> None:
    """Create, update or leave each record's contact; invalid records are reported as skipped.

    New contacts are written together at the end (one statement per table), so
    a file of thousands of people imports in seconds; a later record in the
    same file that matches one of them changes it before it is written.
    """
    matcher = _Matcher(conn)
    fresh: dict[int, Contact] = {}  # new contacts by the id they will get
    next_id = bulk.next_contact_id(conn)
    for item in items:
        if item.problem:
            report.skip(item.where, item.problem, item.label)
            continue
        contact_id, doubt = matcher.find(item)
        if doubt:
            report.skip(item.where, doubt, item.label, invalid=False)
            continue
        if contact_id is None:
            new = _validate({**item.fields, "uid": item.uid or str(uuid.uuid4())}, item)
            if isinstance(new, str):
                report.skip(item.where, new, item.label)
                continue
            contact_id, next_id = next_id, next_id + 1
            fresh[contact_id] = new
            matcher.claim(contact_id, item, new)
            report.add("created", item.where, new.name, id=contact_id)
            continue
        current = matcher.contacts[contact_id]
        merged = _validate(merge(current, item), item)
        if isinstance(merged, str):
            report.skip(item.where, merged, item.label)
            continue
        if _same_dates(_json(current)["dates"], _json(merged)["dates"]):
            merged.dates = list(current.dates)
        merged.uid = current.uid
        fields = changed_fields(current, merged)
        matcher.claim(contact_id, item, merged if fields else current)
        if not fields:
            report.add("unchanged", item.where, current.name, id=contact_id)
            continue
        if contact_id in fresh:
            fresh[contact_id] = merged
        else:
            people.update_contact(conn, contact_id, merged, now)
        report.add("updated", item.where, merged.name, id=contact_id, fields=fields)
    if fresh:
        names = {c.account.strip().lower(): c.account for c in fresh.values() if c.account}
        account_ids = people.ensure_accounts(conn, names, now)
        bulk.insert_contacts(conn, [(cid, c, c.uid, now, now) for cid, c in fresh.items()], account_ids)
