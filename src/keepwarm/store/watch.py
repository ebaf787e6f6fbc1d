"""Noticing that someone else wrote to the database.

The app stays open for hours while a second terminal or a cron job logs
touches and imports contacts. SQLite's `PRAGMA data_version` changes, on one
connection, whenever any other connection commits; a single read-only
connection kept for the purpose is therefore a cheap way (a few microseconds,
no table read) for the app to ask "has anything changed since I last looked?".
On a PostgreSQL book the same question reads the server's transaction
snapshot on one connection of its own (`dialect.change_marker`): a write by
anyone on the server, this book's or another's, reads as a change.
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

        from . import dialect  # lazy for start-up (as above)

        engine = create_engine(book.url, poolclass=NullPool, isolation_level="AUTOCOMMIT")
        conn = engine.connect()

        def close() -> None:
            conn.close()
            engine.dispose()

        self._close = close
        return lambda: dialect.change_marker(conn)

    def changed(self) -> bool:
        """True once for each batch of commits made since the last call (by any other connection)."""
        with self._lock:
            version = self._version()
            news, self._seen = version != self._seen, version
            return news

    def close(self) -> None:
        with self._lock:
            self._close()
