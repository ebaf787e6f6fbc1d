"""Noticing that someone else wrote to the database.

The app stays open for hours while a second terminal or a cron job logs
touches and imports contacts. SQLite's `PRAGMA data_version` changes, on one
connection, whenever any other connection commits; a single read-only
connection kept for the purpose is therefore a cheap way (a few microseconds,
no table read) for the app to ask "has anything changed since I last looked?".
On a PostgreSQL book every transaction that changed rows announces itself as it
commits (`NOTIFY`, store/server.py), and the watcher LISTENs on a connection of
its own: only this book's writers are heard, not those of another database on
the same server; each look is one round trip, after which the server has
handed over every announcement of a commit made before it.
"""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path
from urllib.parse import quote

from .location import ServerBook


class ChangeWatcher:
    def __init__(self, path: Path | ServerBook) -> None:
        self._lock = threading.Lock()
        self._version = self._on_server(path) if isinstance(path, ServerBook) else self._on_file(path)
        self._seen = self._version()

    def _on_file(self, path: Path):
        uri = f"file:{quote(str(Path(path).resolve()))}?mode=ro"
        conn = sqlite3.connect(uri, uri=True, check_same_thread=False)
        self._close = conn.close
        return lambda: conn.execute("PRAGMA data_version").fetchone()[0]

    def _on_server(self, book: ServerBook):
        from sqlalchemy import create_engine  # lazy for start-up: a server book's watcher only
        from sqlalchemy.pool import NullPool

        from .server import CHANNEL  # lazy for start-up (as above)

        engine = create_engine(book.url, poolclass=NullPool, isolation_level="AUTOCOMMIT")
        conn = engine.connect()
        heard = [0]
        driver = conn.connection.driver_connection
        assert driver is not None  # a live connection's driver (psycopg's), which hears the announcements
        driver.add_notify_handler(lambda _notice: heard.__setitem__(0, heard[0] + 1))
        conn.exec_driver_sql(f"LISTEN {CHANNEL}")

        def close() -> None:
            conn.close()
            engine.dispose()

        def announcements() -> int:
            conn.exec_driver_sql("SELECT 1")  # the driver takes in what the server sent before the answer
            return heard[0]

        self._close = close
        return announcements

    def changed(self) -> bool:
        """True once for each batch of commits made since the last call (by any other connection)."""
        with self._lock:
            version = self._version()
            news, self._seen = version != self._seen, version
            return news

    def close(self) -> None:
        with self._lock:
            self._close()
