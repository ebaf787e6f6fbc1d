"""Open follow-ups in bulk, for the engine: the FollowUps `list_followups` returns, built faster.

An engine run reads every open follow-up (thousands at 10,000 contacts);
validating each row again through pydantic cost more than the query. The rows
were validated on the way in, so here they are assembled as `model_construct`
would (see contact_rows). tests/test_engine_perf_rows.py holds this equal to
`followups.list_followups(conn, statuses=OPEN_STATES)`.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Connection, select

from ..model import Channel, FollowUp, FollowUpStatus
from .contact_rows import by_value, constructed
from .followups import OPEN_STATES
from .schema import followups

_FIELDS = tuple(FollowUp.model_fields)
_CHANNEL, _STATUS = by_value(Channel), by_value(FollowUpStatus)
_UTC = dt.timezone.utc


def _utc(value: dt.datetime | None) -> dt.datetime | None:
    return value.replace(tzinfo=_UTC) if value is not None else None


def load_open_followups(conn: Connection) -> list[FollowUp]:
    """Open and snoozed follow-ups, ordered by due date then id, as `list_followups` orders them."""
    f = followups.c
    query = (select(f.id, f.contact_id, f.due, f.due_time, f.reason, f.source, f.rule_key, f.channel, f.action,
                    f.status, f.snoozed_until, f.sequence, f.satisfied_by_touch, f.created_at, f.updated_at,
                    f.closed_at)
             .where(f.status.in_(OPEN_STATES)).order_by(f.due, f.id))
    out = []
    for (fid, cid, due, due_time, reason, source, rule_key, channel, action, status, snoozed_until, sequence,
         satisfied, created, updated, closed) in conn.execute(query):
        out.append(constructed(FollowUp, {
            "id": fid, "contact_id": cid, "due": due, "due_time": due_time, "reason": reason, "source": source,
            "rule_key": rule_key, "channel": _CHANNEL[channel] if channel is not None else None, "action": action,
            "status": _STATUS[status], "snoozed_until": snoozed_until, "sequence": sequence,
            "satisfied_by_touch": bool(satisfied), "created_at": _utc(created), "updated_at": _utc(updated),
            "closed_at": _utc(closed),
        }, _FIELDS))
    return out
