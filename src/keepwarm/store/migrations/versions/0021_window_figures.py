"""Each contact's windowed statistics kept from one run to the next, so that a new day reads only what moved.

The first run of a day read every row of every contact's recent and baseline
windows again (and matched the note signals' words in every recent note),
although the windows move by one day. The figures a run read are kept per
contact with the bounds they were read over; the next run reads again only the
contacts with an interaction between the old and the new bounds, or marked
changed since (engine/stats.py). Derived: an existing book starts with none.

Revision ID: 0021
Revises: 0020
"""

import importlib

import sqlalchemy as sa
from alembic import op

revision = "0021"
down_revision = "0020"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "window_figures",
        sa.Column("contact_id", sa.Integer(), nullable=False, autoincrement=False),
        sa.Column("bounds", sa.String(), nullable=False),
        sa.Column("figures", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["contact_id"], ["contacts.id"], name=op.f("fk_window_figures_contact_id_contacts"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("contact_id", name=op.f("pk_window_figures")),
    )
    # A contact's figures are seen as the contact is (0019's row security, on a server book).
    importlib.import_module("keepwarm.store.migrations.versions.0019_users").secure_derived("window_figures")


def downgrade() -> None:
    op.drop_table("window_figures")
