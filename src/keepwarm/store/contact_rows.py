"""Every contact at once, for the engine: the same Contacts `list_contacts` returns, built faster.

An engine run over the whole book loads every contact; at 10,000 contacts the
per-row work (JSON decoding through SQLAlchemy, enum lookups, pydantic's
`model_construct`) cost more than the queries. Here each table is read once
with plain columns, and the models are assembled the way `model_construct`
would assemble them (same field values, same `model_fields_set`) without its
per-field bookkeeping. The values came through the models on the way in, so
they are not validated again. A detail view loads a few contacts (one, and
its account's members) the same way. tests/test_engine_perf_rows.py holds
this equal to `list_contacts`, field by field.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable
from functools import cache
from typing import Any

from sqlalchemy import Connection, Text, bindparam, select, type_coerce

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


def plain_rows(conn: Connection, query, params: dict | None = None) -> list[tuple]:
    """The rows of a Core query as the driver returns them, without SQLAlchemy's per-row processing.

    Building SQLAlchemy's rows cost as much as SQLite's own work for the
    queries of many rows (here and in `engine.stats`). The statement still goes
    through SQLAlchemy (its compiled cache, its bind processing); only the
    fetching is the driver's, so a query read this way asks for values that
    need no conversion (numbers, text; dates and JSON as their stored text).
    """
    result = conn.execute(query, params or {})
    try:
        return result.cursor.fetchall()
    finally:
        result.close()


def _json_list(text: str | None) -> list:
    # Most lists are empty; a stored JSON null reads as an empty list, as in list_contacts.
    if text is None or text == "[]":
        return []
    return json.loads(text) or []


# Each query built once, its values bound at run time: for the few contacts of a detail,
# building the statements anew cost more than running them.


@cache
def _contacts_query(by_ids: bool, by_account: bool):
    c = contacts.c
    raw = (type_coerce(c.motivations, Text), type_coerce(c.interests, Text), type_coerce(c.addresses, Text),
           type_coerce(c.urls, Text))
    query = select(c.id, c.uid, c.name, c.account_id, c.title, c.role, c.style, *raw, c.preferred_channel,
                   c.best_time, c.do_not_contact, c.tier, c.stage, c.notes, c.owner)
    if by_ids:
        query = query.where(c.id.in_(bindparam("ids", expanding=True)))
    if by_account:
        query = query.where(c.account_id == bindparam("account"))
    return query.order_by(c.name_fold, c.id)


@cache
def _accounts_query(by_ids: bool):
    query = select(accounts.c.id, accounts.c.name)
    return query.where(accounts.c.id.in_(bindparam("ids", expanding=True))) if by_ids else query


_CHILDREN = {
    "emails": (contact_emails, ("email",)),
    "phones": (contact_phones, ("phone",)),
    "tags": (contact_tags, ("tag",)),
    "dates": (contact_dates, ("kind", "month", "day", "year", "label")),
}


@cache
def _children_query(name: str, chosen: str | None):
    """One child table's rows in order: everyone's, the `ids`' or the `account`'s contacts'."""
    table, columns = _CHILDREN[name]
    query = select(table.c.contact_id, *(table.c[k] for k in columns)).order_by(table.c.contact_id, table.c.position)
    if chosen == "ids":
        query = query.where(table.c.contact_id.in_(bindparam("ids", expanding=True)))
    elif chosen == "account":
        members = select(contacts.c.id).where(contacts.c.account_id == bindparam("account"))
        query = query.where(table.c.contact_id.in_(members))
    return query


class _Lists(dict):
    """JSON lists of plain values, decoded once per distinct text in a load, each contact given its own list.

    Motivations (a few enum values) and interests repeat from contact to
    contact; decoding the same JSON again was a third of a whole-book load.
    """

    def __init__(self, convert=None) -> None:
        super().__init__()
        self._convert = convert

    def __missing__(self, text: str | None) -> tuple:
        values = _json_list(text)
        found = self[text] = tuple(values if self._convert is None else map(self._convert, values))
        return found


def load_all_contacts(conn: Connection) -> list[Contact]:
    """Every contact, ordered as `list_contacts(conn)` orders them (folded name, then id)."""
    return load_contacts(conn)


def load_contacts(
    conn: Connection, *, ids: Iterable[int] | None = None, account_id: int | None = None
) -> list[Contact]:
    """The contacts with these ids, or of this account, or all; as `list_contacts(conn, ids=...)`
    or `list_contacts(conn, account=str(account_id))` return them, in the same order."""
    params: dict[str, Any] = {}
    if ids is not None:
        params["ids"] = list(ids)
    if account_id is not None:
        params["account"] = account_id
    rows = plain_rows(conn, _contacts_query(ids is not None, account_id is not None), params)
    if not rows:
        return []
    # A few contacts: only their accounts and child rows. Past a few hundred ids, reading every
    # row is cheaper than a long IN list (list_contacts draws the line at the same place).
    if account_id is not None:
        chosen, scope = "account", {"account": account_id}
    elif ids is not None and len(rows) < 900:
        chosen, scope = "ids", {"ids": [r[0] for r in rows]}
    else:
        chosen, scope = None, {}
    if chosen is None:
        names = dict(plain_rows(conn, _accounts_query(False)))
    else:
        names = dict(plain_rows(conn, _accounts_query(True), {"ids": sorted({r[3] for r in rows if r[3]})}))

    emails: dict[int, list[str]] = defaultdict(list)
    phones: dict[int, list[str]] = defaultdict(list)
    tags: dict[int, list[str]] = defaultdict(list)
    dates: dict[int, list[ImportantDate]] = defaultdict(list)
    for table, into in (("emails", emails), ("phones", phones), ("tags", tags)):
        for cid, value in plain_rows(conn, _children_query(table, chosen), scope):
            into[cid].append(value)
    for cid, kind, month, day, year, label in plain_rows(conn, _children_query("dates", chosen), scope):
        dates[cid].append(constructed(
            ImportantDate, {"kind": _KIND[kind], "month": month, "day": day, "year": year, "label": label},
            _DATE_FIELDS))

    out = []
    empty: tuple = ()
    motivation_lists, interest_lists = _Lists(_MOTIVATION.__getitem__), _Lists()
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
            "motivations": list(motivation_lists[motivations]),
            "interests": list(interest_lists[interests]),
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
