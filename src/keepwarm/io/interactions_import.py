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
from collections.abc import Callable
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from pydantic import ValidationError
from sqlalchemy import Connection, func, select, update

from .. import dates
from ..errors import UserError
from ..model import Channel, Interaction
from ..model.enums import normalize_word
from ..store import contacts as people
from ..store.schema import interactions
from ..text import visible
from . import bulk, tabular
from .contacts_apply import explain
from .report import ImportReport, Where

FIELDS: dict[str, str] = {
    "date": "date", "when": "date", "at": "date", "datetime": "date", "date_time": "date", "date/time": "date",
    "timestamp": "date", "day": "date",
    "time": "time",
    "contact": "contact", "name": "contact", "contact_name": "contact", "who": "contact", "person": "contact",
    "with": "contact",
    "email": "email", "e_mail": "email", "contact_email": "email", "email_address": "email",
    "channel": "channel", "type": "channel", "medium": "channel", "activity_type": "channel",
    "direction": "direction",
    "purpose": "purpose", "reason": "purpose", "category": "purpose",
    "outcome": "outcome", "status": "outcome", "result": "outcome",
    "sentiment": "sentiment", "mood": "sentiment",
    "responded": "responded", "replied": "responded",
    "response_hours": "response_hours", "reply_hours": "response_hours", "response_time_hours": "response_hours",
    "notes": "notes", "note": "notes", "summary": "notes", "description": "notes", "comments": "notes",
}

CHANNEL_WORDS = {
    "phone": "call", "phone_call": "call", "telephone": "call", "e_mail": "email", "mail": "email",
    "video": "meeting", "video_call": "meeting", "zoom": "meeting", "visit": "meeting",
    "lunch": "meal", "dinner": "meal", "breakfast": "meal", "coffee": "meal", "drinks": "meal",
    "sms": "text", "message": "text", "whatsapp": "text", "linkedin": "social", "conference": "event",
    "card": "letter", "note": "letter", "present": "gift",
}
DIRECTION_WORDS = {
    "out": "outbound", "sent": "outbound", "outgoing": "outbound", "to_them": "outbound",
    "in": "inbound", "received": "inbound", "incoming": "inbound", "from_them": "inbound",
}
COMPARED = ("purpose", "outcome", "sentiment", "responded", "response_hours", "notes")


def _key(header_name: str) -> str:
    return "_".join(header_name.strip().lower().replace("-", "_").replace("(", " ").replace(")", " ").split())


def column_map(header: list[str], pairs: tuple[str, ...], file: str, header_line: int) -> dict[str, str]:
    """field -> column."""
    if pairs:
        mapped = tabular.parse_map(pairs, header, file, {k: v for k, v in FIELDS.items()} | {v: v for v in FIELDS.values()})
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


@dataclass
class Touch:
    where: Where
    values: dict = field(default_factory=dict)
    contact: str = ""
    problem: str | None = None
    sources: dict = field(default_factory=dict)  # model field -> the column it came from


def _word(value: str, synonyms: dict[str, str]) -> str:
    word = normalize_word(value)
    return synonyms.get(word, word)


def _flag(value: str, column: str) -> bool | None:
    word = value.strip().lower()
    if not word:
        return None
    if word in ("yes", "y", "true", "1", "replied"):
        return True
    if word in ("no", "n", "false", "0"):
        return False
    raise ValueError(f"{column}: {value.strip()!r} is not yes or no")


def _moment(row: tabular.Row, cols: dict[str, str], now: dt.datetime, tz: ZoneInfo) -> dt.datetime:
    column = cols["date"]
    text = row.get(column)
    if "time" in cols and row.get(cols["time"]):
        text = f"{text} {row.get(cols['time'])}"
    if not text:
        raise ValueError(f"{column}: empty (expected a date such as 2026-03-14 or 2026-03-14 15:30)")
    try:
        return dates.parse_moment(text, now, tz, field=column)
    except UserError as exc:
        raise ValueError(exc.message) from None


