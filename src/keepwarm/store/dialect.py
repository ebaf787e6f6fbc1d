"""What SQLite and PostgreSQL spell differently, each thing in one place.

The store's queries are SQLAlchemy Core and run on both. What Core does not
carry over (the catalogue, the change counter, INSERT OR REPLACE, the server's
own functions) is decided here on the connection's dialect, so no query has a
second copy for the server.
"""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import Connection, LargeBinary, Table
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.dml import Insert
from sqlalchemy.sql.elements import Cast, ColumnElement, TypeCoerce
from sqlalchemy.sql.functions import Function

from ..errors import StoreError


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


#: The table an INSERT writes (as SQLAlchemy and the store's driver-level writers spell it).
_INSERT = re.compile(r'\s*INSERT\s+INTO\s+(?:"?public"?\.)?"?(\w+)"?', re.I)
_INSERTED = "keepwarm_inserted"


def note_insert(conn: Connection, statement: str) -> None:
    """Remember which tables this transaction inserted into (the server's engine calls it for each statement)."""
    found = _INSERT.match(statement)
    if found:
        conn.info.setdefault(_INSERTED, set()).add(found.group(1))


def after_writing(conn: Connection) -> None:
    """End of a write transaction: on the server, each table given rows with their ids (a restore, an import,
    undo) has its id sequence moved past the highest id, as SQLite's rowid and AUTOINCREMENT are by themselves;
    never back (an AUTOINCREMENT id is never used again)."""
    tables = conn.info.pop(_INSERTED, None)
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


# ---------------------------------------------------------------- SQLite's functions, as the server spells them
#
# The engine's and the store's Core queries call a few functions by SQLite's names (`func.json_group_array`,
# ...). On a PostgreSQL connection each is written as the server's equal when the query is compiled, so the
# query itself stays one. A function with no exact equal on the server is refused there by name (an error,
# never a different result).

#: SQLite's name -> the server's (same arguments, same result). SQLite's JSON functions return text: so do these.
SERVER_NAMES = {"json_group_array": "json_agg", "json_array": "json_build_array"}
_AS_TEXT = {"json_group_array"}


@compiles(Function, "postgresql")
def _server_function(element, compiler, **kw):
    name = element.name.lower()
    if name in SERVER_NAMES:
        call = f"{SERVER_NAMES[name]}({compiler.process(element.clause_expr.element, **kw)})"
        return f"CAST({call} AS TEXT)" if name in _AS_TEXT else call
    if name == "printf":
        # '%!.17g': a real number's exact text; the server's double's text is already the shortest exact one
        # (an average of integers is a numeric there: made a double first, as SQLite's is)
        args = list(element.clauses)
        return f"CAST(CAST({compiler.process(args[-1], **kw)} AS DOUBLE PRECISION) AS TEXT)"
    if name == "json_array_length":
        return f"json_array_length(CAST({compiler.process(element.clause_expr.element, **kw)} AS JSON))"
    if name == "typeof":  # a column of the server holds its declared type: text or NULL
        return f"CASE WHEN {compiler.process(element.clause_expr.element, **kw)} IS NULL THEN 'null' ELSE 'text' END"
    if name == "group_concat":
        return _joined(element, compiler, **kw)
    if name in ("char", "julianday"):
        raise NotOnServer(
            f"this needs SQLite's {name}(), not yet available on a PostgreSQL book (see docs/postgresql.md)"
        )
    return compiler.visit_function(element, **kw)


