"""Contacts and accounts in the store.

Lists are loaded in bulk: one query for the contacts and one per child table,
never one query per contact; `list_contacts` is the one loader of Contacts,
for the engine as for the CLI and the TUI.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from functools import cache
from typing import Any

from sqlalchemy import Connection, Table, bindparam, delete, func, insert, select, update

from ..errors import NotFound, UserError
from ..model import Account, Channel, Contact, DateKind, ImportantDate, Motivation, Role, SocialStyle, Stage, Tier
from ..text.controls import fold
from . import followups
from .lookup import (  # noqa: F401 (the lookups, re-exported)
    contact_names,
    find_account_id,
    resolve_account,
    resolve_contact,
)
from .new_ids import new_id
from .rows import as_text, by_value, constructed, like_fragment, plain_rows
from .schema import accounts, contact_dates, contact_emails, contact_phones, contact_tags, contacts

# ---------------------------------------------------------------- accounts

_ACCOUNT_FIELDS = tuple(Account.model_fields)


def _account_from_row(row) -> Account:
    """The stored account as it was validated on its way in (`constructed`): a one-contact run reads one, and
    validating it would build Account's validator for that alone."""
    return constructed(
        Account,
        {
            "id": row.id,
            "name": row.name,
            "industry": row.industry,
            "culture": row.culture,
            "decision_making": row.decision_making,
            "risk_tolerance": row.risk_tolerance,
            "budget_cycle": row.budget_cycle,
            "notes": row.notes,
        },
        _ACCOUNT_FIELDS,
    )


def ensure_account(conn: Connection, name: str, now: dt.datetime) -> int:
    existing = find_account_id(conn, name)
    if existing is not None:
        return existing
    return insert_account(conn, Account(name=name), now)


_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


def ensure_accounts(conn: Connection, names: dict[str, str], now: dt.datetime) -> dict[str, int]:
    """`ensure_account` for many names at once ({key: name} -> {key: id}): one read, one insert.

    Matches as `find_account_id` does, SQLite's lower() (ASCII only) of the
    stored name against the key, and in the same order, so the outcome is
    the one calling `ensure_account` for each name in turn would give.
    """
    known: dict[str, int | str] = {}
    for row in conn.execute(select(accounts.c.id, func.lower(accounts.c.name)).order_by(accounts.c.id)):
        known.setdefault(row[1], row[0])
    before = max((v for v in known.values() if isinstance(v, int)), default=0)
    wanted: dict[str, int | str] = {}  # key -> id, or the name of an account to create
    new: dict[str, dict] = {}
    for key, name in names.items():
        found = known.get(name.strip().lower())
        if found is None:
            values = Account(name=name).model_dump(exclude={"id"})
            new[values["name"]] = {**values, "created_at": now, "updated_at": now}
            known.setdefault(values["name"].translate(_ASCII_LOWER), values["name"])
            found = values["name"]
        wanted[key] = found
    if new:
        from .users import owner_for_new  # lazy for start-up (see insert_account)

        owner = owner_for_new(conn)
        conn.execute(insert(accounts), [{**values, "owner": owner} for values in new.values()])
        created = {
            r.name: r.id for r in conn.execute(select(accounts.c.id, accounts.c.name).where(accounts.c.id > before))
        }
        wanted = {key: created[v] if isinstance(v, str) else v for key, v in wanted.items()}
    return wanted  # type: ignore[return-value]


def insert_account(conn: Connection, account: Account, now: dt.datetime) -> int:
    if find_account_id(conn, account.name) is not None:
        raise UserError(f"account: {account.name!r} exists already")
    from .users import owner_for_new  # lazy for start-up: only a write making an account names its owner

    values = account.model_dump(exclude={"id"})
    result = conn.execute(insert(accounts).values(**values, owner=owner_for_new(conn), created_at=now, updated_at=now))
    return new_id(result)


def update_account(conn: Connection, account_id: int, account: Account, now: dt.datetime) -> None:
    other = find_account_id(conn, account.name)
    if other is not None and other != account_id:
        raise UserError(f"account: {account.name!r} exists already")
    values = account.model_dump(exclude={"id"})
    conn.execute(update(accounts).where(accounts.c.id == account_id).values(**values, updated_at=now))


