"""Contacts and accounts in the store.

Lists are loaded in bulk: one query for the contacts and one per child table,
never one query per contact.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence

from sqlalchemy import Connection, and_, delete, func, insert, select, update

from ..errors import Ambiguous, NotFound, UserError
from ..model import Account, Contact, ImportantDate
from ..text import fold
from .ids import as_id
from . import captures
from .schema import accounts, contact_dates, contact_emails, contact_phones, contact_tags, contacts

# ---------------------------------------------------------------- accounts


def _account_from_row(row) -> Account:
    return Account(
        id=row.id,
        name=row.name,
        industry=row.industry,
        culture=row.culture,
        decision_making=row.decision_making,
        risk_tolerance=row.risk_tolerance,
        budget_cycle=row.budget_cycle,
        notes=row.notes,
    )


def find_account_id(conn: Connection, name: str) -> int | None:
    row = conn.execute(select(accounts.c.id).where(func.lower(accounts.c.name) == name.strip().lower())).first()
    return row[0] if row else None


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
        conn.execute(insert(accounts), list(new.values()))
        created = {r.name: r.id for r in conn.execute(select(accounts.c.id, accounts.c.name).where(accounts.c.id > before))}
        wanted = {key: created[v] if isinstance(v, str) else v for key, v in wanted.items()}
    return wanted  # type: ignore[return-value]


def insert_account(conn: Connection, account: Account, now: dt.datetime) -> int:
    if find_account_id(conn, account.name) is not None:
        raise UserError(f"account: {account.name!r} exists already")
    values = account.model_dump(exclude={"id"})
    result = conn.execute(insert(accounts).values(**values, created_at=now, updated_at=now))
    return result.inserted_primary_key[0]


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


def list_accounts(conn: Connection) -> list[Account]:
    rows = conn.execute(select(accounts).order_by(func.lower(accounts.c.name)))
    return [_account_from_row(r) for r in rows]


def resolve_account(conn: Connection, ref: str) -> int:
    ref = ref.strip()
    if not ref:  # as for a contact: "" is part of every name, so it would list them all
        raise UserError("account: empty (expected an id or a name)")
    if ref.isdigit():
        number = as_id(ref)
        if number is not None and conn.execute(select(accounts.c.id).where(accounts.c.id == number)).first():
            return number
    exact = find_account_id(conn, ref)
    if exact is not None:
        return exact
    rows = conn.execute(
        select(accounts.c.id, accounts.c.name).where(func.lower(accounts.c.name).contains(ref.lower(), autoescape=True))
    ).all()
    if len(rows) == 1:
        return rows[0].id
    if not rows:
        raise NotFound(f"account: no account matches {ref!r}")
    raise Ambiguous(f"account: {ref!r} matches {len(rows)} accounts", [f"{r.id}\t{r.name}" for r in rows])


# ---------------------------------------------------------------- contacts


def _child_values(contact_id: int, contact: Contact) -> dict[object, list[dict]]:
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
        "updated_at": now,
    }


def insert_contact(conn: Connection, contact: Contact, now: dt.datetime) -> int:
    values = _row_values(conn, contact, now)
    uid = contact.uid or str(uuid.uuid4())
    if conn.execute(select(contacts.c.id).where(contacts.c.uid == uid)).first():
        raise UserError(f"uid: a contact with uid {uid!r} exists already")
    contact_id = conn.execute(insert(contacts).values(**values, uid=uid, created_at=now)).inserted_primary_key[0]
    for table, rows in _child_values(contact_id, contact).items():
        if rows:
            conn.execute(insert(table), rows)
    if contact.emails:
        captures.touches_for(conn, [contact_id], now)
    return contact_id


def update_contact(conn: Connection, contact_id: int, contact: Contact, now: dt.datetime) -> None:
    values = _row_values(conn, contact, now)
    if contact.uid:
        values["uid"] = contact.uid
    result = conn.execute(update(contacts).where(contacts.c.id == contact_id).values(**values))
    if result.rowcount == 0:
        raise NotFound(f"contact: no contact with id {contact_id}")
    for table, rows in _child_values(contact_id, contact).items():
        conn.execute(delete(table).where(table.c.contact_id == contact_id))
        if rows:
            conn.execute(insert(table), rows)
    if contact.emails:
        captures.touches_for(conn, [contact_id], now)


def delete_contact(conn: Connection, contact_id: int) -> None:
    result = conn.execute(delete(contacts).where(contacts.c.id == contact_id))
    if result.rowcount == 0:
        raise NotFound(f"contact: no contact with id {contact_id}")


def _children(conn: Connection, ids: Sequence[int] | None) -> dict[str, dict[int, list]]:
    out: dict[str, dict[int, list]] = {k: defaultdict(list) for k in ("emails", "phones", "tags", "dates")}

    def rows(table):
        query = select(table).order_by(table.c.contact_id, table.c.position)
        if ids is not None:
            query = query.where(table.c.contact_id.in_(ids))
        return conn.execute(query)

    for r in rows(contact_emails):
        out["emails"][r.contact_id].append(r.email)
    for r in rows(contact_phones):
        out["phones"][r.contact_id].append(r.phone)
    for r in rows(contact_tags):
        out["tags"][r.contact_id].append(r.tag)
    for r in rows(contact_dates):
        out["dates"][r.contact_id].append(
            ImportantDate.model_construct(kind=r.kind, month=r.month, day=r.day, year=r.year, label=r.label)
        )
    return out


def _contact_from_row(row, children, account_names: dict[int, str]) -> Contact:
    # Values came through the model on the way in; construct without re-validating.
    from ..model import Channel, DateKind, Motivation, Role, SocialStyle, Stage, Tier

    dates = [
        ImportantDate.model_construct(kind=DateKind(d.kind), month=d.month, day=d.day, year=d.year, label=d.label)
        for d in children["dates"].get(row.id, [])
    ]
    return Contact.model_construct(
        id=row.id,
        uid=row.uid,
        name=row.name,
        account=account_names.get(row.account_id) if row.account_id else None,
        title=row.title,
        emails=list(children["emails"].get(row.id, [])),
        phones=list(children["phones"].get(row.id, [])),
        addresses=list(row.addresses or []),
        urls=list(row.urls or []),
        role=Role(row.role) if row.role else None,
        style=SocialStyle(row.style),
        motivations=[Motivation(m) for m in row.motivations or []],
        interests=list(row.interests or []),
        preferred_channel=Channel(row.preferred_channel) if row.preferred_channel else None,
        best_time=row.best_time,
        do_not_contact=bool(row.do_not_contact),
        dates=dates,
        tier=Tier(row.tier),
        stage=Stage(row.stage),
        tags=list(children["tags"].get(row.id, [])),
        notes=row.notes,
        owner=row.owner,
    )


def _account_names(conn: Connection) -> dict[int, str]:
    return {r.id: r.name for r in conn.execute(select(accounts.c.id, accounts.c.name))}


def get_contact(conn: Connection, contact_id: int) -> Contact:
    row = conn.execute(select(contacts).where(contacts.c.id == contact_id)).first()
    if row is None:
        raise NotFound(f"contact: no contact with id {contact_id}")
    return _contact_from_row(row, _children(conn, [contact_id]), _account_names(conn))


def list_contacts(
    conn: Connection,
    *,
    account: str | None = None,
    tag: str | None = None,
    role: str | None = None,
    style: str | None = None,
    stage: str | None = None,
    search: str | None = None,
    ids: Iterable[int] | None = None,
) -> list[Contact]:
    query = select(contacts)
    conditions = []
    if account is not None:
        conditions.append(contacts.c.account_id == resolve_account(conn, account))
    if tag is not None:
        conditions.append(
            contacts.c.id.in_(select(contact_tags.c.contact_id).where(contact_tags.c.tag_fold == fold(tag)))
        )
    if role is not None:
        conditions.append(contacts.c.role == role)
    if style is not None:
        conditions.append(contacts.c.style == style)
    if stage is not None:
        conditions.append(contacts.c.stage == stage)
    if search:
        conditions.append(contacts.c.name_fold.contains(fold(search), autoescape=True))
    id_list = list(ids) if ids is not None else None
    if id_list is not None:
        conditions.append(contacts.c.id.in_(id_list))
    if conditions:
        query = query.where(and_(*conditions))
    rows = conn.execute(query.order_by(contacts.c.name_fold, contacts.c.id)).all()
    filtered = bool(conditions)
    children = _children(conn, [r.id for r in rows] if filtered and len(rows) < 900 else None)
    names = _account_names(conn)
    return [_contact_from_row(r, children, names) for r in rows]


def resolve_contact(conn: Connection, ref: str) -> int:
    """An id, an exact name, or a fragment that matches one contact only."""
    ref = ref.strip()
    if not ref:
        raise UserError("contact: empty (expected an id or a name)")
    if ref.isdigit():
        number = as_id(ref)
        if number is not None and conn.execute(select(contacts.c.id).where(contacts.c.id == number)).first():
            return number
        raise NotFound(f"contact: no contact with id {ref}")
    key = fold(ref)
    exact = conn.execute(select(contacts.c.id).where(contacts.c.name_fold == key)).all()
    if len(exact) == 1:
        return exact[0].id
    rows = conn.execute(
        select(contacts.c.id, contacts.c.name, accounts.c.name.label("account"))
        .select_from(contacts.outerjoin(accounts, contacts.c.account_id == accounts.c.id))
        .where(contacts.c.name_fold.contains(key, autoescape=True))
        .order_by(contacts.c.name_fold, contacts.c.id)
    ).all()
    if len(rows) == 1:
        return rows[0].id
    if not rows:
        raise NotFound(f"contact: no contact matches {ref!r}")
    raise Ambiguous(  # with the account, so that two namesakes can be told apart
        f"contact: {ref!r} matches {len(rows)} contacts; use an id or a longer name",
        [f"{r.id}\t{r.name}" + (f"\t{r.account}" if r.account else "") for r in rows],
    )


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


def same_person(conn: Connection, name: str | None, emails: Sequence[str] = (), *,
                exclude: int | None = None) -> list[dict]:
    """Contacts a new one may duplicate: the same name (folded) or one of its e-mails (name None: e-mails only).

    Each as {"id", "name", "account", "why"}, so that a prompt can name the
    existing one precisely enough to tell two namesakes apart.
    """
    why: dict[int, str] = {}
    for cid in find_by_exact_name(conn, name) if name else ():
        why[cid] = "same name"
    folded = sorted({e.strip().lower() for e in emails if e.strip()})
    if folded:
        rows = conn.execute(select(contact_emails.c.contact_id, contact_emails.c.email)
                            .where(contact_emails.c.email_fold.in_(folded))
                            .order_by(contact_emails.c.contact_id)).all()
        for cid, email in rows:
            if "e-mail" not in why.get(cid, ""):
                why[cid] = f"{why[cid]} and e-mail {email}" if cid in why else f"e-mail {email}"
    why.pop(exclude, None)
    if not why:
        return []
    accounts = _account_names(conn)
    rows = conn.execute(select(contacts.c.id, contacts.c.name, contacts.c.account_id)
                        .where(contacts.c.id.in_(sorted(why))).order_by(contacts.c.id)).all()
    return [{"id": r.id, "name": r.name, "account": accounts.get(r.account_id, "") if r.account_id else "",
             "why": why[r.id]} for r in rows]


def describe(person: Mapping) -> str:
    """A contact as a prompt names them: name, id and account, so namesakes are told apart."""
    account = person.get("account") or "no account"
    return f"{person['name']} (id {person['id']}, {account})"


def contact_names(conn: Connection) -> dict[int, str]:
    return {r.id: r.name for r in conn.execute(select(contacts.c.id, contacts.c.name))}


def contacts_per_account(conn: Connection) -> dict[int, int]:
    rows = conn.execute(
        select(contacts.c.account_id, func.count()).where(contacts.c.account_id.is_not(None)).group_by(contacts.c.account_id)
    )
    return {r[0]: r[1] for r in rows}
