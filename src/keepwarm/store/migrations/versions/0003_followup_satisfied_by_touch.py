"""Follow-ups remember whether any logged touch completes them.

A cadence follow-up is met by any conversation; a promise follow-up only by
keeping the promise. Logging an interaction reads this flag.

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("followups", schema=None) as batch_op:
        batch_op.add_column(sa.Column("satisfied_by_touch", sa.Boolean(), nullable=False, server_default=sa.true()))


def downgrade() -> None:
    with op.batch_alter_table("followups", schema=None) as batch_op:
        batch_op.drop_column("satisfied_by_touch")
