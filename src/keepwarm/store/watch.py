"""Noticing that someone else wrote to the database.

The app stays open for hours while a second terminal or a cron job logs
touches and imports contacts. SQLite's `PRAGMA data_version` changes, on one
connection, whenever any other connection commits; a single read-only
connection kept for the purpose is therefore a cheap way (a few microseconds,
no table read) for the app to ask "has anything changed since I last looked?".
"""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path
from urllib.parse import quote


class ChangeWatcher:
    def __init__(self, path: Path) -> None:
        uri = f"file:{quote(str(Path(path).resolve()))}?mode=ro"
        self._conn = sqlite3.connect(uri, uri=True, check_same_thread=False)
        self._lock = threading.Lock()
        self._seen = self._version()

    def _version(self) -> int:
        return self._conn.execute("PRAGMA data_version").fetchone()[0]

    def changed(self) -> bool:
        """True once for each batch of commits made since the last call (by any other connection)."""
        with self._lock:
            version = self._version()
            news, self._seen = version != self._seen, version
            return news

    def close(self) -> None:
        with self._lock:
            self._conn.close()
