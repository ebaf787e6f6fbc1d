"""Each contact's health week by week, for the charts of a contact's, an account's and the book's health.

Health cannot be worked out again for a past day: the warnings that shape it are plugins' conclusions
as of the run, and the statistics read all-time totals. So what the runs concluded is kept, a row per
contact per week in which its score or band changed (store/health_history.py keeps it bounded). The
stored results of the last run start it: one row per contact, in the week of that run.

Revision ID: 0015
Revises: 0014
"""

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "health_history",
        sa.Column("contact_id", sa.Integer(), nullable=False, autoincrement=False),
        sa.Column("week", sa.Date(), nullable=False),
        sa.Column("score", sa.Integer(), nullable=False),
        sa.Column("band", sa.String(), nullable=False),
        sa.ForeignKeyConstraint(
            ["contact_id"], ["contacts.id"], name=op.f("fk_health_history_contact_id_contacts"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("contact_id", "week", name=op.f("pk_health_history")),
        sqlite_with_rowid=False,
    )
    # The Monday starting the week of the last run ('weekday 0' is the Sunday ending it; PostgreSQL's weeks
    # start on Mondays).
    server = op.get_bind().dialect.name == "postgresql"
    monday = "date_trunc('week', r.evaluated_on)::date" if server else "date(r.evaluated_on, 'weekday 0', '-6 days')"
    op.execute(
        "INSERT INTO health_history (contact_id, week, score, band) "
        f"SELECT s.contact_id, {monday}, s.score, s.band "
        "FROM contact_snapshots AS s JOIN snapshot_runs AS r ON r.id = 1"
    )


def downgrade() -> None:
    op.drop_table("health_history")
