"""The checks and writers of a restore, shared by its two paths.

`restore` parses a whole backup and `restore_stream` reads one a record at a
time; both check the envelope, the ids and the rule files with these
functions, and write into the empty database with them, in one transaction
(`restoring`).
"""

from __future__ import annotations

import datetime as dt
import json
import tomllib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from enum import Enum
from functools import partial
from operator import attrgetter
from pathlib import Path, PurePosixPath
from typing import Any, get_args

from pydantic import BaseModel, ValidationError
from sqlalchemy import Connection, DateTime, String, Table, insert

from ..errors import UserError
from ..home import paths
from ..store import Store, bulk_load, dialect, schema
from ..text.wording import noun
from . import bulk
from .backup import TABLES, table_counts
from .records import FORMAT, KEYS, Envelope, Record, described
from .validation import first_problem


def check_envelope(data: object, source: str) -> Envelope:
    """The file around the records: a keepwarm backup of a version we read, with nothing unknown in it."""
    if not isinstance(data, dict):
        raise UserError(f'{source}: is not a keepwarm backup (expected a JSON object with "format": "{FORMAT}")')
    if data.get("format") != FORMAT:
        raise UserError(f'{source}: is not a keepwarm backup (expected "format": "{FORMAT}")')
    try:
        return Envelope.model_validate(data)
    except ValidationError as exc:
        raise UserError(f"{source}: {first_problem(exc)}") from None


def used_twice(section: str, index: int, item: Record) -> str:
    """The problem of a record whose id (or name, or address) another record of its section has."""
    key = KEYS.get(section, "id")
    value = getattr(item, key)
    return f"{section}[{index}].{key}: {value!r} is used twice (expected unique {noun(2, key)})"


def capture_twice(index: int, capture: Record) -> str:
    return (
        f"captures[{index}].external_id: {capture.external_id!r} of source {capture.source!r} is used twice "
        "(expected one capture per source and id)"
    )


def no_capture(index: int, capture_id: int) -> str:
    return f"interactions[{index}].capture_id: no capture with id {capture_id} in this backup"


def _safe_rule_path(name: str) -> bool:
    path = PurePosixPath(name)
    return (
        bool(name)
        and "\\" not in name
        and not path.is_absolute()
        and ".." not in path.parts
        and path.suffix == ".toml"
        and all(part not in ("", ".") for part in path.parts)
    )


def check_rules(rules: dict[str, str], source: str) -> None:
    for name, text in rules.items():
        if not _safe_rule_path(name):
            raise UserError(f"{source}: rules[{name!r}]: not a relative .toml path inside the rules folder")
        try:
            tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            raise UserError(f"{source}: rules[{name!r}]: not valid TOML ({exc})") from None


def require_empty(conn: Connection, store: Store) -> None:
    held = described(table_counts(conn), zeros=False)
    if held:
        raise UserError(
            f"{store.path}: is not empty ({held}); restore only into an empty database "
            "(e.g. keepwarm --db new.db restore FILE)"
        )


def _naive(value: dt.datetime | None) -> dt.datetime | None:
    return None if value is None else value.astimezone(dt.timezone.utc).replace(tzinfo=None)


def account_keys(accounts: list[Record]) -> dict[str, int]:
    """Each account's name as contacts refer to it (trimmed, lower case) -> its id."""
    return {a.name.strip().lower(): a.id for a in accounts}


def write_records(conn: Connection, section: str, items: list[Record], account_ids: dict[str, int]) -> None:
    """Insert one section's records as they are, ids included; `account_ids` as `account_keys` gives them."""
    if not items:
        return
    if section == "accounts":
        conn.execute(
            insert(schema.accounts),
            [
                {
                    **a.model_dump(exclude={"created_at", "updated_at"}),
                    "created_at": _naive(a.created_at),
                    "updated_at": _naive(a.updated_at),
                }
                for a in items
            ],
        )
    elif section == "contacts":
        bulk.insert_contacts(conn, [(c.id, c, c.uid, c.created_at, c.updated_at) for c in items], account_ids)
    elif section == "captures":
        _insert_captures(conn, items)
    elif section == "ignored_addresses":
        conn.execute(
            insert(schema.ignored_addresses),
            [{"address": a.address, "ignored_at": _naive(a.ignored_at)} for a in items],
        )
    elif section == "source_state":
        conn.execute(
            insert(schema.source_state),
            [
                {
                    "name": s.name,
                    "kind": s.kind,
                    "cursor": json.dumps(s.cursor, sort_keys=True),
                    "synced_at": _naive(s.synced_at),
                    "summary": json.dumps(s.summary, sort_keys=True),
                }
                for s in items
            ],
        )
    else:
        _insert_records(conn, TABLES[section], items)


