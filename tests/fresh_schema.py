"""A new, empty keepwarm database made by replaying the schema Alembic built once, not by Alembic each time.

Most tests open a new database (through the CLI, a `Session` or `Store.open`),
and Alembic loads and runs every migration script for each: about a tenth of
a second of CPU per database, more in wall time, over a thousand times a run.
So each test process migrates one database for real, dumps it (`iterdump`:
tables, indexes, triggers, the rows the migrations seed, `alembic_version`),
and `Store.open` of a new file then replays that dump instead, on the same
connection, in one transaction. Everything else about opening stays real: the
private file, the pragmas, `migrate.inspect`, the sweep of left-over files.

Only the upgrade of an EMPTY database to head is replayed; any other upgrade
(an old schema, a named revision) runs Alembic as before, and the modules in
`REAL_MIGRATIONS` always run it. tests/test_testing_fresh_schema.py holds the
replayed database equal to Alembic's, so the shortcut cannot drift.
"""

from __future__ import annotations

import sqlite3
import tempfile
from functools import partial
from pathlib import Path

#: Test modules about migrating itself: they always run Alembic.
REAL_MIGRATIONS = frozenset({"test_migrations", "test_reliability_crash", "test_testing_fresh_schema"})


def migrated_dump() -> list[str]:
    """The statements that rebuild an empty database at head, taken from one real `Store.open`."""
    from keepwarm.store import Store

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "template.db"
        Store.open(path).engine.dispose()
        raw = sqlite3.connect(path)
        try:
            lines = list(raw.iterdump())
            virtual = dict(raw.execute("SELECT name, sql FROM sqlite_master WHERE sql LIKE 'CREATE VIRTUAL TABLE%'"))
            shadows = [row[1] for row in raw.execute("PRAGMA main.table_list") if row[2] == "shadow"]
        finally:
            raw.close()
    return [line for line in map(partial(_virtual, virtual, shadows), lines) if line is not None]


def _virtual(virtual: dict[str, str], shadows: list[str], line: str) -> str | None:
    """A dump's line as it can be replayed: iterdump writes a virtual table (the search index, migration 0013)
    into sqlite_master by hand and its shadow tables as tables; the CREATE VIRTUAL TABLE makes them all."""
    if line in ("BEGIN TRANSACTION;", "COMMIT;"):
        return None
    if line.startswith("INSERT INTO sqlite_master("):
        for name, sql in virtual.items():
            if f"VALUES('table','{name}','{name}'," in line:
                return sql + ";"
    for name in shadows:
        if line.startswith((f"CREATE TABLE '{name}'", f'INSERT INTO "{name}" ')):
            return None
    return line


def replaying_upgrade(real_upgrade, dump: list[str]):
    """`migrate.upgrade` that replays `dump` on an empty database going to head, and calls Alembic otherwise."""
    from keepwarm.store import migrate

    def upgrade(conn, revision: str = "head") -> None:
        if revision != "head" or not migrate.inspect(conn).empty:
            return real_upgrade(conn, revision)
        for statement in dump:
            conn.exec_driver_sql(statement)
        conn.commit()

    return upgrade
