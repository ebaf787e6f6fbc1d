"""Per-contact all-time totals kept by triggers, and an index for the windowed statistics.

The engine's statistics used to aggregate the whole history on every run. The
all-time figures (first and last touch overall and per kind, totals) now live
in `contact_totals`, which SQLite itself keeps right for every writer: the
CLI, imports, restore, the generator and other processes alike. An insert
adds to its contact's row; an update or delete recomputes that one contact's
row from its indexed history. Only completed touches count, as before.

`ix_interactions_window` covers the columns the recent and baseline figures
read, so those scans only visit the index entries inside the windows.

The SQL is spelled out here, not imported, so that this revision stays what it
was when later ones change the code. A later migration that rebuilds
`interactions` (Alembic's batch mode copies the table) drops these triggers and
must create them again.

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

from keepwarm.store import triggers

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

# Spelled as OR chains, not `IN (...)`: in a trigger SQLite builds a temporary table for every IN list
# on every row, which made each insert four times dearer.
WRITTEN = ("email", "letter", "text")
VALUE_ADDS = ("value_article", "value_introduction", "value_review", "value_resource")


def _one_of(column: str, values: tuple[str, ...]) -> str:
    return "(" + " OR ".join(f"{column} = '{value}'" for value in values) + ")"


#: Latest date of a completed touch of each kind: column -> condition on the row ({r} is NEW, OLD or the table).
LATEST = {
    "last_outbound": "{r}direction = 'outbound'",
    "last_inbound": "{r}direction = 'inbound'",
    "last_meeting": "{r}channel = 'meeting'",
    "last_written_outbound": "{r}direction = 'outbound' AND " + _one_of("{r}channel", WRITTEN),
    "last_value_add": _one_of("{r}purpose", VALUE_ADDS),
    "last_celebration": "{r}purpose = 'celebration'",
    "last_entertainment": "{r}purpose = 'entertainment'",
    "last_recovery": "{r}purpose = 'recovery'",
    "last_favor_asked": "{r}purpose = 'favor_asked' AND {r}direction = 'outbound'",
}
#: Counts of completed touches of each kind (touches_total counts them all).
COUNTS = {
    "inbound_total": "{r}direction = 'inbound'",
    "outbound_total": "{r}direction = 'outbound'",
    "favors_asked_total": "{r}purpose = 'favor_asked' AND {r}direction = 'outbound'",
    "favors_received_total": "{r}purpose = 'favor_received'",
    "value_adds_total": _one_of("{r}purpose", VALUE_ADDS),
}
COLUMNS = ["contact_id", "first_touch", "last_touch", *LATEST, "touches_total", *COUNTS]
WINDOW_INDEX = ("contact_id", "at", "outcome", "direction", "purpose", "responded", "response_hours", "sentiment")


def _insert_row() -> str:
    """One completed touch added to its contact's row (created on the first)."""
    values = ["NEW.contact_id", "NEW.at", "NEW.at"]
    values += [f"CASE WHEN {cond.format(r='NEW.')} THEN NEW.at END" for cond in LATEST.values()]
    values += ["1"] + [f"({cond.format(r='NEW.')})" for cond in COUNTS.values()]
    updates = [
        "first_touch = min(first_touch, excluded.first_touch)",
        "last_touch = max(last_touch, excluded.last_touch)",
    ]
    updates += [f"{col} = coalesce(max({col}, excluded.{col}), {col}, excluded.{col})" for col in LATEST]
    updates += ["touches_total = touches_total + 1"]
    updates += [f"{col} = {col} + excluded.{col}" for col in COUNTS]
    return (
        f"INSERT INTO contact_totals ({', '.join(COLUMNS)}) VALUES ({', '.join(values)}) "
        f"ON CONFLICT (contact_id) DO UPDATE SET {', '.join(updates)};"
    )


def _recompute(contact: str, only_if: str = "1") -> str:
    """The row of one contact rebuilt from its history (none when it has no completed touch, or is being deleted)."""
    aggregates = ["contact_id", "min(at)", "max(at)"]
    aggregates += [f"max(CASE WHEN {cond.format(r='')} THEN at END)" for cond in LATEST.values()]
    aggregates += ["count(*)"] + [f"sum({cond.format(r='')})" for cond in COUNTS.values()]
    return (
        f"DELETE FROM contact_totals WHERE contact_id = {contact} AND {only_if};\n"
        f"INSERT INTO contact_totals ({', '.join(COLUMNS)}) SELECT {', '.join(aggregates)} FROM interactions "
        f"WHERE contact_id = {contact} AND outcome = 'completed' AND {only_if} "
        f"AND EXISTS (SELECT 1 FROM contacts WHERE id = {contact}) GROUP BY contact_id;"
    )


def _backfill() -> str:
    aggregates = ["contact_id", "min(at)", "max(at)"]
    aggregates += [f"max(CASE WHEN {cond.format(r='')} THEN at END)" for cond in LATEST.values()]
    aggregates += ["count(*)"] + [f"sum({cond.format(r='')})" for cond in COUNTS.values()]
    return (
        f"INSERT INTO contact_totals ({', '.join(COLUMNS)}) SELECT {', '.join(aggregates)} FROM interactions "
        "WHERE outcome = 'completed' GROUP BY contact_id"
    )


TRIGGERS = {
    "trg_interactions_totals_insert": (
        "AFTER INSERT ON interactions WHEN NEW.outcome = 'completed'",
        _insert_row(),
    ),
    "trg_interactions_totals_update": (
        "AFTER UPDATE OF contact_id, at, channel, direction, purpose, outcome ON interactions "
        "WHEN OLD.outcome = 'completed' OR NEW.outcome = 'completed'",
        _recompute("OLD.contact_id") + "\n" + _recompute("NEW.contact_id", "NEW.contact_id != OLD.contact_id"),
    ),
    "trg_interactions_totals_delete": (
        "AFTER DELETE ON interactions WHEN OLD.outcome = 'completed'",
        _recompute("OLD.contact_id"),
    ),
}


def upgrade() -> None:
    latest = [sa.Column(col, sa.DateTime(), nullable=True) for col in ("first_touch", "last_touch", *LATEST)]
    counts = [sa.Column(col, sa.Integer(), nullable=False, server_default="0") for col in ("touches_total", *COUNTS)]
    op.create_table(
        "contact_totals",
        sa.Column("contact_id", sa.Integer(), nullable=False),
        *latest,
        *counts,
        sa.ForeignKeyConstraint(
            ["contact_id"], ["contacts.id"], name=op.f("fk_contact_totals_contact_id_contacts"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("contact_id", name=op.f("pk_contact_totals")),
    )
    triggers.execute(_backfill())
    for name, (when, body) in TRIGGERS.items():
        triggers.create(name, f"{when}\nBEGIN\n{body}\nEND")
    op.create_index("ix_interactions_window", "interactions", list(WINDOW_INDEX))


def downgrade() -> None:
    op.drop_index("ix_interactions_window", table_name="interactions")
    for name in TRIGGERS:
        op.execute(f"DROP TRIGGER IF EXISTS {name}")
    op.drop_table("contact_totals")
