"""Schema versions, through Alembic.

The store migrates on open. The list of revisions is fixed by the scripts in
`migrations/versions`; `HEAD` is repeated here so that opening an up-to-date
database does not have to load Alembic at all (a test keeps the two in step).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Connection, text

from ..errors import StoreError
from . import dialect

#: Oldest first. A test checks this against Alembic's own view of the scripts.
REVISIONS: tuple[str, ...] = (
    "0001",
    "0002",
    "0003",
    "0004",
    "0005",
    "0006",
    "0007",
    "0008",
    "0009",
    "0010",
    "0011",
    "0012",
    "0013",
    "0014",
    "0015",
    "0016",
    "0017",
    "0018",
    "0019",
    "0020",
    "0021",
)
HEAD = REVISIONS[-1]
MIGRATIONS_DIR = Path(__file__).with_name("migrations")


@dataclass(frozen=True)
class SchemaState:
    current: str | None
    empty: bool

    @property
    def needs_upgrade(self) -> bool:
        return self.current != HEAD


def inspect(conn: Connection) -> SchemaState:
    tables = dialect.table_names(conn)
    if not tables:
        return SchemaState(current=None, empty=True)
    if "alembic_version" not in tables:
        raise StoreError("is not a keepwarm database (it holds other tables)")
    row = conn.execute(text("SELECT version_num FROM alembic_version")).first()
    current = row[0] if row else None
    if current is not None and current not in REVISIONS:
        raise StoreError(
            f"was written by a newer keepwarm (schema {current}); this program knows schemas up to {HEAD}. "
            "Upgrade keepwarm to open it; the file was not changed"
        )
    return SchemaState(current=current, empty=False)


def alembic_config(conn: Connection | None = None):
    from alembic.config import Config  # lazy for start-up: alembic loads only when the schema must change

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    if conn is not None:
        cfg.attributes["connection"] = conn
    return cfg


def upgrade(conn: Connection, revision: str = "head") -> None:
    upgrade_within(conn, revision)
    if conn.in_transaction():
        conn.commit()


def upgrade_within(conn: Connection, revision: str = "head") -> None:
    """The upgrade, inside the caller's transaction and left for it to commit or roll back: on a server the
    schema is transactional, so `migrate-to` makes the schema and copies the rows all at once or not at all."""
    from alembic import command  # lazy for start-up: alembic loads only when the schema must change

    command.upgrade(alembic_config(conn), revision)
