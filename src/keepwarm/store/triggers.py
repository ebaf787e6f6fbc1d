"""The migrations' triggers, written once in SQLite's form and made PostgreSQL's on a server.

Each migration keeps its trigger SQL spelled out as SQLite runs it (the text
is part of the schema: a book upgraded from an old file and a new one hold the
same). On a PostgreSQL book, `create` turns that text into a plpgsql function
and a row trigger calling it. The translation knows the few SQLite forms the
migrations use, and nothing else; a form it does not know fails the migration
on the server (the tests migrate a real one), never a trigger silently altered:

- `WHEN cond` becomes an `IF cond THEN ... END IF` in the function (a
  PostgreSQL trigger's WHEN may not hold a subquery);
- `INSERT OR REPLACE INTO engine_marks ...` (the engine's marks, migration
  0007) becomes an upsert that gives the row the next mark, and the triggers
  that react to a new mark fire on that update too (`AFTER INSERT OR UPDATE`);
- `INSERT OR IGNORE` becomes `ON CONFLICT DO NOTHING`;
- a comparison used as a number (`sum(direction = 'inbound')`, a count's
  VALUES item, migration 0004) is cast to an integer;
- two-argument `min`/`max` become `LEAST`/`GREATEST` (with NULLs ignored,
  which is what the `coalesce` around them made of SQLite's form);
- `a IS NOT b` between columns becomes `IS DISTINCT FROM`, and `AND 1`,
  `AND TRUE`.
"""

from __future__ import annotations

import re

#: The tables whose INSERT OR REPLACE renews a row's autoincrement mark (see store/dialect.py insert_renewing).
RENEWED = {"engine_marks": "contact_id", "engine_account_marks": "account_id"}

_HEAD = re.compile(
    r"^\s*(?P<timing>AFTER|BEFORE)\s+(?P<event>INSERT|DELETE|UPDATE(?:\s+OF\s+[\w\s,]+?)?)\s+ON\s+(?P<table>\w+)"
    r"(?:\s+WHEN\s+(?P<when>.*?))?\s+BEGIN\s+(?P<body>.*)\s+END\s*$",
    re.S,
)


def create(name: str, definition: str) -> None:
    """Create trigger `name` from its SQLite definition (what follows `CREATE TRIGGER name`) on the
    migration's connection, as it is on SQLite and translated on PostgreSQL."""
    from alembic import op  # lazy for start-up: run by the migrations only

    if op.get_bind().dialect.name != "postgresql":
        op.execute(f"CREATE TRIGGER {name} {definition}")
        return
    for statement in for_postgresql(name, definition):
        op.execute(statement)


def execute(sql: str) -> None:
    """Run one of the migrations' plain statements written in SQLite's form (the same translation as a trigger's
    body: an INSERT OR REPLACE of the marks, a sum of comparisons)."""
    from alembic import op  # lazy for start-up: run by the migrations only

    op.execute(_statement(sql) if op.get_bind().dialect.name == "postgresql" else sql)


def for_postgresql(name: str, definition: str) -> list[str]:
    """The function and the trigger that do on PostgreSQL what `definition` does on SQLite."""
    found = _HEAD.match(definition)
    if found is None:
        raise ValueError(f"trigger {name}: not a definition this translation knows: {definition[:80]!r}")
    event, table = found["event"], found["table"]
    if event == "INSERT" and table in RENEWED:
        event = "INSERT OR UPDATE"
    body = _body(found["body"])
    if found["when"]:
        body = f"IF {_expression(found['when'])} THEN\n{body}\nEND IF;"
    function = (
        f"CREATE OR REPLACE FUNCTION {name}_fn() RETURNS trigger LANGUAGE plpgsql AS $kw$\n"
        f"BEGIN\n{body}\nRETURN NULL;\nEND\n$kw$"
    )
    trigger = (
        f"CREATE OR REPLACE TRIGGER {name} {found['timing']} {event} ON {table} "
        f"FOR EACH ROW EXECUTE FUNCTION {name}_fn()"
    )
    return [function, trigger]


def _body(body: str) -> str:
    statements = [part.strip() for part in _split(body, ";") if part.strip()]
    return "\n".join(_statement(statement) + ";" for statement in statements)


