"""What SQLite and PostgreSQL spell differently, each thing in one place.

The store's queries are SQLAlchemy Core and run on both. What Core does not
carry over (the catalogue, the change counter, INSERT OR REPLACE, the server's
own functions) is decided here on the connection's dialect, so no query has a
second copy for the server. How the server spells SQLite's functions is
store/server_sql.py's, loaded with a server book only.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from sqlalchemy import Connection, Table
from sqlalchemy.sql.dml import Insert


def is_server(conn: Connection) -> bool:
    return conn.dialect.name == "postgresql"


def table_names(conn: Connection) -> set[str]:
    """The book's ordinary tables (SQLite's own bookkeeping tables left out)."""
    if is_server(conn):
        sql = "SELECT tablename FROM pg_catalog.pg_tables WHERE schemaname = current_schema()"
        return {row[0] for row in conn.exec_driver_sql(sql)}
    names = {row[0] for row in conn.exec_driver_sql("SELECT name FROM sqlite_master WHERE type='table'")}
    names.discard("sqlite_sequence")
    return names


def book_tables(conn: Connection) -> list[str]:
    """The tables that hold the book's rows, sorted: the ordinary tables but the schema's version, and on SQLite
    without the search index's (migration 0013), whose virtual tables sit over shadow tables named after them
    that hold rows of their own even in an empty book (the server has no such index: `migrate-to` leaves it)."""
    if is_server(conn):
        return sorted(table_names(conn) - {"alembic_version"})
    tables = conn.exec_driver_sql("SELECT name, sql FROM sqlite_master WHERE type = 'table'").all()
    virtual = tuple(f"{name}_" for name, sql in tables if (sql or "").startswith("CREATE VIRTUAL TABLE"))
    return sorted(
        name
        for name, sql in tables
        if name != "alembic_version"
        and not name.startswith(("sqlite_", *virtual))
        and not (sql or "").startswith("CREATE VIRTUAL TABLE")
    )


def holding_rows(conn: Connection) -> Iterator[str]:
    """The book's tables that hold at least one row (`book_tables`), each looked at when asked for."""
    for name in book_tables(conn):
        if conn.exec_driver_sql(f'SELECT 1 FROM "{name}" LIMIT 1').first():
            yield name


def change_marker(conn: Connection) -> object:
    """A value that differs once another connection has committed a write (compared, never read for meaning).

    SQLite: `PRAGMA data_version`, read before the transaction's snapshot
    starts. PostgreSQL: the transaction snapshot itself (lowest running, next
    and in-progress transaction ids), which moves whenever a writing
    transaction on the server starts or ends; a write to another database of
    the same server reads as a change too (a plan made again, never one lost).
    """
    if is_server(conn):
        return conn.exec_driver_sql("SELECT pg_current_snapshot()::text").scalar_one()
    version = conn.exec_driver_sql("PRAGMA data_version").scalar_one()
    conn.exec_driver_sql("SELECT 1 FROM sqlite_master LIMIT 1").all()
    return version


def temp_schema(conn: Connection) -> str:
    """The schema of this connection's own TEMP tables."""
    return "pg_temp" if is_server(conn) else "temp"


def main_schema(conn: Connection) -> str:
    """The schema of the book's tables (beside TEMP ones of the same name)."""
    return "public" if is_server(conn) else "main"


def insertion_order(conn: Connection, key: list[str]) -> str:
    """ORDER BY for a staged table's rows in the order they were added: SQLite's rowid; the server has none,
    so the rows go in key order (a stage's rows are added in key order, or carry no key the book shows)."""
    if not is_server(conn):
        return "rowid"
    return ", ".join(f'"{name}"' for name in key) or "1"


def driver_marks(conn: Connection, sql: str) -> str:
    """SQL written with SQLite's `?` placeholders, for `exec_driver_sql` on this connection's driver (the
    server's driver takes `%s`). The store's driver-level statements hold no other `?` nor `%`."""
    if conn.dialect.paramstyle == "qmark":
        return sql
    return sql.replace("%", "%%").replace("?", "%s")