def get_account(conn: Connection, account_id: int) -> Account:
    row = conn.execute(select(accounts).where(accounts.c.id == account_id)).first()
    if row is None:
        raise NotFound(f"account: no account with id {account_id}")
    return _account_from_row(row)


def list_accounts(conn: Connection, *, ids: Iterable[int] | None = None) -> list[Account]:
    """Every account (or those of `ids`), ordered by name."""
    query = select(accounts).order_by(func.lower(accounts.c.name))
    if ids is not None:
        wanted = sorted(set(ids))
        if not wanted:
            return []
        query = query.where(accounts.c.id.in_(bindparam("ids", expanding=True)))
        return [_account_from_row(r) for r in conn.execute(query, {"ids": wanted})]
    return [_account_from_row(r) for r in conn.execute(query)]


def contact_accounts(conn: Connection) -> list[tuple[int, int | None]]:
    """Every contact's id with its account's (None without one), by id."""
    return [(r[0], r[1]) for r in conn.execute(select(contacts.c.id, contacts.c.account_id).order_by(contacts.c.id))]


def count_contacts(conn: Connection) -> int:
    return conn.execute(select(func.count()).select_from(contacts)).scalar_one()


def account_ids_of(conn: Connection, contact_ids: Iterable[int]) -> set[int]:
    """The accounts these contacts belong to."""
    ids = sorted(set(contact_ids))
    if not ids:
        return set()
    query = (
        select(contacts.c.account_id)
        .distinct()
        .where(contacts.c.id.in_(bindparam("ids", expanding=True)), contacts.c.account_id.is_not(None))
    )
    return {r[0] for r in conn.execute(query, {"ids": ids})}


def member_ids(conn: Connection, account_ids: Iterable[int]) -> set[int]:
    """Every contact of these accounts."""
    ids = sorted(set(account_ids))
    if not ids:
        return set()
    query = select(contacts.c.id).where(contacts.c.account_id.in_(bindparam("ids", expanding=True)))
    return {r[0] for r in conn.execute(query, {"ids": ids})}


# ---------------------------------------------------------------- contacts


def _child_values(contact_id: int, contact: Contact) -> dict[Table, list[dict]]:
    return {
        contact_emails: [
            {"contact_id": contact_id, "position": i, "email": e, "email_fold": e.lower()}
            for i, e in enumerate(contact.emails)
        ],
        contact_phones: [{"contact_id": contact_id, "position": i, "phone": p} for i, p in enumerate(contact.phones)],
        contact_tags: [
            {"contact_id": contact_id, "position": i, "tag": t, "tag_fold": fold(t)} for i, t in enumerate(contact.tags)
        ],
        contact_dates: [
            {
                "contact_id": contact_id,
                "position": i,
                "kind": d.kind.value,
                "month": d.month,
                "day": d.day,
                "year": d.year,
                "label": d.label,
            }
            for i, d in enumerate(contact.dates)
        ],
    }


def _row_values(conn: Connection, contact: Contact, now: dt.datetime) -> dict:
    return {
        "name": contact.name,
        "name_fold": fold(contact.name),
        "account_id": ensure_account(conn, contact.account, now) if contact.account else None,
        "title": contact.title,
        "role": contact.role.value if contact.role else None,
        "style": contact.style.value,
        "motivations": [m.value for m in contact.motivations],
        "interests": list(contact.interests),
        "addresses": list(contact.addresses),
        "urls": list(contact.urls),
        "preferred_channel": contact.preferred_channel.value if contact.preferred_channel else None,
        "best_time": contact.best_time,
        "do_not_contact": contact.do_not_contact,
        "tier": contact.tier.value,
        "stage": contact.stage.value,
        "notes": contact.notes,
        "owner": contact.owner,
        "rhythm_days": contact.rhythm_days,
        "snoozed_until": contact.snoozed_until,
        "held_by": contact.held_by if contact.snoozed_until is not None else "",
        "updated_at": now,
    }


