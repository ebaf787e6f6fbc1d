"""Many contacts in one go: one executemany per table instead of several statements per contact.

A restore and a large import write thousands of contacts; the store's
`insert_contact` (a handful of statements each) is right for one contact at a
time and too slow for those. Ids are given by the caller, inside the write
transaction that holds the database's lock.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from sqlalchemy import Connection, func, insert, select

from ..model import Contact
from ..store import schema
from ..text import fold

#: (id, contact, uid, created_at, updated_at)
Row = tuple[int, Contact, str, dt.datetime, dt.datetime]


def _naive(value: dt.datetime) -> dt.datetime:
    return value.astimezone(dt.timezone.utc).replace(tzinfo=None)


def next_contact_id(conn: Connection) -> int:
    return (conn.execute(select(func.max(schema.contacts.c.id))).scalar() or 0) + 1


def insert_contacts(conn: Connection, items: Sequence[Row], account_ids: dict[str, int]) -> None:
    """Insert contacts with their ids; `account_ids` maps each account name, lower-cased, to its id."""
    rows, emails, phones, tags, dates = [], [], [], [], []
    for cid, c, uid, created, updated in items:
        rows.append({
            "id": cid, "uid": uid, "name": c.name, "name_fold": fold(c.name),
            "account_id": account_ids[c.account.strip().lower()] if c.account else None,
            "title": c.title, "role": c.role.value if c.role else None, "style": c.style.value,
            "motivations": [m.value for m in c.motivations], "interests": list(c.interests),
            "addresses": list(c.addresses), "urls": list(c.urls),
            "preferred_channel": c.preferred_channel.value if c.preferred_channel else None,
            "best_time": c.best_time, "do_not_contact": c.do_not_contact, "tier": c.tier.value,
            "stage": c.stage.value, "notes": c.notes, "owner": c.owner,
            "created_at": _naive(created), "updated_at": _naive(updated),
        })
        emails += [{"contact_id": cid, "position": i, "email": e, "email_fold": e.lower()} for i, e in enumerate(c.emails)]
        phones += [{"contact_id": cid, "position": i, "phone": p} for i, p in enumerate(c.phones)]
        tags += [{"contact_id": cid, "position": i, "tag": t, "tag_fold": fold(t)} for i, t in enumerate(c.tags)]
        dates += [
            {"contact_id": cid, "position": i, "kind": d.kind.value, "month": d.month, "day": d.day,
             "year": d.year, "label": d.label}
            for i, d in enumerate(c.dates)
        ]
    for table, values in (
        (schema.contacts, rows), (schema.contact_emails, emails), (schema.contact_phones, phones),
        (schema.contact_tags, tags), (schema.contact_dates, dates),
    ):
        if values:
            conn.execute(insert(table), values)
