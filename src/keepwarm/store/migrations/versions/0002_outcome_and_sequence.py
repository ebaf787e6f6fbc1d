"""Interaction outcomes (declined, cancelled meetings) and follow-up sequence numbers.

Outcomes feed the access-restriction warning; the sequence number rises each
time a follow-up changes so calendar clients replace their copy of the event.

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("interactions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("outcome", sa.String(), nullable=False, server_default="completed"))
    with op.batch_alter_table("followups", schema=None) as batch_op:
        batch_op.add_column(sa.Column("sequence", sa.Integer(), nullable=False, server_default="0"))


def downgrade() -> None:
    with op.batch_alter_table("followups", schema=None) as batch_op:
        batch_op.drop_column("sequence")
    with op.batch_alter_table("interactions", schema=None) as batch_op:
        batch_op.drop_column("outcome")
