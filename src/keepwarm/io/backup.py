"""The JSON backup: everything out, in a form that compares byte for byte.

The export is deterministic (sorted keys, records by id, one record per line,
no time of export in it), so export -> restore -> export gives the same bytes
and two backups can be compared with diff. `restore` loads it back.

It is written as it is read: one record at a time goes from the cursor to the
output, so a million interactions never sit in memory together (1.9 GB when
they did). The sections are an explicit list of the user's tables: a table
the program derives for itself is not part of a backup.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import math
from collections.abc import Callable, Iterable, Iterator
from itertools import groupby
from typing import BinaryIO

from pydantic import BaseModel
from sqlalchemy import Connection, Date, DateTime, Table, Time, func, select

from ..errors import UserError
from ..home import paths
from ..model import stored_id
from ..model.entities import RESPONSE_HOURS_MAX
from ..store import Store, dialect, schema
from ..store import contacts as people
from ..text.controls import json_escaped
from .records import FORMAT, KEYS, SECTIONS, VERSION, ContactRecord, utc

TABLES = {
    "accounts": schema.accounts,
    "contacts": schema.contacts,
    "interactions": schema.interactions,
    "promises": schema.commitments,
    "followups": schema.followups,
    "assessments": schema.assessments,
    "notes": schema.contact_notes,
    "links": schema.contact_links,
    "captures": schema.captures,
    "ignored_addresses": schema.ignored_addresses,
    "source_state": schema.source_state,
}
#: Sections read straight from their table's rows (contacts and captures have lists in child tables,
#: a source's state holds JSON).
PLAIN = ("accounts", "interactions", "promises", "followups", "assessments", "notes", "links", "ignored_addresses")
_CHUNK = 4096  # lines written per write() call


# ------------------------------------------------------------------ export


def _row_dict(row) -> dict:
    out = dict(row._mapping)
    for key in ("created_at", "updated_at", "done_at", "closed_at", "at"):
        if key in out and isinstance(out[key], dt.datetime):
            out[key] = utc(out[key])
    return out


def _dump(model: type[BaseModel], values: dict) -> dict:
    return model.model_validate(values).model_dump(mode="json")


def _stamp(value):
    """A stored time as the record model writes it: UTC, ISO 8601, `Z`."""
    if isinstance(value, dt.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(dt.timezone.utc).replace(tzinfo=None)
        return value.isoformat() + "Z"
    return value


def _iso(value):
    return value.isoformat() if isinstance(value, (dt.date, dt.time)) else value


def _plain_rows(conn: Connection, section: str) -> Iterator[dict]:
    """A table's rows as JSON-ready dicts, by id, without a model object per row.

    The values came through the record models on the way in, so what the
    model would write is the stored value, with times and dates in ISO form
    (tests/test_io_perf_backup.py compares this with the models' own output).
    A table whose columns are not exactly its model's fields goes through the model.
    """
    table: Table = TABLES[section]
    model = SECTIONS[section]
    # The columns the section's record holds (an account's owner, migration 0019, is not in a backup yet).
    kept = [c for c in table.columns if c.name in model.model_fields]
    rows = conn.execute(select(*kept).order_by(table.c[KEYS.get(section, "id")]))
    names = [c.name for c in kept]
    if set(names) != set(model.model_fields):
        for r in rows:
            yield _dump(model, _row_dict(r))
        return
    stamps = [(i, c.name) for i, c in enumerate(kept) if isinstance(c.type, DateTime)]
    days = [(i, c.name) for i, c in enumerate(kept) if isinstance(c.type, (Date, Time))]
    for r in rows:
        record = dict(zip(names, r))
        for i, name in stamps:
            if r[i] is not None:
                record[name] = _stamp(r[i])
        for i, name in days:
            if r[i] is not None:
                record[name] = _iso(r[i])
        hours = record.get("response_hours")
        if hours is not None and not (math.isfinite(hours) and 0 <= hours <= RESPONSE_HOURS_MAX):
            # stored before they were refused: unknown, so that the backup restores
            record["response_hours"] = None
        yield record


def _contact_rows(conn: Connection) -> Iterator[dict]:
    stamps = {
        r.id: (utc(r.created_at), utc(r.updated_at))
        for r in conn.execute(select(schema.contacts.c.id, schema.contacts.c.created_at, schema.contacts.c.updated_at))
    }
    for c in sorted(people.list_contacts(conn), key=lambda c: stored_id(c.id)):
        yield _dump(ContactRecord, {**c.model_dump(), "created_at": stamps[c.id][0], "updated_at": stamps[c.id][1]})


def _children(conn: Connection, table: Table, *columns: str) -> Iterator[tuple[int, list[dict]]]:
    """A capture's child rows, grouped by capture id in rising order, each group in the order stored."""
    rows = conn.execute(
        select(table.c.capture_id, *(table.c[c] for c in columns)).order_by(
            table.c.capture_id, dialect.stored_order(conn)
        )
    )
    for capture_id, group in groupby(rows, key=lambda r: r[0]):
        yield capture_id, [dict(zip(columns, r[1:])) for r in group]


def _capture_rows(conn: Connection) -> Iterator[dict]:
    """Captures by id, each with its people and the ids it replies to: three cursors read side by side
    (the child tables in capture order, by their index), so no table is held in memory."""
    table = schema.captures
    names = [c.name for c in table.columns]
    people = _children(conn, schema.capture_people, "address", "name", "role", "status")
    refs = _children(conn, schema.capture_refs, "ref")
    next_people, next_refs = next(people, None), next(refs, None)
    for r in conn.execute(select(table).order_by(table.c.id)):
        record = dict(zip(names, r))
        record["at"] = _stamp(record["at"])
        while next_people is not None and next_people[0] < record["id"]:  # rows of no capture: not restorable
            next_people = next(people, None)
        while next_refs is not None and next_refs[0] < record["id"]:
            next_refs = next(refs, None)
        record["people"], record["refs"] = [], []
        if next_people is not None and next_people[0] == record["id"]:
            record["people"], next_people = next_people[1], next(people, None)
        if next_refs is not None and next_refs[0] == record["id"]:
            record["refs"] = [ref["ref"] for ref in next_refs[1]]
            next_refs = next(refs, None)
        yield record


def _json_text(text: str | None) -> dict:
    """A cursor or summary as stored (JSON text). One that cannot be read is left out: the next sync
    then reads its source from the start, which adds nothing twice (items are kept by their id)."""
    try:
        value = json.loads(text or "{}")
    except (ValueError, RecursionError):
        return {}
    return value if isinstance(value, dict) else {}


def _source_rows(conn: Connection) -> Iterator[dict]:
    table = schema.source_state
    for r in conn.execute(select(table).order_by(table.c.name)):
        yield {
            "name": r.name,
            "kind": r.kind,
            "cursor": _json_text(r.cursor),
            "synced_at": None if r.synced_at is None else _stamp(r.synced_at),
            "summary": _json_text(r.summary),
        }


def sections(conn: Connection) -> dict[str, Iterable[dict]]:
    """Every section of the backup, each a lazy sequence of JSON-ready records by id (or name)."""
    out: dict[str, Iterable[dict]] = {"accounts": _plain_rows(conn, "accounts"), "contacts": _contact_rows(conn)}
    for section in ("interactions", "promises", "followups", "assessments", "notes", "links", "ignored_addresses"):
        out[section] = _plain_rows(conn, section)
    out["captures"] = _capture_rows(conn)
    out["source_state"] = _source_rows(conn)
    return out


def collect(conn: Connection) -> dict:
    """Every record in the database as JSON-ready dicts, by id (all in memory: for small databases and tests)."""
    data: dict = {"format": FORMAT, "version": VERSION}
    data.update({name: list(records) for name, records in sections(conn).items()})
    return data


def user_rules() -> dict[str, str]:
    """The user's own rule files (relative path -> text)."""
    folder = paths.user_rules_dir()
    if not folder.is_dir():
        return {}
    out = {}
    for path in sorted(folder.rglob("*.toml")):
        if path.is_file():
            try:
                out[path.relative_to(folder).as_posix()] = path.read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError) as exc:
                raise UserError(f"{path}: cannot be read for the backup ({exc})") from None
    return out


