"""Opening the database: file checks, pragmas, migrations, transactions.

Every command's writes go through `Store.write()`, one `BEGIN IMMEDIATE`
transaction, so a command either lands whole or not at all, and two processes
writing at once queue on SQLite's lock instead of failing half-way.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.exc import DatabaseError, OperationalError
from sqlalchemy.pool import NullPool

from .. import paths, tempfiles
from ..errors import StoreError
from . import backups, migrate, readonly

SQLITE_HEADER = b"SQLite format 3\x00"
BUSY_TIMEOUT_MS = 15_000


def _create_private_file(path: Path) -> None:
    """A new database file, or an adopted empty one, readable by the user only (0600); its folders 0700."""
    paths.ensure_private_dir(path.parent)
    fd = os.open(path, os.O_CREAT | os.O_WRONLY, 0o600)
    try:
        os.fchmod(fd, 0o600)  # an existing 0-byte file keeps its mode through O_CREAT
    finally:
        os.close(fd)


def check_file(path: Path) -> bool:
    """Whether the file already holds data; raises if it cannot be a keepwarm database."""
    if path.is_dir():
        raise StoreError(f"{path}: is a folder, not a database file")
    if not path.exists():
        return False
    try:
        with path.open("rb") as fh:
            head = fh.read(len(SQLITE_HEADER))
    except OSError as exc:
        raise StoreError(f"{path}: cannot be read ({exc.strerror})") from None
    if not head:
        return False
    if head != SQLITE_HEADER:
        raise StoreError(f"{path}: is not a keepwarm database (not an SQLite file)")
    return True


def make_engine(path: Path) -> Engine:
    # The TUI runs engine calls in worker threads; the pool hands each checkout
    # one connection, so sharing across threads is safe.
    engine = create_engine(f"sqlite+pysqlite:///{path}", connect_args={"check_same_thread": False})

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record) -> None:  # pragma: no cover - exercised by every test
        # Let SQLAlchemy, not the driver, decide when transactions begin.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA synchronous = NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        immediate = conn.get_execution_options().get("keepwarm_write", False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

    return engine


class Store:
    """An open keepwarm database."""

    def __init__(self, path: Path, engine: Engine, *, backup_dir: Path | None = None) -> None:
        self.path = path
        self.engine = engine
        self._backup_dir = backup_dir
        #: Why this database cannot be changed ("" when it can); see `open_read_only`.
        self.read_only = ""

    @property
    def backup_dir(self) -> Path:
        """Where copies of this database go: the backups folder for the default database, else beside it."""
        return self._backup_dir or self.path.parent

    def copy_aside(self, reason: str) -> Path:
        """An automatic, rotating copy before a write that cannot be taken back (see `backups`)."""
        return backups.automatic(self.path, self.backup_dir, reason)

    @classmethod
    def open(cls, path: Path | str, *, backup_dir: Path | None = None) -> "Store":
        """Open (creating or migrating) a database; automatic copies go to `backup_dir`, else beside the file."""
        path = Path(path).expanduser()
        existed = check_file(path)
        if existed and readonly.is_read_only(path):
            return cls.open_read_only(path, backup_dir=backup_dir)
        if existed:
            # Judge the file read-only before anything touches it: the pragmas
            # below (WAL above all) rewrite the header of any SQLite file.
            state = inspect_read_only(path)
            if state.needs_upgrade and state.current is not None:
                try:
                    backups.automatic(path, backup_dir or path.parent, f"migration-{state.current}")
                except backups.BackupFailed as exc:
                    raise StoreError(
                        f"{path}: not upgraded, because the copy of the old file could not be made ({exc.reason})"
                    ) from None
        else:
            try:
                _create_private_file(path)
            except OSError as exc:
                raise StoreError(f"{path}: cannot create the database ({exc.strerror})") from None
        engine = make_engine(path)
        try:
            with engine.connect() as conn:
                state = migrate.inspect(conn)
            if state.needs_upgrade:
                with engine.connect() as conn:
                    migrate.upgrade(conn)
        except (DatabaseError, OperationalError) as exc:
            engine.dispose()
            raise StoreError(f"{path}: cannot be opened as a keepwarm database ({_reason(exc)})") from None
        except StoreError as exc:
            engine.dispose()
            raise StoreError(f"{path}: {exc.message}") from None
        tempfiles.sweep(path.parent, backup_dir or path.parent)  # what a killed backup or export left
        return cls(path, engine, backup_dir=backup_dir)

    @classmethod
    def open_read_only(cls, path: Path, *, backup_dir: Path | None = None) -> "Store":
        """An existing database keepwarm may not change: readable, exportable, copyable; every write refused."""
        state = inspect_read_only(path)
        if state.needs_upgrade and not state.empty:
            raise StoreError(
                f"{path}: cannot be opened: {readonly.why_read_only(path)}, and it needs an upgrade from schema "
                f"{state.current} (copy it to a writable folder and open the copy with --db)"
            )
        engine = create_engine("sqlite+pysqlite://", creator=lambda: connect_read_only(path), poolclass=NullPool)

        @event.listens_for(engine, "connect")
        def _on_connect(dbapi_connection, _record) -> None:  # pragma: no cover - exercised by the read-only tests
            dbapi_connection.isolation_level = None

        @event.listens_for(engine, "begin")
        def _on_begin(conn: Connection) -> None:
            conn.exec_driver_sql("BEGIN")

        store = cls(path, engine, backup_dir=backup_dir)
        store.read_only = readonly.why_read_only(path)
        return store

    @contextmanager
    def read(self) -> Iterator[Connection]:
        with self.engine.connect() as conn:
            with conn.begin():
                yield conn

    @contextmanager
    def write(self) -> Iterator[Connection]:
        if self.read_only:
            raise StoreError(f"{self.path}: nothing was written, because {self.read_only}")
        with self.engine.connect().execution_options(keepwarm_write=True) as conn:
            with conn.begin():
                yield conn

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def schema_version(self) -> str | None:
        with self.engine.connect() as conn:
            return migrate.inspect(conn).current


def connect_read_only(path: Path) -> sqlite3.Connection:
    """A driver connection that cannot change the file (for judging a file, and for `keepwarm doctor`).

    Without a WAL or a journal beside it, the whole database is in the file and
    is read as immutable, so not even the `-wal`/`-shm` side files appear next
    to a file that turns out not to be ours.
    """
    resolved = Path(path).resolve()
    live = any(resolved.with_name(resolved.name + suffix).exists() for suffix in ("-wal", "-journal"))
    uri = f"file:{quote(str(resolved))}?mode=ro" + ("" if live else "&immutable=1")
    return sqlite3.connect(uri, uri=True, timeout=BUSY_TIMEOUT_MS / 1000, check_same_thread=False)


def inspect_read_only(path: Path) -> migrate.SchemaState:
    """The schema state of an existing file, through a connection that cannot write.

    The engine opened afterwards looks again.
    """
    engine = create_engine("sqlite+pysqlite://", creator=lambda: connect_read_only(path), poolclass=NullPool)
    try:
        with engine.connect() as conn:
            return migrate.inspect(conn)
    except (DatabaseError, OperationalError) as exc:
        raise StoreError(f"{path}: cannot be opened as a keepwarm database ({_reason(exc)})") from None
    except StoreError as exc:
        raise StoreError(f"{path}: {exc.message}") from None
    finally:
        engine.dispose()


def _reason(exc: Exception) -> str:
    orig = getattr(exc, "orig", None)
    return str(orig or exc).splitlines()[0]
