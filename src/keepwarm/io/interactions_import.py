"""A history of touches from a spreadsheet or another CRM.

Columns are found by their usual names (date, contact, email, channel,
direction, purpose, outcome, sentiment, responded, response hours, notes) or
named with `--map COLUMN=FIELD`. Each row finds its contact by email, else by
exact name. Every row of a file is a touch of its own, even when two share
their contact, minute, channel and direction (two calls noted in the same
minute are two calls). Against the stored touches of that contact, minute,
channel and direction, a row pairs first with one that says all the row says
(unchanged), then, in order, with one left over (updated: the file's notes
were corrected), else it is new; a stored touch pairs with one row at most.
So importing the same file again changes nothing, a corrected file updates
what it brought in, and no row ever overwrites another.

Imported touches are history: unlike `keepwarm log`, they complete no
follow-ups.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import lru_cache, partial
from itertools import groupby
from typing import Any
from zoneinfo import ZoneInfo

from pydantic import ValidationError, create_model
from sqlalchemy import Connection, func, select

from ..errors import UserError
from ..model import Channel, Interaction
from ..model.enums import normalize_word
from ..store import dialect, search_index
from ..store.schema import contact_emails, contacts, interactions
from ..text import dates
from ..text.controls import fold, visible
from . import tabular
from .contacts_apply import explain
from .report import ImportReport, Where

FIELDS: dict[str, str] = {
    "date": "date",
    "when": "date",
    "at": "date",
    "datetime": "date",
    "date_time": "date",
    "date/time": "date",
    "timestamp": "date",
    "day": "date",
    "time": "time",
    "contact": "contact",
    "name": "contact",
    "contact_name": "contact",
    "who": "contact",
    "person": "contact",
    "with": "contact",
    "email": "email",
    "e_mail": "email",
    "contact_email": "email",
    "email_address": "email",
    "channel": "channel",
    "type": "channel",
    "medium": "channel",
    "activity_type": "channel",
    "direction": "direction",
    "purpose": "purpose",
    "reason": "purpose",
    "category": "purpose",
    "outcome": "outcome",
    "status": "outcome",
    "result": "outcome",
    "sentiment": "sentiment",
    "mood": "sentiment",
    "responded": "responded",
    "replied": "responded",
    "response_hours": "response_hours",
    "reply_hours": "response_hours",
    "response_time_hours": "response_hours",
    "notes": "notes",
    "note": "notes",
    "summary": "notes",
    "description": "notes",
    "comments": "notes",
}

CHANNEL_WORDS = {
    "phone": "call",
    "phone_call": "call",
    "telephone": "call",
    "e_mail": "email",
    "mail": "email",
    "video": "meeting",
    "video_call": "meeting",
    "zoom": "meeting",
    "visit": "meeting",
    "lunch": "meal",
    "dinner": "meal",
    "breakfast": "meal",
    "coffee": "meal",
    "drinks": "meal",
    "sms": "text",
    "message": "text",
    "whatsapp": "text",
    "linkedin": "social",
    "conference": "event",
    "card": "letter",
    "note": "letter",
    "present": "gift",
}
DIRECTION_WORDS = {
    "out": "outbound",
    "sent": "outbound",
    "outgoing": "outbound",
    "to_them": "outbound",
    "in": "inbound",
    "received": "inbound",
    "incoming": "inbound",
    "from_them": "inbound",
}
COMPARED = ("purpose", "outcome", "sentiment", "responded", "response_hours", "notes")


def _key(header_name: str) -> str:
    return "_".join(header_name.strip().lower().replace("-", "_").replace("(", " ").replace(")", " ").split())


def column_map(header: list[str], pairs: tuple[str, ...], file: str, header_line: int) -> dict[str, str]:
    """field -> column."""
    if pairs:
        mapped = tabular.parse_map(
            pairs, header, file, {k: v for k, v in FIELDS.items()} | {v: v for v in FIELDS.values()}
        )
        by_field = {value: column for column, value in mapped.items()}
    else:
        by_field = {}
    for name in header:
        found = FIELDS.get(_key(name))
        if found and found not in by_field:
            by_field[found] = name
    missing = [f for f in ("date", "channel") if f not in by_field]
    if "contact" not in by_field and "email" not in by_field:
        missing.append("contact")
    if missing:
        raise UserError(
            f"{file}: line {header_line}: no column for {', '.join(missing)} (expected headers such as "
            "date, contact or email, channel; or name them with --map COLUMN=FIELD)"
        )
    return by_field


class Touch:
    """One row: its values as the model takes them, its contact as written, or its problem."""

    __slots__ = ("file", "line", "values", "contact", "problem", "sources")

    def __init__(
        self,
        file: str,
        line: int,
        values: dict | None = None,
        contact: str = "",
        problem: str | None = None,
        sources: dict | None = None,
    ) -> None:
        self.file, self.line, self.values, self.contact = file, line, values or {}, contact
        self.problem, self.sources = problem, sources or {}

    @property
    def where(self) -> Where:
        return Where(self.file, self.line)


@lru_cache(maxsize=4096)
def _word(value: str, synonyms: tuple[tuple[str, str], ...] = ()) -> str:
    """A cell's word as the model spells it (a file repeats a few words a million times: cached)."""
    word = normalize_word(value)
    return dict(synonyms).get(word, word)


