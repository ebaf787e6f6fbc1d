"""Loading a JSON backup into an empty database.

Every record is validated by the domain models and every reference checked;
all of it is written in one transaction, ids included, so `contact 12` is
still contact 12 afterwards, and nothing at all if anything is refused.

A backup in the layout `keepwarm export json` writes (one record per line) is
read a record at a time and written in batches inside that transaction
(`restore_stream`), so its size is not limited; any other JSON file is parsed
whole, as files of the other importers are, up to their size limit.
"""

from __future__ import annotations

import datetime as dt
import json
import tomllib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from enum import Enum
from functools import partial
from operator import attrgetter
from pathlib import Path, PurePosixPath
from typing import Any, get_args

from pydantic import BaseModel, ValidationError
from sqlalchemy import Connection, DateTime, String, Table, insert

from .. import paths
from ..errors import UserError
from ..store import Store, bulk_load, schema
from ..wording import noun, plural
from . import bulk
from .backup import TABLES, table_counts
from .encoding import read_text
from .files import write_private
from .records import FORMAT, KEYS, SECTIONS, Envelope, Record
from .validation import first_problem


@dataclass
class Parsed:
    anchor: dt.date | None
    records: dict[str, list[Record]] = field(default_factory=dict)
    rules: dict[str, str] = field(default_factory=dict)

    def counts(self) -> dict[str, int]:
        return {section: len(items) for section, items in self.records.items()} | {"rules": len(self.rules)}


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


def parse(data: object, source: str) -> Parsed:
    """Validate a whole backup; the first bad record is reported by its path (`contacts[3].emails[0]`)."""
    envelope = check_envelope(data, source)
    del data  # the envelope holds the records now; a caller passing the tree alone lets it go
    parsed = Parsed(anchor=envelope.anchor)
    for section, model in SECTIONS.items():
        items = []
        raws = getattr(envelope, section)
        for index in range(len(raws)):
            try:
                items.append(model.model_validate(raws[index]))
            except ValidationError as exc:
                raise UserError(f"{source}: {first_problem(exc, (section, index))}") from None
            raws[index] = None  # each raw record goes as its model arrives: never both for a whole section
        setattr(envelope, section, [])
        parsed.records[section] = items
    parsed.rules = dict(envelope.rules)
    _check_references(parsed, source)
    check_rules(parsed.rules, source)
    return parsed


def used_twice(section: str, index: int, item: Record) -> str:
    """The problem of a record whose id (or name, or address) another record of its section has."""
    key = KEYS.get(section, "id")
    value = getattr(item, key)
    return f"{section}[{index}].{key}: {value!r} is used twice (expected unique {noun(2, key)})"


def _check_references(parsed: Parsed, source: str) -> None:
    for section, items in parsed.records.items():
        seen: set = set()
        key = KEYS.get(section, "id")
        for index, item in enumerate(items):
            if getattr(item, key) in seen:
                raise UserError(f"{source}: {used_twice(section, index, item)}")
            seen.add(getattr(item, key))
    captured: set[tuple[str, str]] = set()
    for index, capture in enumerate(parsed.records["captures"]):
        if (capture.source, capture.external_id) in captured:
            raise UserError(f"{source}: {capture_twice(index, capture)}")
        captured.add((capture.source, capture.external_id))
    capture_ids = {c.id for c in parsed.records["captures"]}
    for index, item in enumerate(parsed.records["interactions"]):
        if item.capture_id is not None and item.capture_id not in capture_ids:
            raise UserError(f"{source}: {no_capture(index, item.capture_id)}")
    accounts: dict[str, int] = {}
    for index, account in enumerate(parsed.records["accounts"]):
        key = account.name.strip().lower()
        if key in accounts:
            raise UserError(f"{source}: accounts[{index}].name: {account.name!r} is used twice (expected unique names)")
        accounts[key] = account.id
    uids: set[str] = set()
    contact_ids = {c.id for c in parsed.records["contacts"]}
    for index, contact in enumerate(parsed.records["contacts"]):
        if contact.uid in uids:
            raise UserError(f"{source}: contacts[{index}].uid: {contact.uid!r} is used twice (expected unique uids)")
        uids.add(contact.uid)
        if contact.account and contact.account.strip().lower() not in accounts:
            raise UserError(
                f"{source}: contacts[{index}].account: {contact.account!r} is not in accounts (expected one of its names)"
            )
    for section in ("interactions", "promises", "followups", "assessments"):
        for index, item in enumerate(parsed.records[section]):
            if item.contact_id not in contact_ids:
                raise UserError(
                    f"{source}: {section}[{index}].contact_id: no contact with id {item.contact_id} in this backup"
                )


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


def _read_json(path: Path) -> object:
    """The file's JSON tree; its text is dropped on return, before the records are validated."""
    text = read_text(path, expected="a JSON backup made by keepwarm export json").text
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise UserError(f"{path}: line {exc.lineno}: not valid JSON ({exc.msg})") from None
    except RecursionError:  # a hand-made file of [[[[...]]]]: no backup nests more than a few levels
        raise UserError(
            f"{path}: nested too deeply to be a keepwarm backup (expected records a few levels deep)"
        ) from None


def load_file(path: Path) -> Parsed:
    return parse(_read_json(path), str(path))


def require_empty(conn: Connection, store: Store) -> None:
    counts = table_counts(conn)
    order = (
        "contacts",
        "accounts",
        "interactions",
        "promises",
        "followups",
        "assessments",
        "captures",
        "ignored_addresses",
        "source_state",
    )
    names = {"followups": "follow-up", "ignored_addresses": "ignored address", "source_state": "source state"}
    held = ", ".join(plural(counts[k], names.get(k, k[:-1])) for k in order if counts[k])
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


def _bind_value(bind: Callable[[Any], Any], value: object) -> Any:
    return None if value is None else bind(value)


def _converters(conn: Connection, table: Table, model: type[BaseModel]) -> list[Callable[[Any], Any] | None]:
    """Per column, what turns a model's value into what SQLAlchemy would bind (None: as it is)."""
    out: list[Callable[[Any], Any] | None] = []
    for key, info in model.model_fields.items():
        kind = table.c[key].type
        bind = kind._cached_bind_processor(conn.dialect)
        if isinstance(kind, DateTime):
            assert bind is not None  # SQLAlchemy's DateTime always formats what it binds on SQLite
            out.append(partial(_bind_naive, bind))
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
    conn.exec_driver_sql(f"INSERT INTO {quote(table.name)} ({names}) VALUES ({', '.join('?' * len(keys))})", values)


def write(conn: Connection, parsed: Parsed) -> None:
    """Insert every record as it is, ids included (the database must be empty)."""
    account_ids = account_keys(parsed.records["accounts"])
    for section in SECTIONS:
        write_records(conn, section, parsed.records[section], account_ids)


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


def restore(store: Store, path: Path) -> dict[str, int]:
    """Restore a backup into the (empty) database; what was restored, counted per section."""
    from . import restore_stream  # built on this module's checks and writers

    streamed = restore_stream.plan(path)
    if streamed is not None:
        return restore_stream.restore(store, streamed)
    parsed = load_file(path)
    targets = rule_targets(parsed.rules)
    with restoring(store) as conn:
        write(conn, parsed)
        for target, text in targets.items():
            write_private(target, text)
    return parsed.counts()
