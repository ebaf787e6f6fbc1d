"""Search on a PostgreSQL book: the index of migration 0020 asked as `store/search.py` asks FTS5.

What is typed becomes a `tsquery` of plain lexemes: each word folded by the
server's own `keepwarm_fold` (the function the index is built with, so both
sides fold alike), a word that folds to several (an e-mail, "o'brien") a phrase
of them (`<->`), every word required (`&`), the last a prefix (`:*`) while it is
typed. The folded words hold letters and digits only, so nothing typed is query
syntax and no query can fail to parse.

A candidate's score is minus `ts_rank` (store/search.py sorts lower first, as
bm25 scores are). The match in context is `ts_headline` over the text as
written: it marks the words the server's own parser finds there, so a word
whose accents were folded away is shown but not marked.
"""

from __future__ import annotations

import importlib

from sqlalchemy import Connection

#: Each kind other than contacts: (table, its text column, the day shown as text).
_TEXTS = {
    "interactions": ("interactions", "notes", "CAST(t.at AS text)"),
    "promises": ("commitments", "text", "coalesce(CAST(t.due AS text), '')"),
    "notes": ("contact_notes", "text", "coalesce(CAST(t.\"on\" AS text), '')"),
}

#: ts_rank's weights of the contacts' fields, D to A (migration 0020's WEIGHTS): the name counts most.
_WEIGHTS = "'{0.1, 0.3, 0.4, 1.0}'"

#: search_contact_text's columns in the order a contact's match in context is chosen among equals (0013's).
_CONTACT_COLUMNS = ("name", "title", "role", "account", "emails", "phones", "tags", "interests", "notes", "more")


def tsquery(conn: Connection, words: list[str], *, prefix: bool) -> str | None:
    """`words` as typed, as a tsquery's text; None when none has a letter or digit once folded."""
    folded = conn.exec_driver_sql(
        "SELECT keepwarm_fold(w) FROM unnest(%(words)s::text[]) WITH ORDINALITY AS u(w, n) ORDER BY n",
        {"words": words},
    ).scalars()
    phrases = [tokens for tokens in (f.split() for f in folded) if tokens]
    if not phrases:
        return None
    quoted = [[f"'{token}'" for token in tokens] for tokens in phrases]
    if prefix:
        quoted[-1][-1] += ":*"
    return " & ".join("(" + " <-> ".join(tokens) + ")" for tokens in quoted)


def candidates(conn: Connection, kind: str, query: str, count: int, weigh: bool) -> list[tuple[int, float, str]]:
    """(id, score, day as text) of the `count` latest rows of `kind` that match."""
    if kind == "contacts":
        sql = (
            f"SELECT d.contact_id, -ts_rank({_WEIGHTS}, d.document, q), '' FROM search_contact_docs d, "
            "to_tsquery('simple', %(q)s) q WHERE d.document @@ q ORDER BY d.contact_id DESC LIMIT %(n)s"
        )
    else:
        table, column, day = _TEXTS[kind]
        score = f"-ts_rank(keepwarm_words(t.{column}), q)" if weigh else "0.0"
        sql = (
            f"SELECT t.id, {score}, {day} FROM {table} t, to_tsquery('simple', %(q)s) q "
            f"WHERE t.{column} <> '' AND keepwarm_words(t.{column}) @@ q ORDER BY t.id DESC LIMIT %(n)s"
        )
    return [(rowid, float(score), day) for rowid, score, day in conn.exec_driver_sql(sql, {"q": query, "n": count})]


def snippets(conn: Connection, kind: str, query: str, ids: list[int], marks: tuple[str, str, str, int]) -> dict:
    """id -> the match in context, between the marks (start, end, ellipsis, words of context)."""
    start, end, ellipsis, words = marks
    options = f"StartSel={start}, StopSel={end}, MaxWords={words}, MinWords={max(1, words // 2)}, ShortWord=0"
    if kind == "contacts":
        texts = ", ".join(f"({n}, t.{column})" for n, column in enumerate(_CONTACT_COLUMNS))
        text = (
            f"(SELECT v.text FROM (VALUES {texts}) v(n, text) "
            "ORDER BY ts_rank(keepwarm_words(v.text), q) DESC, v.n LIMIT 1)"
        )
        source = "search_contact_text t"
    else:
        table, column, _day = _TEXTS[kind]
        text, source = f"t.{column}", f"{table} t"
    # A text of no more words than the context shows is shown whole (ts_headline would still cut it to a cover).
    whole = (
        f"CASE WHEN length(t.text) - length(replace(t.text, ' ', '')) < {words} THEN ', HighlightAll=true' ELSE '' END"
    )
    sql = (
        f"SELECT t.id, t.text, ts_headline('simple', t.text, q, %(options)s || {whole}) "
        "FROM to_tsquery('simple', %(q)s) q, "
        f"LATERAL (SELECT t.id, {text} AS text FROM {source} WHERE t.id = ANY(%(ids)s)) t"
    )
    out = {}
    for rowid, whole, shown in conn.exec_driver_sql(sql, {"q": query, "ids": ids, "options": options}):
        plain = shown.replace(start, "").replace(end, "")
        head = "" if whole.startswith(plain) else ellipsis
        tail = "" if whole.endswith(plain) else ellipsis
        out[rowid] = head + shown + tail
    return out


def rebuild(conn: Connection) -> None:
    """Inside a write transaction: every contact's search document made again from the book (a copy into the
    server sets the triggers that keep them aside); the other kinds' expression indexes need nothing."""
    definitions = importlib.import_module(f"{__package__}.migrations.versions.0020_search_postgresql")
    conn.exec_driver_sql("DELETE FROM search_contact_docs")
    conn.exec_driver_sql(definitions.fill())