_CHANNELS, _DIRECTIONS = tuple(CHANNEL_WORDS.items()), tuple(DIRECTION_WORDS.items())
_name_shown = lru_cache(maxsize=65536)(partial(visible, multiline=False))


def _flag(value: str, column: str) -> bool | None:
    word = value.strip().lower()
    if not word:
        return None
    if word in ("yes", "y", "true", "1", "replied"):
        return True
    if word in ("no", "n", "false", "0"):
        return False
    raise ValueError(f"{column}: {value.strip()!r} is not yes or no")


def _moment(cell: dict[str, str], cols: dict[str, str], now: dt.datetime, tz: ZoneInfo) -> dt.datetime:
    column = cols["date"]
    text = cell["date"]
    if cell.get("time"):
        text = f"{text} {cell['time']}"
    if not text:
        raise ValueError(f"{column}: empty (expected a date such as 2026-03-14 or 2026-03-14 15:30)")
    try:
        return dates.parse_moment(text, now, tz, field=column)
    except UserError as exc:
        raise ValueError(exc.message) from None


def _touch(row: tabular.Row, cols: dict[str, str], now: dt.datetime, tz: ZoneInfo, file: str, sources: dict) -> Touch:
    cells = row.cells
    cell = {key: (cells.get(column) or "").strip() for key, column in cols.items()}  # field -> its cell, stripped
    values: dict = {"at": _moment(cell, cols, now, tz)}
    channel = _word(cell["channel"], _CHANNELS)
    if not channel:
        raise ValueError(f"{cols['channel']}: empty (expected one of: {', '.join(c.value for c in Channel)})")
    values["channel"] = channel
    for key, synonyms in (("direction", _DIRECTIONS), ("purpose", ()), ("outcome", ())):
        if cell.get(key):
            values[key] = _word(cell[key], synonyms)
    if cell.get("sentiment"):
        text = cell["sentiment"].lstrip("+")
        try:
            values["sentiment"] = int(text)
        except ValueError:
            raise ValueError(f"{cols['sentiment']}: {text!r} is not a whole number (expected -2 to 2)") from None
    if "responded" in cell:
        replied = _flag(cell["responded"], cols["responded"])
        if replied is not None:
            values["responded"] = replied
    if cell.get("response_hours"):
        text = cell["response_hours"]
        try:
            values["response_hours"] = float(text)
        except ValueError:
            raise ValueError(f"{cols['response_hours']}: {text!r} is not a number of hours") from None
    if cell.get("notes"):
        # Escape sequences from the file are kept as visible text (\x1b), never stored raw.
        values["notes"] = visible(cell["notes"].replace("\r\n", "\n"))
    contact = cell.get("email") or cell.get("contact")
    if not contact:
        raise ValueError("no contact (expected a name or an email in this row)")
    # Names read from other files are stored with their control characters visible (\x1b):
    # a history naming such a contact the raw way it was written must still find them.
    return Touch(file, row.line, values, _name_shown(contact), sources=sources)


