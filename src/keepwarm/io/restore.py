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
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import ValidationError
from sqlalchemy import Connection

from ..errors import UserError
from ..store import Store
from . import restore_stream
from .encoding import read_text
from .files import write_private
from .records import KEYS, SECTIONS, Record
from .restore_rows import (
    account_keys,
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


@dataclass
class Parsed:
    anchor: dt.date | None
    records: dict[str, list[Record]] = field(default_factory=dict)
    rules: dict[str, str] = field(default_factory=dict)

    def counts(self) -> dict[str, int]:
        return {section: len(items) for section, items in self.records.items()} | {"rules": len(self.rules)}


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
    for section in ("interactions", "promises", "followups", "assessments", "notes", "links"):
        for index, item in enumerate(parsed.records[section]):
            for name in ("contact_id", "other_id") if section == "links" else ("contact_id",):
                if getattr(item, name) not in contact_ids:
                    raise UserError(
                        f"{source}: {section}[{index}].{name}: no contact with id {getattr(item, name)} in this backup"
                    )


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


def write(conn: Connection, parsed: Parsed) -> None:
    """Insert every record as it is, ids included (the database must be empty)."""
    account_ids = account_keys(parsed.records["accounts"])
    for section in SECTIONS:
        write_records(conn, section, parsed.records[section], account_ids)


def restore(store: Store, path: Path) -> dict[str, int]:
    """Restore a backup into the (empty) database; what was restored, counted per section."""
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
