"""Search on a PostgreSQL book: PostgreSQL's full-text search in place of SQLite's FTS5 (0013, 0018).

What is searched and how a word matches are SQLite's (0013): every word typed
must match, the last one as a prefix while it is typed, case and accents do not
matter in any script. The server has no unaccent extension everywhere (the
tests' server ships none), so the folding is one SQL function of this
revision's, `keepwarm_fold`: accents off (NFD, combining marks dropped, `_MARKS`), lower
case, and every run of characters that is not a letter or a digit a space (an
e-mail is its words, as unicode61 splits it). It is the one fold of both sides:
the index is built from it and `store/search_server.py` folds what is typed
with it too. Case and the letter classes follow a collation that knows Unicode
(`C.utf8` where the server has it, found by trying); `store/search_server.py`
has the rest.

- Touches' notes, promises and notes on people: an expression index (GIN) on
  each table's text, `keepwarm_words(text)`, for non-empty texts. No copy of
  the text and no trigger: the server keeps an expression index in step itself.
- Contacts: their searchable text is gathered from five tables (as 0013 says),
  so each contact's words are a row of `search_contact_docs`, weighted by field
  (the name most), kept by triggers that call `keepwarm_search_contact(id)`,
  which reads the contact's text from the view `search_contact_text`.

A text is indexed up to its first 100,000 characters: a tsvector holds at most
1 MB, and a longer note would otherwise fail its write.

Revision ID: 0020
Revises: 0019
"""

from __future__ import annotations

import importlib

revision = "0020"
down_revision = "0019"
branch_labels = None
depends_on = None

#: 0019, whose row security the contacts' documents take (imported by its module name: Alembic loads this file
#: outside its package).
USERS = importlib.import_module("keepwarm.store.migrations.versions.0019_users")

#: The texts of each kind other than contacts: content table -> its text column.
TEXTS = {"interactions": "notes", "commitments": "text", "contact_notes": "text"}

#: Collations tried for lower case and letter classes that know Unicode, best first; none (the database's own) last.
COLLATIONS = ("C.utf8", "C.UTF-8", "en_US.utf8", "en_US.UTF-8", "unicode", "und-x-icu", None)

#: The longest text indexed (see the docstring).
LONGEST = 100_000

#: search_contact_docs' weights by field: A the name; B account and e-mails; C title, phones, tags; D the rest.
WEIGHTS = {
    "A": ("name",),
    "B": ("account", "emails"),
    "C": ("title", "phones", "tags"),
    "D": ("role", "interests", "notes", "more"),
}


def _json_text(column: str) -> str:
    return f"keepwarm_json_text({column})"


VIEW = f"""
CREATE VIEW search_contact_text AS
SELECT c.id,
       c.name,
       c.title,
       replace(coalesce(c.role, ''), '_', ' ') AS role,
       coalesce(a.name, '') AS account,
       coalesce((SELECT string_agg(email, ' ' ORDER BY position) FROM contact_emails WHERE contact_id = c.id), '')
           AS emails,
       coalesce((SELECT string_agg(phone || ' ' || regexp_replace(phone, '[^0-9]', '', 'g'), ' ' ORDER BY position)
                 FROM contact_phones WHERE contact_id = c.id), '') AS phones,
       coalesce((SELECT string_agg(tag, ', ' ORDER BY position) FROM contact_tags WHERE contact_id = c.id), '')
           AS tags,
       {_json_text("c.interests")} AS interests,
       c.notes,
       concat_ws(' ', {_json_text("c.motivations")}, {_json_text("c.addresses")}, {_json_text("c.urls")},
                 c.best_time) AS more
FROM contacts c LEFT JOIN accounts a ON a.id = c.account_id
"""


def _document() -> str:
    parts = [
        f"setweight(keepwarm_words(concat_ws(' ', {', '.join('t.' + f for f in fields)})), '{weight}')"
        for weight, fields in WEIGHTS.items()
    ]
    return " || ".join(parts)


#: Contacts' own columns whose change changes their text (0013's).
CONTACT_FIELDS = "name, title, role, account_id, notes, interests, motivations, addresses, urls, best_time"


#: The combining marks taken off, but for the breve of й and ў and the dots of ї: letters of their own to those who
#: write them, as 0013 keeps them (ё is е with its dots off there too).
_MARKS = "(?<![иИуУ])\\u0306|(?<![іІ])\\u0308|[\\u0300-\\u0305\\u0307\\u0309-\\u036f]"


def _fold_sql(collation: str | None) -> str:
    collate = f' COLLATE "{collation}"' if collation else ""
    unmarked = f"normalize(regexp_replace(normalize(left($1, {LONGEST}), NFD), '{_MARKS}', '', 'g'), NFC)"
    return f"SELECT regexp_replace(lower({unmarked}{collate}){collate}, '[^[:alnum:]]+', ' ', 'g')"


def functions(collation: str | None) -> list[str]:
    """The functions of this revision, the fold's letters those of `collation`."""
    return [
        "CREATE FUNCTION keepwarm_fold(text) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE "
        f"RETURNS NULL ON NULL INPUT AS $${_fold_sql(collation)}$$",
        "CREATE FUNCTION keepwarm_words(text) RETURNS tsvector LANGUAGE sql IMMUTABLE PARALLEL SAFE "
        "RETURNS NULL ON NULL INPUT AS $$SELECT to_tsvector('simple'::regconfig, keepwarm_fold($1))$$",
        "CREATE FUNCTION keepwarm_json_text(json) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$"
        "SELECT coalesce(string_agg(v #>> '{}', ', '), '') "
        "FROM jsonb_path_query(coalesce($1::jsonb, 'null'::jsonb), 'strict $.** ? (@.type() == \"string\")') v$$",
    ]


