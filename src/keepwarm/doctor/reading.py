"""What a doctor's check reads of the book: through a connection that cannot write, and nothing at all
when there is no database yet, the file is not one, or it cannot be read (the database and integrity
checks report those)."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from ..errors import UserError
from ..store.database import check_file, connect_read_only

T = TypeVar("T")


def read_book(db_path: Path, table: str, read: Callable[[sqlite3.Connection], T]) -> T | None:
    """`read` on a read-only connection to the book, when it has `table`; else None."""
    try:
        if not check_file(db_path):
            return None
    except UserError:
        return None  # check_database reports it
    try:
        conn = connect_read_only(db_path)
        try:
            if not conn.execute("SELECT 1 FROM sqlite_master WHERE type='table' AND name=?", (table,)).fetchone():
                return None
            return read(conn)
        finally:
            conn.close()
    except sqlite3.Error:
        return None  # check_integrity reports an unreadable file