@dataclass
class History:
    """A history file whose header is read and checked; its rows are parsed as `touches` walks them.

    The walk can be made again (a plan made again after another process
    wrote), from the text kept in memory: never a list of a million touches.
    """

    file: str
    text: str
    cols: dict[str, str]
    now: dt.datetime
    tz: ZoneInfo

    @property
    def line_count(self) -> int:
        return self.text.count("\n") + (not self.text.endswith("\n"))

    def touches(self) -> Iterator[Touch]:
        table = tabular.stream(self.text, self.file)
        sources = {("at" if key == "date" else key): column for key, column in self.cols.items()}
        for row in table.rows:
            if row.problem:
                yield Touch(self.file, row.line, problem=row.problem)
                continue
            try:
                yield _touch(row, self.cols, self.now, self.tz, self.file, sources)
            except ValueError as exc:
                yield Touch(self.file, row.line, problem=str(exc))


def read(text: str, file: str, now: dt.datetime, tz: ZoneInfo, mapping: tuple[str, ...] = ()) -> History:
    """The file's columns found (a missing one is an error now, before any transaction)."""
    table = tabular.stream(text, file)
    return History(file, text, column_map(table.header, mapping, file, table.header_line), now, tz)


class Contacts:
    """Every contact's e-mails and folded name, read once: a row finds its contact in a dict, not a query."""

    def __init__(self, conn: Connection) -> None:
        self.by_email: dict[str, int] = {}
        self.by_name: dict[str, list[int]] = defaultdict(list)
        e = contact_emails.c
        for email, cid in conn.execute(select(e.email_fold, e.contact_id).order_by(e.email_fold, e.contact_id)):
            self.by_email.setdefault(email, cid)
        for name, cid in conn.execute(select(contacts.c.name_fold, contacts.c.id).order_by(contacts.c.id)):
            self.by_name[name].append(cid)
        self.found: dict[str, int | str] = {}

    def find(self, ref: str) -> int | str:
        """The contact id, or why there is none."""
        if ref not in self.found:
            self.found[ref] = self._find(ref)
        return self.found[ref]

    def _find(self, ref: str) -> int | str:
        if "@" in ref:
            found = self.by_email.get(ref.strip().lower())
            if found is not None:
                return found
            return f"no contact has the email '{ref}' (import or add the contact first)"
        ids = self.by_name.get(fold(ref), [])
        if len(ids) == 1:
            return ids[0]
        if ids:
            return f"{len(ids)} contacts are called '{ref}' (add an email column to tell them apart)"
        return f"no contact is called '{ref}' (import or add the contact first)"


#: The fields of a touch that take a few values each: checked by the model once per combination.
CHOSEN = ("channel", "direction", "purpose", "outcome", "sentiment", "responded")
#: The fields that differ row by row: checked by a model made of the touch model's own fields.
FREE = ("response_hours", "notes")
_Free = create_model(  # type: ignore[call-overload]
    "_Free",
    __config__=Interaction.model_config,
    **{k: (Interaction.model_fields[k].annotation, Interaction.model_fields[k]) for k in FREE},
)
_SOME_MOMENT = dt.datetime(2000, 1, 1, tzinfo=dt.timezone.utc)


