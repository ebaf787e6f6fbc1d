"""Why a person is held back: the user's snooze, or an import's spread of its new people.

An import that brings in more people than a day's worth gives each a first day
(io/spread.py), kept in `snoozed_until` as the user's own snooze is, so that
one mechanism holds every rule back to it. `held_by` says whose hold it is:
'' (the user's snooze, or none) or 'import' (the first touch an import planned),
so that the reason, the contact screen and `contact show` can tell a person the
user never snoozed from one they did. A person held before this revision keeps
'' (a snooze): the two could not be told apart then.

Revision ID: 0017
Revises: 0016
"""

import sqlalchemy as sa
from alembic import op

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("contacts", sa.Column("held_by", sa.String(), nullable=False, server_default=""))


def downgrade() -> None:
    # ALTER TABLE keeps the contacts' triggers (0007, 0009), which a batch's copy of the table would drop.
    op.execute("ALTER TABLE contacts DROP COLUMN held_by")
