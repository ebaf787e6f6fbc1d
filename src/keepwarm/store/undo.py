"""A few contacts' rows as they are now, and the same rows brought back: what the app's `u` undoes.

What belongs to a contact is found in the schema, as a merge finds it
(store/merge.py): the contact's row, and every row of every table with a
foreign key to `contacts.id` that refers to one of them (touches, promises,
follow-ups, assessments, notes, links either way, e-mails, phones, tags,
dates), so a table added later is kept and brought back too. The derived rows
(totals, stored results) are not: the triggers and the next run work them out
again from the rows brought back (which mark the contacts for the engine).

Bringing back compares by primary key: a row the change added goes, a row it
removed comes back with its id, a row it changed (a follow-up closed, a
contact's fields, a row moved to another contact by a merge) is written back.
Rows without a key (e-mails, phones, tags, dates) are replaced whole.

An account the change made for its contacts (adding someone at a new
company, moving them to one) goes with it, when no one is at it any more and
it was not edited since: the largest account id before the change tells which
accounts are newer. An account made in another way (`keepwarm account add`)
is never one of the contacts', so it stays.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Column, Connection, Table, and_, delete, func, insert, or_, select, update

from .merge import DERIVED
from .schema import accounts, contacts, metadata


@dataclass(frozen=True)
class Rows:
    """The rows of some contacts as they were (by table name, each row a dict), and their accounts' rows."""

    contact_ids: tuple[int, ...]
    tables: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    accounts: list[dict[str, Any]] = field(default_factory=list)
    #: The largest account id before the change (None: not known, and no account is removed by bringing back).
    newest_account: int | None = None


def newest_account(conn: Connection) -> int:
    """The largest account id now (0 in a book without accounts)."""
    return conn.execute(select(func.max(accounts.c.id))).scalar() or 0


def owned_tables() -> list[tuple[Table, list[Column]]]:
    """Every table whose rows belong to a contact, with the columns that name the contact (a link has two)."""
    found = []
    for table in metadata.sorted_tables:
        if table.name in DERIVED or table is contacts:
            continue
        columns = [fk.parent for fk in table.foreign_keys if fk.column is contacts.c.id]
        if columns:
            found.append((table, columns))
    return found


def _of(table: Table, columns: list[Column], ids: list[int]):
    return select(table).where(or_(*[column.in_(ids) for column in columns]))


def take(conn: Connection, contact_ids) -> Rows:
    """These contacts' rows now (a contact not in the book has none: bringing back removes what it will have)."""
    ids = sorted(set(contact_ids))
    out = Rows(tuple(ids), newest_account=newest_account(conn))
    out.tables["contacts"] = [dict(r._mapping) for r in conn.execute(select(contacts).where(contacts.c.id.in_(ids)))]
    for table, columns in owned_tables():
        out.tables[table.name] = [dict(r._mapping) for r in conn.execute(_of(table, columns, ids))]
    account_ids = sorted({r["account_id"] for r in out.tables["contacts"] if r["account_id"] is not None})
    if account_ids:
        out.accounts.extend(
            dict(r._mapping) for r in conn.execute(select(accounts).where(accounts.c.id.in_(account_ids)))
        )
    return out


def bring_back(conn: Connection, rows: Rows) -> None:
    """The contacts' rows made what `rows` holds, in the caller's transaction."""
    ids = list(rows.contact_ids)
    made = _accounts_made(conn, ids, rows.newest_account)
    for account in rows.accounts:  # an account removed since (none is today): back, as it was
        if conn.execute(select(accounts.c.id).where(accounts.c.id == account["id"])).first() is None:
            conn.execute(insert(accounts).values(account))
    _by_key(conn, contacts, [contacts.c.id], ids, rows.tables["contacts"], remove_last=True)
    present = set(conn.execute(select(contacts.c.id)).scalars()) if rows.tables else set()
    for table, columns in owned_tables():
        kept = [
            row for row in rows.tables.get(table.name, []) if all(row[c.name] in present for c in columns)
        ]  # a link to someone deleted since cannot come back
        if table.primary_key.columns:
            _by_key(conn, table, columns, ids, kept)
        else:
            conn.execute(delete(table).where(or_(*[column.in_(ids) for column in columns])))
            if kept:
                conn.execute(insert(table), kept)
    gone = [cid for cid in ids if cid not in {r["id"] for r in rows.tables["contacts"]}]
    if gone:  # contacts the change added: removed, with every row of theirs
        conn.execute(delete(contacts).where(contacts.c.id.in_(gone)))
    if made:
        in_use = select(contacts.c.id).where(contacts.c.account_id == accounts.c.id).exists()
        conn.execute(
            delete(accounts).where(accounts.c.id.in_(made), ~in_use, accounts.c.updated_at == accounts.c.created_at)
        )


def _accounts_made(conn: Connection, ids: list[int], newest: int | None) -> list[int]:
    """The accounts these contacts are at now that are newer than the change (made by it, for them)."""
    if newest is None:
        return []
    at = select(contacts.c.account_id).where(contacts.c.id.in_(ids), contacts.c.account_id > newest)
    return sorted({row[0] for row in conn.execute(at)})


def _by_key(
    conn: Connection, table: Table, columns: list[Column], ids: list[int], was: list[dict], *, remove_last=False
) -> None:
    keys = list(table.primary_key.columns)

    def key(row) -> tuple:
        return tuple(row[k.name] for k in keys)

    now = {key(r._mapping): dict(r._mapping) for r in conn.execute(_of(table, columns, ids))}
    wanted = {key(row): row for row in was}
    if not remove_last:
        for k in now.keys() - wanted.keys():
            conn.execute(delete(table).where(and_(*[c == v for c, v in zip(keys, k)])))
    for k, row in wanted.items():
        where = and_(*[c == v for c, v in zip(keys, k)])
        if k in now:
            if now[k] != row:
                conn.execute(update(table).where(where).values(row))
        elif conn.execute(select(*keys).where(where)).first() is not None:  # moved to someone else since
            conn.execute(update(table).where(where).values(row))
        else:
            conn.execute(insert(table).values(row))
