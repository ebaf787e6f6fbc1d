"""Which contacts and accounts changed since the engine last evaluated them, marked by the database itself.

The incremental engine evaluates only what changed. Every writer (the CLI, the
app, imports, syncs, restores, another process, a user's own SQL) goes through
SQLite, so the marks are made by triggers on every table a contact's result
reads: its interactions, promises, follow-ups, assessments, its own row and its
child rows (a contact's row or account changing marks its account too, whose
warnings read every member), and the account's row. A mark is a row with an
increasing number (AUTOINCREMENT never reuses one): a run remembers the
highest it read and clears only up to it, so a change made while it ran is
evaluated by the next run.

The stored results gain what an agenda row shows and a run must not lose: the
health's terms, the problems plugins had, and the state they were worked out
under (snapshot_runs.state), and each contact's advice with the state and the
book's version it was worked out at (advice reads the whole network: any change
anywhere makes it stale). Stored results are derived: the ones an earlier
version stored are dropped, and the next run stores them whole.

Revision ID: 0007
Revises: 0006
"""

import sqlalchemy as sa
from alembic import op

from keepwarm.store import triggers

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

CONTACT = "INSERT OR REPLACE INTO engine_marks (contact_id) VALUES ({});"
ACCOUNT = "INSERT OR REPLACE INTO engine_account_marks (account_id) SELECT {0} WHERE {0} IS NOT NULL;"

#: Tables whose rows belong to one contact (column contact_id).
PER_CONTACT = (
    "interactions",
    "commitments",
    "followups",
    "assessments",
    "contact_emails",
    "contact_phones",
    "contact_tags",
    "contact_dates",
)


def _triggers() -> dict[str, str]:
    out = {}
    for table in PER_CONTACT:
        out[f"trg_{table}_marks_insert"] = f"AFTER INSERT ON {table} BEGIN {CONTACT.format('NEW.contact_id')} END"
        out[f"trg_{table}_marks_delete"] = f"AFTER DELETE ON {table} BEGIN {CONTACT.format('OLD.contact_id')} END"
        out[f"trg_{table}_marks_update"] = (
            f"AFTER UPDATE ON {table} BEGIN {CONTACT.format('OLD.contact_id')} {CONTACT.format('NEW.contact_id')} END"
        )
    out["trg_contacts_marks_insert"] = (
        f"AFTER INSERT ON contacts BEGIN {CONTACT.format('NEW.id')} {ACCOUNT.format('NEW.account_id')} END"
    )
    out["trg_contacts_marks_update"] = (
        f"AFTER UPDATE ON contacts BEGIN {CONTACT.format('NEW.id')} {ACCOUNT.format('OLD.account_id')} "
        f"{ACCOUNT.format('NEW.account_id')} END"
    )
    out["trg_contacts_marks_delete"] = f"AFTER DELETE ON contacts BEGIN {ACCOUNT.format('OLD.account_id')} END"
    out["trg_accounts_marks_update"] = f"AFTER UPDATE ON accounts BEGIN {ACCOUNT.format('NEW.id')} END"
    return out


def upgrade() -> None:
    for table in ("contact_snapshots", "account_snapshots", "snapshot_runs"):
        op.execute(f"DELETE FROM {table}")
    with op.batch_alter_table("contact_snapshots") as batch:
        batch.add_column(sa.Column("terms", sa.Text(), nullable=False, server_default="[]"))
        batch.add_column(sa.Column("advice", sa.Text()))
    with op.batch_alter_table("snapshot_runs") as batch:
        batch.add_column(sa.Column("state", sa.String()))
        batch.add_column(sa.Column("reads_network", sa.Boolean(), nullable=False, server_default=sa.false()))
        batch.add_column(sa.Column("problems", sa.Text()))
        batch.add_column(sa.Column("advice_key", sa.String()))
    op.create_table(
        "engine_marks",
        sa.Column("mark", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("contact_id", sa.Integer(), nullable=False),
        sa.UniqueConstraint("contact_id", name=op.f("uq_engine_marks_contact_id")),
        sqlite_autoincrement=True,
    )
    op.create_table(
        "engine_account_marks",
        sa.Column("mark", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.UniqueConstraint("account_id", name=op.f("uq_engine_account_marks_account_id")),
        sqlite_autoincrement=True,
    )
    # What an existing book holds has never been evaluated by an incremental run: everything is marked.
    op.execute("INSERT INTO engine_marks (contact_id) SELECT id FROM contacts")
    op.execute("INSERT INTO engine_account_marks (account_id) SELECT id FROM accounts")
    for name, body in _triggers().items():
        triggers.create(name, body)


def downgrade() -> None:
    for name in _triggers():
        op.execute(f"DROP TRIGGER IF EXISTS {name}")
    op.drop_table("engine_account_marks")
    op.drop_table("engine_marks")
    with op.batch_alter_table("snapshot_runs") as batch:
        batch.drop_column("advice_key")
        batch.drop_column("problems")
        batch.drop_column("reads_network")
        batch.drop_column("state")
    with op.batch_alter_table("contact_snapshots") as batch:
        batch.drop_column("advice")
        batch.drop_column("terms")