def _touch(row: tabular.Row, cols: dict[str, str], now: dt.datetime, tz: ZoneInfo, where: Where) -> Touch:
    touch = Touch(where)
    touch.sources = {("at" if key == "date" else key): column for key, column in cols.items()}
    values = touch.values
    values["at"] = _moment(row, cols, now, tz)
    channel = _word(row.get(cols["channel"]), CHANNEL_WORDS)
    if not channel:
        raise ValueError(f"{cols['channel']}: empty (expected one of: {', '.join(c.value for c in Channel)})")
    values["channel"] = channel
    for key, synonyms in (("direction", DIRECTION_WORDS), ("purpose", {}), ("outcome", {})):
        if key in cols and row.get(cols[key]):
            values[key] = _word(row.get(cols[key]), synonyms)
    if "sentiment" in cols and row.get(cols["sentiment"]):
        text = row.get(cols["sentiment"]).lstrip("+")
        try:
            values["sentiment"] = int(text)
        except ValueError:
            raise ValueError(f"{cols['sentiment']}: {text!r} is not a whole number (expected -2 to 2)") from None
    if "responded" in cols:
        replied = _flag(row.get(cols["responded"]), cols["responded"])
        if replied is not None:
            values["responded"] = replied
    if "response_hours" in cols and row.get(cols["response_hours"]):
        text = row.get(cols["response_hours"])
        try:
            values["response_hours"] = float(text)
        except ValueError:
            raise ValueError(f"{cols['response_hours']}: {text!r} is not a number of hours") from None
    if "notes" in cols and row.get(cols["notes"]):
        # Escape sequences from the file are kept as visible text (\x1b), never stored raw.
        values["notes"] = visible(row.get(cols["notes"]).replace("\r\n", "\n"))
    touch.contact = row.get(cols["email"]) if "email" in cols and row.get(cols["email"]) else ""
    if not touch.contact and "contact" in cols:
        touch.contact = row.get(cols["contact"])
    if not touch.contact:
        raise ValueError("no contact (expected a name or an email in this row)")
    # Names read from other files are stored with their control characters visible (\x1b):
    # a history naming such a contact the raw way it was written must still find them.
    touch.contact = visible(touch.contact, multiline=False)
    return touch


def read(text: str, file: str, now: dt.datetime, tz: ZoneInfo, mapping: tuple[str, ...] = ()) -> list[Touch]:
    table = tabular.read(text, file)
    cols = column_map(table.header, mapping, file, table.header_line)
    out = []
    for row in table.rows:
        where = Where(file, row.line)
        if row.problem:
            out.append(Touch(where, problem=row.problem))
            continue
        try:
            out.append(_touch(row, cols, now, tz, where))
        except ValueError as exc:
            out.append(Touch(where, problem=str(exc)))
    return out


def _find_contact(conn: Connection, ref: str) -> int | str:
    """The contact id, or why there is none."""
    if "@" in ref:
        found = people.find_by_email(conn, ref)
        if found is not None:
            return found
        return f"no contact has the email '{ref}' (import or add the contact first)"
    ids = people.find_by_exact_name(conn, ref)
    if len(ids) == 1:
        return ids[0]
    if ids:
        return f"{len(ids)} contacts are called '{ref}' (add an email column to tell them apart)"
    return f"no contact is called '{ref}' (import or add the contact first)"


#: Contacts whose stored touches are read per statement (SQLite's limit on bound values is far above).
CHUNK = 500


def _naive(value: dt.datetime) -> dt.datetime:
    return value.astimezone(dt.timezone.utc).replace(tzinfo=None)


def _touch_key(contact_id: int, at: dt.datetime, channel: str, direction: str) -> tuple:
    return (contact_id, at, channel, direction)


def _stored(conn: Connection, contact_ids: set[int]) -> dict[tuple, list]:
    """The stored touches of these contacts by (contact, moment, channel, direction), oldest id first."""
    i = interactions.c
    out: dict[tuple, list] = defaultdict(list)
    ids = sorted(contact_ids)
    for start in range(0, len(ids), CHUNK):
        query = select(i.id, i.contact_id, i.at, i.channel, i.direction, *(i[k] for k in COMPARED)).where(
            i.contact_id.in_(ids[start : start + CHUNK])
        ).order_by(i.id)
        for row in conn.execute(query):
            out[_touch_key(row.contact_id, row.at, row.channel, row.direction)].append(row)
    return out


