"""The search index's contact triggers made small: a contact's searchable text is one view.

0013's triggers each carried the whole text of a contact (their fields, e-mails, phones,
tags, account and notes, each folded for Greek and Cyrillic): 100 KB of trigger SQL that
SQLite parses again on every connection, about 4 ms of every command's start. The text is
now the view `search_contact_text`, written once, and each trigger refreshes a contact's row
from it (`SELECT ... WHERE id = ...`, which SQLite pushes into the view). What is indexed is
the same; the touches', promises' and notes' triggers are 0013's.

Revision ID: 0018
Revises: 0017
"""

from __future__ import annotations

import importlib

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None

#: 0013, which defines the tables, the folding and the other triggers (imported by its module name: Alembic loads
#: this file outside its package).
BASE = importlib.import_module("keepwarm.store.migrations.versions.0013_search_index")

EXTERNAL = BASE.EXTERNAL
TABLES = BASE.TABLES
ACCENTED = BASE.ACCENTED
PLAIN = BASE.PLAIN
external_fill = BASE.external_fill

VIEW = "search_contact_text"
VIEWS = {VIEW: f"CREATE VIEW {VIEW} AS {BASE.contact_select('1')}"}
_COLUMNS = ", ".join(BASE.CONTACT_COLUMNS)


def _documents(where: str) -> str:
    return f"INSERT INTO search_contacts (rowid, {_COLUMNS}) SELECT * FROM {VIEW} WHERE {where};"


def _refresh(contact: str) -> str:
    return f"DELETE FROM search_contacts WHERE rowid = {contact};\n" + _documents(f"id = {contact}")


#: 0013's triggers, those that write a contact's row reading it from the view.
TRIGGERS = {
    **BASE.TRIGGERS,
    **BASE.contact_triggers(_refresh, _documents("id IN (SELECT id FROM contacts WHERE account_id = NEW.id)")),
}
#: The triggers this revision wrote again (the rest are 0013's as they were).
CHANGED = [name for name in TRIGGERS if TRIGGERS[name] != BASE.TRIGGERS[name]]


def trigger_sql(name: str) -> str:
    return BASE.trigger_sql(name, TRIGGERS)


def fill() -> list[str]:
    """Every index filled from what the book holds, set-based (the tables empty)."""
    return [_documents("1"), *(external_fill(fts) for fts in EXTERNAL)]


def upgrade() -> None:
    from alembic import op  # lazy for start-up: the store reads this module's definitions without Alembic

    if op.get_bind().dialect.name == "postgresql":
        return  # 0013's index is SQLite's alone (see there)
    for name in CHANGED:
        op.execute(f"DROP TRIGGER IF EXISTS {name}")
    for sql in VIEWS.values():
        op.execute(sql)
    for name in CHANGED:
        op.execute(trigger_sql(name))


def downgrade() -> None:
    from alembic import op  # lazy for start-up (see upgrade)

    for name in CHANGED:
        op.execute(f"DROP TRIGGER IF EXISTS {name}")
    for name in VIEWS:
        op.execute(f"DROP VIEW IF EXISTS {name}")
    for name in CHANGED:
        op.execute(BASE.trigger_sql(name))
