"""Each contact's advice is kept while what it read stays the same, not only while nothing at all changes.

Advice (tips, suggestions) reads the contact's own rows, its account's members
and, for suggesters that connect people, a few questions asked of the network
(who may speak to a topic, when those people were last touched). It was kept
with the book's version, so one touch anywhere threw away every contact's.
Now:

- a contact's own change clears its advice, and its account's members' (whose
  contexts hold it), by triggers on the engine's marks (migration 0007): every
  writer marks, so every writer clears;
- the questions its advice asked of the network are kept (`advice_questions`:
  the question, and the digest of the answer it had), and each contact lists the
  ones it read (`contact_snapshots.advice_reads`); the advice is kept while those
  answers are the same when asked again (engine/advisor.Advisor);
- what changed since the kept questions were last known to hold (`advice_changes`:
  the contacts marked, and whether any name, title, interest, tag or account
  changed), so that only the questions that read it are asked again.

Revision ID: 0009
Revises: 0008
"""

import sqlalchemy as sa
from alembic import op

from keepwarm.store import triggers

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

_FORGET = "UPDATE contact_snapshots SET advice = NULL, advice_reads = NULL WHERE advice IS NOT NULL AND"
#: The members of an account, by the contacts' own rows (a moved contact marks its old account too).
_MEMBERS = "contact_id IN (SELECT id FROM contacts WHERE account_id = {})"
#: A contact whose rows changed since the kept questions were last known to hold: a question about when it
#: was last touched is asked again. PEOPLE (-1): a row the questions about topics read (names, titles,
#: interests, tags, accounts) changed: those are asked again.
_CHANGED = "INSERT OR IGNORE INTO advice_changes (contact_id) VALUES ({});"
PEOPLE = -1

#: The account of the contact just marked.
_ACCOUNT = "(SELECT account_id FROM contacts WHERE id = NEW.contact_id)"
#: An account whose members' advice is all cleared (`advice_cleared_accounts`: until advice is stored for one
#: of them again) is not swept again: a run that marks every member would sweep it once per member.
_NOT_CLEARED = "NOT EXISTS (SELECT 1 FROM advice_cleared_accounts WHERE account_id = {})"
_CLEARED = "INSERT OR IGNORE INTO advice_cleared_accounts (account_id) VALUES ({});"

TRIGGERS = {
    "trg_engine_marks_advice": (
        f"AFTER INSERT ON engine_marks BEGIN {_FORGET} contact_id = NEW.contact_id; "
        f"{_CHANGED.format('NEW.contact_id')} END"
    ),
    "trg_engine_marks_advice_account": (
        f"AFTER INSERT ON engine_marks WHEN {_ACCOUNT} IS NOT NULL AND {_NOT_CLEARED.format(_ACCOUNT)} BEGIN "
        f"{_FORGET} {_MEMBERS.format(_ACCOUNT)}; {_CLEARED.format(_ACCOUNT)} END"
    ),
    "trg_engine_account_marks_advice": (
        f"AFTER INSERT ON engine_account_marks WHEN {_NOT_CLEARED.format('NEW.account_id')} BEGIN "
        f"{_FORGET} {_MEMBERS.format('NEW.account_id')}; {_CLEARED.format('NEW.account_id')} END"
    ),
    "trg_contacts_advice_delete": (
        f"AFTER DELETE ON contacts BEGIN {_CHANGED.format('OLD.id')} {_CHANGED.format(PEOPLE)} END"
    ),
    **{
        f"trg_{table}_advice_{event.lower()}": f"AFTER {event} ON {table} BEGIN {_CHANGED.format(PEOPLE)} END"
        for table in ("contacts", "contact_tags", "accounts")
        for event in ("INSERT", "UPDATE", "DELETE")
        if (table, event) != ("contacts", "DELETE")
    },
}


def upgrade() -> None:
    op.add_column("contact_snapshots", sa.Column("advice_reads", sa.Text()))
    op.create_table(
        "advice_questions",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("question", sa.Text(), nullable=False),
        sa.Column("answer", sa.String(), nullable=False),
        sa.UniqueConstraint("question", "answer", name=op.f("uq_advice_questions_question")),
        sqlite_autoincrement=True,
    )
    op.create_table("advice_changes", sa.Column("contact_id", sa.Integer(), primary_key=True, autoincrement=False))
    op.create_table(
        "advice_cleared_accounts", sa.Column("account_id", sa.Integer(), primary_key=True, autoincrement=False)
    )
    # Advice kept under the old key (the whole book's version) is worked out again once.
    op.execute("UPDATE contact_snapshots SET advice = NULL WHERE advice IS NOT NULL")
    op.execute("UPDATE snapshot_runs SET advice_key = NULL")
    for name, body in TRIGGERS.items():
        triggers.create(name, body)


def downgrade() -> None:
    for name in TRIGGERS:
        op.execute(f"DROP TRIGGER IF EXISTS {name}")
    op.drop_table("advice_cleared_accounts")
    op.drop_table("advice_changes")
    op.drop_table("advice_questions")
    with op.batch_alter_table("contact_snapshots") as batch:
        batch.drop_column("advice_reads")
