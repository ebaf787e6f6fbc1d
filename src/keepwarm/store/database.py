"""Opening the database: file checks, pragmas, migrations, transactions.

Every command's writes go through `Store.write()`, one `BEGIN IMMEDIATE`
transaction, so a command either lands whole or not at all, and two processes
writing at once queue on SQLite's lock instead of failing half-way. A writer
that waited the whole busy timeout gives up with one line saying nothing was
written; long writes (imports) keep their lock short by planning first, in a
read transaction, and writing the plan after (`Store.plan_then_write`).
"""

from __future__ import annotations

import functools
import os
import sqlite3
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.exc import DatabaseError, OperationalError
from sqlalchemy.pool import NullPool

from ..errors import StoreError
from ..home import paths, tempfiles
from . import dialect, migrate, readonly
from .location import ServerBook, locate

SQLITE_HEADER = b"SQLite format 3\x00"
BUSY_TIMEOUT_MS = 15_000
#: Seconds a writer waits for another one (e.g. `KEEPWARM_BUSY_TIMEOUT=120` on a slow disk).
BUSY_TIMEOUT_ENV = "KEEPWARM_BUSY_TIMEOUT"
#: Plans made again when another process wrote in between; the last one is made under the write lock.
PLAN_ATTEMPTS = 3

#: What a write whose server connection dropped says of its change: before its commit, the server rolled it back.
_LOST_WRITING = "this change was not written (the server undid what it had begun); run the command again"
_LOST_COMMITTING = "this change was being committed and may or may not have been written: look before running it again"

#: Checks run before every write, each raising to refuse it. The plugin time budget adds one (a run given up for
#: a slow plugin never writes), so the store refuses such a write without knowing anything of plugins.
_write_checks: list[Callable[[], None]] = []


def before_every_write(check: Callable[[], None]) -> None:
    """Call `check()` before each write of every store from now on; it raises to refuse the write."""
    if check not in _write_checks:
        _write_checks.append(check)


def _check_write() -> None:
    for check in _write_checks:  # e.g. a run given up for a slow plugin (keepwarm.hosting.budget) never writes
        check()


def busy_timeout_ms() -> int:
    """The configured wait for the write lock; a bad value is a one-line error, not a silent default."""
    raw = os.environ.get(BUSY_TIMEOUT_ENV, "").strip()
    if not raw:
        return BUSY_TIMEOUT_MS
    try:
        seconds = float(raw)
    except ValueError:
        seconds = -1.0
    if not 0 <= seconds <= 86_400:
        raise StoreError(f"{BUSY_TIMEOUT_ENV}={raw!r}: expected a number of seconds from 0 to 86400")
    return int(seconds * 1000)


def is_busy(exc: OperationalError | sqlite3.OperationalError) -> bool:
    text = str(getattr(exc, "orig", exc)).lower()
    # SQLite's busy writer, or the server's writer that waited `lock_timeout` for the write lock (store/server.py)
    return "database is locked" in text or "database is busy" in text or "lock timeout" in text


