"""Open follow-ups in bulk, for the engine: the FollowUps `list_followups` returns, built faster.

An engine run reads every open follow-up (thousands at 10,000 contacts);
validating each row again through pydantic cost more than the query. The rows
were validated on the way in, so here they are assembled as `model_construct`
would (see contact_rows). Dates and times are read as the stored text and
turned into values once per distinct text, by the column type's own parser:
a book's follow-ups share a few hundred due dates and a handful of stamps.
tests/test_engine_perf_rows.py holds this equal to
`followups.list_followups(conn, statuses=OPEN_STATES)`.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import Column, Connection, Text, select, type_coerce

from ..model import Channel, FollowUp, FollowUpStatus
from .contact_rows import by_value, constructed
from .followups import MAX_REASON, OPEN_STATES, usable_reason
from .schema import followups

_FIELDS = tuple(FollowUp.model_fields)
_CHANNEL, _STATUS = by_value(Channel), by_value(FollowUpStatus)
_UTC = dt.timezone.utc


class Parsed(dict):
    """Stored text -> the value the column's type reads from it (aware in UTC with `utc`), each text parsed once."""

    def __init__(self, column: Column, conn: Connection, *, utc: bool = False) -> None:
        super().__init__()
        impl = column.type.dialect_impl(conn.dialect)
        self._parse = impl.result_processor(conn.dialect, None) or (lambda value: value)
        self._utc = utc

    def __missing__(self, text: Any) -> Any:
        value = self._parse(text)
        if self._utc and value is not None:
            value = value.replace(tzinfo=_UTC)
        self[text] = value
        return value


def as_text(column: Column):
    """The column as stored, for `Parsed` to read."""
    return type_coerce(column, Text)


def load_open_followups(conn: Connection) -> list[FollowUp]:
    """Open and snoozed follow-ups, ordered by due date then id, as `list_followups` orders them."""
    f = followups.c
    query = (select(f.id, f.contact_id, as_text(f.due), as_text(f.due_time), f.reason, f.source, f.rule_key,
                    f.channel, f.action, f.status, as_text(f.snoozed_until), f.sequence, f.satisfied_by_touch,
                    as_text(f.created_at), as_text(f.updated_at), as_text(f.closed_at))
             .where(f.status.in_(OPEN_STATES)).order_by(f.due, f.id))
    day, time, moment = Parsed(f.due, conn), Parsed(f.due_time, conn), Parsed(f.created_at, conn, utc=True)
    channels, statuses = _CHANNEL, _STATUS
    out = []
    for (fid, cid, due, due_time, reason, source, rule_key, channel, action, status, snoozed_until, sequence,
         satisfied, created, updated, closed) in conn.execute(query):
        if type(reason) is not str or not 0 < len(reason) <= MAX_REASON or reason.isspace():
            reason = usable_reason(reason)  # as list_followups shows a row a plugin poisoned
        out.append(constructed(FollowUp, {
            "id": fid, "contact_id": cid, "due": day[due], "due_time": time[due_time], "reason": reason,
            "source": source, "rule_key": rule_key, "channel": channels[channel] if channel is not None else None,
            "action": action, "status": statuses[status], "snoozed_until": day[snoozed_until],
            "sequence": sequence, "satisfied_by_touch": bool(satisfied), "created_at": moment[created],
            "updated_at": moment[updated], "closed_at": moment[closed],
        }, _FIELDS))
    return out
