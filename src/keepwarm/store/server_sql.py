"""SQLite's functions and stored text, as the server spells them: compile rules for a PostgreSQL book.

The engine's and the store's Core queries call a few functions by SQLite's
names (`func.json_group_array`, ...) and read some columns "as stored". On a
PostgreSQL connection each is written as the server's equal when the query is
compiled, so the query itself stays one (store/dialect.py holds the rest of
the differences). Loaded by store/server.py: a SQLite book never loads it.
A function with no exact equal on the server is refused there by name (an
error, never a different result).
"""

from __future__ import annotations

from sqlalchemy import LargeBinary
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.elements import Cast, TypeCoerce
from sqlalchemy.sql.functions import Function

from ..errors import StoreError

#: SQLite's name -> the server's (same arguments, same result). SQLite's JSON functions return text: so do these.
SERVER_NAMES = {"json_group_array": "json_agg", "json_array": "json_build_array"}
_AS_TEXT = {"json_group_array"}


@compiles(Function, "postgresql")
def _server_function(element, compiler, **kw):
    name = element.name.lower()
    if name in SERVER_NAMES:
        call = f"{SERVER_NAMES[name]}({compiler.process(element.clause_expr.element, **kw)})"
        return f"CAST({call} AS TEXT)" if name in _AS_TEXT else call
    if name == "printf":
        # '%!.17g': a real number's exact text; the server's double's text is already the shortest exact one
        # (an average of integers is a numeric there: made a double first, as SQLite's is)
        args = list(element.clauses)
        return f"CAST(CAST({compiler.process(args[-1], **kw)} AS DOUBLE PRECISION) AS TEXT)"
    if name == "json_array_length":
        return f"json_array_length(CAST({compiler.process(element.clause_expr.element, **kw)} AS JSON))"
    if name == "typeof":  # a column of the server holds its declared type: text or NULL
        return f"CASE WHEN {compiler.process(element.clause_expr.element, **kw)} IS NULL THEN 'null' ELSE 'text' END"
    if name == "group_concat":
        return _joined(element, compiler, **kw)
    if name in ("char", "julianday"):
        raise NotOnServer(
            f"this needs SQLite's {name}(), not yet available on a PostgreSQL book (see docs/postgresql.md)"
        )
    return compiler.visit_function(element, **kw)


def _joined(element, compiler, **kw) -> str:
    """group_concat(x, sep) as a JSON string: the server's text cannot hold a NUL, which the engine joins notes
    with (`func.char(0)`), and its JSON can (as \\u0000). The driver reads a JSON string back as text (NULs
    and all), and inside `json_array` it stays the string SQLite's would be."""
    args = list(element.clauses)
    separator = args[1] if len(args) > 1 else None
    if isinstance(separator, Function) and separator.name.lower() == "char":
        codes = [getattr(code, "value", None) for code in separator.clauses]
        if not all(isinstance(code, int) for code in codes):
            raise NotOnServer("this needs SQLite's char() of a computed code, not yet available on a PostgreSQL book")
        sep = "'" + "".join(f"\\u{code:04x}" for code in codes) + "'"
    else:
        sep = _json_inside(compiler.process(separator, **kw) if separator is not None else "','")
    joined = f"string_agg({_json_inside(compiler.process(args[0], **kw))}, {sep})"
    return f"CAST('\"' || {joined} || '\"' AS JSON)"


def _json_inside(sql: str) -> str:
    """The JSON text of a string value without its quotes (escapes and all)."""
    quoted = f"to_json(CAST({sql} AS TEXT))::text"
    return f"substr({quoted}, 2, length({quoted}) - 2)"


@compiles(Cast, "postgresql")
def _bytes_of_text(element, compiler, **kw):
    # SQLite's CAST(text AS BLOB) is the text's UTF-8; the server's reads backslashes as escapes.
    if isinstance(element.type, LargeBinary):
        return f"convert_to({compiler.process(element.clause, **kw)}, 'UTF8')"
    return compiler.visit_cast(element, **kw)


class NotOnServer(StoreError):
    """A query that still uses something of SQLite's alone: not yet available on a PostgreSQL book (one line,
    exit 2, raised before the query runs: what the command wrote before it stays, nothing is half-written)."""


# ---------------------------------------------------------------- values read as their stored text
#
# The store's fastest readers ask for a column "as stored" (`rows.as_text`, a `type_coerce` to text) and parse
# that text themselves (`rows.Parsed`, `json.loads`). SQLite hands back the text it stores; the server hands
# back typed values. So on the server such a column is written as SQLite's text of it (the same digits,
# the same JSON), and `rows.Parsed` parses with SQLite's processors on both: one reader for both stores.

#: The server's SQL giving SQLite's stored text of a value of each type (by SQLAlchemy's type name).
_STORED_TEXT = {
    "DateTime": "to_char({}, 'YYYY-MM-DD HH24:MI:SS.US')",
    "Date": "to_char({}, 'YYYY-MM-DD')",
    "Time": "to_char({}, 'HH24:MI:SS.US')",
    "JSON": "CAST({} AS TEXT)",
}


@compiles(TypeCoerce, "postgresql")
def _stored_text(element, compiler, **kw):
    inner = compiler.process(element.typed_expression, **kw)
    if element.type._type_affinity.__name__ not in ("String", "Text"):
        return inner
    for cls in type(element.typed_expression.type).__mro__:
        if cls.__name__ in _STORED_TEXT:
            return _STORED_TEXT[cls.__name__].format(inner)
    return inner
