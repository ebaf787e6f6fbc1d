"""People in the team: users with a role and a manager, owners of contacts and accounts, and grants.

`users` names each person who works in the book (member, manager or admin) and
whom they report to. A contact's `owner` stays the text column it was, now
holding a user's name (everything that shows or groups by it keeps working);
an account gains the same `owner`. `grants` gives one user read or edit on one
contact, or on an account and the people in it. `contacts.private` keeps a
contact from the rest of the team: by default the team shares every contact.

An existing book keeps working: its owners become users. The person who had the
book is the admin `me` (the owner of every contact and account that had none);
each other name found in `owner` becomes a member. An empty book gets its first
user (an admin) on its first write, named by the settings' `user` or `me`.

On PostgreSQL the database enforces who sees and changes what, by row-level
security (see docs/postgresql.md "People in the team"): each person connects as
their own database role (`users.db_role`). SQLite has one person at a time:
the roles are recorded there, not enforced by the database.

Revision ID: 0019
Revises: 0018
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None

#: The first admin of an existing book: the one person who kept it.
ADMIN = "me"

#: Tables holding what one contact is (its own rows): seen as the contact is seen, changed as it may be changed.
CONTACT_ROWS = (
    "contact_emails",
    "contact_phones",
    "contact_tags",
    "contact_dates",
    "interactions",
    "commitments",
    "followups",
    "assessments",
    "contact_notes",
    "contact_links",
)
#: What the program derives from a contact's rows (kept by triggers and the engine, whoever's write caused it):
#: seen as the contact is seen, rewritten by any user's run.
CONTACT_DERIVED = ("contact_totals", "contact_snapshots", "health_history")

#: Functions the policies call. `kw_me` and `kw_is_admin` read `current_user` (the connected role), so they run
#: as the caller; `users` and `grants` are readable by every user, so no policy reads its own table.
FUNCTIONS = (
    """CREATE FUNCTION kw_me() RETURNS text LANGUAGE sql STABLE AS
    $$ SELECT name FROM users WHERE db_role = current_user $$""",
    """CREATE FUNCTION kw_is_admin() RETURNS boolean LANGUAGE sql STABLE AS
    $$ SELECT EXISTS (SELECT 1 FROM users WHERE db_role = current_user AND role = 'admin') $$""",
    # Everyone reporting to the connected user, directly or through others.
    """CREATE FUNCTION kw_reports() RETURNS SETOF text LANGUAGE sql STABLE AS
    $$ WITH RECURSIVE below(id, name) AS (
           SELECT u.id, u.name FROM users u JOIN users m ON u.reports_to = m.id WHERE m.db_role = current_user
           UNION SELECT u.id, u.name FROM users u JOIN below b ON u.reports_to = b.id)
       SELECT name FROM below $$""",
    """CREATE FUNCTION kw_granted(contact integer, account integer, edit boolean) RETURNS boolean
    LANGUAGE sql STABLE AS
    $$ SELECT EXISTS (SELECT 1 FROM grants g JOIN users u ON u.id = g.user_id
                      WHERE u.db_role = current_user AND (g.can_edit OR NOT edit)
                        AND (g.contact_id = contact OR g.account_id = account)) $$""",
    # What the connected user was given, as a set (the policies ask it once per query, not once per row).
    """CREATE FUNCTION kw_given() RETURNS TABLE (contact_id integer, account_id integer, can_edit boolean)
    LANGUAGE sql STABLE AS
    $$ SELECT g.contact_id, g.account_id, g.can_edit FROM grants g JOIN users u ON u.id = g.user_id
       WHERE u.db_role = current_user $$""",
    # A new contact or account with no owner given is the connected user's (imports, sync, the TUI...).
    """CREATE FUNCTION kw_owned_by_me() RETURNS trigger LANGUAGE plpgsql AS
    $$ BEGIN
         IF NEW.owner = '' THEN NEW.owner := coalesce(kw_me(), ''); END IF;
         RETURN NEW;
       END $$""",
)

ME = "(SELECT kw_me())"
ADMIN_ROLE = "(SELECT kw_is_admin())"
SEES = (
    f"({ADMIN_ROLE} OR owner = {ME} OR (NOT private AND {ME} IS NOT NULL) OR owner IN (SELECT kw_reports())"
    " OR id IN (SELECT contact_id FROM kw_given()) OR account_id IN (SELECT account_id FROM kw_given()))"
)

#: Who may change a contact or an account: an admin, its owner, a user given edit on it (or on the contact's
#: account); anyone in a book with no user yet, and a role that bypasses row security (the server's superuser).
GUARDS = (
    """CREATE FUNCTION kw_may_edit(owner text, contact integer, account integer) RETURNS boolean
    LANGUAGE sql STABLE AS
    $$ SELECT NOT EXISTS (SELECT 1 FROM users) OR kw_is_admin() OR owner = kw_me()
              OR kw_granted(contact, account, true)
              OR (SELECT rolsuper OR rolbypassrls FROM pg_roles WHERE rolname = current_user) $$""",
    # A change the policies let through because the row is seen (so that it fails loudly, not as 0 rows).
    """CREATE FUNCTION kw_guard_contact() RETURNS trigger LANGUAGE plpgsql AS
    $$ BEGIN
         IF NOT kw_may_edit(OLD.owner, OLD.id, OLD.account_id) THEN
           RAISE EXCEPTION 'user % may not change contact % (%), which is %''s', coalesce(kw_me(), current_user),
             OLD.id, OLD.name, OLD.owner USING ERRCODE = '42501';
         END IF;
         IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
         RETURN NEW;
       END $$""",
    """CREATE FUNCTION kw_guard_account() RETURNS trigger LANGUAGE plpgsql AS
    $$ BEGIN
         IF NOT kw_may_edit(OLD.owner, NULL, OLD.id) THEN
           RAISE EXCEPTION 'user % may not change account % (%), which is %''s', coalesce(kw_me(), current_user),
             OLD.id, OLD.name, OLD.owner USING ERRCODE = '42501';
         END IF;
         IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
         RETURN NEW;
       END $$""",
    # A row of a contact the user sees but may not change; a contact they do not see fails the policies, and one
    # being deleted (its rows going with it) is not seen any more.
    """CREATE FUNCTION kw_guard_contact_row() RETURNS trigger LANGUAGE plpgsql AS
    $$ DECLARE
         row_contact integer := CASE WHEN TG_OP = 'DELETE' THEN OLD.contact_id ELSE NEW.contact_id END;
         target contacts%ROWTYPE;
       BEGIN
         SELECT * INTO target FROM contacts WHERE id = row_contact;
         -- The follow-ups the rules propose are the engine's, kept by whoever's run sees the contact.
         IF TG_TABLE_NAME = 'followups' AND TG_OP <> 'DELETE' THEN
           IF NEW.source <> 'manual' THEN RETURN NEW; END IF;
         END IF;
         IF FOUND AND NOT kw_may_edit(target.owner, target.id, target.account_id) THEN
           RAISE EXCEPTION 'user % may not change contact % (%), which is %''s', coalesce(kw_me(), current_user),
             target.id, target.name, target.owner USING ERRCODE = '42501';
         END IF;
         IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
         RETURN NEW;
       END $$""",
)


def _policies() -> list[str]:
    """Who sees and changes what, one statement each (see the module's docstring and docs/postgresql.md)."""
    out = [
        f"CREATE POLICY sees ON contacts FOR SELECT USING {SEES}",
        f"CREATE POLICY adds ON contacts FOR INSERT WITH CHECK ({ADMIN_ROLE} OR owner = {ME})",
        # What is seen may be changed as far as the policies go; kw_guard_contact refuses it loudly otherwise.
        # Whoever may change a contact may hand it to another user (the new owner must be a user: the key).
        f"CREATE POLICY changes ON contacts FOR UPDATE USING {SEES} WITH CHECK (true)",
        f"CREATE POLICY removes ON contacts FOR DELETE USING {SEES}",
        "CREATE POLICY sees ON accounts FOR SELECT USING (true)",
        f"CREATE POLICY adds ON accounts FOR INSERT WITH CHECK ({ADMIN_ROLE} OR owner = {ME})",
        "CREATE POLICY changes ON accounts FOR UPDATE USING (true) WITH CHECK (true)",
        "CREATE POLICY removes ON accounts FOR DELETE USING (true)",
        "CREATE POLICY sees ON users FOR SELECT USING (true)",
        f"CREATE POLICY manages ON users FOR ALL USING ({ADMIN_ROLE}) WITH CHECK ({ADMIN_ROLE})",
        "CREATE POLICY sees ON grants FOR SELECT USING (true)",
    ]
    granting = (
        f"({ADMIN_ROLE} OR contact_id IN (SELECT id FROM contacts WHERE owner = {ME})"
        f" OR account_id IN (SELECT id FROM accounts WHERE owner = {ME}))"
    )
    out += [f"CREATE POLICY gives_{verb} ON grants FOR {verb} USING {granting}" for verb in ("UPDATE", "DELETE")]
    out.append(f"CREATE POLICY gives_insert ON grants FOR INSERT WITH CHECK {granting}")
    seen = "contact_id IN (SELECT id FROM contacts)"
    for table in CONTACT_ROWS:
        both = f"{seen} AND other_id IN (SELECT id FROM contacts)" if table == "contact_links" else seen
        out += [
            f"CREATE POLICY sees ON {table} FOR SELECT USING ({both})",
            f"CREATE POLICY adds ON {table} FOR INSERT WITH CHECK ({seen})",
            f"CREATE POLICY changes ON {table} FOR UPDATE USING ({seen}) WITH CHECK ({seen})",
            f"CREATE POLICY removes ON {table} FOR DELETE USING ({seen})",
        ]
    for table in CONTACT_DERIVED:
        out += derived_policies(table)
    return out


def derived_policies(table: str) -> list[str]:
    """A table of rows the engine or the store derives from a contact's (later revisions' tables too): seen as
    the contact is, written by whoever's run or trigger writes them."""
    seen = "contact_id IN (SELECT id FROM contacts)"
    out = [f"CREATE POLICY sees ON {table} FOR SELECT USING ({seen})"]
    out += [f"CREATE POLICY keeps_{verb} ON {table} FOR {verb} USING (true)" for verb in ("UPDATE", "DELETE")]
    out.append(f"CREATE POLICY keeps_insert ON {table} FOR INSERT WITH CHECK (true)")
    return out


def secure_derived(table: str) -> None:
    """Row security on a later revision's table of derived rows, on a server book (this revision's tables have it
    from `_server_upgrade`)."""
    from alembic import op  # lazy for start-up (see upgrade)

    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY")
    for sql in derived_policies(table):
        op.execute(sql)


def _guard_triggers() -> list[str]:
    each = "FOR EACH ROW EXECUTE FUNCTION"
    out = [
        f"CREATE TRIGGER kw_guard BEFORE UPDATE OR DELETE ON contacts {each} kw_guard_contact()",
        f"CREATE TRIGGER kw_guard BEFORE UPDATE OR DELETE ON accounts {each} kw_guard_account()",
    ]
    out += [
        f"CREATE TRIGGER kw_guard BEFORE INSERT OR UPDATE OR DELETE ON {table} {each} kw_guard_contact_row()"
        for table in CONTACT_ROWS
    ]
    return out


SECURED = ("contacts", "accounts", "users", "grants", *CONTACT_ROWS, *CONTACT_DERIVED)


def _server_upgrade(conn) -> None:
    """The functions, the owner trigger, the policies, and the privileges every user's role gets."""
    for sql in (*FUNCTIONS, *GUARDS, *_guard_triggers()):
        op.execute(sql)
    for table in ("contacts", "accounts"):
        op.execute(
            f"CREATE TRIGGER {table}_owned_by_me BEFORE INSERT ON {table} FOR EACH ROW EXECUTE FUNCTION kw_owned_by_me()"
        )
    for table in SECURED:
        op.execute(f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY")
    for sql in _policies():
        op.execute(sql)
    # Rows are guarded by the policies; reaching the tables at all takes CONNECT, which `keepwarm user add`
    # grants to each user's role (a role of the same server that is no user cannot connect).
    database = conn.exec_driver_sql("SELECT current_database()").scalar_one()
    op.execute(f'REVOKE CONNECT, TEMPORARY ON DATABASE "{database}" FROM PUBLIC')
    op.execute("GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO PUBLIC")
    op.execute("GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA public TO PUBLIC")
    op.execute("ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO PUBLIC")
    op.execute("ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT, UPDATE ON SEQUENCES TO PUBLIC")


def _adopt_owners(conn) -> None:
    """The users an existing book's owners name: `me` (admin) for the contacts without one, a member for each
    other name. An empty book gets its first user on its first write."""
    if conn.exec_driver_sql("SELECT count(*) FROM contacts").scalar_one() == 0:
        if conn.exec_driver_sql("SELECT count(*) FROM accounts").scalar_one() == 0:
            return
    server = conn.dialect.name == "postgresql"
    now = "now()" if server else "CURRENT_TIMESTAMP"
    db_role = "current_user" if server else "NULL"
    op.execute(f"INSERT INTO users (name, role, db_role, created_at) VALUES ('{ADMIN}', 'admin', {db_role}, {now})")
    op.execute(
        "INSERT INTO users (name, role, created_at) "
        f"SELECT DISTINCT owner, 'member', {now} FROM contacts WHERE owner NOT IN ('', '{ADMIN}')"
    )
    op.execute(f"UPDATE contacts SET owner = '{ADMIN}' WHERE owner = ''")
    op.execute(f"UPDATE accounts SET owner = '{ADMIN}'")


def upgrade() -> None:
    conn = op.get_bind()
    op.create_table(
        "users",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("role", sa.String(), nullable=False, server_default="member"),
        sa.Column("reports_to", sa.Integer(), nullable=True),
        sa.Column("db_role", sa.String(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint("role IN ('member', 'manager', 'admin')", name=op.f("ck_users_known_role")),
        sa.CheckConstraint("reports_to IS NULL OR reports_to != id", name=op.f("ck_users_not_own_manager")),
        sa.ForeignKeyConstraint(
            ["reports_to"], ["users.id"], name=op.f("fk_users_reports_to_users"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_users")),
        sa.UniqueConstraint("name", name=op.f("uq_users_name")),
        sa.UniqueConstraint("db_role", name=op.f("uq_users_db_role")),
    )
    op.create_table(
        "grants",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("contact_id", sa.Integer(), nullable=True),
        sa.Column("account_id", sa.Integer(), nullable=True),
        sa.Column("can_edit", sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint("(contact_id IS NULL) != (account_id IS NULL)", name=op.f("ck_grants_one_thing")),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_grants_user_id_users"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(
            ["contact_id"], ["contacts.id"], name=op.f("fk_grants_contact_id_contacts"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["account_id"], ["accounts.id"], name=op.f("fk_grants_account_id_accounts"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_grants")),
        sa.UniqueConstraint("user_id", "contact_id", "account_id", name=op.f("uq_grants_user_id")),
    )
    op.create_index("ix_grants_contact_id", "grants", ["contact_id"], unique=False)
    op.create_index("ix_grants_account_id", "grants", ["account_id"], unique=False)
    # ALTER TABLE keeps the contacts' triggers (0007, 0009, 0013), which a batch's copy of the table would drop.
    op.execute("ALTER TABLE contacts ADD COLUMN private BOOLEAN NOT NULL DEFAULT FALSE")
    op.execute("ALTER TABLE accounts ADD COLUMN owner VARCHAR NOT NULL DEFAULT ''")
    op.create_index("ix_contacts_owner", "contacts", ["owner"], unique=False)
    _adopt_owners(conn)
    if conn.dialect.name == "postgresql":
        _server_upgrade(conn)


def downgrade() -> None:
    conn = op.get_bind()
    if conn.dialect.name == "postgresql":
        for table in SECURED:
            op.execute(f"ALTER TABLE {table} DISABLE ROW LEVEL SECURITY")
            for policy in conn.exec_driver_sql(f"SELECT policyname FROM pg_policies WHERE tablename = '{table}'"):
                op.execute(f'DROP POLICY "{policy[0]}" ON {table}')
        for table in ("contacts", "accounts"):
            op.execute(f"DROP TRIGGER {table}_owned_by_me ON {table}")
        for table in ("contacts", "accounts", *CONTACT_ROWS):
            op.execute(f"DROP TRIGGER kw_guard ON {table}")
        guards = (
            "kw_guard_contact_row()",
            "kw_guard_account()",
            "kw_guard_contact()",
            "kw_may_edit(text, integer, integer)",
        )
        for name in (
            *guards,
            "kw_owned_by_me()",
            "kw_given()",
            "kw_granted(integer, integer, boolean)",
            "kw_reports()",
            "kw_is_admin()",
        ):
            op.execute(f"DROP FUNCTION {name}")
        op.execute("DROP FUNCTION kw_me()")
    op.drop_index("ix_contacts_owner", table_name="contacts")
    op.execute("ALTER TABLE accounts DROP COLUMN owner")
    op.execute("ALTER TABLE contacts DROP COLUMN private")
    op.drop_table("grants")
    op.drop_table("users")