def hours_between(conn: Connection, later: str, earlier: str) -> str:
    """SQL for the hours from `earlier` to `later` (two timestamp expressions)."""
    if is_server(conn):
        return f"(extract(epoch FROM ({later} - {earlier})) / 3600.0)"
    return f"(julianday({later}) - julianday({earlier})) * 24"


#: The tables a transaction inserted into, kept in the connection's `info` by store/server.py.
INSERTED = "keepwarm_inserted"


def after_writing(conn: Connection) -> None:
    """End of a write transaction: on the server, each table given rows with their ids (a restore, an import,
    undo) has its id sequence moved past the highest id, as SQLite's rowid and AUTOINCREMENT are by themselves;
    never back (an AUTOINCREMENT id is never used again)."""
    tables = conn.info.pop(INSERTED, None)
    if not tables:
        return
    from .schema import metadata  # lazy for start-up: a server book's writes only

    for name in sorted(tables):
        table = metadata.tables.get(name)
        column = table.autoincrement_column if table is not None else None
        if column is None:
            continue
        sequence = conn.exec_driver_sql(f"SELECT pg_get_serial_sequence('{name}', '{column.name}')").scalar()
        highest = conn.exec_driver_sql(f'SELECT max("{column.name}") FROM "{name}"').scalar()
        if sequence is None or highest is None:
            continue
        conn.exec_driver_sql(
            f"SELECT setval('{sequence}', {int(highest)}) FROM {sequence} "
            f"WHERE NOT is_called OR last_value < {int(highest)}"
        )


def autoincrement_total(conn: Connection, *tables: str) -> int:
    """The sum over `tables` of the highest value their autoincrement key ever took (deleted rows included)."""
    if is_server(conn):
        sql = "SELECT coalesce(sum(last_value), 0) FROM pg_catalog.pg_sequences WHERE sequencename IN ({})"
        names = tuple(f"{table}_mark_seq" if table.startswith("engine_") else f"{table}_id_seq" for table in tables)
    else:
        sql = "SELECT coalesce(sum(seq), 0) FROM sqlite_sequence WHERE name IN ({})"
        names = tables
    marks = ", ".join("?" if not is_server(conn) else "%s" for _ in names)
    return int(conn.exec_driver_sql(sql.format(marks), names).scalar() or 0)


def insert_renewing(conn: Connection, table: Table, key: str) -> Insert:
    """INSERT that replaces a row with the same `key`, giving it the next value of its autoincrement column.

    SQLite's INSERT OR REPLACE deletes the old row and inserts a new one; on
    PostgreSQL the row is kept and its other columns are set to their defaults
    (the autoincrement's next value), which AFTER UPDATE triggers see.
    """
    from sqlalchemy import insert, literal_column  # lazy for start-up: loaded with the first renewing insert

    if not is_server(conn):
        return insert(table).prefix_with("OR REPLACE")
    from sqlalchemy.dialects import postgresql  # lazy for start-up: the server's insert construct

    others: dict[str, Any] = {column.name: literal_column("DEFAULT") for column in table.columns if column.name != key}
    return postgresql.insert(table).on_conflict_do_update(index_elements=[key], set_=others)


def ordered_join(dialect_name: str) -> str:
    """The join keyword that keeps the tables in the order written: SQLite's planner obeys CROSS JOIN (its
    only hint); the server's plans by its statistics and knows no CROSS JOIN with an ON."""
    return "CROSS JOIN" if dialect_name == "sqlite" else "JOIN"


def sqlite_dialect():
    """SQLite's dialect, whose processors read SQLite's stored text (which store/server_sql.py has the server
    write for a column read "as stored")."""
    global _SQLITE
    if _SQLITE is None:
        from sqlalchemy.dialects.sqlite import pysqlite  # lazy for start-up: the server's readers only

        _SQLITE = pysqlite.dialect()
    return _SQLITE


_SQLITE = None


def stored_order(conn: Connection):
    """ORDER BY this for the rows of a table without a key in the order they were stored: SQLite's rowid; the
    server's ctid (its place in the table: insertion order for rows never updated, as a capture's people and
    refs are)."""
    from sqlalchemy import literal_column  # lazy for start-up: the JSON backup's readers only

    return literal_column("ctid" if is_server(conn) else "rowid")