def insert_contact(conn: Connection, contact: Contact, now: dt.datetime) -> int:
    from .users import owner_for_new  # lazy for start-up: only a write making a contact names its owner

    values = _row_values(conn, contact, now)
    values["owner"] = contact.owner or owner_for_new(conn)
    uid = contact.uid or str(uuid.uuid4())
    if conn.execute(select(contacts.c.id).where(contacts.c.uid == uid)).first():
        raise UserError(f"uid: a contact with uid {uid!r} exists already")
    contact_id = new_id(conn.execute(insert(contacts).values(**values, uid=uid, created_at=now)))
    for table, rows in _child_values(contact_id, contact).items():
        if rows:
            conn.execute(insert(table), rows)
    if contact.emails:
        # lazy for start-up: only a write of a contact with addresses links the captured mail
        from . import captures

        captures.touches_for(conn, [contact_id], now)
    return contact_id


def update_contact(conn: Connection, contact_id: int, contact: Contact, now: dt.datetime) -> None:
    """Write the whole contact; a snooze it brings or moves (a merge filling it in from the second contact)
    holds their follow-ups as `set_snooze` does."""
    was = _snoozed_until(conn, contact_id)
    values = _row_values(conn, contact, now)
    if contact.uid:
        values["uid"] = contact.uid
    conn.execute(update(contacts).where(contacts.c.id == contact_id).values(**values))
    if contact.snoozed_until != was:
        followups.hold_for_contact(conn, contact_id, was, contact.snoozed_until, now)
    for table, rows in _child_values(contact_id, contact).items():
        conn.execute(delete(table).where(table.c.contact_id == contact_id))
        if rows:
            conn.execute(insert(table), rows)
    if contact.emails:
        from . import captures  # lazy for start-up (see insert_contact)

        captures.touches_for(conn, [contact_id], now)


def set_rhythm(conn: Connection, contact_id: int, days: int | None, now: dt.datetime) -> None:
    """The person's own rhythm in days (None: the rules' again); a change of their row, marked as any edit."""
    _set(conn, contact_id, now, rhythm_days=days)


def set_snooze(conn: Connection, contact_id: int, until: dt.date | None, now: dt.datetime) -> None:
    """Snooze the person until a day (None: wake them), their open follow-ups with them (followups.hold_for_contact).

    The user's own snooze: it replaces a first touch an import planned (`held_by` back to "")."""
    was = _snoozed_until(conn, contact_id)
    _set(conn, contact_id, now, snoozed_until=until, held_by="")
    followups.hold_for_contact(conn, contact_id, was, until, now)


def _snoozed_until(conn: Connection, contact_id: int) -> dt.date | None:
    found = conn.execute(select(contacts.c.snoozed_until).where(contacts.c.id == contact_id)).first()
    if found is None:
        raise NotFound(f"contact: no contact with id {contact_id}")
    return found[0]


def _set(conn: Connection, contact_id: int, now: dt.datetime, **values) -> None:
    result = conn.execute(update(contacts).where(contacts.c.id == contact_id).values(**values, updated_at=now))
    if result.rowcount == 0:
        raise NotFound(f"contact: no contact with id {contact_id}")


def delete_contact(conn: Connection, contact_id: int) -> None:
    result = conn.execute(delete(contacts).where(contacts.c.id == contact_id))
    if result.rowcount == 0:
        raise NotFound(f"contact: no contact with id {contact_id}")


def _account_names(conn: Connection) -> dict[int, str]:
    return {r.id: r.name for r in conn.execute(select(accounts.c.id, accounts.c.name))}


# One loader for every reader of contacts (the engine's whole-book run, a detail's few, the CLI's
# filtered list, exports, backups): each table read once with plain columns, the models assembled
# as `model_construct` would (`rows.constructed`). Each statement is built once per set of filters,
# the values bound at run time: for the few contacts of a detail, building them anew cost more than
# running them.