_ENCODER = json.JSONEncoder(sort_keys=True, ensure_ascii=False, separators=(", ", ": "))
# The C encoder built once, not once per record as json.dumps does (a third of the export's time).
# (json.encoder's private c_make_encoder: None without the C extension; typeshed does not declare it.)
_MAKE_ENCODER = getattr(json.encoder, "c_make_encoder", None)
_C_ENCODE = (
    _MAKE_ENCODER(None, _ENCODER.default, json.encoder.encode_basestring, None, ": ", ", ", True, False, True)
    if _MAKE_ENCODER is not None
    else None
)


def _compact(value) -> str:
    if _C_ENCODE is not None and isinstance(value, dict):
        return "".join(_C_ENCODE(value, 0))
    return _ENCODER.encode(value)


def _lines(data: dict) -> Iterator[str]:
    """The document's lines: sorted keys, one record per line.

    A list or dict value (or any iterator, read once, as it goes) opens a
    block with one item per line; an empty one stays on its key's line.
    """
    yield "{"
    keys = sorted(data)
    for index, key in enumerate(keys):
        value, comma = data[key], "," if index < len(keys) - 1 else ""
        if isinstance(value, dict):
            brackets, items = "{}", (f"{_compact(k)}: {_compact(value[k])}" for k in sorted(value))
        elif isinstance(value, list) or isinstance(value, Iterator):
            brackets, items = "[]", (_compact(item) for item in value)
        else:
            yield f"  {_compact(key)}: {_compact(value)}{comma}"
            continue
        previous = next(items, None)
        if previous is None:
            yield f"  {_compact(key)}: {brackets}{comma}"
            continue
        yield f"  {_compact(key)}: {brackets[0]}"
        for item in items:
            yield f"    {previous},"
            previous = item
        yield f"    {previous}"
        yield f"  {brackets[1]}{comma}"
    yield "}"


