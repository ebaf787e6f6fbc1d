"""Search everything: SQLite FTS5 indexes over contacts, touches' notes, promises and notes on people.

Four FTS5 tables, all with the unicode61 tokenizer and `remove_diacritics 2`,
so that "zoe" finds "Zoë", "muller" "Müller" and "москва" "МОСКВА"; Greek and
Cyrillic accents, which it keeps, are replaced before the text is indexed
(`folded`), so that "ηλεκτρα" finds "Ηλέκτρα" too:

- `search_contacts` keeps its own copy of each contact's searchable text (name,
  title, role, account, e-mails, phones, tags, interests, notes and the rest).
  That text is gathered from five tables, so no one table can be its external
  content, and a copy is needed to delete a row's old terms; at a few hundred
  bytes a contact it is small.
- `search_interactions`, `search_promises` and `search_notes` are external-content
  tables (`content=`): they store only the index, and read the text (for
  `snippet()`) from `interactions.notes`, `commitments.text` and
  `contact_notes.text` by rowid. A contentless table would be no smaller (the
  text is stored once either way) and cannot show the match in context.
  Only rows with a non-empty text are indexed.

Each has prefix indexes of one, two and three letters, so that the first
keystrokes of a word stay quick at a million touches (see TOKENIZE).

Triggers keep all four in step for every writer. A bulk load of history
(`store/bulk_load.py`, the interactions import) sets the insert trigger aside
and indexes the new rows in one statement after (`store/search_index.py`).
The definitions here are the ones `store/search_index.py` rebuilds from (the
doctor's fix), as bulk_load reads 0004's.

Revision ID: 0013
Revises: 0012
"""

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

#: Prefix indexes for one to three letters: "t", "th", "the" typed at a million touches would otherwise merge the
#: lists of every word they begin (70 ms, not 1); they make the index some three times larger.
TOKENIZE = "tokenize = 'unicode61 remove_diacritics 2', prefix = '1 2 3'"

#: search_contacts' columns, in order (the weights of `store/search.py` follow it).
CONTACT_COLUMNS = ("name", "title", "role", "account", "emails", "phones", "tags", "interests", "notes", "more")

#: Greek letters with tonos or dialytika and Cyrillic ё, each beside its letter without: unicode61's
#: `remove_diacritics` takes the accents off Latin letters only, so "ηλεκτρα" would not find Ηλέκτρα. The text is
#: indexed with these replaced (`folded`), and `store/search.py` replaces them in what is typed. (Twenty: SQLite's
#: parser takes some twenty-five nested calls; й, ї and ў are letters of their own to those who write them.)
ACCENTED = "άέήίόύώΆΈΉΊΌΎΏϊϋΐΰёЁ"
PLAIN = "αεηιουωΑΕΗΙΟΥΩιυιυеЕ"


def folded(expr: str) -> str:
    """`expr` with the ACCENTED letters replaced; only text that is not all ASCII is looked at (a byte count
    above the character count), so a million English notes cost one comparison each."""
    inner = expr
    for accented, plain in zip(ACCENTED, PLAIN, strict=True):
        inner = f"replace({inner}, '{accented}', '{plain}')"
    return f"CASE WHEN length(CAST({expr} AS BLOB)) > length({expr}) THEN {inner} ELSE {expr} END"


#: Contacts' JSON lists searched in the last column, `more`.
MORE = ("c.motivations", "c.addresses", "c.urls")

#: FTS table -> (content table, its text column) for the external-content ones.
EXTERNAL = {
    "search_interactions": ("interactions", "notes"),
    "search_promises": ("commitments", "text"),
    "search_notes": ("contact_notes", "text"),
}

TABLES = {
    "search_contacts": f"CREATE VIRTUAL TABLE search_contacts USING fts5({', '.join(CONTACT_COLUMNS)}, {TOKENIZE})",
    **{
        fts: f"CREATE VIRTUAL TABLE {fts} USING fts5({column}, content='{table}', content_rowid='id', {TOKENIZE})"
        for fts, (table, column) in EXTERNAL.items()
    },
}


