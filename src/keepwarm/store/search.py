"""Finding anything by its words: contacts, touches' notes, promises and notes on people (FTS5, migration 0013).

What the user types is never FTS5 syntax: each word becomes a quoted phrase
(so `"`, `*`, `AND`, `NEAR(`, `-` and `:` are text, and no query can fail to
parse), every word must match, and the last one matches as a prefix while it is
being typed. The tokenizer folds case in every script and the accents of Latin
letters; Greek and Cyrillic accents are taken off by migration 0013 before the
text is indexed, and here from what is typed.

Each kind is ranked by bm25. A prefix of one or two letters can match most of a
million touches (or every contact), and ranking them all costs a scan of them
all, so each kind ranks the `CANDIDATES` most recently written rows that match
(every match, when there are fewer), and contacts come first. The match is
shown in context by `snippet()`, between the `START` and `END` marks.

On a PostgreSQL book the index is the server's full-text search (migration
0020, `store/search_server.py`); what matches, the candidates, their merging
and their order are this module's for both.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import Connection

from . import dialect, search_index, search_server
from .search_index import KINDS

#: Each kind ranks at most this many of its matches: the most recently written.
CANDIDATES = 300
#: Marks around each matched term in a snippet; `split_snippet` takes them out again.
START, END = "\ue000", "\ue001"
ELLIPSIS = "…"
#: Words of context a snippet shows around the match.
SNIPPET_WORDS = 12
#: The weight of each of search_contacts' columns in its bm25 (name, title, role, account, emails, phones,
#: tags, interests, notes, more): a name that matches counts most.
CONTACT_WEIGHTS = (10.0, 3.0, 2.0, 4.0, 4.0, 3.0, 3.0, 2.0, 1.0, 1.0)

#: kind -> (content table, the date column shown); each row's contact is in its `contact_id`.
_CONTENT = {
    "interactions": ("interactions", "at"),
    "promises": ("commitments", "due"),
    "notes": ("contact_notes", '"on"'),
}


#: Greek and Cyrillic accents taken off what is typed, as the index has them off (migration 0013's `folded`).
_PLAIN = str.maketrans(search_index.definitions().ACCENTED, search_index.definitions().PLAIN)


@dataclass(frozen=True)
class Hit:
    kind: str  # contacts, interactions, promises or notes
    id: int  # the row's id in its own table (the contact's for contacts)
    contact_id: int
    contact_name: str
    when: dt.date | dt.datetime | None  # the touch's moment (UTC), the promise's due day, the note's day
    score: float  # bm25: lower is better
    snippet: str  # with START/END around the matched terms


def match_expression(text: str, *, prefix: bool = True) -> str | None:
    """What the user typed as an FTS5 query of quoted words (the last a prefix); None when it has no word."""
    words = [w.translate(_PLAIN) for w in text.split() if any(ch.isalnum() for ch in w)]
    if not words:
        return None
    phrases = ['"' + w.replace('"', '""') + '"' for w in words]
    if prefix and text[-1:].strip():  # still typing the last word
        phrases[-1] += "*"
    return " ".join(phrases)


def search(
    conn: Connection, text: str, *, kinds: Iterable[str] = tuple(KINDS), limit: int = 20, prefix: bool = True
) -> list[Hit]:
    """The `limit` best hits for `text` over `kinds`, best first."""
    if limit <= 0:
        return []
    if conn.dialect.name == "sqlite":
        query = match_expression(text, prefix=prefix)
    else:
        words = [w for w in text.split() if any(ch.isalnum() for ch in w)]
        query = search_server.tsquery(conn, words, prefix=prefix and bool(text[-1:].strip())) if words else None
    if query is None:
        return []
    # One letter alone (the first keystroke) matches most of a million touches, and bm25 reads every match once
    # to weigh the word: the latest touches, promises and notes are listed unranked, after the contacts.
    first_letter = len(text.strip()) == 1
    ranked: list[tuple[float, str, int, str]] = []
    for kind in kinds:
        weigh = kind == "contacts" or not first_letter
        ranked += [(score, kind, rowid, snippet) for rowid, score, snippet in _ranked(conn, kind, query, limit, weigh)]
    # Contacts first: bm25 scores of different tables are not on one scale (a word in one touch of three outweighs a
    # name in a small book), and a person is what is looked for most. Then the texts, merged by score; stable, so a
    # kind's own order stays among equals.
    ranked.sort(key=lambda hit: (hit[1] != "contacts", hit[0]))
    ranked = ranked[:limit]
    owners = {}
    for kind in KINDS:
        ids = [rowid for _score, k, rowid, _snippet in ranked if k == kind]
        if ids:
            owners.update({(kind, row[0]): row[1:] for row in _owners(conn, kind, ids)})
    hits = []
    for score, kind, rowid, snippet in ranked:
        contact_id, name, when = owners[(kind, rowid)]
        hits.append(Hit(kind, rowid, contact_id, name, _day(when), score, snippet))
    return hits


def _ranked(conn: Connection, kind: str, query: str, limit: int, weigh: bool = True) -> list[tuple[int, float, str]]:
    """(id, score, snippet) of the `limit` best of a kind's latest `CANDIDATES` matches."""
    server = conn.dialect.name != "sqlite"
    rows = (search_server.candidates if server else _candidates)(conn, kind, query, CANDIDATES, weigh)
    # Equal scores (the same words in texts of one length): the latest first.
    rows.sort(key=lambda row: (row[1], _reverse(row[2]), -row[0]))
    best = rows[:limit]
    if not best:
        return []
    ids = [row[0] for row in best]
    marks = (START, END, ELLIPSIS, SNIPPET_WORDS)
    snippets = (search_server.snippets if server else _snippets)(conn, kind, query, ids, marks)
    return [(rowid, score, snippets.get(rowid, "")) for rowid, score, _day in best]


