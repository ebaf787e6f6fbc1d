"""The rules read links now (the introduction suggester, any plugin through `ContactContext.links` and
`Network.links_of`): writing, moving or deleting a link marks both its contacts for the incremental engine,
as a write to any row a contact's rules read does (migration 0007), and so clears their advice and notes
them changed for the kept network questions (migration 0009's triggers on the marks).

A link shows the other contact's name: renaming a contact marks everyone linked to them too.

Links that read both ways and that a merge left with the higher id first are turned back (the lower id
first, as store/links.py writes them), a twin so made dropped.

Revision ID: 0016
Revises: 0015
"""

from alembic import op

from keepwarm.store import triggers

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None

_MARK = "INSERT OR REPLACE INTO engine_marks (contact_id) VALUES ({});"
_LINKED = (
    "INSERT OR REPLACE INTO engine_marks (contact_id) "
    "SELECT other_id FROM contact_links WHERE contact_id = NEW.id "
    "UNION SELECT contact_id FROM contact_links WHERE other_id = NEW.id;"
)
BOTH_WAYS = "('partner', 'former-colleague', 'knows')"

TRIGGERS = {
    "trg_contact_links_marks_insert": (
        f"AFTER INSERT ON contact_links BEGIN {_MARK.format('NEW.contact_id')} {_MARK.format('NEW.other_id')} END"
    ),
    "trg_contact_links_marks_delete": (
        f"AFTER DELETE ON contact_links BEGIN {_MARK.format('OLD.contact_id')} {_MARK.format('OLD.other_id')} END"
    ),
    "trg_contact_links_marks_update": (
        f"AFTER UPDATE ON contact_links BEGIN {_MARK.format('OLD.contact_id')} {_MARK.format('OLD.other_id')} "
        f"{_MARK.format('NEW.contact_id')} {_MARK.format('NEW.other_id')} END"
    ),
    "trg_contacts_links_name": f"AFTER UPDATE OF name ON contacts WHEN OLD.name IS NOT NEW.name BEGIN {_LINKED} END",
}


def upgrade() -> None:
    # A merge before this revision may have left a both-ways link turned: its twin goes, the rest turn back.
    op.execute(
        f"DELETE FROM contact_links WHERE kind IN {BOTH_WAYS} AND contact_id > other_id AND EXISTS "
        "(SELECT 1 FROM contact_links AS twin WHERE twin.contact_id = contact_links.other_id "
        "AND twin.other_id = contact_links.contact_id AND twin.kind = contact_links.kind "
        "AND twin.label = contact_links.label)"
    )
    op.execute(
        f"UPDATE contact_links SET contact_id = other_id, other_id = contact_id "
        f"WHERE kind IN {BOTH_WAYS} AND contact_id > other_id"
    )
    for name, body in TRIGGERS.items():
        triggers.create(name, body)
    # The linked contacts were evaluated without their links: they are evaluated again.
    triggers.execute(
        "INSERT OR REPLACE INTO engine_marks (contact_id) "
        "SELECT contact_id FROM contact_links UNION SELECT other_id FROM contact_links"
    )


def downgrade() -> None:
    for name in TRIGGERS:
        op.execute(f"DROP TRIGGER IF EXISTS {name}")
