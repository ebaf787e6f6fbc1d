"""The tables, in SQLAlchemy Core.

Times are stored as UTC; calendar dates as ISO dates. Lists that rules read
but nobody searches by (interests, motivations, addresses, urls) are JSON
columns; what is searched or matched on (emails, phones, tags, dates) has its
own table with an index.
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    Column,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    PrimaryKeyConstraint,
    String,
    Table,
    Text,
    Time,
    UniqueConstraint,
    false,
    true,
)

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_N_name)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
        "ck": "ck_%(table_name)s_%(constraint_name)s",
    }
)

accounts = Table(
    "accounts",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String, nullable=False, unique=True),
    Column("industry", String, nullable=False, default=""),
    Column("culture", Text, nullable=False, default=""),
    Column("decision_making", Text, nullable=False, default=""),
    Column("risk_tolerance", Text, nullable=False, default=""),
    Column("budget_cycle", Text, nullable=False, default=""),
    Column("notes", Text, nullable=False, default=""),
    Column("created_at", DateTime, nullable=False),
    Column("updated_at", DateTime, nullable=False),
    Column("owner", String, nullable=False, default="", server_default=""),  # a user's name (migration 0019)
)

contacts = Table(
    "contacts",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("uid", String, nullable=False, unique=True),
    Column("name", String, nullable=False),
    Column("name_fold", String, nullable=False),
    Column("account_id", Integer, ForeignKey("accounts.id", ondelete="SET NULL")),
    Column("title", String, nullable=False, default=""),
    Column("role", String),
    Column("style", String, nullable=False, default="unknown"),
    Column("motivations", JSON, nullable=False, default=list),
    Column("interests", JSON, nullable=False, default=list),
    Column("addresses", JSON, nullable=False, default=list),
    Column("urls", JSON, nullable=False, default=list),
    Column("preferred_channel", String),
    Column("best_time", String, nullable=False, default=""),
    Column("do_not_contact", Boolean, nullable=False, default=False),
    Column("tier", String, nullable=False, default="b"),
    Column("stage", String, nullable=False, default="active"),
    Column("notes", Text, nullable=False, default=""),
    Column("owner", String, nullable=False, default=""),
    Column("created_at", DateTime, nullable=False),
    Column("updated_at", DateTime, nullable=False),
    Column("rhythm_days", Integer),  # migration 0010
    Column("snoozed_until", Date),
    Column("held_by", String, nullable=False, default="", server_default=""),  # migration 0017
    # Kept from the rest of the team (migration 0019): only its owner, their managers, admins and grants see it.
    Column("private", Boolean, nullable=False, default=False, server_default=false()),
    Index("ix_contacts_name_fold", "name_fold"),
    Index("ix_contacts_account_id", "account_id"),
    Index("ix_contacts_owner", "owner"),
)

# The people who work in the book (migration 0019): their role, whom they report to, and on a PostgreSQL book
# the database role each connects as. A contact's and an account's `owner` holds a user's name.
users = Table(
    "users",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String, nullable=False, unique=True),
    Column("role", String, nullable=False, server_default="member"),
    Column("reports_to", Integer, ForeignKey("users.id", ondelete="SET NULL")),
    Column("db_role", String, unique=True),
    Column("created_at", DateTime, nullable=False),
    CheckConstraint("role IN ('member', 'manager', 'admin')", name="known_role"),
    CheckConstraint("reports_to IS NULL OR reports_to != id", name="not_own_manager"),
)

# What one user was given beyond what the team shares (migration 0019): read, or edit, on one contact, or on an
# account and everyone in it.
grants = Table(
    "grants",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("user_id", Integer, ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("contact_id", Integer, ForeignKey("contacts.id", ondelete="CASCADE")),
    Column("account_id", Integer, ForeignKey("accounts.id", ondelete="CASCADE")),
    Column("can_edit", Boolean, nullable=False, server_default=false()),
    Column("created_at", DateTime, nullable=False),
    CheckConstraint("(contact_id IS NULL) != (account_id IS NULL)", name="one_thing"),
    UniqueConstraint("user_id", "contact_id", "account_id"),
    Index("ix_grants_contact_id", "contact_id"),
    Index("ix_grants_account_id", "account_id"),
)

contact_emails = Table(
    "contact_emails",
    metadata,
    Column("contact_id", Integer, ForeignKey("contacts.id", ondelete="CASCADE"), nullable=False),
    Column("position", Integer, nullable=False),
    Column("email", String, nullable=False),
    Column("email_fold", String, nullable=False),
    Index("ix_contact_emails_email_fold", "email_fold"),
    Index("ix_contact_emails_contact_id", "contact_id"),
)

contact_phones = Table(
    "contact_phones",
    metadata,
    Column("contact_id", Integer, ForeignKey("contacts.id", ondelete="CASCADE"), nullable=False),
    Column("position", Integer, nullable=False),
    Column("phone", String, nullable=False),
    Index("ix_contact_phones_contact_id", "contact_id"),
)

contact_tags = Table(
    "contact_tags",
    metadata,
    Column("contact_id", Integer, ForeignKey("contacts.id", ondelete="CASCADE"), nullable=False),
    Column("position", Integer, nullable=False),
    Column("tag", String, nullable=False),
    Column("tag_fold", String, nullable=False),
    Index("ix_contact_tags_tag_fold", "tag_fold"),
    Index("ix_contact_tags_contact_id", "contact_id"),
)

contact_dates = Table(
    "contact_dates",
    metadata,
    Column("contact_id", Integer, ForeignKey("contacts.id", ondelete="CASCADE"), nullable=False),
    Column("position", Integer, nullable=False),
    Column("kind", String, nullable=False),
    Column("month", Integer, nullable=False),
    Column("day", Integer, nullable=False),
    Column("year", Integer),
    Column("label", String, nullable=False, default=""),
    Index("ix_contact_dates_contact_id", "contact_id"),
)

interactions = Table(
    "interactions",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("contact_id", Integer, ForeignKey("contacts.id", ondelete="CASCADE"), nullable=False),
    Column("at", DateTime, nullable=False),
    Column("channel", String, nullable=False),
    Column("direction", String, nullable=False),
    Column("purpose", String, nullable=False),
    Column("outcome", String, nullable=False, default="completed", server_default="completed"),
    Column("sentiment", Integer),
    Column("responded", Boolean),
    Column("response_hours", Float),
    Column("notes", Text, nullable=False, default=""),
    Column("group_key", String),
    Column("created_at", DateTime, nullable=False),
    # The captured message or event this touch was read from (migration 0006); NULL for a touch typed or imported.
    Column("capture_id", Integer),
    # An inbound message that answered one of mine: a reply, so not unprompted.
    Column("in_reply", Boolean),
    Index("ix_interactions_contact_id_at", "contact_id", "at"),
    Index("ix_interactions_capture_id", "capture_id"),
    Index("ix_interactions_at", "at"),
    # Covers what the recent and baseline statistics read, in contact order (engine/stats.py).
    Index(
        "ix_interactions_window",
        "contact_id",
        "at",
        "outcome",
        "direction",
        "purpose",
        "responded",
        "response_hours",
        "sentiment",
        "in_reply",
    ),
)

# All-time figures per contact over its completed touches, derived from `interactions` and kept
# right by SQLite triggers (migration 0004: an insert adds, an update or delete recomputes the
# contact's row). Never written by the program and not part of a backup: it can be rebuilt.
#: contact_totals' columns, which `engine.stats` reads into `ContactStats`' fields of the same names.
TOTAL_DATES = (
    "first_touch",
    "last_touch",
    "last_outbound",
    "last_inbound",
    "last_meeting",
    "last_written_outbound",
    "last_value_add",
    "last_celebration",
    "last_entertainment",
    "last_recovery",
    "last_favor_asked",
)
TOTAL_COUNTS = (
    "touches_total",
    "inbound_total",
    "outbound_total",
    "favors_asked_total",
    "favors_received_total",
    "value_adds_total",
)
contact_totals = Table(
    "contact_totals",
    metadata,
    Column("contact_id", Integer, ForeignKey("contacts.id", ondelete="CASCADE"), primary_key=True, autoincrement=False),
    *(Column(name, DateTime) for name in TOTAL_DATES),
    *(Column(name, Integer, nullable=False, default=0, server_default="0") for name in TOTAL_COUNTS),
)

# What the last engine run that evaluated a contact concluded (migration 0005), written with the
# follow-ups that run reconciled: score, band and the contact's own warnings as JSON; `account_id`
# names the account whose warnings (in account_snapshots, stored once per account) follow them.
# `digest` identifies what a row holds so a run rewrites only what changed; the run's date is
# stored once, in snapshot_runs (one row). Derived, like contact_totals: not part of a backup.
#: A 64-bit hash: SQLite's INTEGER holds it, a PostgreSQL book's column is a BIGINT (migration 0005).
DIGEST = Integer().with_variant(BigInteger(), "postgresql")

contact_snapshots = Table(
    "contact_snapshots",
    metadata,
    Column("contact_id", Integer, ForeignKey("contacts.id", ondelete="CASCADE"), primary_key=True, autoincrement=False),
    Column("score", Integer, nullable=False),
    Column("band", String, nullable=False),
    Column("account_id", Integer),
    Column("digest", DIGEST, nullable=False),
    Column("warnings", Text, nullable=False),
    Column("terms", Text, nullable=False, server_default="[]"),  # the health's terms, as `Health.to_json` gives them
    Column("advice", Text),  # tips and suggestions (JSON) as of snapshot_runs.advice_key; NULL: not worked out
    # What the screens read besides the health (migration 0008, `store/results.Figures`): the rhythm, the
    # last touch (UTC) and the statistics the dashboard sums.
    Column("interval_days", Integer),
    Column("last_touch", DateTime),
    Column("touches_recent", Integer),
    Column("inbound_recent", Integer),
    Column("unprompted_inbound_recent", Integer),
    Column("overdue_promises_mine", Integer),
    Column("overdue_promises_theirs", Integer),
    # The network questions the advice read (ids of advice_questions, JSON), or "*VERSION": it read the whole
    # network at the book's VERSION (migration 0009). Cleared with the advice by the marks' triggers.
    Column("advice_reads", Text),
)

# The questions kept advice asked of the network, each with the digest of the answer it had (migration 0009).
advice_questions = Table(
    "advice_questions",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("question", Text, nullable=False),
    Column("answer", String, nullable=False),
    UniqueConstraint("question", "answer"),
    sqlite_autoincrement=True,
)

# What changed since the kept questions were last known to hold (migration 0009's triggers): each contact
# marked since, and -1 when a name, title, interest, tag or account changed.
advice_changes = Table(
    "advice_changes",
    metadata,
    Column("contact_id", Integer, primary_key=True, autoincrement=False),
)

# The accounts whose members' advice the triggers of migration 0009 cleared, until advice is stored for one of
# them again: not swept again for each member a run marks.
advice_cleared_accounts = Table(
    "advice_cleared_accounts",
    metadata,
    Column("account_id", Integer, primary_key=True, autoincrement=False),
)

account_snapshots = Table(
    "account_snapshots",
    metadata,
    Column("account_id", Integer, ForeignKey("accounts.id", ondelete="CASCADE"), primary_key=True, autoincrement=False),
    Column("digest", DIGEST, nullable=False),
    Column("warnings", Text, nullable=False),
)

# Each contact's health week by week (migration 0015): a row for a week when a run stored a new score or band
# for the contact in it (the week's last), keyed by the Monday starting it. A week with no row kept the score of
# the row before. Bounded: a write drops the contact's rows older than a year but the newest of those
# (store/health_history.py). Derived, like contact_snapshots: not part of a backup.
health_history = Table(
    "health_history",
    metadata,
    Column("contact_id", Integer, ForeignKey("contacts.id", ondelete="CASCADE"), primary_key=True, autoincrement=False),
    Column("week", Date, primary_key=True),
    Column("score", Integer, nullable=False),
    Column("band", String, nullable=False),
    sqlite_with_rowid=False,  # kept in key order: a contact's weeks side by side, no second index
)

# Each contact's windowed statistics as the last run that read them found them (migration 0021), with the
# windows they were read over (`bounds`: their bounds and the note signals' words, as one key). A new day moves
# the windows by a day: a contact none of whose interactions lies between the old and the new bounds has the
# same figures, and is not scanned again (engine/stats.py). Valid only while the contact is not marked
# (engine_marks): a changed contact is read again. Derived, like contact_snapshots: not part of a backup.
window_figures = Table(
    "window_figures",
    metadata,
    Column("contact_id", Integer, ForeignKey("contacts.id", ondelete="CASCADE"), primary_key=True, autoincrement=False),
    Column("bounds", String, nullable=False),
    # JSON: the recent and baseline figures, the note signals' counts and their latest times.
    Column("figures", Text, nullable=False),
)

snapshot_runs = Table(
    "snapshot_runs",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("evaluated_on", Date, nullable=False),
    # What the stored results were worked out under (engine/state.py): another state means a whole run.
    Column("state", String),
    # A cadence or warning plugin read the whole network: any change may change anyone's result.
    Column("reads_network", Boolean, nullable=False, server_default=false()),
    Column("problems", Text),  # the last whole run's problems tagged with no contact (JSON), NULL when none
    # The state and the book's version (its highest mark ever) the stored advice was worked out at.
    Column("advice_key", String),
)

commitments = Table(
    "commitments",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("contact_id", Integer, ForeignKey("contacts.id", ondelete="CASCADE"), nullable=False),
    Column("by", String, nullable=False),
    Column("text", Text, nullable=False),
    Column("due", Date),
    Column("status", String, nullable=False, default="open"),
    Column("created_at", DateTime, nullable=False),
    Column("done_at", DateTime),
    Index("ix_commitments_contact_id", "contact_id"),
    Index("ix_commitments_status_due", "status", "due"),
)

followups = Table(
    "followups",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("contact_id", Integer, ForeignKey("contacts.id", ondelete="CASCADE"), nullable=False),
    Column("due", Date, nullable=False),
    Column("due_time", Time),
    Column("reason", Text, nullable=False),
    Column("source", String, nullable=False, default="manual"),
    Column("rule_key", String, nullable=False, default="manual"),
    Column("channel", String),
    Column("action", Text, nullable=False, default=""),
    Column("status", String, nullable=False, default="open"),
    Column("snoozed_until", Date),
    Column("sequence", Integer, nullable=False, default=0, server_default="0"),
    Column("satisfied_by_touch", Boolean, nullable=False, default=True, server_default=true()),
    Column("created_at", DateTime, nullable=False),
    Column("updated_at", DateTime, nullable=False),
    Column("closed_at", DateTime),
    Index("ix_followups_contact_id_status", "contact_id", "status"),
    Index("ix_followups_status_due", "status", "due"),
    Index("ix_followups_rule", "contact_id", "rule_key", "due"),
)

assessments = Table(
    "assessments",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("contact_id", Integer, ForeignKey("contacts.id", ondelete="CASCADE"), nullable=False),
    Column("on", Date, nullable=False),
    Column("trust", Integer, nullable=False),
    Column("communication", Integer, nullable=False),
    Column("sharing", Integer, nullable=False),
    Column("advocacy", Integer, nullable=False),
    Column("conflict", Integer, nullable=False),
    Column("commitment", Integer, nullable=False),
    Column("note", Text, nullable=False, default=""),
    Column("created_at", DateTime, nullable=False),
    Index("ix_assessments_contact_id_on", "contact_id", "on"),
)

# Dated notes on a person (migration 0011): things to remember, not touches. No trigger marks the engine for
# them: no rule reads them (store/notes.py says why).
contact_notes = Table(
    "contact_notes",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("contact_id", Integer, ForeignKey("contacts.id", ondelete="CASCADE"), nullable=False),
    Column("on", Date, nullable=False),
    Column("kind", String, nullable=False, default="other", server_default="other"),
    Column("text", Text, nullable=False),
    Column("created_at", DateTime, nullable=False),
    Index("ix_contact_notes_contact_id_on", "contact_id", "on"),
)

# Who knows whom (migration 0012): `contact_id` reports to, was introduced by, mentors... `other_id`
# (store/links.py says how each kind reads from either side). The rules read them: a write marks both
# contacts for the engine, a rename everyone linked to the renamed (migration 0016).
contact_links = Table(
    "contact_links",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("contact_id", Integer, ForeignKey("contacts.id", ondelete="CASCADE"), nullable=False),
    Column("other_id", Integer, ForeignKey("contacts.id", ondelete="CASCADE"), nullable=False),
    Column("kind", String, nullable=False),
    Column("label", String, nullable=False, default="", server_default=""),
    Column("created_at", DateTime, nullable=False),
    CheckConstraint("contact_id != other_id", name="not_self"),
    UniqueConstraint("contact_id", "other_id", "kind", "label"),
    Index("ix_contact_links_other_id", "other_id"),
)

# What the interaction sources read (migration 0006): one row per message or event, with the people on
# it by folded address and the ids it replies to, whether or not anyone on it is a contact yet, so that
# adding a contact later brings their history, replies are matched across syncs, and the unknown
# correspondents can be listed. Only what the rules need is kept: no body, the subject only when asked.
captures = Table(
    "captures",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("source", String, nullable=False),
    Column("external_id", String, nullable=False),
    Column("at", DateTime, nullable=False),
    Column("channel", String, nullable=False),
    Column("purpose", String),
    Column("outcome", String, nullable=False),
    Column("from_me", Boolean, nullable=False),
    Column("message_id", String),
    Column("sequence", Integer, nullable=False, default=0, server_default="0"),
    Column("subject", Text),
    # A meeting's earlier start, kept as its own row when the event moved: a rescheduled meeting.
    Column("moved", Boolean, nullable=False, default=False, server_default=false()),
    Column("digest", String, nullable=False),
    UniqueConstraint("source", "external_id"),
    Index("ix_captures_message_id", "message_id"),
    Index("ix_captures_source_at", "source", "at"),
)

capture_people = Table(
    "capture_people",
    metadata,
    Column("capture_id", Integer, ForeignKey("captures.id", ondelete="CASCADE"), nullable=False),
    Column("address", String, nullable=False),
    Column("name", String, nullable=False, default=""),
    Column("role", String, nullable=False),
    Column("status", String, nullable=False, default=""),
    Index("ix_capture_people_address", "address"),
    Index("ix_capture_people_capture_id", "capture_id"),
)

capture_refs = Table(
    "capture_refs",
    metadata,
    Column("capture_id", Integer, ForeignKey("captures.id", ondelete="CASCADE"), nullable=False),
    Column("ref", String, nullable=False),
    Index("ix_capture_refs_ref", "ref"),
    Index("ix_capture_refs_capture_id", "capture_id"),
)

# Addresses the user said never to offer as a new contact.
ignored_addresses = Table(
    "ignored_addresses",
    metadata,
    Column("address", String, primary_key=True),
    Column("ignored_at", DateTime, nullable=False),
)

# Where each source stopped (its reader's cursor, JSON) and what its last sync did.
source_state = Table(
    "source_state",
    metadata,
    Column("name", String, primary_key=True),
    Column("kind", String, nullable=False),
    Column("cursor", Text, nullable=False, default="{}"),
    Column("synced_at", DateTime),
    Column("summary", Text, nullable=False, default="{}"),
)

# The address books synced both ways (migration 0014): per source and card UID, where the card is, its
# etag and the digest of the synced fields both sides agreed on at the last sync (the base of the three-way
# comparison), the contact it is matched to (NULL once that contact is deleted here), and whether it waits
# for the user: a conflict, a card deleted in the book, a contact deleted here, or one kept out of the book.
card_states = Table(
    "card_states",
    metadata,
    Column("source", String, nullable=False),
    Column("uid", String, nullable=False),
    Column("href", String, nullable=False, default=""),
    Column("etag", String, nullable=False, default=""),
    Column("base", String, nullable=False, default=""),
    Column("contact_id", Integer, ForeignKey("contacts.id", ondelete="SET NULL")),
    Column("state", String, nullable=False, default="synced"),
    Column("detail", Text, nullable=False, default=""),
    Column("synced_at", DateTime, nullable=False),
    PrimaryKeyConstraint("source", "uid"),
    Index("ix_card_states_contact_id", "contact_id"),
)

# Contacts and accounts changed since an engine run last evaluated them (migration 0007): marked by
# triggers on every table a result reads, with an increasing mark; see store/marks.py.
engine_marks = Table(
    "engine_marks",
    metadata,
    Column("mark", Integer, primary_key=True, autoincrement=True),
    Column("contact_id", Integer, nullable=False),
    UniqueConstraint("contact_id"),
    sqlite_autoincrement=True,
)

engine_account_marks = Table(
    "engine_account_marks",
    metadata,
    Column("mark", Integer, primary_key=True, autoincrement=True),
    Column("account_id", Integer, nullable=False),
    UniqueConstraint("account_id"),
    sqlite_autoincrement=True,
)

__all__ = [
    "advice_changes",
    "advice_cleared_accounts",
    "advice_questions",
    "engine_account_marks",
    "engine_marks",
    "capture_people",
    "capture_refs",
    "captures",
    "ignored_addresses",
    "source_state",
    "account_snapshots",
    "accounts",
    "assessments",
    "commitments",
    "contact_dates",
    "contact_emails",
    "contact_notes",
    "contact_phones",
    "contact_snapshots",
    "contact_tags",
    "contact_totals",
    "contacts",
    "followups",
    "grants",
    "health_history",
    "interactions",
    "metadata",
    "snapshot_runs",
    "window_figures",
    "users",
]
