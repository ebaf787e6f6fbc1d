"""What mail and calendar sources read, and the touches they bring.

A source (a Maildir, an IMAP account, a calendar) is read into `captures`:
one row per message or event with the people on it by address and the ids it
replies to, whether or not anyone on it is a contact yet. Touches are made
from captures for the addresses that are contacts' e-mails; `capture_id` on
`interactions` names where a touch came from, so re-syncing adds nothing
twice and an edited or deleted event updates or removes its touch. `in_reply`
marks an inbound message that answered one of mine (a reply is not
unprompted). `source_state` keeps where each source stopped.

Columns are added with plain ALTER TABLE (no table rebuild), so the triggers
of 0004 stay as they are.

Revision ID: 0006
Revises: 0005
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("interactions", sa.Column("capture_id", sa.Integer(), nullable=True))
    op.add_column("interactions", sa.Column("in_reply", sa.Boolean(), nullable=True))
    op.create_index(op.f("ix_interactions_capture_id"), "interactions", ["capture_id"])
    # The windowed statistics read `in_reply` too (a reply is not unprompted): the covering index takes it.
    op.drop_index("ix_interactions_window", table_name="interactions")
    op.create_index(
        "ix_interactions_window",
        "interactions",
        ["contact_id", "at", "outcome", "direction", "purpose", "responded", "response_hours", "sentiment", "in_reply"],
    )
    op.create_table(
        "captures",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(), nullable=False),
        sa.Column("external_id", sa.String(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("channel", sa.String(), nullable=False),
        sa.Column("purpose", sa.String(), nullable=True),
        sa.Column("outcome", sa.String(), nullable=False),
        sa.Column("from_me", sa.Boolean(), nullable=False),
        sa.Column("message_id", sa.String(), nullable=True),
        sa.Column("sequence", sa.Integer(), server_default="0", nullable=False),
        sa.Column("subject", sa.Text(), nullable=True),
        sa.Column("moved", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("digest", sa.String(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_captures")),
        sa.UniqueConstraint("source", "external_id", name=op.f("uq_captures_source_external_id")),
    )
    op.create_index(op.f("ix_captures_message_id"), "captures", ["message_id"])
    op.create_index(op.f("ix_captures_source_at"), "captures", ["source", "at"])
    op.create_table(
        "capture_people",
        sa.Column("capture_id", sa.Integer(), nullable=False),
        sa.Column("address", sa.String(), nullable=False),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("role", sa.String(), nullable=False),
        sa.Column("status", sa.String(), nullable=False),
        sa.ForeignKeyConstraint(
            ["capture_id"], ["captures.id"], name=op.f("fk_capture_people_capture_id_captures"), ondelete="CASCADE"
        ),
    )
    op.create_index(op.f("ix_capture_people_address"), "capture_people", ["address"])
    op.create_index(op.f("ix_capture_people_capture_id"), "capture_people", ["capture_id"])
    op.create_table(
        "capture_refs",
        sa.Column("capture_id", sa.Integer(), nullable=False),
        sa.Column("ref", sa.String(), nullable=False),
        sa.ForeignKeyConstraint(
            ["capture_id"], ["captures.id"], name=op.f("fk_capture_refs_capture_id_captures"), ondelete="CASCADE"
        ),
    )
    op.create_index(op.f("ix_capture_refs_ref"), "capture_refs", ["ref"])
    op.create_index(op.f("ix_capture_refs_capture_id"), "capture_refs", ["capture_id"])
    op.create_table(
        "ignored_addresses",
        sa.Column("address", sa.String(), nullable=False),
        sa.Column("ignored_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("address", name=op.f("pk_ignored_addresses")),
    )
    op.create_table(
        "source_state",
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("kind", sa.String(), nullable=False),
        sa.Column("cursor", sa.Text(), nullable=False),
        sa.Column("synced_at", sa.DateTime(), nullable=True),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_source_state")),
    )


def downgrade() -> None:
    op.drop_table("source_state")
    op.drop_table("ignored_addresses")
    op.drop_table("capture_refs")
    op.drop_table("capture_people")
    op.drop_table("captures")
    op.drop_index(op.f("ix_interactions_capture_id"), table_name="interactions")
    op.drop_index("ix_interactions_window", table_name="interactions")
    op.create_index(
        "ix_interactions_window",
        "interactions",
        ["contact_id", "at", "outcome", "direction", "purpose", "responded", "response_hours", "sentiment"],
    )
    op.drop_column("interactions", "in_reply")
    op.drop_column("interactions", "capture_id")
