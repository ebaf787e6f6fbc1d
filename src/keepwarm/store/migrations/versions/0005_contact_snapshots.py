"""What the last engine run concluded about each contact, for a first paint that does not wait for the engine.

An agenda row shows the contact's health and warnings, which only an engine run
over the book can work out (seconds at 10,000 contacts). The run now stores
them per contact, in the same transaction as the follow-ups it reconciles, so
the TUI can paint the stored agenda at once and replace it when its own run
finishes. Derived data: never part of a backup, rebuilt by the next run.

A row holds the score, band and warnings (not the health's terms: the engine's
own rows bring those). An account's warnings are shared by all its members (one
account has hundreds): they are stored once per account, and each contact row
names the account whose warnings follow its own. `digest` lets a run skip rows
that did not change without reading their text back, and the run's date is
stored once (`snapshot_runs`, one row), so a new day rewrites no unchanged row.

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "contact_snapshots",
        sa.Column("contact_id", sa.Integer(), nullable=False),
        sa.Column("score", sa.Integer(), nullable=False),
        sa.Column("band", sa.String(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=True),
        # 64 bits (a hash): SQLite's INTEGER holds them, the server's needs its BIGINT
        sa.Column("digest", sa.Integer().with_variant(sa.BigInteger(), "postgresql"), nullable=False),
        # The text last: a run compares digests without reading its overflow pages.
        sa.Column("warnings", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["contact_id"], ["contacts.id"], name=op.f("fk_contact_snapshots_contact_id_contacts"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("contact_id", name=op.f("pk_contact_snapshots")),
    )
    op.create_table(
        "account_snapshots",
        sa.Column("account_id", sa.Integer(), nullable=False),
        # 64 bits (a hash): SQLite's INTEGER holds them, the server's needs its BIGINT
        sa.Column("digest", sa.Integer().with_variant(sa.BigInteger(), "postgresql"), nullable=False),
        sa.Column("warnings", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"], ["accounts.id"], name=op.f("fk_account_snapshots_account_id_accounts"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("account_id", name=op.f("pk_account_snapshots")),
    )
    op.create_table(
        "snapshot_runs",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("evaluated_on", sa.Date(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_snapshot_runs")),
    )


def downgrade() -> None:
    op.drop_table("snapshot_runs")
    op.drop_table("account_snapshots")
    op.drop_table("contact_snapshots")