def _insert_captures(conn: Connection, items: list[Record]) -> None:
    """Captures with their ids, then their people and refs in the order given (the order they are read back)."""
    columns = [c.name for c in schema.captures.columns]
    conn.execute(
        insert(schema.captures), [{**{name: getattr(c, name) for name in columns}, "at": _naive(c.at)} for c in items]
    )
    people = [{"capture_id": c.id, **p.model_dump()} for c in items for p in c.people]
    refs = [{"capture_id": c.id, "ref": ref} for c in items for ref in c.refs]
    if people:
        conn.execute(insert(schema.capture_people), people)
    if refs:
        conn.execute(insert(schema.capture_refs), refs)


def _plain_enums(annotation) -> bool:
    """Whether a field holds only str-valued enums (or none): the driver binds those as their value."""
    if isinstance(annotation, type):
        return not issubclass(annotation, Enum) or issubclass(annotation, str)
    return all(_plain_enums(arg) for arg in get_args(annotation))


def _bind_naive(bind: Callable[[Any], Any], value: dt.datetime | None) -> Any:
    return None if value is None else bind(_naive(value))


def _as_it_is(value: Any) -> Any:
    return value


def _bind_value(bind: Callable[[Any], Any], value: object) -> Any:
    return None if value is None else bind(value)


def _converters(conn: Connection, table: Table, model: type[BaseModel]) -> list[Callable[[Any], Any] | None]:
    """Per column, what turns a model's value into what SQLAlchemy would bind (None: as it is)."""
    out: list[Callable[[Any], Any] | None] = []
    for key, info in model.model_fields.items():
        kind = table.c[key].type
        bind = kind._cached_bind_processor(conn.dialect)
        if isinstance(kind, DateTime):
            # SQLAlchemy's DateTime formats what it binds on SQLite; the server's driver takes the value itself
            out.append(partial(_bind_naive, bind or _as_it_is))
        elif bind is not None:
            out.append(partial(_bind_value, bind))
        elif isinstance(kind, String) and not _plain_enums(info.annotation):
            out.append(lambda v: v.value if isinstance(v, Enum) else v)
        else:
            out.append(None)
    return out


def _insert_records(conn: Connection, table: Table, items: list[Record]) -> None:
    """One executemany of plain tuples through the driver: the records' fields are the table's columns,
    each value bound as SQLAlchemy binds it, without SQLAlchemy's cost per row."""
    keys = tuple(type(items[0]).model_fields)
    fetch = attrgetter(*keys)
    steps = [(i, f) for i, f in enumerate(_converters(conn, table, type(items[0]))) if f is not None]
    values = []
    for item in items:
        row = list(fetch(item))
        for i, f in steps:
            row[i] = f(row[i])
        values.append(tuple(row))
    quote = conn.dialect.identifier_preparer.quote
    names = ", ".join(quote(key) for key in keys)
    insert = f"INSERT INTO {quote(table.name)} ({names}) VALUES ({', '.join('?' * len(keys))})"
    conn.exec_driver_sql(dialect.driver_marks(conn, insert), values)


def rule_targets(rules: dict[str, str]) -> dict[Path, str]:
    """Where each rule file goes; refuses to replace a different file already there."""
    folder = paths.user_rules_dir()
    out = {}
    for name, text in rules.items():
        target = folder / PurePosixPath(name)
        if target.exists():
            try:
                same = target.read_text(encoding="utf-8") == text
            except (OSError, UnicodeDecodeError):
                same = False
            if not same:
                raise UserError(
                    f"{target}: exists already with other content; move it away first (nothing was restored)"
                )
            continue
        out[target] = text
    return out


@contextmanager
def restoring(store: Store) -> Iterator[Connection]:
    """The one write transaction of a restore, into a database checked empty (before its automatic
    copy, and again inside, against a writer in between), with the history's upkeep deferred."""
    with store.read() as conn:
        require_empty(conn, store)
    store.copy_aside("restore")
    with store.write() as conn, bulk_load.deferred_upkeep(conn, "interactions"):
        require_empty(conn, store)
        yield conn