class Checks:
    """The touch model's validation, with the same errors, without a model per row.

    The chosen fields (channel, direction, purpose, ...) are checked once per
    combination the file uses, by `Interaction` itself; the free fields of each
    row by a model built from `Interaction`'s own fields, so no rule is written
    twice. A moment needs no check: `dates` returns a zoned one within the calendar.
    """

    def __init__(self, sources: dict[str, str]) -> None:
        self.sources = sources
        self._chosen: dict[tuple, tuple | str] = {}

    def check(self, values: dict) -> tuple | str:
        """(channel, direction, purpose, outcome, sentiment, responded, response_hours, notes), or why not."""
        key = tuple(map(values.get, CHOSEN))  # absent and None are the model's default alike
        chosen = self._chosen.get(key)
        if chosen is None:
            chosen = self._chosen[key] = self._check_chosen(key)
        free = {k: values[k] for k in FREE if k in values}
        problem = None
        if free:
            try:
                # A model made at import time: the type checker knows none of its fields.
                checked: Any = _Free.model_validate(free)
            except ValidationError as exc:
                problem = explain(exc, self.sources)
        if isinstance(chosen, str) or problem:
            return "; ".join(p for p in (chosen if isinstance(chosen, str) else None, problem) if p)
        return chosen + ((checked.response_hours, checked.notes) if free else (None, ""))

    def _check_chosen(self, key: tuple) -> tuple | str:
        try:
            item = Interaction(contact_id=1, at=_SOME_MOMENT, **{k: v for k, v in zip(CHOSEN, key) if v is not None})
        except ValidationError as exc:
            return explain(exc, self.sources)
        return (
            item.channel.value,
            item.direction.value,
            item.purpose.value,
            item.outcome.value,
            item.sentiment,
            item.responded,
        )


#: Rows written to the stage per statement, and between two progress reports.
BATCH = 20_000
STAGE = "keepwarm_stage_history"
MARKS = "keepwarm_stage_history_pairs"
#: The stage's columns after `line` (its rowid), in the order of a staged row.
STAGED = (
    "contact_id",
    "at",
    "channel",
    "direction",
    "purpose",
    "outcome",
    "sentiment",
    "responded",
    "response_hours",
    "notes",
    "given",
    "ref",
)
KEY = ("contact_id", "at", "channel", "direction")
#: The order new touches are written in, and given their ids: the stage's key index, then the file's order.
IN_KEY_ORDER = ", ".join((*KEY, "line"))
#: The page cache while an import plans and writes (the default 2 MB made each of a million inserts a disk read).
CACHE_KIB = 48 * 1024


def _stored_at(value: dt.datetime) -> str:
    """A moment as the store's DateTime columns hold it (SQLAlchemy's SQLite format), for one indexed compare."""
    if value.tzinfo is not dt.timezone.utc:
        value = value.astimezone(dt.timezone.utc)
    return value.replace(tzinfo=None).isoformat(" ", "microseconds")


@lru_cache(maxsize=256)
def _given(keys: tuple[str, ...]) -> int:
    """Which of COMPARED a row's file says (a bit each), from the row's keys in their order."""
    return sum(1 << n for n, k in enumerate(COMPARED) if k in keys)


class _Driver:
    """The store's connection spoken to through its driver, in SQLite's `?` marks on both stores: a million
    rows staged and read back through SQLAlchemy's rows cost seconds more than the driver's tuples."""

    def __init__(self, conn: Connection) -> None:
        self.server = dialect.is_server(conn)
        self.db: Any = conn.connection.driver_connection
        self._conn = conn
        self.temp, self.main = dialect.temp_schema(conn), dialect.main_schema(conn)

    def execute(self, sql: str, params: tuple = ()) -> Any:
        cursor = self.db.cursor()
        cursor.execute(dialect.driver_marks(self._conn, sql), params)
        return cursor

    def executemany(self, sql: str, rows: list[tuple]) -> None:
        if rows:
            self.db.cursor().executemany(dialect.driver_marks(self._conn, sql), rows)

    def stream(self, sql: str) -> Any:
        """A large result read as it comes: the server's rows through a cursor of its own, not all at once."""
        cursor = self.db.cursor(name=f"keepwarm_{id(sql)}") if self.server else self.db.cursor()
        cursor.execute(sql)
        return cursor

    def stage_table(self, name: str, columns: str) -> None:
        """A TEMP table of the connection's own; `columns` in SQLite's types, the server's where they differ."""
        if self.server:
            for lite, server in (
                ("at TEXT", "at timestamp"),
                ("responded INTEGER", "responded boolean"),
                ("REAL", "double precision"),
            ):
                columns = columns.replace(lite, server)
        self.execute(f'DROP TABLE IF EXISTS {self.temp}."{name}"')
        self.execute(f'CREATE TEMP TABLE "{name}" ({columns})')

    def cache(self, kib: int | None = None) -> int | None:
        """SQLite's page cache of the book, set to `kib` (the size before returned); the server keeps its own."""
        if self.server:
            return None
        if kib is None:
            return self.execute("PRAGMA main.cache_size").fetchone()[0]
        self.execute(f"PRAGMA main.cache_size = {kib}")
        return None


