"""Who knows whom: links between two contacts (reports to, introduced by, partner, former colleague,
mentor of, or a label of the user's own), shown on each of them.

No rule reads a link yet, so no trigger marks the engine when one is written (as the notes of 0011).
Deleting either contact deletes the link. A link joins two people, never one to themselves.

Revision ID: 0012
Revises: 0011
"""

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "contact_links",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("contact_id", sa.Integer(), nullable=False),
        sa.Column("other_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(), nullable=False),
        sa.Column("label", sa.String(), nullable=False, server_default=""),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint("contact_id != other_id", name=op.f("ck_contact_links_not_self")),
        sa.ForeignKeyConstraint(
            ["contact_id"], ["contacts.id"], name=op.f("fk_contact_links_contact_id_contacts"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["other_id"], ["contacts.id"], name=op.f("fk_contact_links_other_id_contacts"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contact_links")),
        sa.UniqueConstraint("contact_id", "other_id", "kind", "label", name=op.f("uq_contact_links_contact_id")),
    )
    op.create_index("ix_contact_links_other_id", "contact_links", ["other_id"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_contact_links_other_id", table_name="contact_links")
    op.drop_table("contact_links")
