"""Many contacts in one go: one executemany per table instead of several statements per contact.

A restore and a large import write thousands of contacts; the store's
`insert_contact` (a handful of statements each) is right for one contact at a
time and too slow for those. Ids are given by the caller, inside the write
transaction that holds the database's lock.

An import stages its new rows instead (`Staged`): while it plans, in a read
transaction, they go into TEMP tables, which are the connection's own and
take no lock on the database; the write transaction then copies each table
in one `INSERT ... SELECT`, so other writers wait seconds, not the minutes
that turning 300,000 records into rows takes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from sqlalchemy import Column, Connection, MetaData, String, Table, func, insert, select

from ..model import Contact
from ..store import dialect, schema
from ..store.users import owner_for_new
from ..text.controls import fold

#: Contacts turned into rows per statement when staged.
CONTACTS_PER_BATCH = 2_000
#: (id, contact, uid, created_at, updated_at)
Row = tuple[int, Contact, str, dt.datetime, dt.datetime]


def _naive(value: dt.datetime) -> dt.datetime:
    return value.astimezone(dt.timezone.utc).replace(tzinfo=None)


def next_contact_id(conn: Connection) -> int:
    return (conn.execute(select(func.max(schema.contacts.c.id))).scalar() or 0) + 1


def contact_rows(items: Sequence[Row]) -> dict[Table, list[dict]]:
    """The rows of each table; a contact's row holds its account as `account_key` (its name, lower-cased)."""
    rows, emails, phones, tags, dates = [], [], [], [], []
    for cid, c, uid, created, updated in items:
        rows.append(
            {
                "id": cid,
                "uid": uid,
                "name": c.name,
                "name_fold": fold(c.name),
                "account_key": c.account.strip().lower() if c.account else None,
                "title": c.title,
                "role": c.role.value if c.role else None,
                "style": c.style.value,
                "motivations": [m.value for m in c.motivations],
                "interests": list(c.interests),
                "addresses": list(c.addresses),
                "urls": list(c.urls),
                "preferred_channel": c.preferred_channel.value if c.preferred_channel else None,
                "best_time": c.best_time,
                "do_not_contact": c.do_not_contact,
                "tier": c.tier.value,
                "stage": c.stage.value,
                "notes": c.notes,
                "owner": c.owner,
                "rhythm_days": c.rhythm_days,
                "snoozed_until": c.snoozed_until,
                "held_by": c.held_by if c.snoozed_until is not None else "",
                "created_at": _naive(created),
                "updated_at": _naive(updated),
            }
        )
        emails += [
            {"contact_id": cid, "position": i, "email": e, "email_fold": e.lower()} for i, e in enumerate(c.emails)
        ]
        phones += [{"contact_id": cid, "position": i, "phone": p} for i, p in enumerate(c.phones)]
        tags += [{"contact_id": cid, "position": i, "tag": t, "tag_fold": fold(t)} for i, t in enumerate(c.tags)]
        dates += [
            {
                "contact_id": cid,
                "position": i,
                "kind": d.kind.value,
                "month": d.month,
                "day": d.day,
                "year": d.year,
                "label": d.label,
            }
            for i, d in enumerate(c.dates)
        ]
    return {
        schema.contacts: rows,
        schema.contact_emails: emails,
        schema.contact_phones: phones,
        schema.contact_tags: tags,
        schema.contact_dates: dates,
    }


def insert_contacts(conn: Connection, items: Sequence[Row], account_ids: dict[str, int]) -> None:
    """Insert contacts with their ids; `account_ids` maps each account name, lower-cased, to its id."""
    for table, values in contact_rows(items).items():
        if table is schema.contacts:
            for row in values:
                key = row.pop("account_key")
                row["account_id"] = account_ids[key] if key else None
        if values:
            conn.execute(insert(table), values)


def _scalar_default(column: Column):
    default = column.default
    return default.arg if default is not None and default.is_scalar else None  # type: ignore[attr-defined]


class Staged:
    """New rows kept in TEMP tables of this connection until the write transaction copies them in.

    Filled inside the plan's read transaction (no lock on the database);
    `copy` runs inside the write transaction, on the same connection.
    """

    def __init__(self) -> None:
        self.tables: dict[Table, Table] = {}  # the real table -> its stage
        self._meta = MetaData()

    def _stage(self, conn: Connection, table: Table) -> Table:
        if table not in self.tables:
            name = f"keepwarm_stage_{table.name}"
            temp, main = dialect.temp_schema(conn), dialect.main_schema(conn)
            conn.exec_driver_sql(f'DROP TABLE IF EXISTS {temp}."{name}"')
            conn.exec_driver_sql(f'CREATE TEMP TABLE "{name}" AS SELECT * FROM {main}."{table.name}" WHERE 1 = 0')
            # A column the staged rows leave out (a contact's `private`) takes its plain default, not NULL.
            columns = [Column(c.name, c.type, default=_scalar_default(c)) for c in table.columns]
            if table is schema.contacts:
                conn.exec_driver_sql(f'ALTER TABLE {temp}."{name}" ADD COLUMN account_key VARCHAR')
                columns.append(Column("account_key", String))
            self.tables[table] = Table(name, self._meta, *columns, schema=temp)
        return self.tables[table]

    def add(self, conn: Connection, table: Table, rows: list[dict]) -> None:
        if rows:
            conn.execute(insert(self._stage(conn, table)), rows)

    def add_contacts(self, conn: Connection, items: Sequence[Row]) -> None:
        owner = owner_for_new(conn)  # of the new people with none given: the acting user
        # A few thousand at a time: the rows of 50,000 contacts as dicts at once held hundreds of MB.
        for start in range(0, len(items), CONTACTS_PER_BATCH):
            for table, rows in contact_rows(items[start : start + CONTACTS_PER_BATCH]).items():
                if table is schema.contacts:
                    for row in rows:
                        row["owner"] = row["owner"] or owner
                self.add(conn, table, rows)

    def copy(self, conn: Connection, account_ids: dict[str, int] | None = None) -> None:
        """Into the real tables, in the order given (contacts before what refers to them), then dropped."""
        for table, stage in self.tables.items():
            names = [c.name for c in table.columns]
            temp = dialect.temp_schema(conn)
            if table is schema.contacts and account_ids:
                # One indexed statement for all accounts: a scan of the stage per account was quadratic.
                if dialect.is_server(conn):  # the server puts an index in its table's schema
                    conn.exec_driver_sql(f'CREATE INDEX "ix_{stage.name}_key" ON {temp}."{stage.name}" (account_key)')
                else:
                    conn.exec_driver_sql(f'CREATE INDEX temp."ix_{stage.name}_key" ON "{stage.name}" (account_key)')
                conn.exec_driver_sql(
                    dialect.driver_marks(
                        conn, f'UPDATE {temp}."{stage.name}" SET account_id = ? WHERE account_key = ?'
                    ),
                    [(account_id, key) for key, account_id in account_ids.items()],
                )
            listed = ", ".join(f'"{n}"' for n in names)
            order = dialect.insertion_order(conn, [c.name for c in table.primary_key.columns])
            conn.exec_driver_sql(
                f'INSERT INTO {table.name} ({listed}) SELECT {listed} FROM {temp}."{stage.name}" ORDER BY {order}'
            )
        self.drop(conn)

    def drop(self, conn: Connection) -> None:
        for stage in self.tables.values():
            conn.exec_driver_sql(f'DROP TABLE IF EXISTS {dialect.temp_schema(conn)}."{stage.name}"')
        self.tables.clear()
