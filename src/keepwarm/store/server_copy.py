"""A SQLite book copied into a database on a PostgreSQL server (`keepwarm migrate-to`), checked row by row.

A team moving to a server starts from one person's book. The copy is one
transaction on the server, under the write lock every keepwarm writer takes
(store/server.py): the schema when the database is new, every table's rows,
the id sequences moved past the copied ids, a check that reads every row back
and compares it with the file's, and the planner's statistics; all of it is
committed together, or nothing is (a failure, a refused row, a difference,
a dropped connection). The file is read in one read transaction, so the copy
and the check see the same rows even if someone writes to the file meanwhile,
and the file is never written.

The tables are the server's after the migrations, not a list kept here: a
table a later migration adds is copied as it is (typed by `schema.metadata`,
or as the server reflects it). Derived rows (the totals, the engine's marks
and stored results, the health history) go over as they are: the server's
triggers, which would make them again from the copied rows, are set aside for
the copy (`DISABLE TRIGGER USER`, part of the same transaction; the foreign
keys stay checked). Rows are read, written and compared a batch at a time,
so a book of a million touches never sits in memory.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import JSON, Connection, Engine, MetaData, String, Table, create_engine, event, func, insert, select
from sqlalchemy.exc import DatabaseError, OperationalError
from sqlalchemy.pool import NullPool

from ..errors import StoreError
from . import dialect, migrate, readonly, search_server
from .database import BUSY_TIMEOUT_MS, busy_timeout_ms, check_file, inspect_read_only, is_busy
from .location import ServerBook

#: Rows read, written and compared at a time.
BATCH = 5_000
#: Called as rows go: (step, rows done, rows in all), step "copying" then "checking".
Progress = Callable[[str, int, int], None]


@dataclass(frozen=True)
class Copied:
    source: Path
    target: ServerBook
    schema: str
    #: Rows per table, in the order they were copied (parents before the tables that refer to them).
    rows: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.rows.values())


def migrate_to(source: Path, target: ServerBook, *, progress: Progress | None = None) -> Copied:
    """Copy the book in the file `source` into the empty database `target`, check it, and commit; or change
    nothing and raise a one-line StoreError."""
    _check_source(source)
    from . import server  # lazy for start-up: only a server book needs its engine

    reader = _reader(source)
    writer = server.make_engine(target, busy_timeout_ms())
    try:
        try:
            dst = writer.connect().execution_options(keepwarm_write=True)
        except OperationalError as exc:
            raise server.unreachable(target, exc) from None
        with reader.connect() as src, src.begin(), dst:
            try:
                with dst.begin():
                    rows = _copy(src, dst, target, progress or _quiet)
            except OperationalError as exc:
                raise _failed(target, exc) from None
            except DatabaseError as exc:
                raise StoreError(
                    f"{target}: the server refused the copy ({_first_line(exc)}); nothing was written"
                ) from None
        return Copied(source, target, migrate.HEAD, rows)
    finally:
        reader.dispose()
        writer.dispose()


def _quiet(_step: str, _done: int, _total: int) -> None:
    return None


def _check_source(source: Path) -> None:
    if not check_file(source):
        raise StoreError(f"{source}: no book here to copy (check the path given with --db or KEEPWARM_DB)")
    state = inspect_read_only(source)
    if state.current is None:
        raise StoreError(f"{source}: holds no keepwarm book to copy")
    if state.needs_upgrade:
        raise StoreError(
            f"{source}: the book is at schema {state.current} and this keepwarm copies schema {migrate.HEAD}: "
            f"upgrade it first (any command on it does, e.g. keepwarm --db {source} contact list), then run "
            "migrate-to again; nothing was written"
        )


def _reader(source: Path) -> Engine:
    """The file, read without writing it (a read-only connection when it cannot be written)."""
    engine = create_engine(
        "sqlite+pysqlite://",
        creator=lambda: readonly.connect_source(source, BUSY_TIMEOUT_MS / 1000),
        poolclass=NullPool,
    )

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record) -> None:
        dbapi_connection.isolation_level = None

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        conn.exec_driver_sql("BEGIN")

    return engine


def _failed(target: ServerBook, exc: OperationalError) -> StoreError:
    if is_busy(exc):
        return StoreError(
            f"{target}: another keepwarm process kept the database busy for {busy_timeout_ms() / 1000:g} s; "
            "nothing was written; try again when it is done"
        )
    return StoreError(
        f"{target}: the copy stopped ({_first_line(exc)}); nothing was written (the server rolled it back)"
    )


def _first_line(exc: Exception) -> str:
    lines = str(getattr(exc, "orig", None) or exc).strip().splitlines()
    return lines[0] if lines else type(exc).__name__


# ------------------------------------------------------------------------------------------------- the copy


def _copy(src: Connection, dst: Connection, target: ServerBook, progress: Progress) -> dict[str, int]:
    _check_target(dst, target)
    migrate.upgrade_within(dst)  # a new database's schema, in the same transaction as its rows
    tables = _tables(src, dst, target)
    counts = {table.name: src.execute(select(func.count()).select_from(table)).scalar_one() for table in tables}
    total = sum(counts.values())
    for table in tables:
        dst.exec_driver_sql(f'ALTER TABLE "{table.name}" DISABLE TRIGGER USER')
    done = 0
    for table in tables:
        dst.execute(table.delete())  # rows a migration may have seeded: the file holds its own
        columns = _copied_columns(table)
        for batch in _batches(src, table, server=False):
            try:
                dst.execute(insert(table), [dict(zip(columns, row, strict=True)) for row in batch])
            except DatabaseError as exc:
                if isinstance(exc, OperationalError):
                    raise
                raise StoreError(
                    f"{target}: table {table.name} could not be copied ({_first_line(exc)}); nothing was written"
                ) from None
            done += len(batch)
            progress("copying", done, total)
    for table in tables:
        dst.exec_driver_sql(f'ALTER TABLE "{table.name}" ENABLE TRIGGER USER')
    search_server.rebuild(dst)  # the contacts' search documents, which those triggers keep, from the copied rows
    _move_sequences(src, dst, tables)
    _check(src, dst, tables, counts, target, progress)
    _admin_connects(dst)
    for table in tables:
        dst.exec_driver_sql(f'ANALYZE "{table.name}"')  # the planner's statistics, from the first command on
    return counts


def _admin_connects(dst: Connection) -> None:
    """The book's first admin becomes the database role that copied it (on a server each user is a role, and a
    file's users have none), so that the book opens for whoever made it; an admin then adds the others'."""
    if "users" not in dialect.table_names(dst):
        return
    dst.exec_driver_sql(
        "UPDATE users SET db_role = current_user WHERE id = (SELECT min(id) FROM users WHERE role = 'admin' "
        "AND db_role IS NULL) AND NOT EXISTS (SELECT 1 FROM users WHERE db_role = current_user)"
    )


def _check_target(dst: Connection, target: ServerBook) -> None:
    """The target must be empty, or hold keepwarm's schema without a row (judged under the write lock)."""
    tables = dialect.table_names(dst)
    if tables and "alembic_version" not in tables:
        raise StoreError(
            f"{target}: holds tables that are not keepwarm's ({', '.join(sorted(tables)[:3])}); "
            "migrate-to copies into an empty database only; nothing was written"
        )
    try:
        migrate.inspect(dst)
    except StoreError as exc:
        raise StoreError(f"{target}: {exc.message}") from None
    held = list(itertools.islice(dialect.holding_rows(dst), 3))
    if held:
        raise StoreError(
            f"{target}: holds a book already (rows in {', '.join(held)}); migrate-to copies into an empty "
            "database only (create a new one, or give another); nothing was written"
        )


