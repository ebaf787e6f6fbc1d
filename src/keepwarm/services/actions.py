"""The writes a user makes, shared by the CLI and the TUI.

Each function takes an open write connection, so a caller can group several
in one transaction, and returns what it created.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Mapping

from pydantic import ValidationError
from sqlalchemy import Connection, select, update

from ..errors import UserError, describe_validation_error
from ..model import Commitment, CommitmentStatus, FollowUpStatus, Interaction, Outcome
from ..plan.daily import PROMISE_KEY  # the daily plan never moves these reminders
from ..store import activity
from ..store.schema import followups


def log_interactions(
    conn: Connection, contact_ids: list[int], now: dt.datetime, *, ahead_days: int = 7, **fields
) -> list[int]:
    """One interaction per contact; several contacts at once share a group key.

    Each touch completes the open follow-ups it meets (see `complete_satisfied`);
    the caller runs the engine afterwards so the cadence schedules the next one.
    """
    if not contact_ids:
        raise UserError("contact: at least one contact is needed")
    unique_ids = list(dict.fromkeys(contact_ids))
    group_key = str(uuid.uuid4()) if len(unique_ids) > 1 else None
    try:
        items = [Interaction(contact_id=cid, group_key=group_key, **fields) for cid in unique_ids]
    except ValidationError as exc:
        raise UserError(describe_validation_error(exc)) from None
    created = activity.insert_interactions(conn, items, now)
    for item in items:
        complete_satisfied(conn, item, now, ahead_days)
    return created


def complete_satisfied(conn: Connection, item: Interaction, now: dt.datetime, ahead_days: int = 7) -> list[int]:
    """Close the open follow-ups this touch meets: those due within `ahead_days` of it.

    Only touches that took place count, and only follow-ups a touch can meet
    (a promise is met by keeping it). The next engine run schedules what comes next.
    """
    if item.outcome != Outcome.COMPLETED:
        return []
    return complete_met(conn, {item.contact_id: item.at.date()}, now, ahead_days)


def complete_met(conn: Connection, latest: Mapping[int, dt.date], now: dt.datetime, ahead_days: int = 7) -> list[int]:
    """Close what the latest completed touch with each contact meets (contact id -> that touch's date).

    One query per few hundred contacts, so a sync that brought touches with
    thousands of people closes their follow-ups as a logged touch would, at once.
    """
    f = followups.c
    met = []
    ids = sorted(latest)
    for start in range(0, len(ids), 500):
        part = ids[start : start + 500]
        rows = conn.execute(
            select(f.id, f.sequence, f.contact_id, f.due, f.status, f.snoozed_until).where(
                f.contact_id.in_(part),
                f.status.in_(("open", "snoozed")),
                f.satisfied_by_touch.is_(True),
            )
        ).all()
        for row in rows:
            horizon = latest[row.contact_id] + dt.timedelta(days=ahead_days)
            if row.due <= horizon or (row.status == "snoozed" and row.snoozed_until and row.snoozed_until <= horizon):
                met.append(row)
    return _mark_done(conn, met, now)


def _mark_done(conn: Connection, rows, now: dt.datetime) -> list[int]:
    """Close these follow-up rows (id, sequence) as done; their ids."""
    f = followups.c
    stamp = now.astimezone(dt.timezone.utc).replace(tzinfo=None)
    for row in rows:
        conn.execute(
            update(followups)
            .where(f.id == row.id)
            .values(status=FollowUpStatus.DONE.value, closed_at=stamp, updated_at=stamp, sequence=row.sequence + 1)
        )
    return [row.id for row in rows]


# ---------------------------------------------------------------- promises


def keep_promise(conn: Connection, promise_id: int, now: dt.datetime) -> list[int]:
    """Mark a promise kept (`keepwarm promise done`, `d` in the agenda) and close its reminders.

    The reminder follow-ups are closed here, not left to the next engine run,
    so no screen or list shows a kept promise as still due meanwhile.
    """
    activity.set_commitment_status(conn, promise_id, CommitmentStatus.DONE, now)
    f = followups.c
    rows = conn.execute(
        select(f.id, f.sequence).where(f.rule_key == f"{PROMISE_KEY}{promise_id}", f.status.in_(("open", "snoozed")))
    ).all()
    return _mark_done(conn, rows, now)


def promise_of(conn: Connection, contact_id: int, rule_key: str | None) -> Commitment | None:
    """The open promise a follow-up reminds of (by its rule key), or None for any other follow-up."""
    if not rule_key or not rule_key.startswith(PROMISE_KEY) or not rule_key[len(PROMISE_KEY) :].isdigit():
        return None
    try:
        found = activity.get_commitment(conn, int(rule_key[len(PROMISE_KEY) :]))
    except UserError:
        return None
    if found.contact_id != contact_id or found.status != CommitmentStatus.OPEN:
        return None
    return found