def _joined(element, compiler, **kw) -> str:
    """group_concat(x, sep) as a JSON string: the server's text cannot hold a NUL, which the engine joins notes
    with (`func.char(0)`), and its JSON can (as \\u0000). The driver reads a JSON string back as text (NULs
    and all), and inside `json_array` it stays the string SQLite's would be."""
    args = list(element.clauses)
    separator = args[1] if len(args) > 1 else None
    if isinstance(separator, Function) and separator.name.lower() == "char":
        codes = [getattr(code, "value", None) for code in separator.clauses]
        if not all(isinstance(code, int) for code in codes):
            raise NotOnServer("this needs SQLite's char() of a computed code, not yet available on a PostgreSQL book")
        sep = "'" + "".join(f"\\u{code:04x}" for code in codes) + "'"
    else:
        sep = _json_inside(compiler.process(separator, **kw) if separator is not None else "','")
    joined = f"string_agg({_json_inside(compiler.process(args[0], **kw))}, {sep})"
    return f"CAST('\"' || {joined} || '\"' AS JSON)"


def _json_inside(sql: str) -> str:
    """The JSON text of a string value without its quotes (escapes and all)."""
    quoted = f"to_json(CAST({sql} AS TEXT))::text"
    return f"substr({quoted}, 2, length({quoted}) - 2)"


def ordered_join(dialect_name: str) -> str:
    """The join keyword that keeps the tables in the order written: SQLite's planner obeys CROSS JOIN (its
    only hint); the server's plans by its statistics and knows no CROSS JOIN with an ON."""
    return "CROSS JOIN" if dialect_name == "sqlite" else "JOIN"


@compiles(Cast, "postgresql")
def _bytes_of_text(element, compiler, **kw):
    # SQLite's CAST(text AS BLOB) is the text's UTF-8; the server's reads backslashes as escapes.
    if isinstance(element.type, LargeBinary):
        return f"convert_to({compiler.process(element.clause, **kw)}, 'UTF8')"
    return compiler.visit_cast(element, **kw)


class NotOnServer(StoreError):
    """A query that still uses something of SQLite's alone: not yet available on a PostgreSQL book (one line,
    exit 2, raised before the query runs: what the command wrote before it stays, nothing is half-written)."""


# ---------------------------------------------------------------- values read as their stored text
#
# The store's fastest readers ask for a column "as stored" (`rows.as_text`, a `type_coerce` to text) and parse
# that text themselves (`rows.Parsed`, `json.loads`). SQLite hands back the text it stores; the server hands
# back typed values. So on the server such a column is written as SQLite's text of it (the same digits,
# the same JSON), and `rows.Parsed` parses with SQLite's processors on both: one reader for both stores.

#: The server's SQL giving SQLite's stored text of a value of each type (by SQLAlchemy's type name).
_STORED_TEXT = {
    "DateTime": "to_char({}, 'YYYY-MM-DD HH24:MI:SS.US')",
    "Date": "to_char({}, 'YYYY-MM-DD')",
    "Time": "to_char({}, 'HH24:MI:SS.US')",
    "JSON": "CAST({} AS TEXT)",
}


@compiles(TypeCoerce, "postgresql")
def _stored_text(element, compiler, **kw):
    inner = compiler.process(element.typed_expression, **kw)
    if element.type._type_affinity.__name__ not in ("String", "Text"):
        return inner
    for cls in type(element.typed_expression.type).__mro__:
        if cls.__name__ in _STORED_TEXT:
            return _STORED_TEXT[cls.__name__].format(inner)
    return inner


def sqlite_dialect():
    """SQLite's dialect, whose processors read SQLite's stored text (see above)."""
    global _SQLITE
    if _SQLITE is None:
        from sqlalchemy.dialects.sqlite import pysqlite  # lazy for start-up: the server's readers only

        _SQLITE = pysqlite.dialect()
    return _SQLITE


_SQLITE = None


class _StoredOrder(ColumnElement):
    """The order rows of a table without a key were stored in: SQLite's rowid; the server's ctid (its
    place in the table, in insertion order for rows never updated, as a capture's people and refs are)."""

    inherit_cache = True


@compiles(_StoredOrder)
def _rowid(element, compiler, **kw):
    return "rowid"


@compiles(_StoredOrder, "postgresql")
def _ctid(element, compiler, **kw):
    return "ctid"


def stored_order():
    """ORDER BY this for rows in the order they were stored."""
    return _StoredOrder()