def _candidates(conn: Connection, kind: str, query: str, count: int, weigh: bool) -> list[tuple[int, float, str]]:
    """(id, score, day as text) of the `count` latest matches, in the index's own order, which lets it stop
    after them."""
    fts = KINDS[kind]
    if kind == "contacts":
        score, day, source = f"bm25({fts}, {', '.join(map(str, CONTACT_WEIGHTS))})", "''", f"{fts} f"
    else:
        table, column = _CONTENT[kind]
        score = f"bm25({fts})" if weigh else "0.0"
        day, source = f"coalesce(t.{column}, '')", f"{fts} f JOIN {table} t ON t.id = f.rowid"
    return [
        tuple(row)
        for row in conn.exec_driver_sql(
            f"SELECT f.rowid, {score}, {day} FROM {source} WHERE {fts} MATCH ? ORDER BY f.rowid DESC LIMIT ?",
            (query, count),
        )
    ]


def _snippets(conn: Connection, kind: str, query: str, ids: list[int], marks: tuple) -> dict[int, str]:
    """id -> the match in context, read in one more pass over the same stretch of the index (asking for each by
    its id would match again for each: with a prefix of many words, a merge of their lists each time)."""
    fts = KINDS[kind]
    start, end, ellipsis, words = marks
    snippet = f"snippet({fts}, -1, '{start}', '{end}', '{ellipsis}', {words})"
    return dict(
        conn.exec_driver_sql(
            f"SELECT rowid, {snippet} FROM {fts} WHERE {fts} MATCH ? AND rowid >= ? AND rowid <= ? "
            f"AND +rowid IN ({', '.join('?' * len(ids))})",
            (query, min(ids), max(ids), *ids),
        ).all()
    )


def _reverse(text: str) -> tuple[int, ...]:
    """A key that sorts ISO dates and moments newest first."""
    return tuple(-ord(ch) for ch in text)


def _owners(conn: Connection, kind: str, ids: list[int]) -> list[tuple]:
    """(id, contact id, contact name, day) of the rows shown."""
    marks = ", ".join("?" * len(ids))
    if kind == "contacts":
        sql = f"SELECT id, id, name, NULL FROM contacts WHERE id IN ({marks})"
    else:
        table, day = _CONTENT[kind]
        sql = (
            f"SELECT t.id, t.contact_id, c.name, t.{day} FROM {table} t JOIN contacts c ON c.id = t.contact_id "
            f"WHERE t.id IN ({marks})"
        )
    return [tuple(row) for row in conn.exec_driver_sql(dialect.driver_marks(conn, sql), tuple(ids))]


def _day(value) -> dt.date | dt.datetime | None:
    """A touch's moment (UTC, as stored), a promise's or a note's day."""
    if value is None or value == "":
        return None
    text = str(value)
    if len(text) > 10:
        return dt.datetime.fromisoformat(text).replace(tzinfo=dt.timezone.utc)
    return dt.date.fromisoformat(text)


def split_snippet(snippet: str) -> list[tuple[str, bool]]:
    """A snippet as (text, matched) pieces, the marks taken out."""
    pieces: list[tuple[str, bool]] = []
    rest = snippet
    while rest:
        start = rest.find(START)
        if start < 0:
            pieces.append((rest, False))
            break
        if start:
            pieces.append((rest[:start], False))
        end = rest.find(END, start + 1)
        if end < 0:
            end = len(rest)
        if end > start + 1:
            pieces.append((rest[start + 1 : end], True))
        rest = rest[end + 1 :]
    return [(text.replace(START, "").replace(END, ""), matched) for text, matched in pieces if text]