def _list(column: str) -> str:
    """The strings of a JSON list (or of a list of objects) joined; a value that is not JSON as it is."""
    return (
        f"CASE WHEN json_valid({column}) THEN (SELECT group_concat(value, ', ') FROM json_tree({column}) "
        f"WHERE type = 'text') ELSE {column} END"
    )


def _digits(column: str) -> str:
    """A phone number's digits alone, so that "+44 20 7946" is also found as "442079"."""
    inner = column
    for ch in (" ", "-", "(", ")", ".", "/", "+"):
        inner = f"replace({inner}, '{ch}', '')"
    return inner


def contact_documents(where: str) -> str:
    """An INSERT of the searchable text of the contacts `where` selects (`c` is contacts, `a` accounts).

    The text is gathered in a subquery and folded outside it: nested in one expression, the folding and the
    gathering were too deep for SQLite's parser inside a trigger.
    """
    return f"INSERT INTO search_contacts (rowid, {', '.join(CONTACT_COLUMNS)}) {contact_select(where)};"


def contact_values() -> tuple[str, ...]:
    """What each column of `search_contacts` holds, for one contact `c` (its account `a`)."""
    return (
        "c.name",
        "c.title",
        "replace(coalesce(c.role, ''), '_', ' ')",
        "coalesce(a.name, '')",
        "(SELECT group_concat(email, ' ') FROM contact_emails WHERE contact_id = c.id)",
        f"(SELECT group_concat(phone || ' ' || {_digits('phone')}, ' ') FROM contact_phones WHERE contact_id = c.id)",
        "(SELECT group_concat(tag, ', ') FROM contact_tags WHERE contact_id = c.id)",
        _list("c.interests"),
        "c.notes",
        " || ' ' || ".join(f"coalesce({part}, '')" for part in (*map(_list, MORE), "c.best_time")),
    )


def contact_select(where: str) -> str:
    """The SELECT of `contact_documents`: each contact's id and its folded text (0018 makes it a view)."""
    gathered = ", ".join(
        f"{value} AS {column}" for value, column in zip(contact_values(), CONTACT_COLUMNS, strict=True)
    )
    return (
        f"SELECT id, {', '.join(folded(column) for column in CONTACT_COLUMNS)} "
        f"FROM (SELECT c.id AS id, {gathered} FROM contacts c LEFT JOIN accounts a ON a.id = c.account_id "
        f"WHERE {where})"
    )


def _refresh(contact: str) -> str:
    return f"DELETE FROM search_contacts WHERE rowid = {contact};\n" + contact_documents(f"c.id = {contact}")


def external_insert(fts: str, row: str = "NEW") -> str:
    table, column = EXTERNAL[fts]
    text = folded(f"{row}.{column}")
    return f"INSERT INTO {fts} (rowid, {column}) SELECT {row}.id, {text} WHERE {row}.{column} != '';"


def external_delete(fts: str, row: str = "OLD") -> str:
    """A row's words taken out: FTS5 needs the text they were indexed from, folded as it was."""
    table, column = EXTERNAL[fts]
    text = folded(f"{row}.{column}")
    return f"INSERT INTO {fts} ({fts}, rowid, {column}) SELECT 'delete', {row}.id, {text} WHERE {row}.{column} != '';"


def external_fill(fts: str, after: str = "0") -> str:
    """Every row of the content table with an id above `after` indexed, in one statement."""
    table, column = EXTERNAL[fts]
    return (
        f"INSERT INTO {fts} (rowid, {column}) SELECT id, {folded(column)} FROM {table} "
        f"WHERE id > {after} AND {column} != '' ORDER BY id"
    )