def plan(
    conn: Connection,
    history: History,
    now: dt.datetime,
    report: ImportReport,
    progress: Callable[[int, int], None] | None = None,
) -> Callable[[Connection], None]:
    """Decide every row (reading only) and fill the report; return what writes the decisions in bulk.

    The rows are checked as the file is walked and staged in a TEMP table (the
    connection's own: no lock on the database); one indexed join then finds the
    stored touches that share a row's contact, minute, channel and direction,
    and only those are paired in Python. The write is one INSERT ... SELECT.
    """
    raw = _Driver(conn)
    cache = raw.cache()
    raw.cache(-CACHE_KIB)
    try:
        raw.stage_table(
            STAGE,
            "line INTEGER PRIMARY KEY, contact_id INTEGER, at TEXT, channel TEXT, direction TEXT, purpose TEXT, "
            "outcome TEXT, sentiment INTEGER, responded INTEGER, response_hours REAL, notes TEXT, given INTEGER, "
            "ref TEXT",
        )
        _stage_rows(raw, history, Contacts(conn), report, progress)
        index = (
            f'"ix_{STAGE}_key" ON {raw.temp}."{STAGE}"' if raw.server else f'{raw.temp}."ix_{STAGE}_key" ON "{STAGE}"'
        )
        raw.execute(f"CREATE INDEX {index} ({', '.join(KEY)})")
        changes = _pair(raw)
        next_id = (conn.execute(select(func.max(interactions.c.id))).scalar() or 0) + 1
        _report(raw, report, history.file, next_id)
    except BaseException:
        raw.cache(cache)
        raise

    def write(conn: Connection) -> None:
        # New ids in key order, as the rows are inserted: the table and its contact indexes are appended to
        # in order (in file order, a million rows landed at random pages of each and took minutes).
        db = _Driver(conn)
        columns = ("id", *STAGED[:-2], "group_key", "created_at", "capture_id", "in_reply")
        picked = ", ".join(
            (f"{next_id - 1} + row_number() OVER (ORDER BY {IN_KEY_ORDER})", *STAGED[:-2], "NULL", "?", "NULL", "NULL")
        )
        # The server's timestamp column takes a moment; SQLite's holds the text SQLAlchemy writes.
        created = now.astimezone(dt.timezone.utc).replace(tzinfo=None) if db.server else _stored_at(now)
        # The new touches indexed for search in one statement after, not by a trigger a row.
        with search_index.deferred_inserts(conn, "interactions"):
            db.execute(
                f'INSERT INTO {db.main}.interactions ({", ".join(columns)}) SELECT {picked} FROM {db.temp}."{STAGE}" s '
                f'WHERE NOT EXISTS (SELECT 1 FROM {db.temp}."{MARKS}" m WHERE m.line = s.line) '
                f"ORDER BY {IN_KEY_ORDER}",
                (created,),
            )
        if db.server:  # rows given their ids: the id sequence moved past them at the end of the write (after_writing)
            conn.info.setdefault(dialect.INSERTED, set()).add("interactions")
        for fields, rows in changes.items():
            sets = ", ".join(f"{k} = ?" for k in fields)
            db.executemany(f"UPDATE {db.main}.interactions SET {sets} WHERE id = ?", rows)
        discard(conn)

    def discard(conn: Connection) -> None:
        db = _Driver(conn)
        for table in (STAGE, MARKS):
            db.execute(f'DROP TABLE IF EXISTS {db.temp}."{table}"')
        db.cache(cache)

    write.discard = discard  # type: ignore[attr-defined]
    return write


