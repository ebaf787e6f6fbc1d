"""Each person's own rhythm and snooze, on the contact's row.

`rhythm_days` is the keep-in-touch interval the user set for this person (the
routine rhythm uses it in place of the tier, role and stage limits);
`snoozed_until` the day before which nothing is due for them. Both live on the
contact's row, so setting or clearing one is a change of that row: the triggers
of migration 0007 mark the contact for the incremental engine, as any edit does.

Revision ID: 0010
Revises: 0009
"""

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("contacts", sa.Column("rhythm_days", sa.Integer(), nullable=True))
    op.add_column("contacts", sa.Column("snoozed_until", sa.Date(), nullable=True))


def downgrade() -> None:
    # ALTER TABLE keeps the contacts' triggers (0007, 0009), which a batch's copy of the table would drop.
    op.execute("ALTER TABLE contacts DROP COLUMN snoozed_until")
    op.execute("ALTER TABLE contacts DROP COLUMN rhythm_days")
