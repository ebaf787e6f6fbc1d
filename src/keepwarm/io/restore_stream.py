"""Restoring a backup in our own layout a record at a time, in one transaction.

What the full parse checks on the whole file is checked here as the records
go by, with the same models and the same messages, each prefixed with the
record's line: a record's fields, unique ids, unique account names and
contact uids, a contact's account, every record's contact. Validated records
are written in batches inside one write transaction, so a refusal on the last
line still leaves the database as it was; memory holds one batch, the names
and ids references are checked against, and (in a file whose sections are
not in our order) the records that wait for the section they refer to.

Ids come in rising order in our files, so uniqueness costs nothing: an id
that does not rise is looked up among the rows written so far. What a batch
refers to beyond contacts (a touch's capture) and a capture's (source, id)
pair are looked up in the database when the batch is written, not held.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from pydantic import TypeAdapter, ValidationError
from sqlalchemy import Connection, select

from ..errors import UserError
from ..store import Store
from . import backup_lines
from .backup import TABLES
from .encoding import MAX_BYTES
from .files import write_private
from .records import KEYS, SECTIONS, Record
from .restore_rows import (
    capture_twice,
    check_envelope,
    check_rules,
    no_capture,
    restoring,
    rule_targets,
    used_twice,
    write_records,
)
from .validation import first_problem

#: Records validated before they are written together.
BATCH = 2000
#: What each section's records refer to, and so must be read first.
NEEDS = {
    "contacts": ("accounts",),
    "interactions": ("contacts", "captures"),
    "promises": ("contacts",),
    "followups": ("contacts",),
    "assessments": ("contacts",),
    "notes": ("contacts",),
    "links": ("contacts",),
}
#: Sections whose records belong to a contact.
OF_A_CONTACT = ("interactions", "promises", "followups", "assessments", "notes", "links")
#: Values per lookup: well under SQLite's limit on bound values.
_CHUNK = 500
_RECORD = TypeAdapter(dict)


@dataclass
class Plan:
    path: Path
    layout: backup_lines.Layout
    rules: dict[str, str]


def plan(path: Path) -> Plan | None:
    """The checked surroundings of a backup in our layout, or None for any other file (parse it whole).

    A file past the whole-file limit must be in our layout: the place where it
    departs from it is then the error.
    """
    try:
        layout = backup_lines.scan(path)
    except backup_lines.NotOurLayout as exc:
        try:
            big = path.stat().st_size > MAX_BYTES
        except OSError:
            big = False
        if big:
            raise UserError(
                f"{path}: line {exc.line}: {exc.reason} (a backup over {MAX_BYTES // (1024 * 1024)} MB is read "
                "one record per line, as `keepwarm export json` writes it)"
            ) from None
        return None
    source = str(path)
    envelope = check_envelope(layout.envelope(), source)
    rules = dict(envelope.rules)
    check_rules(rules, source)
    return Plan(path, layout, rules)


def restore(store: Store, plan: Plan) -> dict[str, int]:
    targets = rule_targets(plan.rules)
    with restoring(store) as conn:
        sink = _Sink(conn, str(plan.path), set(plan.layout.lists))
        for section, records in backup_lines.records(plan.path):
            sink.section(section, records)
        sink.finish()
        for target, text in targets.items():
            write_private(target, text)
    return {section: sink.counts[section] for section in SECTIONS} | {"rules": len(plan.rules)}


class _Sink:
    """Validated records into the database, with the checks the full parse makes over the whole file."""

    def __init__(self, conn: Connection, source: str, present: set[str]) -> None:
        self.conn, self.source = conn, source
        self.unwritten = set(present)  # sections in the file not written yet: what refers to them waits
        self.counts = {section: 0 for section in SECTIONS}
        self.batch: list[Record] = []
        self.places: list[tuple[int, int]] = []  # each batched record's (index, line), for the checks at writing
        self.last: object = None  # the highest key (id, or name) of the section so far
        self.account_ids: dict[str, int] = {}
        self.contact_ids: set[int] = set()
        self.uids: set[str] = set()
        self.waiting: dict[str, list[tuple[int, int, Record]]] = {}

    def _fail(self, line: int, problem: str) -> UserError:
        return UserError(f"{self.source}: line {line}: {problem}")

    def section(self, section: str, records) -> None:
        model = SECTIONS[section]  # the envelope admitted only known sections
        ready = self._ready(section)
        held: list[tuple[int, int, Record]] = []
        if ready:
            self._begin()
        for index, line, raw in records:
            try:
                item = model.model_validate(raw if isinstance(raw, dict) else _RECORD.validate_python(raw))
            except ValidationError as exc:
                raise self._fail(line, first_problem(exc, (section, index))) from None
            if ready:
                self._take(section, index, line, item)
            else:
                held.append((index, line, item))
        if ready:
            self._flush(section)
            self.unwritten.discard(section)
        else:
            self.waiting[section] = held
        self._release()

    def finish(self) -> None:
        """Every section is in: nothing waits any more (accounts wait for nothing, so every chain ends)."""
        self._release()
        assert not self.waiting, self.waiting.keys()

    def _release(self) -> None:
        released = True
        while released:
            released = False
            for section in list(self.waiting):
                if self._ready(section):
                    self._begin()
                    for index, line, item in self.waiting.pop(section):
                        self._take(section, index, line, item)
                    self._flush(section)
                    self.unwritten.discard(section)
                    released = True

    def _ready(self, section: str) -> bool:
        return not any(need in self.unwritten for need in NEEDS.get(section, ()))

    def _begin(self) -> None:
        self.batch, self.places, self.last = [], [], None

    def _take(self, section: str, index: int, line: int, item: Record) -> None:
        where = f"{section}[{index}]"
        column = KEYS.get(section, "id")
        key = getattr(item, column)
        if self.last is not None and key <= self.last:  # not in rising order: look among the rows written so far
            self._flush(section)
            table = TABLES[section]
            if self.conn.execute(select(table.c[column]).where(table.c[column] == key)).first() is not None:
                raise self._fail(line, used_twice(section, index, item))
        self.last = key if self.last is None else max(self.last, key)
        if section == "accounts":
            key = item.name.strip().lower()
            if key in self.account_ids:
                raise self._fail(line, f"{where}.name: {item.name!r} is used twice (expected unique names)")
            self.account_ids[key] = item.id
        elif section == "contacts":
            if item.uid in self.uids:
                raise self._fail(line, f"{where}.uid: {item.uid!r} is used twice (expected unique uids)")
            self.uids.add(item.uid)
            if item.account and item.account.strip().lower() not in self.account_ids:
                raise self._fail(
                    line, f"{where}.account: {item.account!r} is not in accounts (expected one of its names)"
                )
            self.contact_ids.add(item.id)
        elif section in OF_A_CONTACT and item.contact_id not in self.contact_ids:
            raise self._fail(line, f"{where}.contact_id: no contact with id {item.contact_id} in this backup")
        elif section == "links" and item.other_id not in self.contact_ids:
            raise self._fail(line, f"{where}.other_id: no contact with id {item.other_id} in this backup")
        self.counts[section] += 1
        self.batch.append(item)
        self.places.append((index, line))
        if len(self.batch) >= BATCH:
            self._flush(section)

    def _flush(self, section: str) -> None:
        if section == "captures":
            self._check_captures()
        elif section == "interactions":
            self._check_capture_ids()
        write_records(self.conn, section, self.batch, self.account_ids)
        self.batch, self.places = [], []

    def _check_captures(self) -> None:
        """One capture per (source, external id), in this batch and among those written before it."""
        c = TABLES["captures"].c
        written: set[tuple[str, str]] = set()
        by_source: dict[str, set[str]] = {}
        for item in self.batch:
            by_source.setdefault(item.source, set()).add(item.external_id)
        for source, external_ids in by_source.items():  # by (source, external id): the unique index answers
            ids = sorted(external_ids)
            for start in range(0, len(ids), _CHUNK):
                written.update(
                    (source, found)
                    for found in self.conn.execute(
                        select(c.external_id).where(c.source == source, c.external_id.in_(ids[start : start + _CHUNK]))
                    ).scalars()
                )
        for item, (index, line) in zip(self.batch, self.places):
            pair = (item.source, item.external_id)
            if pair in written:
                raise self._fail(line, capture_twice(index, item))
            written.add(pair)

    def _check_capture_ids(self) -> None:
        """Each touch's capture is among the captures written (they come first: NEEDS)."""
        wanted = sorted({item.capture_id for item in self.batch if item.capture_id is not None})
        c = TABLES["captures"].c
        found: set[int] = set()
        for start in range(0, len(wanted), _CHUNK):
            found.update(self.conn.execute(select(c.id).where(c.id.in_(wanted[start : start + _CHUNK]))).scalars())
        for item, (index, line) in zip(self.batch, self.places):
            if item.capture_id is not None and item.capture_id not in found:
                raise self._fail(line, no_capture(index, item.capture_id))
