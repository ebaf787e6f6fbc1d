"""A database on read-only media, or a file the user may not write: still listed, exported and backed up.

SQLite in WAL mode needs to write its `-shm`/`-wal` files beside the
database even to read, so a read-only file could not even be listed. Such a
file is opened through SQLite's `mode=ro` URI instead (see
`connect`), and any write is refused in one line before
it starts.
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path
from urllib.parse import quote


def is_read_only(path: Path) -> bool:
    """Whether keepwarm cannot change the existing database at `path` (the file, its folder, or the whole filesystem)."""
    path = Path(path)
    folder = path.parent
    if not os.access(path, os.W_OK) or not os.access(folder, os.W_OK):
        return True
    try:
        return bool(os.statvfs(folder).f_flag & os.ST_RDONLY)
    except (OSError, AttributeError):
        return False


def folder_writable(folder: Path) -> bool:
    """Whether a new database could be created in `folder`."""
    if not os.access(folder, os.W_OK):
        return False
    try:
        return not os.statvfs(folder).f_flag & os.ST_RDONLY
    except (OSError, AttributeError):
        return True


def why_read_only(path: Path) -> str:
    path = Path(path)
    try:
        if os.statvfs(path.parent).f_flag & os.ST_RDONLY:
            return "it is on a read-only filesystem"
    except (OSError, AttributeError):
        pass
    if not os.access(path, os.W_OK):
        return "the file is read-only"
    return f"its folder {path.parent} is read-only"


def connect_source(path: Path, timeout: float) -> sqlite3.Connection:
    """A driver connection to copy from: read-only when the database cannot be written."""
    if Path(path).exists() and is_read_only(path):
        return connect(path, timeout)
    return sqlite3.connect(path, timeout=timeout)


def connect(path: Path, timeout: float) -> sqlite3.Connection:
    """A driver connection that cannot change the file (`database.connect_read_only` with the store's timeout).

    Without a WAL or a journal beside it, the whole database is in the file and
    is read as immutable, so not even the `-wal`/`-shm` side files appear next
    to a file that turns out not to be ours.
    """
    resolved = Path(path).resolve()
    live = any(resolved.with_name(resolved.name + suffix).exists() for suffix in ("-wal", "-journal"))
    uri = f"file:{quote(str(resolved))}?mode=ro" + ("" if live else "&immutable=1")
    return sqlite3.connect(uri, uri=True, timeout=timeout, check_same_thread=False)