def _stage_rows(raw: _Driver, history: History, found: Contacts, report: ImportReport, progress) -> None:
    """Each row checked and, when good, staged; each bad one in the report with its reason."""
    insert = (
        f'INSERT INTO {raw.temp}."{STAGE}" (line, {", ".join(STAGED)}) VALUES ({", ".join("?" * (len(STAGED) + 1))})'
    )
    checks: Checks | None = None
    batch: list[tuple] = []
    total = history.line_count if progress else 0
    for n, touch in enumerate(history.touches(), start=1):
        if touch.problem:
            report.skip(touch.where, touch.problem, touch.contact)
        else:
            checks = checks or Checks(touch.sources)
            contact = found.find(touch.contact)
            checked = checks.check(touch.values) if not isinstance(contact, str) else contact
            if isinstance(checked, str):
                report.skip(touch.where, checked, touch.contact)
            else:
                batch.append(
                    (
                        touch.line,
                        contact,
                        _stored_at(touch.values["at"]),
                        *checked,
                        _given(tuple(touch.values)),
                        touch.contact,
                    )
                )
        if n % BATCH == 0:
            raw.executemany(insert, batch)
            batch.clear()
            if progress:
                progress(touch.line, total)
    raw.executemany(insert, batch)
    if progress:
        progress(total, total)


def _differences(stored: tuple, row: tuple) -> dict:
    """What the file says differently about a touch it brought in before (only what it says at all).

    Both are (purpose, outcome, sentiment, responded, response_hours, notes); the row's `given` says which
    of them its file had a column and a value for.
    """
    given = row[-1]
    changes = {}
    for n, key in enumerate(COMPARED):
        if given >> n & 1:
            old, new = stored[n], row[n]
            if key == "responded" and old is not None:
                old = bool(old)
            if key == "response_hours" and old is not None:
                old = float(old)
            if old != new:
                changes[key] = new
    return changes


def _pair(raw: _Driver) -> dict[tuple, list[tuple]]:
    """Pair the staged rows with the stored touches of their key, marks in a second stage; the updates by field.

    Within a key, a row pairs first with a stored touch that says all the row
    says (unchanged), then, in file order, with one left over (updated), else
    it is new; a stored touch pairs with one row at most. Only keys that have
    stored touches are read, both sides in key order, and walked together.
    """
    raw.stage_table(MARKS, "line INTEGER PRIMARY KEY, action TEXT, target INTEGER, fields TEXT")
    temp, main = raw.temp, raw.main
    key = ", ".join(f"s.{k}" for k in KEY)
    staged = raw.stream(
        f'SELECT {key}, s.line, {", ".join("s." + k for k in COMPARED)}, s.given FROM {temp}."{STAGE}" s '
        f"WHERE EXISTS (SELECT 1 FROM {main}.interactions i WHERE {' AND '.join(f'i.{k} = s.{k}' for k in KEY)}) "
        f"ORDER BY {key}, s.line"
    )
    # Driven by the stage in key order (its first row of each key), so that only each key's few touches are
    # sorted by id: ordering the whole result made SQLite sort a million rows.
    join = dialect.ordered_join("postgresql" if raw.server else "sqlite")
    stored = raw.stream(
        f"SELECT {key}, i.id, {', '.join('i.' + k for k in COMPARED)} "
        f'FROM {temp}."{STAGE}" s {join} {main}.interactions i ON {" AND ".join(f"i.{k} = s.{k}" for k in KEY)} '
        f'WHERE NOT EXISTS (SELECT 1 FROM {temp}."{STAGE}" o WHERE {" AND ".join(f"o.{k} = s.{k}" for k in KEY)} '
        f"AND o.line < s.line) ORDER BY {key}, i.id"
    )
    mark = f'INSERT INTO {temp}."{MARKS}" (line, action, target, fields) VALUES (?, ?, ?, ?)'
    marks: list[tuple] = []
    updates: dict[tuple, list[tuple]] = defaultdict(list)
    for rows, touches in _groups(staged, stored):
        for line, target, action, changes in _pair_key(rows, touches):
            fields = tuple(sorted(changes))
            marks.append((line, action, target, ",".join(fields)))
            if changes:
                updates[fields].append((*(changes[k] for k in fields), target))
        if len(marks) >= BATCH:
            raw.executemany(mark, marks)
            marks.clear()
    raw.executemany(mark, marks)
    staged.close()  # a server's cursor holds the stage until closed: a plan made again drops it
    stored.close()
    return updates