REFRESH = f"""
CREATE FUNCTION keepwarm_search_contact(contact integer) RETURNS void LANGUAGE sql AS $$
DELETE FROM search_contact_docs WHERE contact_id = contact;
INSERT INTO search_contact_docs (contact_id, document)
SELECT t.id, {_document()} FROM search_contact_text t WHERE t.id = contact;
$$
"""


def fill() -> str:
    """Every contact's document written from the book (the table empty): the migration's, and after a copy made
    with the triggers set aside (`store/server_copy.py`)."""
    return (
        f"INSERT INTO search_contact_docs (contact_id, document) SELECT t.id, {_document()} FROM search_contact_text t"
    )


TRIGGER_FUNCTIONS = {
    "keepwarm_search_contacts_row": """
        IF TG_OP = 'UPDATE' AND OLD.id <> NEW.id THEN PERFORM keepwarm_search_contact(OLD.id); END IF;
        PERFORM keepwarm_search_contact(NEW.id); RETURN NULL;""",
    "keepwarm_search_accounts_row": """
        PERFORM keepwarm_search_contact(c.id) FROM contacts c WHERE c.account_id = NEW.id; RETURN NULL;""",
    "keepwarm_search_contact_parts_row": """
        IF TG_OP IN ('UPDATE', 'DELETE') THEN PERFORM keepwarm_search_contact(OLD.contact_id); END IF;
        IF TG_OP IN ('UPDATE', 'INSERT') THEN PERFORM keepwarm_search_contact(NEW.contact_id); END IF;
        RETURN NULL;""",
}

TRIGGERS = {
    "trg_search_contacts_insert": ("AFTER INSERT ON contacts", "keepwarm_search_contacts_row"),
    "trg_search_contacts_update": (f"AFTER UPDATE OF id, {CONTACT_FIELDS} ON contacts", "keepwarm_search_contacts_row"),
    "trg_search_accounts_update": ("AFTER UPDATE OF name ON accounts", "keepwarm_search_accounts_row"),
    **{
        f"trg_search_{table}": (f"AFTER INSERT OR UPDATE OR DELETE ON {table}", "keepwarm_search_contact_parts_row")
        for table in ("contact_emails", "contact_phones", "contact_tags")
    },
}


def _usable_collation(bind) -> str | None:
    """The first of COLLATIONS the server has that lower-cases and classes non-ASCII letters."""
    for collation in COLLATIONS:
        collate = f' COLLATE "{collation}"' if collation else ""
        exists = (
            collation is None
            or bind.exec_driver_sql("SELECT 1 FROM pg_collation WHERE collname = %(name)s", {"name": collation}).first()
        )
        if not exists:
            continue
        probe = bind.exec_driver_sql(
            f"SELECT lower('ÉΣЖ'{collate}) = 'éσж' AND 'Ж'{collate} ~ '^[[:alnum:]]$'"
        ).scalar()
        if probe:
            return collation
    return None


def upgrade() -> None:
    from alembic import op  # lazy for start-up: the store reads this module's definitions without Alembic

    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return  # SQLite's search is FTS5 (0013, 0018)
    for sql in functions(_usable_collation(bind)):
        op.execute(sql)
    op.execute(
        "CREATE TABLE search_contact_docs (contact_id integer PRIMARY KEY "
        "REFERENCES contacts (id) ON DELETE CASCADE, document tsvector NOT NULL)"
    )
    op.execute("CREATE INDEX ix_search_contact_docs ON search_contact_docs USING gin (document)")
    op.execute(VIEW)
    op.execute(REFRESH)
    op.execute(fill())
    USERS.secure_derived("search_contact_docs")  # a contact's words are seen as the contact is (0019)
    for table, column in TEXTS.items():
        op.execute(
            f"CREATE INDEX ix_search_{table} ON {table} USING gin (keepwarm_words({column})) WHERE {column} <> ''"
        )
    for name, body in TRIGGER_FUNCTIONS.items():
        op.execute(f"CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$BEGIN {body} END$$")
    for name, (when, function) in TRIGGERS.items():
        op.execute(f"CREATE TRIGGER {name} {when} FOR EACH ROW EXECUTE FUNCTION {function}()")


def downgrade() -> None:
    from alembic import op  # lazy for start-up (see upgrade)

    if op.get_bind().dialect.name != "postgresql":
        return
    for name, (when, _function) in TRIGGERS.items():
        op.execute(f"DROP TRIGGER IF EXISTS {name} ON {when.rsplit(' ', 1)[1]}")
    for name in TRIGGER_FUNCTIONS:
        op.execute(f"DROP FUNCTION IF EXISTS {name}()")
    for table in TEXTS:
        op.execute(f"DROP INDEX IF EXISTS ix_search_{table}")
    op.execute("DROP FUNCTION IF EXISTS keepwarm_search_contact(integer)")
    op.execute("DROP VIEW IF EXISTS search_contact_text")
    op.execute("DROP TABLE IF EXISTS search_contact_docs")
    for name in ("keepwarm_json_text(json)", "keepwarm_words(text)", "keepwarm_fold(text)"):
        op.execute(f"DROP FUNCTION IF EXISTS {name}")