def _tables(src: Connection, dst: Connection, target: ServerBook) -> list[Table]:
    """The server's tables in the order of their foreign keys, each typed as keepwarm declares it (as the
    server reflects it when keepwarm's metadata does not hold it)."""
    from .schema import metadata  # lazy for start-up: migrate-to only

    mine = set(dialect.book_tables(src))
    theirs = set(dialect.book_tables(dst))
    lost = sorted(mine - theirs)
    if lost:
        raise StoreError(
            f"{target}: has no table for {', '.join(lost)} of the book (a table of the file the server's schema "
            "lacks); nothing was written"
        )
    reflected = MetaData()
    reflected.reflect(dst, only=sorted(theirs & mine))
    return [metadata.tables.get(table.name, table) for table in reflected.sorted_tables]


def _copied_columns(table: Table) -> list[str]:
    return [column.name for column in table.columns if column.computed is None]


def _batches(conn: Connection, table: Table, *, server: bool) -> Iterator[list]:
    """The table's rows in key order (every column's, for a table without a key), a batch at a time; the same
    order on both stores (NULLs first, text by its bytes)."""
    columns = [table.c[name] for name in _copied_columns(table)]
    key = list(table.primary_key.columns) or [column for column in columns if not isinstance(column.type, JSON)]
    order = []
    for column in key:
        ordered = column.collate("C") if server and isinstance(column.type, String) else column
        order.append(ordered.asc().nulls_first())
    query = select(*columns).order_by(*order).execution_options(yield_per=BATCH)
    result = conn.execute(query)
    try:
        for partition in result.partitions(BATCH):
            yield [tuple(row) for row in partition]
    finally:
        result.close()


