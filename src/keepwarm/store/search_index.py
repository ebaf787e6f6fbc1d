"""Keeping the search index (migration 0013) right: after a bulk load, and when it was damaged or dropped.

The triggers keep it in step row by row. A bulk load of history sets the
insert trigger aside (or bulk_load sets them all aside) and indexes what it
wrote in one INSERT ... SELECT after: a million rows a trigger at a time were
a million trigger programs. `rebuild` drops and makes everything again from
the migration's own definitions (the doctor's fix); `problems` says, reading
only, what is missing or out of step.
"""

from __future__ import annotations

import importlib
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache

from sqlalchemy import Connection


@cache
def definitions():
    """Migration 0018, which with 0013 defines the index (the one definition, as bulk_load reads 0004's)."""
    return importlib.import_module(f"{__package__}.migrations.versions.0018_search_contact_view")


#: The FTS tables by kind of result, as `store/search.py` queries them.
KINDS = {
    "contacts": "search_contacts",
    "interactions": "search_interactions",
    "promises": "search_promises",
    "notes": "search_notes",
}


def _fts_for(table: str) -> str | None:
    for fts, (content, _column) in definitions().EXTERNAL.items():
        if content == table:
            return fts
    return None


def catch_up(conn: Connection, table: str, after: int) -> None:
    """The rows of `table` above id `after` indexed in one statement (their insert trigger was set aside)."""
    fts = _fts_for(table)
    if fts is not None:
        conn.exec_driver_sql(definitions().external_fill(fts, str(int(after))))


@contextmanager
def deferred_inserts(conn: Connection, table: str) -> Iterator[None]:
    """Inside a write transaction: the rows the block inserts into `table` indexed once, after it.

    Updates and deletes inside the block are kept up by their triggers as usual.
    """
    fts = _fts_for(table)
    name = f"trg_{fts}_insert"
    held = (
        fts is not None
        and conn.dialect.name == "sqlite"  # a server book's index is an expression index (migration 0020)
        and conn.exec_driver_sql("SELECT 1 FROM sqlite_master WHERE type = 'trigger' AND name = ?", (name,)).first()
    )
    if not held:
        yield
        return
    after = conn.exec_driver_sql(f"SELECT coalesce(max(id), 0) FROM {table}").scalar_one()
    conn.exec_driver_sql(f"DROP TRIGGER {name}")
    yield
    catch_up(conn, table, after)
    conn.exec_driver_sql(definitions().trigger_sql(name))


def rebuild(conn: Connection) -> None:
    """Inside a write transaction: every search table and trigger dropped and made again, filled from the book."""
    d = definitions()
    for name in d.TRIGGERS:
        conn.exec_driver_sql(f"DROP TRIGGER IF EXISTS {name}")
    for name in d.VIEWS:
        conn.exec_driver_sql(f"DROP VIEW IF EXISTS {name}")
    for name in d.TABLES:
        conn.exec_driver_sql(f"DROP TABLE IF EXISTS {name}")
    # A table dropped by hand may leave its shadow tables; CREATE VIRTUAL TABLE refuses to run over them.
    for (name,) in conn.exec_driver_sql(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND ("
        + " OR ".join(f"name LIKE '{t}\\_%' ESCAPE '\\'" for t in d.TABLES)
        + ")"
    ).all():
        conn.exec_driver_sql(f'DROP TABLE "{name}"')
    for sql in (*d.TABLES.values(), *d.VIEWS.values()):
        conn.exec_driver_sql(sql)
    for sql in d.fill():
        conn.exec_driver_sql(sql)
    for name in d.TRIGGERS:
        conn.exec_driver_sql(d.trigger_sql(name))


def problems(conn: sqlite3.Connection) -> list[str]:
    """What is wrong with the index, read only (empty when nothing is): missing tables or triggers, and rows
    indexed that are gone or rows not indexed (compared by id)."""
    d = definitions()
    held = {name: kind for name, kind in conn.execute("SELECT name, type FROM sqlite_master")}
    missing_tables = [name for name in d.TABLES if held.get(name) != "table"]
    missing_tables += [name for name in d.VIEWS if held.get(name) != "view"]
    if missing_tables:
        return [f"the search table{'s' if len(missing_tables) > 1 else ''} {', '.join(missing_tables)} missing"]
    found = []
    missing_triggers = [name for name in d.TRIGGERS if held.get(name) != "trigger"]
    if missing_triggers:
        more = ", ..." if len(missing_triggers) > 3 else ""
        found.append(
            f"{len(missing_triggers)} of its {len(d.TRIGGERS)} triggers missing ({', '.join(missing_triggers[:3])}{more})"
        )
    try:
        expected = {"search_contacts": ("contacts", "1")}
        expected.update({fts: (table, f"{column} != ''") for fts, (table, column) in d.EXTERNAL.items()})
        for fts, (table, indexed) in expected.items():
            lacking = conn.execute(
                f"SELECT count(*) FROM {table} t WHERE {indexed} "
                f"AND NOT EXISTS (SELECT 1 FROM {fts}_docsize d WHERE d.id = t.id)"
            ).fetchone()[0]
            stale = conn.execute(
                f"SELECT count(*) FROM {fts}_docsize d "
                f"WHERE NOT EXISTS (SELECT 1 FROM {table} t WHERE t.id = d.id AND {indexed})"
            ).fetchone()[0]
            if stale or lacking:
                found.append(f"{fts}: {lacking} rows not indexed, {stale} indexed that are gone")
        # Reading the index itself: a damaged one fails here (a search would too).
        for fts in d.TABLES:
            conn.execute(f"SELECT count(*) FROM {fts} WHERE {fts} MATCH 'keepwarmcheck*'").fetchone()
    except sqlite3.Error as exc:
        found.append(f"it cannot be read ({exc})")
    return found
