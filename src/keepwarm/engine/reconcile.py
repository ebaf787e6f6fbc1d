"""Storing what cadence rules propose, idempotently.

At most one open follow-up exists per contact and rule key. When a rule
proposes another date (a touch was logged, the rhythm changed), the open one
moves and its sequence rises so calendars update it. A follow-up the user
dismissed or completed is not re-created for the same date. A follow-up whose
rule ran cleanly and no longer proposes it is closed; one whose plugin failed
or is missing this run is left alone, so a broken plugin never loses data.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping

from sqlalchemy import Connection, and_, insert, select, update

from ..model import FollowUpStatus
from ..store.schema import followups
from .types import Proposal

MANUAL = "manual"
OPEN = (FollowUpStatus.OPEN.value, FollowUpStatus.SNOOZED.value)


def _naive(moment: dt.datetime) -> dt.datetime:
    return moment.astimezone(dt.timezone.utc).replace(tzinfo=None)


def reconcile(
    conn: Connection,
    proposals: Mapping[int, list[tuple[str, Proposal]]],
    failed: Mapping[int, set[str]],
    active_plugins: set[str],
    contact_ids: Iterable[int],
    *,
    today: dt.date,
    now: dt.datetime,
    horizon_days: int,
    silenced: set[int] = frozenset(),
) -> dict[str, int]:
    """Returns counts of created, moved and closed follow-ups."""
    ids = list(contact_ids)
    f = followups.c
    stamp = _naive(now)
    horizon = today + dt.timedelta(days=horizon_days)
    open_rows: dict[int, dict[str, object]] = {}
    closed: set[tuple[int, str, dt.date]] = set()
    query = select(f.id, f.contact_id, f.rule_key, f.source, f.status, f.due, f.reason, f.channel, f.action,
                   f.due_time, f.sequence, f.satisfied_by_touch).where(f.source != MANUAL)
    if len(ids) < 500:
        query = query.where(f.contact_id.in_(ids))
    wanted = set(ids)
    for row in conn.execute(query):
        if row.contact_id not in wanted:
            continue
        if row.status in OPEN:
            open_rows.setdefault(row.contact_id, {})[row.rule_key] = row
        else:
            closed.add((row.contact_id, row.rule_key, row.due))

    counts = {"created": 0, "moved": 0, "closed": 0}
    new_rows = []
    for cid in ids:
        proposed_keys: set[str] = set()
        for plugin, proposal in proposals.get(cid, ()):
            if proposal.rule_key in proposed_keys:
                continue  # the first plugin to claim a key wins
            proposed_keys.add(proposal.rule_key)
            if proposal.due > horizon:
                continue
            current = open_rows.get(cid, {}).get(proposal.rule_key)
            values = {
                "due": proposal.due,
                "due_time": proposal.due_time,
                "reason": proposal.reason,
                "channel": proposal.channel.value if proposal.channel else None,
                "action": proposal.action,
                "satisfied_by_touch": proposal.satisfied_by_touch,
            }
            if current is not None:
                if current.status != FollowUpStatus.OPEN.value:
                    continue  # snoozed: the user decided when
                changed = (current.due, current.due_time, current.reason, current.channel, current.action,
                           bool(current.satisfied_by_touch)) != tuple(values.values())
                if changed:
                    conn.execute(update(followups).where(f.id == current.id).values(
                        **values, source=plugin, sequence=current.sequence + 1, updated_at=stamp))
                    counts["moved"] += 1
                continue
            if (cid, proposal.rule_key, proposal.due) in closed:
                continue
            new_rows.append({**values, "contact_id": cid, "rule_key": proposal.rule_key, "source": plugin,
                             "status": FollowUpStatus.OPEN.value, "sequence": 0, "created_at": stamp,
                             "updated_at": stamp})
        for key, row in open_rows.get(cid, {}).items():
            if key in proposed_keys:
                continue
            if cid in silenced:
                status = FollowUpStatus.DISMISSED.value  # do-not-contact: nothing is due any more
            elif row.source in active_plugins and row.source not in failed.get(cid, set()):
                status = FollowUpStatus.DONE.value
            else:
                continue
            conn.execute(update(followups).where(and_(f.id == row.id)).values(
                status=status, closed_at=stamp, updated_at=stamp, sequence=row.sequence + 1))
            counts["closed"] += 1
    if new_rows:
        conn.execute(insert(followups), new_rows)
        counts["created"] = len(new_rows)
    return counts