def _move_sequences(src: Connection, dst: Connection, tables: list[Table]) -> None:
    """Each id sequence past the highest id the file ever gave (SQLite's AUTOINCREMENT remembers deleted ones:
    the engine's marks count on it), so new rows on the server never take a copied row's id."""
    given: dict[str, int] = {}
    if "sqlite_sequence" in {row[0] for row in src.exec_driver_sql("SELECT name FROM sqlite_master")}:
        given = {name: int(seq) for name, seq in src.exec_driver_sql("SELECT name, seq FROM sqlite_sequence")}
    for table in tables:
        for column in table.primary_key.columns:
            sequence = dst.execute(select(func.pg_get_serial_sequence(f'"{table.name}"', column.name))).scalar()
            if sequence is None:
                continue
            highest = max(dst.execute(select(func.max(column))).scalar() or 0, given.get(table.name, 0))
            if highest > 0:
                dst.execute(select(func.setval(sequence, highest)))


def _check(
    src: Connection,
    dst: Connection,
    tables: list[Table],
    counts: dict[str, int],
    target: ServerBook,
    progress: Progress,
) -> None:
    """Every table's rows on the server, read back and compared one by one with the file's, in the same order."""
    total, done = sum(counts.values()), 0
    for table in tables:
        held = dst.execute(select(func.count()).select_from(table)).scalar_one()
        if held != counts[table.name]:
            raise StoreError(
                f"{target}: table {table.name} holds {held} rows after the copy, the file {counts[table.name]}; "
                "nothing was written"
            )
        mine = itertools.chain.from_iterable(_batches(src, table, server=False))
        theirs = itertools.chain.from_iterable(_batches(dst, table, server=True))
        for number, (ours, copied) in enumerate(zip(mine, theirs, strict=True), start=1):
            if ours != copied:
                key = [column.name for column in table.primary_key.columns] or ["row"]
                raise StoreError(
                    f"{target}: table {table.name} differs from the file at {', '.join(key)} "
                    f"{_key_of(table, ours, number)}; nothing was written"
                )
            done += 1
            if done % BATCH == 0:
                progress("checking", done, total)
    progress("checking", total, total)


def _key_of(table: Table, row: tuple, number: int) -> str:
    columns = _copied_columns(table)
    key = [row[columns.index(column.name)] for column in table.primary_key.columns]
    return ", ".join(str(value) for value in key) if key else f"number {number}"