def _write_lines(lines: Iterable[str], write: Callable[[str], object]) -> None:
    batch: list[str] = []
    for line in lines:
        batch.append(line)
        if len(batch) >= _CHUNK:
            batch.append("")
            write("\n".join(batch))
            batch = []
    batch.append("")
    write("\n".join(batch))


def dumps(data: dict) -> str:
    """Sorted keys, one record per line: stable for the same data, readable in a diff, and fast to write.

    (json's indented output runs in pure Python, several times slower at a hundred thousand records.)
    """
    out = io.StringIO()
    _write_lines(_lines(data), out.write)
    return out.getvalue()


def write_json(store: Store, out: BinaryIO) -> None:
    """The whole backup, UTF-8, written to `out` as the records are read."""
    rules = user_rules()  # first: an unreadable rule file fails before anything is written
    with store.read() as conn:
        data: dict = {"format": FORMAT, "version": VERSION, "rules": rules, **sections(conn)}
        _write_lines(_lines(data), lambda text: out.write(json_escaped(text).encode("utf-8")))


def export_json(store: Store) -> str:
    """The whole backup as one string (tests, small databases; the CLI streams with `write_json`)."""
    buffer = io.BytesIO()
    write_json(store, buffer)
    return buffer.getvalue().decode("utf-8")


def table_counts(conn: Connection) -> dict[str, int]:
    return {name: conn.execute(select(func.count()).select_from(table)).scalar_one() for name, table in TABLES.items()}