def _statement(sql: str) -> str:
    replace = re.match(r"INSERT OR REPLACE INTO (\w+)\s*\((\w+)\)\s*(.*)$", sql, re.S)
    if replace:
        table, column, rest = replace.groups()
        if RENEWED.get(table) != column:
            raise ValueError(f"INSERT OR REPLACE INTO {table}: no PostgreSQL form is known for it")
        return f"INSERT INTO {table} ({column}) {_expression(rest)} ON CONFLICT ({column}) DO UPDATE SET mark = DEFAULT"
    ignore = re.match(r"INSERT OR IGNORE INTO (.*)$", sql, re.S)
    if ignore:
        return f"INSERT INTO {_expression(ignore.group(1))} ON CONFLICT DO NOTHING"
    return _qualified_updates(_values_as_numbers(_expression(sql)))


def _qualified_updates(sql: str) -> str:
    """In `ON CONFLICT ... DO UPDATE SET col = f(col, excluded.col)`, SQLite reads a bare `col` as the stored
    row's; the server finds it ambiguous: it is written `table.col`."""
    found = re.match(r"(INSERT INTO (\w+)\s*\(([^)]*)\).*?DO UPDATE SET )(.*)$", sql, re.S)
    if found is None:
        return sql
    head, table, columns, sets = found.groups()
    names = "|".join(re.escape(name.strip()) for name in columns.split(","))
    items = []
    for item in _split(sets, ","):
        target, _, value = item.partition("=")
        value = re.sub(rf"(?<![\w.])({names})\b", rf"{table}.\1", value)
        items.append(f"{target.strip()} ={value}")
    return head + ", ".join(items)


def _expression(sql: str) -> str:
    sql = re.sub(r"\bmin\(([\w.]+), ([\w.]+)\)", r"LEAST(\1, \2)", sql)
    sql = re.sub(r"\bmax\(([\w.]+), ([\w.]+)\)", r"GREATEST(\1, \2)", sql)
    sql = re.sub(r"\b((?:NEW|OLD)\.\w+) IS NOT ((?:NEW|OLD)\.\w+)", r"\1 IS DISTINCT FROM \2", sql)
    sql = re.sub(r"\bAND 1\b", "AND TRUE", sql)
    return _sums_of_comparisons(sql)


def _sums_of_comparisons(sql: str) -> str:
    """`sum(a = 'x')` counts the rows where the comparison holds: a boolean cast to an integer on the server."""
    out, start = [], 0
    for match in re.finditer(r"\bsum\(", sql):
        if match.start() < start:
            continue
        end = _closing(sql, match.end() - 1)
        inner = sql[match.end() : end]
        out.append(sql[start : match.end()])
        out.append(f"({inner})::int" if _is_comparison(inner) else inner)
        start = end
    out.append(sql[start:])
    return "".join(out)


def _values_as_numbers(sql: str) -> str:
    """A VALUES item that is a bracketed comparison is a count (1 or 0): cast to an integer on the server."""
    found = re.search(r"\bVALUES\s*\(", sql)
    if not found:
        return sql
    end = _closing(sql, found.end() - 1)
    items = [item.strip() for item in _split(sql[found.end() : end], ",")]
    items = [f"{item}::int" if item.startswith("(") and _is_comparison(item) else item for item in items]
    return f"{sql[: found.end()]}{', '.join(items)}{sql[end:]}"


def _is_comparison(text: str) -> bool:
    return " = " in text and not text.lstrip("( ").upper().startswith(("SELECT", "CASE"))


def _closing(sql: str, opening: int) -> int:
    """The index of the bracket that closes the one at `opening`."""
    depth = 0
    for index in range(opening, len(sql)):
        if sql[index] == "(":
            depth += 1
        elif sql[index] == ")":
            depth -= 1
            if depth == 0:
                return index
    raise ValueError(f"unbalanced brackets in {sql[:80]!r}")


def _split(sql: str, separator: str) -> list[str]:
    """`sql` split at `separator` outside brackets and quotes."""
    parts: list[str] = []
    current: list[str] = []
    depth, quoted = 0, False
    for char in sql:
        if char == "'":
            quoted = not quoted
        elif not quoted and char == "(":
            depth += 1
        elif not quoted and char == ")":
            depth -= 1
        if char == separator and depth == 0 and not quoted:
            parts.append("".join(current))
            current = []
        else:
            current.append(char)
    parts.append("".join(current))
    return parts
