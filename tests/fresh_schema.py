"""A new, empty keepwarm database made as a page copy of the one Alembic built once, not by Alembic each time.

Most tests open a new database (through the CLI, a `Session` or `Store.open`),
and Alembic loads and runs every migration script for each: about a tenth of
a second of CPU per database, more in wall time, over a thousand times a run.
So each test process migrates one database for real and keeps a copy of it in
memory (`migrated_template`), and `Store.open` of a new file then copies those
pages into the new file (SQLite's backup API) on the same connection, instead
of Alembic. Replaying the schema's SQL (an `iterdump`) did the same in 10 ms of
CPU a database, SQLite parsing the schema again after each of its 136
statements; the page copy takes 3 ms, and is Alembic's database page for page
(tables, indexes, triggers, the search index's virtual tables, the rows the
migrations seed, `alembic_version`, `user_version`). Everything else about
opening stays real: the private file, the pragmas (WAL stays on: the copy keeps
the destination's journal mode), `migrate.inspect`, the sweep of left-over files.

Only the upgrade of an EMPTY database to head is copied; any other upgrade
(an old schema, a named revision) runs Alembic as before, and the modules in
`REAL_MIGRATIONS` always run it. tests/test_testing_fresh_schema.py holds the
copied database equal to Alembic's, so the shortcut cannot drift.
"""

from __future__ import annotations

import sqlite3
import tempfile
import threading
from pathlib import Path

#: Test modules about migrating itself: they always run Alembic.
REAL_MIGRATIONS = frozenset({"test_migrations", "test_reliability_crash", "test_testing_fresh_schema"})


class Template:
    """An empty database at head, in memory, copied page for page into new database files."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn
        self._lock = threading.Lock()  # one copy at a time: the TUI opens databases from worker threads

    def copy_into(self, raw: sqlite3.Connection) -> None:
        with self._lock:
            self._conn.backup(raw)


def migrated_template() -> Template:
    """An empty database at head, from one real `Store.open` (Alembic), held in memory."""
    from keepwarm.store import Store

    template = sqlite3.connect(":memory:", check_same_thread=False)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "template.db"
        Store.open(path).engine.dispose()
        raw = sqlite3.connect(path)
        try:
            raw.backup(template)
        finally:
            raw.close()
    return Template(template)


def replaying_upgrade(real_upgrade, template: Template):
    """`migrate.upgrade` that copies `template` into an empty database going to head, and calls Alembic otherwise."""
    from keepwarm.store import migrate

    def upgrade(conn, revision: str = "head") -> None:
        if revision != "head" or not migrate.inspect(conn).empty:
            return real_upgrade(conn, revision)
        conn.commit()  # the read `inspect` began: the copy takes the file's write lock itself
        template.copy_into(conn.connection.dbapi_connection)

    return upgrade
