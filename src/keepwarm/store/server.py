"""A book on a PostgreSQL server: the engine, its transactions, and what a refused connection says.

The store's promises hold as on SQLite. A write transaction first takes one
transaction-level advisory lock, so keepwarm's writers queue one after the
other as they do on SQLite's write lock (`BEGIN IMMEDIATE`), and a writer that
waited the busy timeout (`lock_timeout`) gives up with the same one line. A
read transaction is REPEATABLE READ: every query of a read sees the same
snapshot, as a SQLite read transaction does. Writes stay READ COMMITTED, so
that the statements after the lock see what the writer before committed.
"""

from __future__ import annotations

import re

from sqlalchemy import Connection, Engine, create_engine, event

from ..errors import StoreError
from . import dialect, server_sql  # noqa: F401 - server_sql: its compile rules, registered on import
from .location import ServerBook

#: The advisory lock every keepwarm writer of a database takes (any number of keepwarm's own; 'kw' in hex).
WRITE_LOCK = 0x6B77
CONNECT_TIMEOUT_SECONDS = 10
#: The table an INSERT writes (as SQLAlchemy and the store's driver-level writers spell it).
_INSERT = re.compile(r'\s*INSERT\s+INTO\s+(?:"?public"?\.)?"?(\w+)"?', re.I)
#: A statement that changes rows.
_CHANGE = re.compile(r"\s*(?:WITH\b.*?\)\s*)?(?:INSERT|UPDATE|DELETE|MERGE|TRUNCATE)\b", re.I | re.S)
#: The channel a transaction that changed rows of the book announces itself on as it commits (store/watch.py
#: listens). NOTIFY reaches the sessions of the same database only: another book's writes are never heard.
CHANNEL = "keepwarm_book_changed"
#: Whether the connection's transaction changed rows (kept in its `info`).
_CHANGED = "keepwarm_changed"


#: How to get the driver a server book needs (keepwarm alone, for one person's SQLite book, does not).
DRIVER_INSTALL = "pip install 'keepwarm[postgres]'"


def make_engine(book: ServerBook, timeout_ms: int) -> Engine:
    try:
        engine = create_engine(
            book.url,
            connect_args={
                "connect_timeout": CONNECT_TIMEOUT_SECONDS,
                # Times are stored as UTC without a zone, as on SQLite; the wait for the write lock is the busy
                # timeout.
                "options": f"-c TimeZone=UTC -c lock_timeout={timeout_ms}",
                "application_name": "keepwarm",
            },
        )
    except ModuleNotFoundError as exc:
        if not (exc.name or "").startswith("psycopg"):
            raise
        raise StoreError(
            f"{book}: a book on a PostgreSQL server needs its driver, psycopg, which is not installed here; "
            f"install it with: {DRIVER_INSTALL}"
        ) from None

    @event.listens_for(engine, "before_cursor_execute")
    def _note_inserts(conn, _cursor, statement, _parameters, _context, _executemany) -> None:
        found = _INSERT.match(statement)
        if found:  # its id sequence is caught up at the end of the write (dialect.after_writing)
            conn.info.setdefault(dialect.INSERTED, set()).add(found.group(1))

    @event.listens_for(engine, "after_cursor_execute")
    def _note_changes(conn, cursor, statement, _parameters, _context, _executemany) -> None:
        if cursor.rowcount and _CHANGE.match(statement):  # -1 (not known) counts as a change
            conn.info[_CHANGED] = True

    @event.listens_for(engine, "commit")
    def _announce(conn: Connection) -> None:
        # Queued in the transaction, sent by the server once it commits: on the driver's own connection, as
        # SQLAlchemy is committing (every writer of a server book, whichever way it writes, ends here).
        driver = conn.connection.driver_connection
        if conn.info.pop(_CHANGED, False) and driver is not None:
            driver.execute(f"NOTIFY {CHANNEL}")

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        conn.info.pop(dialect.INSERTED, None)  # what a transaction rolled back inserted is not caught up
        conn.info.pop(_CHANGED, None)  # nor is what it changed announced
        if conn.get_execution_options().get("keepwarm_write", False):
            conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({WRITE_LOCK})")
        else:
            conn.exec_driver_sql("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")

    return engine


def unreachable(book: ServerBook, exc: Exception) -> StoreError:
    """One line for a server that is down, unknown, or refuses the user or the database (no traceback)."""
    reason = str(getattr(exc, "orig", None) or exc).strip().splitlines()
    first = reason[0] if reason else type(exc).__name__
    first = first.removeprefix("connection failed: ")
    return StoreError(f"{book}: cannot open the book on the PostgreSQL server ({first}); nothing was changed")