_CONTACT_FIELDS = tuple(Contact.model_fields)
_DATE_FIELDS = tuple(ImportantDate.model_fields)
_ROLE, _STYLE, _MOTIVATION = by_value(Role), by_value(SocialStyle), by_value(Motivation)
_CHANNEL, _TIER, _STAGE, _KIND = by_value(Channel), by_value(Tier), by_value(Stage), by_value(DateKind)
_FILTERS = ("ids", "account", "tag", "role", "style", "stage", "owner", "search")
#: Past this many contacts, reading every child row is cheaper than a long IN list.
_FEW = 900


@cache
def _contacts_query(filters: frozenset[str]):
    c = contacts.c
    query = select(
        c.id,
        c.uid,
        c.name,
        c.account_id,
        c.title,
        c.role,
        c.style,
        as_text(c.motivations),
        as_text(c.interests),
        as_text(c.addresses),
        as_text(c.urls),
        c.preferred_channel,
        c.best_time,
        c.do_not_contact,
        c.tier,
        c.stage,
        c.notes,
        c.owner,
        c.rhythm_days,
        as_text(c.snoozed_until),
        c.held_by,
    )
    if "ids" in filters:
        query = query.where(c.id.in_(bindparam("ids", expanding=True)))
    if "account" in filters:
        query = query.where(c.account_id == bindparam("account"))
    if "tag" in filters:
        tagged = select(contact_tags.c.contact_id).where(contact_tags.c.tag_fold == bindparam("tag"))
        query = query.where(c.id.in_(tagged))
    for name in ("role", "style", "stage", "owner"):
        if name in filters:
            query = query.where(c[name] == bindparam(name))
    if "search" in filters:
        query = query.where(c.name_fold.like(bindparam("search"), escape="/"))
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
    elif chosen == "account":  # an account's hundreds of members: cheaper than their ids bound one by one
        members = select(contacts.c.id).where(contacts.c.account_id == bindparam("account"))
        query = query.where(table.c.contact_id.in_(members))
    return query


def _json_list(text: str | None) -> list:
    # Most lists are empty; a stored JSON null reads as an empty list.
    if text is None or text == "[]":
        return []
    return json.loads(text) or []


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


def get_contact(conn: Connection, contact_id: int) -> Contact:
    found = list_contacts(conn, ids=[contact_id])
    if not found:
        raise NotFound(f"contact: no contact with id {contact_id}")
    return found[0]


def list_contacts(
    conn: Connection,
    *,
    account: str | None = None,
    account_id: int | None = None,
    tag: str | None = None,
    role: str | None = None,
    style: str | None = None,
    stage: str | None = None,
    search: str | None = None,
    ids: Iterable[int] | None = None,
    owner: str | None = None,
) -> list[Contact]:
    """The contacts these filters select (all of them: every one), ordered by folded name, then id.

    `account` is a reference as a user types it (an id or a name, resolved or
    refused); `account_id` an account's id as stored.
    """
    params: dict[str, Any] = {}
    if ids is not None:
        params["ids"] = sorted(set(ids))
        if not params["ids"]:
            return []
    if account is not None:
        account_id = resolve_account(conn, account) if account_id is None else account_id
    if account_id is not None:
        params["account"] = account_id
    if tag is not None:
        params["tag"] = fold(tag)
    params.update(
        (name, value)
        for name, value in (("role", role), ("style", style), ("stage", stage), ("owner", owner))
        if value is not None
    )
    if search:
        params["search"] = like_fragment(fold(search))
    rows = plain_rows(conn, _contacts_query(frozenset(params)), params)
    if not rows:
        return []
    if params.keys() == {"account"}:
        chosen: str | None = "account"
    else:
        chosen = "ids" if params and len(rows) < _FEW else None
    return _assembled(conn, rows, chosen, params)


