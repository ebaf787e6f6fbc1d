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
that does not rise is looked up among the rows written so far.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from pydantic import BaseModel, TypeAdapter, ValidationError
from sqlalchemy import Connection, select

from ..errors import UserError
from ..store import Store
from . import backup_lines
from .backup import TABLES
from .encoding import MAX_BYTES
from .files import write_private
from .records import SECTIONS
from .restore import check_envelope, check_rules, restoring, rule_targets, write_records
from .validation import first_problem

#: Records validated before they are written together.
BATCH = 2000
#: What each section's records refer to, and so must be read first.
NEEDS = {"contacts": "accounts", "interactions": "contacts", "promises": "contacts", "followups": "contacts",
         "assessments": "contacts"}
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
        self.batch: list[BaseModel] = []
        self.last_id = 0
        self.account_ids: dict[str, int] = {}
        self.contact_ids: set[int] = set()
        self.uids: set[str] = set()
        self.waiting: dict[str, list[tuple[int, int, BaseModel]]] = {}

    def _fail(self, line: int, problem: str) -> UserError:
        return UserError(f"{self.source}: line {line}: {problem}")

    def section(self, section: str, records) -> None:
        model = SECTIONS[section]  # the envelope admitted only known sections
        ready = NEEDS.get(section) not in self.unwritten
        held: list[tuple[int, int, BaseModel]] = []
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
                if NEEDS.get(section) not in self.unwritten:
                    self._begin()
                    for index, line, item in self.waiting.pop(section):
                        self._take(section, index, line, item)
                    self._flush(section)
                    self.unwritten.discard(section)
                    released = True

    def _begin(self) -> None:
        self.batch, self.last_id = [], 0

    def _take(self, section: str, index: int, line: int, item: BaseModel) -> None:
        where = f"{section}[{index}]"
        if item.id <= self.last_id:  # not in rising order: look among the rows written so far
            self._flush(section)
            table = TABLES[section]
            if self.conn.execute(select(table.c.id).where(table.c.id == item.id)).first() is not None:
                raise self._fail(line, f"{where}.id: {item.id} is used twice (expected unique ids)")
        self.last_id = max(self.last_id, item.id)
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
        elif item.contact_id not in self.contact_ids:
            raise self._fail(line, f"{where}.contact_id: no contact with id {item.contact_id} in this backup")
        self.counts[section] += 1
        self.batch.append(item)
        if len(self.batch) >= BATCH:
            self._flush(section)

    def _flush(self, section: str) -> None:
        write_records(self.conn, section, self.batch, self.account_ids)
        self.batch = []
