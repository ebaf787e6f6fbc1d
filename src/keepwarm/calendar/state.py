"""What the last export to each target contained, so the next one can cancel.

A calendar that imports a file only ever adds or updates; it never learns
that an event vanished from the file. So for every target (an output file,
or stdout, for one database and one selection) we remember the UIDs written
last time, with their SEQUENCE and fingerprint. The next export then

- raises SEQUENCE when an entry's content changed (its fingerprint differs),
- writes every UID that is gone (follow-up done or dismissed, contact
  deleted, date removed) once more with STATUS:CANCELLED and a higher
  SEQUENCE, and keeps doing so for `KEEP_CANCELLED` days, in case a file was
  exported but never imported; then forgets it.

Each record also keeps when its current SEQUENCE was first written: that is the
entry's DTSTAMP. It changes exactly when SEQUENCE does, so a client that orders
versions by SEQUENCE then DTSTAMP (RFC 5546) sees every update, and two exports
of unchanged data are byte-for-byte identical.

The record is a small JSON file in the data folder, written atomically.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import cast

from ..errors import UserError
from .entries import CANCELLED, Entry, Kind
from .output import write_atomic

KEEP_CANCELLED = dt.timedelta(days=60)
VERSION = 1


@dataclass(slots=True)  # a 50,000-event export keeps two records per event (before, after): no __dict__ each
class Record:
    seq: int
    hash: str
    kind: str
    summary: str
    start: str
    followup_id: int | None = None
    cancelled_at: str | None = None
    stamp: str | None = None  # when this SEQUENCE was first written (records from before it was kept: none)

    @classmethod
    def of(cls, entry: Entry, cancelled_at: dt.datetime | None = None) -> "Record":
        return cls(
            seq=entry.sequence,
            hash=entry.fingerprint(),
            kind=entry.kind,
            summary=entry.summary,
            start=entry.start.isoformat(),
            followup_id=entry.followup_id,
            cancelled_at=cancelled_at.isoformat() if cancelled_at else None,
            stamp=entry.stamp.isoformat() if entry.stamp else None,
        )


def _stamp(before: Record | None, seq: int, now: dt.datetime) -> dt.datetime:
    """The DTSTAMP of a version: kept while SEQUENCE stays, the export's time when it rises."""
    if before is not None and before.stamp and before.seq == seq:
        return dt.datetime.fromisoformat(before.stamp)
    return now


def _start(text: str) -> dt.date | dt.datetime:
    return dt.datetime.fromisoformat(text) if "T" in text else dt.date.fromisoformat(text)


def stub(uid: str, record: Record) -> Entry:
    """A cancellation built from the record alone, for items no longer in the database."""
    start = _start(record.start)
    end = None
    if record.kind == "VEVENT":
        end = start + (dt.timedelta(minutes=30) if isinstance(start, dt.datetime) else dt.timedelta(days=1))
    return Entry(
        uid=uid,
        kind=cast(Kind, record.kind),  # as Record.of wrote it from an Entry (the file's kind is not checked)
        summary=record.summary,
        start=start,
        end=end,  # type: ignore[arg-type]
        status=CANCELLED,
        categories=("keepwarm",),
        followup_id=record.followup_id,
    )


def settle_current(entry: Entry, before: Record | None, now: dt.datetime) -> tuple[Entry, Record]:
    """A selected entry as written (SEQUENCE raised if what it shows changed) and its record."""
    seq = entry.sequence
    if before is not None:
        seq = max(seq, before.seq + (1 if before.hash != entry.fingerprint() else 0))
    final = replace(entry, sequence=seq, stamp=_stamp(before, seq, now))
    return final, Record.of(final)


def forgotten(before: Record, now: dt.datetime) -> bool:
    """A cancellation written for long enough (`KEEP_CANCELLED`): neither written again nor kept."""
    return before.cancelled_at is not None and now - dt.datetime.fromisoformat(before.cancelled_at) > KEEP_CANCELLED