def _data_version(conn: Connection) -> object:
    """Changes other connections committed, as this connection sees them (see `dialect.change_marker`).

    Read before the transaction's snapshot starts: a commit in between then
    reads as a change (a plan made again), never as none.
    """
    return dialect.change_marker(conn)


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
    timeout_ms = busy_timeout_ms()
    engine = create_engine(f"sqlite+pysqlite:///{path}", connect_args={"check_same_thread": False})

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record) -> None:  # pragma: no cover - exercised by every test
        # Let SQLAlchemy, not the driver, decide when transactions begin.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {timeout_ms}")
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA synchronous = NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        immediate = conn.get_execution_options().get("keepwarm_write", False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

    return engine


#: SQLite's result codes for a write the disk refused: SQLITE_FULL (no space left) and
#: SQLITE_IOERR (e.g. EFBIG, a file size limit), whose extended codes share the low byte.
_DISK_FULL, _DISK_IO = 13, 10


def _disk_problem(exc: Exception) -> str | None:
    code = getattr(getattr(exc, "orig", exc), "sqlite_errorcode", None)
    if code is None:
        return None
    if code & 0xFF == _DISK_FULL:
        return "the disk is full"
    if code & 0xFF == _DISK_IO:
        return "the disk refused a write (disk I/O error: full, too large a file, or failing)"
    return None


def _not_allowed(exc: Exception) -> str | None:
    """What the server's row-level security refused (a user changing what is not theirs: migration 0019), in
    one line, or None for any other error."""
    orig = getattr(exc, "orig", None)
    if getattr(orig, "sqlstate", None) != "42501":
        return None
    return str(orig.diag.message_primary or orig).strip().splitlines()[0]  # type: ignore[union-attr]


def _one_line_when_the_disk_fails(write):
    """A write the disk refuses ends in one line, naming the file, not in a traceback.

    SQLAlchemy's message would print the statement's parameters (whole contact
    records during an import). The transaction is rolled back before this
    runs, so the line can say that the change was undone, not half-written.
    """

    @functools.wraps(write)
    def guarded(self, *args, **kwargs):
        try:
            yield from write(self, *args, **kwargs)
        except DatabaseError as exc:
            refused = _not_allowed(exc)
            if refused is None and not isinstance(exc, OperationalError):
                raise
            problem = refused or _disk_problem(exc)
            if problem is None:
                raise
            raise (self._disk_refused(problem) if refused is None else self._not_allowed(problem)) from None
        except sqlite3.OperationalError as exc:
            problem = _disk_problem(exc)
            if problem is None:
                raise
            raise self._disk_refused(problem) from None

    return guarded


class Store:
    """An open keepwarm database."""

    def __init__(self, path: Path | ServerBook, engine: Engine, *, backup_dir: Path | None = None) -> None:
        self.path = path
        self.engine = engine
        self._backup_dir = backup_dir
        #: Why this database cannot be changed ("" when it can); see `open_read_only`.
        self.read_only = ""
        #: Called with the connection of the next write transaction, first thing in it (`before_next_write`).
        self._first_write: Callable[[Connection], None] | None = None
        self._first_write_lock = threading.Lock()

    def before_next_write(self, hook: Callable[[Connection], None] | None) -> None:
        """Have `hook` read the book first thing in the next write transaction (None: no longer): what the app's
        undo keeps of the rows a change will write is read under the same lock as the change (services/undo.py)."""
        with self._first_write_lock:
            self._first_write = hook

    def _take_first_write(self) -> Callable[[Connection], None] | None:
        with self._first_write_lock:
            hook, self._first_write = self._first_write, None
        return hook

    @property
    def backup_dir(self) -> Path:
        """Where copies of this database go: the backups folder for the default database, else beside it."""
        if self._backup_dir is not None:
            return self._backup_dir
        return paths.backups_dir() if isinstance(self.path, ServerBook) else self.path.parent

    def copy_aside(self, reason: str) -> Path | None:
        """An automatic, rotating copy before a write that cannot be taken back (see `backups`).

        None when the database holds no rows at all: a copy of an empty book
        would take back nothing, and a restore or an import into a new file
        would leave one such copy every time.
        """
        if isinstance(self.path, ServerBook) or self.is_empty():
            return None  # a server's book is kept by the server's own backups (docs/postgresql.md)
        # lazy for start-up: every command opens the store; few take a copy (its pattern and record type)
        from . import backups

        return backups.automatic(self.path, self.backup_dir, reason)

    def is_empty(self) -> bool:
        """Whether no table holds a row (the schema's own version aside)."""
        with self.read() as conn:
            return next(dialect.holding_rows(conn), None) is None

    @classmethod
    def open(cls, path: Path | str | ServerBook, *, backup_dir: Path | None = None) -> "Store":
        """Open (creating or migrating) a database; automatic copies go to `backup_dir`, else beside the file.

        `path` may name a database on a PostgreSQL server (a URL, or a `ServerBook`): see `open_server`.
        """
        located = locate(path)
        if isinstance(located, ServerBook):
            return cls.open_server(located, backup_dir=backup_dir)
        path = located
        existed = check_file(path)
        if existed and readonly.is_read_only(path):
            return cls.open_read_only(path, backup_dir=backup_dir)
        if existed:
            # Judge the file read-only before anything touches it: the pragmas
            # below (WAL above all) rewrite the header of any SQLite file.
            state = inspect_read_only(path)
            if state.needs_upgrade and state.current is not None:
                from . import backups  # lazy for start-up (see copy_aside)

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
    def open_server(cls, book: ServerBook, *, backup_dir: Path | None = None) -> "Store":
        """A book on a PostgreSQL server, its tables made or upgraded by the same migrations.

        The migration runs as a write (under the write lock): a second keepwarm
        opening the same new database at once waits, then finds it upgraded.
        """
        from . import server  # lazy for start-up: only a server book needs its engine

        engine = server.make_engine(book, busy_timeout_ms())
        try:
            with engine.connect() as conn:
                state = migrate.inspect(conn)
            if state.needs_upgrade:
                with engine.connect().execution_options(keepwarm_write=True) as conn:
                    conn.begin()
                    migrate.upgrade(conn)
        except OperationalError as exc:
            engine.dispose()
            raise server.unreachable(book, exc) from None
        except DatabaseError as exc:
            engine.dispose()
            raise StoreError(f"{book}: cannot be opened as a keepwarm database ({_reason(exc)})") from None
        except StoreError as exc:
            engine.dispose()
            raise StoreError(f"{book}: {exc.message}") from None
        return cls(book, engine, backup_dir=backup_dir)

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
        try:
            with self.engine.connect() as conn:
                with conn.begin():
                    yield conn
        except OperationalError as exc:
            if exc.connection_invalidated:
                raise self._lost(exc, "nothing was changed") from None
            if is_busy(exc):  # on a server, a table another writer locked whole (`migrate-to` sets its triggers aside)
                raise StoreError(
                    f"{self.path}: another keepwarm process kept the book locked for {busy_timeout_ms() / 1000:g} s "
                    "(a migrate-to?); nothing was changed; try again when it is done"
                ) from None
            raise

    @contextmanager
    @_one_line_when_the_disk_fails
    def write(self) -> Iterator[Connection]:
        self._may_write()
        committing = False
        try:
            with self.engine.connect().execution_options(keepwarm_write=True) as conn:
                with conn.begin():
                    hook = self._take_first_write() if self._first_write is not None else None
                    if hook is not None:
                        hook(conn)
                    yield conn
                    dialect.after_writing(conn)
                    committing = True
        except OperationalError as exc:
            if is_busy(exc):
                raise self._busy() from None
            if exc.connection_invalidated:
                raise self._lost(exc, _LOST_COMMITTING if committing else _LOST_WRITING) from None
            raise

    def _lost(self, exc: Exception, outcome: str) -> StoreError:
        """A server connection dropped (the server restarted, an administrator ended it, the network): one line."""
        return StoreError(f"{self.path}: the connection to the server was lost ({_reason(exc)}); {outcome}")

    def _busy(self) -> StoreError:
        seconds = busy_timeout_ms() / 1000
        return StoreError(
            f"{self.path}: another keepwarm process kept the database busy for {seconds:g} s (an import?); "
            f"this change was not written; try again when it is done (or wait longer with {BUSY_TIMEOUT_ENV}=SECONDS)"
        )

    def plan_then_write(self, plan: Callable[[Connection], Callable[[Connection], None] | None]) -> None:
        """A long write that holds the write lock only while it writes.

        `plan` reads what it needs and decides everything in a read transaction
        (other writers go on meanwhile) and returns the function that writes
        its decisions, or None to write nothing. That function runs in a write
        transaction only if no other connection committed since the plan began;
        otherwise the plan is made again on the new data, the last time under
        the write lock, so what is written is always what a plan saw: all or
        nothing, never on stale data.
        """
        self._may_write()
        committing = False
        try:
            with self.engine.connect() as conn:
                for attempt in range(PLAN_ATTEMPTS):
                    last = attempt == PLAN_ATTEMPTS - 1
                    conn.execution_options(keepwarm_write=last)
                    with conn.begin():
                        version = _data_version(conn)
                        writer = plan(conn)
                        if writer is None:
                            return
                        if last:
                            _check_write()
                            writer(conn)
                            dialect.after_writing(conn)
                            committing = True
                            return
                    conn.execution_options(keepwarm_write=True)
                    with conn.begin():
                        if _data_version(conn) == version:
                            _check_write()
                            writer(conn)
                            dialect.after_writing(conn)
                            committing = True
                            return
        except (OperationalError, sqlite3.OperationalError, DatabaseError) as exc:
            refused = _not_allowed(exc)
            if refused is not None:
                raise self._not_allowed(refused) from None
            if not isinstance(exc, (OperationalError, sqlite3.OperationalError)):
                raise
            if is_busy(exc):
                raise self._busy() from None
            if getattr(exc, "connection_invalidated", False):
                raise self._lost(exc, _LOST_COMMITTING if committing else _LOST_WRITING) from None
            problem = _disk_problem(exc)
            if problem is None:
                raise
            raise self._disk_refused(problem) from None

    def _disk_refused(self, problem: str) -> StoreError:
        return StoreError(
            f"{self.path}: {problem}; the change in progress was undone (free some space and run the command again)"
        )

    def _not_allowed(self, reason: str) -> StoreError:
        return StoreError(f"{self.path}: {reason}; nothing was written")

    def _may_write(self) -> None:
        if self.read_only:
            raise StoreError(f"{self.path}: nothing was written, because {self.read_only}")
        _check_write()

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
    """A driver connection that cannot change the file (for judging a file, and for `keepwarm doctor`)."""
    return readonly.connect(path, BUSY_TIMEOUT_MS / 1000)


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
