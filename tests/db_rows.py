"""Every row of some tables of a book, read with Python's own sqlite3: what the undo tests compare before and after."""

from __future__ import annotations

import sqlite3


def table_rows(db_path, tables) -> dict[str, list[tuple]]:
    """{table: its rows, sorted} for each of `tables` (the order rows are stored in is not compared)."""
    conn = sqlite3.connect(db_path)
    try:
        return {t: sorted(map(tuple, conn.execute(f"SELECT * FROM {t}")), key=repr) for t in tables}
    finally:
        conn.close()