#: Contacts' own columns whose change changes their text.
CONTACT_FIELDS = "name, title, role, account_id, notes, interests, motivations, addresses, urls, best_time"


def contact_triggers(refresh, account_documents: str) -> dict[str, tuple[str, str, str]]:
    """The triggers that keep a contact's row of `search_contacts`: name -> (table, when, body).

    `refresh(contact)` is the SQL that writes one contact's row again, `account_documents` the INSERT of the
    rows of an account's contacts (0018 gives both reading its view)."""
    out = {
        "trg_search_contacts_insert": ("contacts", "AFTER INSERT ON contacts", refresh("NEW.id")),
        "trg_search_contacts_update": (
            "contacts",
            f"AFTER UPDATE OF id, {CONTACT_FIELDS} ON contacts",
            f"DELETE FROM search_contacts WHERE rowid = OLD.id;\n{refresh('NEW.id')}",
        ),
        "trg_search_contacts_delete": (
            "contacts",
            "AFTER DELETE ON contacts",
            "DELETE FROM search_contacts WHERE rowid = OLD.id;",
        ),
        "trg_search_accounts_update": (
            "accounts",
            "AFTER UPDATE OF name ON accounts",
            "DELETE FROM search_contacts WHERE rowid IN (SELECT id FROM contacts WHERE account_id = NEW.id);\n"
            + account_documents,
        ),
    }
    for table in ("contact_emails", "contact_phones", "contact_tags"):
        out[f"trg_search_{table}_insert"] = (table, f"AFTER INSERT ON {table}", refresh("NEW.contact_id"))
        out[f"trg_search_{table}_delete"] = (table, f"AFTER DELETE ON {table}", refresh("OLD.contact_id"))
        out[f"trg_search_{table}_update"] = (
            table,
            f"AFTER UPDATE ON {table}",
            refresh("OLD.contact_id") + "\n" + refresh("NEW.contact_id"),
        )
    return out


def _triggers() -> dict[str, tuple[str, str, str]]:
    """name -> (table, when, body)."""
    out = contact_triggers(_refresh, contact_documents("c.account_id = NEW.id"))
    for fts, (table, column) in EXTERNAL.items():
        out[f"trg_{fts}_insert"] = (table, f"AFTER INSERT ON {table}", external_insert(fts))
        out[f"trg_{fts}_delete"] = (table, f"AFTER DELETE ON {table}", external_delete(fts))
        out[f"trg_{fts}_update"] = (
            table,
            f"AFTER UPDATE OF id, {column} ON {table}",
            external_delete(fts) + "\n" + external_insert(fts),
        )
    return out


TRIGGERS = _triggers()


def trigger_sql(name: str, triggers: dict[str, tuple[str, str, str]] = TRIGGERS) -> str:
    """The CREATE TRIGGER of `name` as `triggers` (this revision's, or a later one's) define it."""
    _table, when, body = triggers[name]
    return f"CREATE TRIGGER {name} {when}\nBEGIN\n{body}\nEND"


def fill() -> list[str]:
    """Every index filled from what the book holds, set-based (the tables empty)."""
    return [contact_documents("1"), *(external_fill(fts) for fts in EXTERNAL)]


def upgrade() -> None:
    from alembic import op  # lazy for start-up: a search reads ACCENTED from this module without Alembic

    if op.get_bind().dialect.name == "postgresql":
        return  # FTS5 is SQLite's: search on a PostgreSQL book is not built yet (store/search.py says so)
    for sql in TABLES.values():
        op.execute(sql)
    for sql in fill():
        op.execute(sql)
    for name in TRIGGERS:
        op.execute(trigger_sql(name))


def downgrade() -> None:
    from alembic import op  # lazy for start-up (see upgrade)

    for name in TRIGGERS:
        op.execute(f"DROP TRIGGER IF EXISTS {name}")
    for name in TABLES:
        op.execute(f"DROP TABLE IF EXISTS {name}")
