"""Address books synced both ways: per source and card UID, the state of the last sync.

Where the card is and its etag, the digest of the synced fields both sides agreed on (the base of the
three-way comparison that tells a change on one side from a conflict), the contact it is matched to (set
to NULL when that contact is deleted, so the sync can report it rather than lose the card), and whether
the card waits for the user (a conflict, a deletion on either side, a contact kept out of the book).
No rule reads it: no trigger marks the engine.

Revision ID: 0014
Revises: 0013
"""

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "card_states",
        sa.Column("source", sa.String(), nullable=False),
        sa.Column("uid", sa.String(), nullable=False),
        sa.Column("href", sa.String(), nullable=False),
        sa.Column("etag", sa.String(), nullable=False),
        sa.Column("base", sa.String(), nullable=False),
        sa.Column("contact_id", sa.Integer(), nullable=True),
        sa.Column("state", sa.String(), nullable=False),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.Column("synced_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["contact_id"], ["contacts.id"], name=op.f("fk_card_states_contact_id_contacts"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("source", "uid", name=op.f("pk_card_states")),
    )
    op.create_index("ix_card_states_contact_id", "card_states", ["contact_id"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_card_states_contact_id", table_name="card_states")
    op.drop_table("card_states")