def settle_gone(uid: str, before: Record, closing: Entry | None, now: dt.datetime) -> tuple[Entry, Record]:
    """An entry this target had that is selected no more, as a cancellation (or as the database holds it
    now, `closing`: done, dismissed...); a cancellation already written is written again as it was."""
    if before.cancelled_at is not None:
        entry = closing or stub(uid, before)
        final = replace(entry, sequence=before.seq, stamp=_stamp(before, before.seq, now))
        return final, replace(before, stamp=final.stamp.isoformat())  # type: ignore[union-attr]
    entry = closing or stub(uid, before)
    seq = max(entry.sequence, before.seq + 1)
    final = replace(entry, sequence=seq, stamp=now)
    return final, Record.of(final, cancelled_at=now)


def settle(
    previous: dict[str, Record],
    current: list[Entry],
    closing: dict[str, Entry],
    now: dt.datetime,
) -> tuple[list[Entry], dict[str, Record]]:
    """The entries to write (with their final SEQUENCE) and the record to keep (an export settles
    each entry as it is written, `settle_current` and `settle_gone`)."""
    out: list[Entry] = []
    records: dict[str, Record] = {}
    for entry in current:
        final, records[entry.uid] = settle_current(entry, previous.get(entry.uid), now)
        out.append(final)
    seen = {e.uid for e in current}
    for uid, before in previous.items():
        if uid in seen or forgotten(before, now):
            continue
        final, records[uid] = settle_gone(uid, before, closing.get(uid), now)
        out.append(final)
    return out, records


class ExportState:
    def __init__(self, path: Path, data: dict) -> None:
        self.path = path
        self.data = data

    @classmethod
    def load(cls, path: Path) -> "ExportState":
        if not path.exists():
            return cls(path, {"version": VERSION, "targets": {}})
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            if not isinstance(data, dict) or not isinstance(data.get("targets"), dict):
                raise ValueError("no targets")
        except (OSError, UnicodeDecodeError, ValueError) as exc:
            raise UserError(f"{path}: is not a keepwarm export record ({exc}); delete it to start afresh") from None
        return cls(path, data)

    def previous(self, key: str) -> dict[str, Record]:
        """What `key` got last time. Its JSON is let go once read (`update` replaces it before a save):
        a large target's would otherwise be held twice, as JSON and as records, while the export runs."""
        target = self.data["targets"].get(key, {})
        entries = target.get("entries", {})
        try:
            found = {uid: Record(**fields) for uid, fields in entries.items()}
        except TypeError as exc:
            raise UserError(
                f"{self.path}: target {key!r} is damaged ({exc}); delete the file to start afresh"
            ) from None
        if entries:
            target["entries"] = {}
        return found

    def update(self, key: str, records: dict[str, Record], now: dt.datetime) -> None:
        self.data["targets"][key] = {
            "updated": now.isoformat(),
            "entries": {uid: asdict(r) for uid, r in sorted(records.items())},
        }

    def save(self) -> None:
        """Written as it is encoded: the records of a 50,000-event export, encoded whole, were
        a string of tens of MB (and its bytes beside it) on top of the export's own peak."""
        write_atomic(self.path, _pieces(self.data))


def _pieces(data: dict, size: int = 1 << 16) -> Iterator[bytes]:
    """`data` as indented JSON (one record to a few lines, readable), in UTF-8 pieces of about `size` characters."""
    pending: list[str] = []
    held = 0
    for chunk in _ENCODER.iterencode(data):
        pending.append(chunk)
        held += len(chunk)
        if held >= size:
            yield "".join(pending).encode("utf-8")
            pending.clear()
            held = 0
    pending.append("\n")
    yield "".join(pending).encode("utf-8")


_ENCODER = json.JSONEncoder(indent=1, ensure_ascii=False, sort_keys=True)
