"""A history of touches from a spreadsheet or another CRM.

Columns are found by their usual names (date, contact, email, channel,
direction, purpose, outcome, sentiment, responded, response hours, notes) or
named with `--map COLUMN=FIELD`. Each row finds its contact by email, else by
exact name. A touch is identified by its contact, moment, channel and
direction: importing the same file again changes nothing, and a file whose
notes were corrected updates the touches it already brought in.

Imported touches are history: unlike `keepwarm log`, they complete no
follow-ups.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from pydantic import ValidationError
from sqlalchemy import Connection, and_, select, update

from .. import dates
from ..errors import UserError
from ..model import Channel, Interaction
from ..model.enums import normalize_word
from ..store import activity
from ..store import contacts as people
from ..store.schema import interactions
from ..text import visible
from . import tabular
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
        return f"no contact has the email {ref!r} (import or add the contact first)"
    ids = people.find_by_exact_name(conn, ref)
    if len(ids) == 1:
        return ids[0]
    if ids:
        return f"{len(ids)} contacts are called {ref!r} (add an email column to tell them apart)"
    return f"no contact is called {ref!r} (import or add the contact first)"


def _existing(conn: Connection, item: Interaction):
    i = interactions.c
    at = item.at.astimezone(dt.timezone.utc).replace(tzinfo=None)
    return conn.execute(
        select(interactions).where(
            and_(i.contact_id == item.contact_id, i.at == at, i.channel == item.channel.value,
                 i.direction == item.direction.value)
        ).order_by(i.id)
    ).first()


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
    for touch in touches:
        if touch.problem:
            report.skip(touch.where, touch.problem, touch.contact)
            continue
        found = _find_contact(conn, touch.contact)
        if isinstance(found, str):
            report.skip(touch.where, found, touch.contact)
            continue
        try:
            item = Interaction(contact_id=found, **touch.values)
        except ValidationError as exc:
            report.skip(touch.where, explain(exc, touch.sources), touch.contact)
            continue
        label = f"{touch.contact}, {item.channel.value} on {item.at.date().isoformat()}"
        row = _existing(conn, item)
        if row is None:
            new_id = activity.insert_interactions(conn, [item], now)[0]
            report.add("created", touch.where, label, id=new_id)
            continue
        changes = _differences(row, item, set(touch.values))
        if not changes:
            report.add("unchanged", touch.where, label, id=row.id)
            continue
        conn.execute(update(interactions).where(interactions.c.id == row.id).values(**changes))
        report.add("updated", touch.where, label, id=row.id, fields=sorted(changes))
