"""Writing a whole history at once: a table's indexes and triggers set aside, then rebuilt.

A restore writes a million interactions into an empty database. Kept up a row
at a time, the indexes on `interactions` (one in time order, whose pages the
rows visit at random) and the `contact_totals` triggers of migration 0004
made those inserts four times dearer than the rows themselves. Built once at
the end, an index is one sort and the totals one grouped query.

The indexes and triggers are dropped and created again from their own SQL as
the database holds it, so they come back exactly as they were; the totals are
rebuilt with the query migration 0004 filled them with, and the rows written
are indexed for search (migration 0013) in one statement. SQLite's DDL is
transactional: used inside the write transaction, a refusal half-way rolls
the drops back too, and the database is exactly as before.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Connection

from . import search_index

#: Page cache while loading (KiB, as SQLite counts a negative cache_size): the index builds sort in it.
CACHE_KIB = 64 * 1024


def _totals_query() -> str:
    """contact_totals from the whole history, as migration 0004 backfilled it (the one definition)."""
    module = importlib.import_module(f"{__package__}.migrations.versions.0004_contact_totals")
    return module._backfill()


@contextmanager
def deferred_upkeep(conn: Connection, table: str) -> Iterator[None]:
    """Inside a write transaction: `table`'s indexes and triggers rebuilt once, after the block.

    On a PostgreSQL book they are kept up row by row (the block runs as it is): the index and trigger
    definitions are SQLite's text here, and the server's are not rebuilt from it yet.
    """
    if conn.dialect.name != "sqlite":
        yield
        return
    held = conn.exec_driver_sql(
        "SELECT type, name, sql FROM sqlite_master WHERE tbl_name = ? AND type IN ('index', 'trigger') "
        "AND sql IS NOT NULL ORDER BY type, name",
        (table,),
    ).all()
    searched = any(kind == "trigger" and name.startswith("trg_search_") for kind, name, _sql in held)
    after = conn.exec_driver_sql(f'SELECT coalesce(max(rowid), 0) FROM "{table}"').scalar_one() if searched else 0
    cache = conn.exec_driver_sql("PRAGMA cache_size").scalar_one()
    conn.exec_driver_sql(f"PRAGMA cache_size = {-CACHE_KIB}")
    try:
        for kind, name, _sql in held:
            conn.exec_driver_sql(f'DROP {kind.upper()} "{name}"')
        yield
        for kind, _name, sql in held:
            if kind == "index":
                conn.exec_driver_sql(sql)
        if table == "interactions" and any(kind == "trigger" for kind, _n, _s in held):
            conn.exec_driver_sql("DELETE FROM contact_totals")
            conn.exec_driver_sql(_totals_query())
        if searched:  # the rows written indexed for search in one statement (store/search_index.py)
            search_index.catch_up(conn, table, after)
        for kind, _name, sql in held:
            if kind == "trigger":
                conn.exec_driver_sql(sql)
    finally:
        conn.exec_driver_sql(f"PRAGMA cache_size = {int(cache)}")
