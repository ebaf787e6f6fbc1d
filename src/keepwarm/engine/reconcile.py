"""Storing what cadence rules propose, idempotently.

At most one open follow-up exists per contact and rule key. When a rule
proposes another date (a touch was logged, the rhythm changed), the open one
moves and its sequence rises so calendars update it. A follow-up the user
dismissed or completed is not re-created for the same date. A proposal beyond
the horizon is made when it comes near, except that an open follow-up of a
person the user snoozed moves to the day it is held to, however far (it waits;
it is not done). A follow-up whose
rule ran cleanly and no longer proposes it is closed; one whose plugin failed
or is missing this run is left alone, so a broken plugin never loses data.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from collections.abc import Set as AbstractSet

from sqlalchemy import Connection, bindparam, insert, select, update

from ..api.types import Proposal
from ..model import FollowUpStatus
from ..store.followups import MANUAL
from ..store.followups import OPEN_STATES as OPEN
from ..store.rows import Parsed, as_text, plain_rows
from ..store.schema import followups

#: Below this many contacts, only their rows are read; from it on, the table (then filtered in Python).
FEW = 500


def _naive(moment: dt.datetime) -> dt.datetime:
    return moment.astimezone(dt.timezone.utc).replace(tzinfo=None)


def reconcile(
    conn: Connection,
    proposals: Mapping[int, list[tuple[str, Proposal]]],
    failed: Mapping[int, AbstractSet[str]],
    active_plugins: AbstractSet[str],
    contact_ids: Iterable[int],
    *,
    today: dt.date,
    now: dt.datetime,
    horizon_days: int,
    silenced: AbstractSet[int] = frozenset(),
    held: AbstractSet[int] = frozenset(),
) -> dict[str, int]:
    """Returns counts of created, moved and closed follow-ups.

    Most mornings nearly every proposal matches its stored follow-up, so the
    stored rows are read as plain tuples and compared field by field with the
    proposal; only the rows that change are written (in one statement per
    kind of change). Closed follow-ups, which pile up over the years, are
    read only for the proposals that would create a new one.
    """
    ids = list(contact_ids)
    stamp = _naive(now)
    plan = _Plan(stamp, today + dt.timedelta(days=horizon_days))
    open_rows = _open_rows(conn, ids)
    for cid in ids:
        plan.contact(
            cid,
            open_rows.get(cid, {}),
            proposals.get(cid, ()),
            failed.get(cid, frozenset()),
            active_plugins,
            cid in silenced,
            cid in held,
        )
    return _write(conn, plan, stamp)


def _open_rows(conn: Connection, ids: list[int]) -> dict[int, dict[str, tuple]]:
    """The open follow-ups the rules made, per contact and rule key, as plain tuples."""
    f = followups.c
    open_rows: dict[int, dict[str, tuple]] = {}
    query = select(
        f.id,
        f.contact_id,
        f.rule_key,
        f.source,
        f.status,
        as_text(f.due),
        f.reason,
        f.channel,
        f.action,
        as_text(f.due_time),
        f.sequence,
        f.satisfied_by_touch,
    ).where(f.source != MANUAL, f.status.in_(OPEN))
    if len(ids) < FEW:
        query = query.where(f.contact_id.in_(ids))
    wanted = set(ids)
    day, time = Parsed(f.due, conn), Parsed(f.due_time, conn)
    for fid, cid, key, source, status, due, reason, channel, action, due_time, sequence, satisfied in plain_rows(
        conn, query
    ):  # as the driver gives them (`satisfied` is 0 or 1): read on every run, for every follow-up
        if cid in wanted:
            open_rows.setdefault(cid, {})[key] = (
                fid,
                cid,
                key,
                source,
                status,
                day[due],
                reason,
                channel,
                action,
                time[due_time],
                sequence,
                satisfied,
            )
    return open_rows


class _Plan:
    """What to write: follow-ups to create (if not closed for that date already), to move, and to close."""

    OPEN_STATUS = FollowUpStatus.OPEN.value

    def __init__(self, stamp: dt.datetime, horizon: dt.date) -> None:
        self.stamp, self.horizon = stamp, horizon
        self.candidates: list[tuple[int, str, Proposal, str]] = []
        self.moved: list[dict] = []
        self.closing: list[dict] = []

    def contact(
        self,
        cid: int,
        rows: dict[str, tuple],
        proposals: Iterable[tuple[str, Proposal]],
        failed: AbstractSet[str],
        active_plugins: AbstractSet[str],
        silenced: bool,
        held: bool = False,
    ) -> None:
        proposed_keys: set[str] = set()
        for plugin, proposal in proposals:
            key = proposal.rule_key
            if key in proposed_keys:
                continue  # the first plugin to claim a key wins
            proposed_keys.add(key)
            current = rows.get(key)
            if proposal.due > self.horizon and (current is None or not held):
                continue
            if current is None:
                self.candidates.append((cid, key, proposal, plugin))
            elif current[4] == self.OPEN_STATUS:  # snoozed: the user decided when
                self._move(current, proposal, plugin)
        if not rows.keys() <= proposed_keys:  # some stored follow-up is no longer proposed
            for key, row in rows.items():
                if key not in proposed_keys:
                    self._close(row, failed, active_plugins, silenced)

    def _move(self, current: tuple, proposal: Proposal, plugin: str) -> None:
        channel = proposal.channel.value if proposal.channel else None
        if (
            current[5] != proposal.due
            or current[9] != proposal.due_time
            or current[6] != proposal.reason
            or current[7] != channel
            or current[8] != proposal.action
            or bool(current[11]) != proposal.satisfied_by_touch
        ):
            self.moved.append(
                {
                    "fid": current[0],
                    "due": proposal.due,
                    "due_time": proposal.due_time,
                    "reason": proposal.reason,
                    "channel": channel,
                    "action": proposal.action,
                    "satisfied_by_touch": proposal.satisfied_by_touch,
                    "source": plugin,
                    "sequence": current[10] + 1,
                    "updated_at": self.stamp,
                }
            )

    def _close(self, row: tuple, failed: AbstractSet[str], active_plugins: AbstractSet[str], silenced: bool) -> None:
        if silenced:
            status = FollowUpStatus.DISMISSED.value  # do-not-contact: nothing is due any more
        elif row[3] in active_plugins and row[3] not in failed:
            status = FollowUpStatus.DONE.value
        else:
            return  # its plugin failed or is gone this run: left alone, never lost
        self.closing.append(
            {
                "fid": row[0],
                "status": status,
                "closed_at": self.stamp,
                "updated_at": self.stamp,
                "sequence": row[10] + 1,
            }
        )


def _write(conn: Connection, plan: _Plan, stamp: dt.datetime) -> dict[str, int]:
    """One statement per kind of change; returns how many were created, moved and closed."""
    f = followups.c
    counts = {"created": 0, "moved": 0, "closed": 0}
    moved, closing, candidates = plan.moved, plan.closing, plan.candidates
    if moved:
        conn.execute(
            update(followups)
            .where(f.id == bindparam("fid"))
            .values(
                due=bindparam("due"),
                due_time=bindparam("due_time"),
                reason=bindparam("reason"),
                channel=bindparam("channel"),
                action=bindparam("action"),
                satisfied_by_touch=bindparam("satisfied_by_touch"),
                source=bindparam("source"),
                sequence=bindparam("sequence"),
                updated_at=bindparam("updated_at"),
            ),
            moved,
        )
        counts["moved"] = len(moved)
    if closing:
        conn.execute(
            update(followups)
            .where(f.id == bindparam("fid"))
            .values(
                status=bindparam("status"),
                closed_at=bindparam("closed_at"),
                updated_at=bindparam("updated_at"),
                sequence=bindparam("sequence"),
            ),
            closing,
        )
        counts["closed"] = len(closing)
    if candidates:
        closed = _closed(conn, {cid for cid, _, _, _ in candidates})
        new_rows = [
            {
                "due": p.due,
                "due_time": p.due_time,
                "reason": p.reason,
                "channel": p.channel.value if p.channel else None,
                "action": p.action,
                "satisfied_by_touch": p.satisfied_by_touch,
                "contact_id": cid,
                "rule_key": key,
                "source": plugin,
                "status": FollowUpStatus.OPEN.value,
                "sequence": 0,
                "created_at": stamp,
                "updated_at": stamp,
            }
            for cid, key, p, plugin in candidates
            if (cid, key, p.due) not in closed
        ]
        if new_rows:
            conn.execute(insert(followups), new_rows)
            counts["created"] = len(new_rows)
    return counts


def _closed(conn: Connection, contact_ids: set[int]) -> set[tuple[int, str, dt.date]]:
    """(contact, rule key, due) of the rules' closed follow-ups: a proposal for one of them is not made again."""
    f = followups.c
    query = select(f.contact_id, f.rule_key, f.due).where(f.source != MANUAL, f.status.not_in(OPEN))
    if len(contact_ids) < FEW:
        query = query.where(f.contact_id.in_(sorted(contact_ids)))
    return {(cid, key, due) for cid, key, due in conn.execute(query) if cid in contact_ids}