def _assembled(conn: Connection, rows: Sequence[tuple], chosen: str | None, params: dict) -> list[Contact]:
    """The Contacts of these rows, with their accounts' names and child rows (only theirs when `chosen`)."""
    scope = {"ids": [r[0] for r in rows]} if chosen == "ids" else {"account": params["account"]} if chosen else {}
    if chosen:
        names = dict(plain_rows(conn, _accounts_query(True), {"ids": sorted({r[3] for r in rows if r[3]})}))
    else:
        names = dict(plain_rows(conn, _accounts_query(False)))
    emails: dict[int, list[str]] = defaultdict(list)
    phones: dict[int, list[str]] = defaultdict(list)
    tags: dict[int, list[str]] = defaultdict(list)
    dates: dict[int, list[ImportantDate]] = defaultdict(list)
    for table, into in (("emails", emails), ("phones", phones), ("tags", tags)):
        for cid, value in plain_rows(conn, _children_query(table, chosen), scope):
            into[cid].append(value)
    for cid, kind, month, day, year, label in plain_rows(conn, _children_query("dates", chosen), scope):
        dates[cid].append(
            constructed(
                ImportantDate,
                {"kind": _KIND[kind], "month": month, "day": day, "year": year, "label": label},
                _DATE_FIELDS,
            )
        )

    out = []
    empty: tuple = ()
    motivation_lists, interest_lists = _Lists(_MOTIVATION.__getitem__), _Lists()
    for (
        cid,
        uid,
        name,
        account_id,
        title,
        role,
        style,
        motivations,
        interests,
        addresses,
        urls,
        channel,
        best_time,
        do_not_contact,
        tier,
        stage,
        notes,
        owner,
        rhythm_days,
        snoozed_until,
        held_by,
    ) in rows:
        out.append(
            constructed(
                Contact,
                {
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
                    "rhythm_days": rhythm_days,
                    "snoozed_until": dt.date.fromisoformat(snoozed_until) if snoozed_until else None,
                    "held_by": held_by,
                },
                _CONTACT_FIELDS,
            )
        )
    return out


def find_by_email(conn: Connection, email: str) -> int | None:
    row = conn.execute(
        select(contact_emails.c.contact_id).where(contact_emails.c.email_fold == email.strip().lower())
    ).first()
    return row[0] if row else None


def find_by_uid(conn: Connection, uid: str) -> int | None:
    row = conn.execute(select(contacts.c.id).where(contacts.c.uid == uid)).first()
    return row[0] if row else None


def find_by_exact_name(conn: Connection, name: str) -> list[int]:
    return [r.id for r in conn.execute(select(contacts.c.id).where(contacts.c.name_fold == fold(name)))]


def same_person(
    conn: Connection, name: str | None, emails: Sequence[str] = (), *, exclude: int | None = None
) -> list[dict]:
    """Contacts a new one may duplicate: the same name (folded) or one of its e-mails (name None: e-mails only).

    Each as {"id", "name", "account", "why"}, so that a prompt can name the
    existing one precisely enough to tell two namesakes apart.
    """
    why: dict[int, str] = {}
    for cid in find_by_exact_name(conn, name) if name else ():
        why[cid] = "same name"
    folded = sorted({e.strip().lower() for e in emails if e.strip()})
    if folded:
        rows = conn.execute(
            select(contact_emails.c.contact_id, contact_emails.c.email)
            .where(contact_emails.c.email_fold.in_(folded))
            .order_by(contact_emails.c.contact_id)
        ).all()
        for cid, email in rows:
            if "e-mail" not in why.get(cid, ""):
                why[cid] = f"{why[cid]} and e-mail {email}" if cid in why else f"e-mail {email}"
    if exclude is not None:
        why.pop(exclude, None)
    if not why:
        return []
    accounts = _account_names(conn)
    listed = conn.execute(
        select(contacts.c.id, contacts.c.name, contacts.c.account_id)
        .where(contacts.c.id.in_(sorted(why)))
        .order_by(contacts.c.id)
    ).all()
    return [
        {
            "id": r.id,
            "name": r.name,
            "account": accounts.get(r.account_id, "") if r.account_id else "",
            "why": why[r.id],
        }
        for r in listed
    ]


def describe(person: Mapping) -> str:
    """A contact as a prompt names them: name, id and account, so namesakes are told apart."""
    account = person.get("account") or "no account"
    return f"{person['name']} (id {person['id']}, {account})"


def contacts_per_account(conn: Connection) -> dict[int, int]:
    rows = conn.execute(
        select(contacts.c.account_id, func.count())
        .where(contacts.c.account_id.is_not(None))
        .group_by(contacts.c.account_id)
    )
    return {r[0]: r[1] for r in rows}
