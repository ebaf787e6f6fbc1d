"""Every contact at once, for the engine: the same Contacts `list_contacts` returns, built faster.

An engine run over the whole book loads every contact; at 10,000 contacts the
per-row work (JSON decoding through SQLAlchemy, enum lookups, pydantic's
`model_construct`) cost more than the queries. Here each table is read once
with plain columns, and the models are assembled the way `model_construct`
would assemble them (same field values, same `model_fields_set`) without its
per-field bookkeeping. The values came through the models on the way in, so
they are not validated again. tests/test_engine_perf_rows.py holds this
equal to `list_contacts`, field by field.
"""

from __future__ import annotations

import json
from collections import defaultdict
from typing import Any

from sqlalchemy import Connection, Text, select, type_coerce

from ..model import Channel, Contact, DateKind, ImportantDate, Motivation, Role
from ..model import SocialStyle, Stage, Tier
from .schema import accounts, contact_dates, contact_emails, contact_phones, contact_tags, contacts

_set = object.__setattr__
_CONTACT_FIELDS = tuple(Contact.model_fields)
_DATE_FIELDS = tuple(ImportantDate.model_fields)


def by_value(enum) -> dict[str, Any]:
    return {member.value: member for member in enum}


_ROLE, _STYLE, _MOTIVATION = by_value(Role), by_value(SocialStyle), by_value(Motivation)
_CHANNEL, _TIER, _STAGE, _KIND = by_value(Channel), by_value(Tier), by_value(Stage), by_value(DateKind)


def constructed(cls, values: dict[str, Any], fields: tuple[str, ...]):
    """`cls.model_construct(**values)` when `values` holds every field, in field order."""
    model = cls.__new__(cls)
    _set(model, "__dict__", values)
    _set(model, "__pydantic_fields_set__", set(fields))
    _set(model, "__pydantic_extra__", None)
    _set(model, "__pydantic_private__", None)
    return model


def _json_list(text: str | None) -> list:
    # Most lists are empty; a stored JSON null reads as an empty list, as in list_contacts.
    if text is None or text == "[]":
        return []
    return json.loads(text) or []


def load_all_contacts(conn: Connection) -> list[Contact]:
    """Every contact, ordered as `list_contacts(conn)` orders them (folded name, then id)."""
    c = contacts.c
    raw = (type_coerce(c.motivations, Text), type_coerce(c.interests, Text), type_coerce(c.addresses, Text),
           type_coerce(c.urls, Text))
    rows = conn.execute(
        select(c.id, c.uid, c.name, c.account_id, c.title, c.role, c.style, *raw, c.preferred_channel,
               c.best_time, c.do_not_contact, c.tier, c.stage, c.notes, c.owner)
        .order_by(c.name_fold, c.id)
    ).all()
    names = {r[0]: r[1] for r in conn.execute(select(accounts.c.id, accounts.c.name))}

    emails: dict[int, list[str]] = defaultdict(list)
    phones: dict[int, list[str]] = defaultdict(list)
    tags: dict[int, list[str]] = defaultdict(list)
    dates: dict[int, list[ImportantDate]] = defaultdict(list)
    for table, column, into in ((contact_emails, contact_emails.c.email, emails),
                                (contact_phones, contact_phones.c.phone, phones),
                                (contact_tags, contact_tags.c.tag, tags)):
        for cid, value in conn.execute(
            select(table.c.contact_id, column).order_by(table.c.contact_id, table.c.position)
        ):
            into[cid].append(value)
    d = contact_dates.c
    for cid, kind, month, day, year, label in conn.execute(
        select(d.contact_id, d.kind, d.month, d.day, d.year, d.label).order_by(d.contact_id, d.position)
    ):
        dates[cid].append(constructed(
            ImportantDate, {"kind": _KIND[kind], "month": month, "day": day, "year": year, "label": label},
            _DATE_FIELDS))

    out = []
    empty: tuple = ()
    for (cid, uid, name, account_id, title, role, style, motivations, interests, addresses, urls, channel,
         best_time, do_not_contact, tier, stage, notes, owner) in rows:
        out.append(constructed(Contact, {
            "id": cid,
            "uid": uid,
            "name": name,
            "account": names.get(account_id) if account_id else None,
            "title": title,
            "emails": list(emails.get(cid, empty)),
            "phones": list(phones.get(cid, empty)),
            "addresses": _json_list(addresses),
            "urls": _json_list(urls),
            "role": _ROLE[role] if role else None,
            "style": _STYLE[style],
            "motivations": [_MOTIVATION[m] for m in _json_list(motivations)],
            "interests": _json_list(interests),
            "preferred_channel": _CHANNEL[channel] if channel else None,
            "best_time": best_time,
            "do_not_contact": bool(do_not_contact),
            "dates": list(dates.get(cid, empty)),
            "tier": _TIER[tier],
            "stage": _STAGE[stage],
            "tags": list(tags.get(cid, empty)),
            "notes": notes,
            "owner": owner,
        }, _CONTACT_FIELDS))
    return out