def _differences(row, item: Interaction, given: set[str]) -> dict:
    """What the file says differently about a touch it brought in before (only what it says at all)."""
    fresh = item.model_dump(mode="json")
    changes = {}
    for key in COMPARED:
        if key not in given:
            continue
        old = getattr(row, key)
        if key == "response_hours" and old is not None:
            old = float(old)
        if old != fresh[key]:
            changes[key] = fresh[key]
    return changes


def apply(conn: Connection, touches: list[Touch], now: dt.datetime, report: ImportReport) -> None:
    """Plan and write at once (for callers already inside a write transaction)."""
    plan(conn, touches, now, report)(conn)


def plan(conn: Connection, touches: list[Touch], now: dt.datetime, report: ImportReport) -> Callable[[Connection], None]:
    """Decide every row (reading only), fill the report, and return what writes the decisions in bulk."""
    found: dict[str, int | str] = {}
    ready: list[tuple[Touch, Interaction, tuple]] = []
    outcome: dict[int, tuple] = {}  # index in `ready` -> (action, stored row or None, changes)
    skipped: dict[int, tuple] = {}  # index in `touches` -> (reason, invalid)
    for n, touch in enumerate(touches):
        if touch.problem:
            skipped[n] = (touch.problem, True)
            continue
        if touch.contact not in found:
            found[touch.contact] = _find_contact(conn, touch.contact)
        contact = found[touch.contact]
        if isinstance(contact, str):
            skipped[n] = (contact, True)
            continue
        try:
            item = Interaction(contact_id=contact, **touch.values)
        except ValidationError as exc:
            skipped[n] = (explain(exc, touch.sources), True)
            continue
        ready.append((touch, item, _touch_key(contact, _naive(item.at), item.channel.value, item.direction.value)))
    stored = _stored(conn, {item.contact_id for _, item, _ in ready})
    # First pass: a row and a stored touch that says all the row says are the same touch.
    for index, (touch, item, key) in enumerate(ready):
        for row in stored.get(key, ()):
            if not _differences(row, item, set(touch.values)):
                stored[key].remove(row)
                outcome[index] = ("unchanged", row, {})
                break
    # Second pass, in file order: what is left pairs with what is left (a corrected row), else is new.
    for index, (touch, item, key) in enumerate(ready):
        if index in outcome:
            continue
        left = stored.get(key)
        if left:
            row = left.pop(0)
            outcome[index] = ("updated", row, _differences(row, item, set(touch.values)))
        else:
            outcome[index] = ("created", None, {})
    next_id = (conn.execute(select(func.max(interactions.c.id))).scalar() or 0) + 1
    new_rows, changes_by_id = [], {}
    by_touch = {id(touch): index for index, (touch, _, _) in enumerate(ready)}
    for n, touch in enumerate(touches):
        if n in skipped:
            reason, invalid = skipped[n]
            report.skip(touch.where, reason, touch.contact, invalid=invalid)
            continue
        index = by_touch[id(touch)]
        _, item, _ = ready[index]
        action, row, changes = outcome[index]
        label = f"{touch.contact}, {item.channel.value} on {item.at.date().isoformat()}"
        if action == "created":
            values = item.model_dump(exclude={"id"}, mode="json")
            values.update(id=next_id, at=_naive(item.at), created_at=_naive(now))
            new_rows.append(values)
            report.add("created", touch.where, label, id=next_id)
            next_id += 1
        elif action == "updated":
            changes_by_id[row.id] = changes
            report.add("updated", touch.where, label, id=row.id, fields=sorted(changes))
        else:
            report.add("unchanged", touch.where, label, id=row.id)

    staged = bulk.Staged()  # the new touches as rows now, outside the write lock
    staged.add(conn, interactions, new_rows)

    def write(conn: Connection) -> None:
        staged.copy(conn)
        for row_id, changes in changes_by_id.items():
            conn.execute(update(interactions).where(interactions.c.id == row_id).values(**changes))

    write.discard = staged.drop  # type: ignore[attr-defined]
    return write