def _groups(staged, stored) -> Iterator[tuple[list[tuple], list[tuple]]]:
    """The two streams, both in key order, walked together: each key's rows and its stored touches."""
    width = len(KEY)
    stored = iter(stored)
    pending = next(stored, None)
    for key, rows in groupby(staged, key=lambda row: row[:width]):
        touches = []
        while pending is not None and pending[:width] < key:
            pending = next(stored, None)
        while pending is not None and pending[:width] == key:
            touches.append(pending[width:])
            pending = next(stored, None)
        yield [row[width:] for row in rows], touches


def _pair_key(rows: list[tuple], touches: list[tuple]) -> Iterator[tuple[int, int, str, dict]]:
    """(line, stored id, action, changes) of each row that pairs; rows are (line, *compared, given)."""
    left = list(touches)
    paired: dict[int, tuple[int, str, dict]] = {}
    for row in rows:  # first: a stored touch that says all the row says is the same touch
        for touch in left:
            if not _differences(touch[1:], row[1:]):
                left.remove(touch)
                paired[row[0]] = (touch[0], "unchanged", {})
                break
    for row in rows:  # then, in file order: what is left pairs with what is left (a corrected row)
        if row[0] not in paired and left:
            touch = left.pop(0)
            paired[row[0]] = (touch[0], "updated", _differences(touch[1:], row[1:]))
    for line, (target, action, changes) in paired.items():
        yield line, target, action, changes


def _report(raw: _Driver, report: ImportReport, file: str, next_id: int) -> None:
    """Counts always; with `report.detail`, every row in file order, as the JSON report lists them."""
    if not report.detail:
        (staged,) = raw.execute(f'SELECT count(*) FROM {raw.temp}."{STAGE}"').fetchone()
        paired = dict(raw.execute(f'SELECT action, count(*) FROM {raw.temp}."{MARKS}" GROUP BY action').fetchall())
        for action in ("updated", "unchanged"):
            report.tally(action, paired.get(action, 0))
        report.tally("created", staged - sum(paired.values()))
        return
    rows = raw.stream(
        f"SELECT s.line, s.ref, s.channel, s.at, m.action, m.target, m.fields, {next_id - 1} + row_number() OVER "
        f"(PARTITION BY m.line IS NULL ORDER BY {', '.join('s.' + k for k in IN_KEY_ORDER.split(', '))}) "
        f'FROM {raw.temp}."{STAGE}" s LEFT JOIN {raw.temp}."{MARKS}" m ON m.line = s.line ORDER BY s.line'
    )
    for line, ref, channel, at, action, target, fields, new_id in rows:
        label = f"{ref}, {channel} on {str(at)[:10]}"
        if action is None:
            report.add("created", Where(file, line), label, id=new_id)
        elif action == "updated":
            report.add("updated", Where(file, line), label, id=target, fields=fields.split(","))
        else:
            report.add("unchanged", Where(file, line), label, id=target)
    rows.close()
