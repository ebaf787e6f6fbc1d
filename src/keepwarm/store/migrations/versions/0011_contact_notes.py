"""Dated notes on a person: things to remember (family, preferences, gift ideas, how we met).

A note is not a touch: no rule reads it, so no trigger marks the engine when one
is written (migrations 0007 and 0009 mark for the tables results read), and a
note never moves anyone's cadence or health. Deleting a contact deletes their
notes with them, as their history.

Revision ID: 0011
Revises: 0010
"""

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "contact_notes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("contact_id", sa.Integer(), nullable=False),
        sa.Column("on", sa.Date(), nullable=False),
        sa.Column("kind", sa.String(), nullable=False, server_default="other"),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["contact_id"], ["contacts.id"], name=op.f("fk_contact_notes_contact_id_contacts"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contact_notes")),
    )
    op.create_index("ix_contact_notes_contact_id_on", "contact_notes", ["contact_id", "on"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_contact_notes_contact_id_on", table_name="contact_notes")
    op.drop_table("contact_notes")
