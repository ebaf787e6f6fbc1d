"""The stored results gain what the dashboard and the lists read besides the health.

Each contact's rhythm (the cadence rules' interval, worked out by plugins) and
the few statistics the screens show (last touch, recent touches, inbound and
unprompted inbound, overdue promises each way) are stored with its score, so
that `dashboard` and the lists of contacts and accounts read the stored results
instead of running the engine over the whole book. Stored results are derived:
the ones an earlier version stored are dropped, and the next run stores them whole.

Revision ID: 0008
Revises: 0007
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

COUNTS = (
    "touches_recent",
    "inbound_recent",
    "unprompted_inbound_recent",
    "overdue_promises_mine",
    "overdue_promises_theirs",
)


def upgrade() -> None:
    for table in ("contact_snapshots", "account_snapshots", "snapshot_runs"):
        op.execute(f"DELETE FROM {table}")
    with op.batch_alter_table("contact_snapshots") as batch:
        batch.add_column(sa.Column("interval_days", sa.Integer()))
        batch.add_column(sa.Column("last_touch", sa.DateTime()))
        for name in COUNTS:
            batch.add_column(sa.Column(name, sa.Integer()))


def downgrade() -> None:
    with op.batch_alter_table("contact_snapshots") as batch:
        for name in reversed(COUNTS):
            batch.drop_column(name)
        batch.drop_column("last_touch")
        batch.drop_column("interval_days")
