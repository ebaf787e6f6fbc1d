"""Interactions, commitments and assessments: the history the engine reads."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable

from sqlalchemy import Connection, insert, select, update

from ..errors import NotFound, UserError
from ..model import Assessment, Commitment, CommitmentStatus, Interaction
from ..model.entities import RESPONSE_HOURS_MAX
from .new_ids import new_id
from .schema import assessments, commitments, interactions


def _utc(value: dt.datetime | None) -> dt.datetime | None:
    if value is None:
        return None
    return value.replace(tzinfo=dt.timezone.utc) if value.tzinfo is None else value.astimezone(dt.timezone.utc)


def _naive(value: dt.datetime) -> dt.datetime:
    """SQLite keeps no zone: store UTC wall time."""
    return value.astimezone(dt.timezone.utc).replace(tzinfo=None)


# ------------------------------------------------------------- interactions


def insert_interactions(conn: Connection, items: list[Interaction], now: dt.datetime) -> list[int]:
    ids = []
    for item in items:
        values = item.model_dump(exclude={"id"}, mode="json")
        values["at"] = _naive(item.at)
        values["created_at"] = _naive(now)
        ids.append(new_id(conn.execute(insert(interactions).values(**values))))
    return ids


def _interaction(row) -> Interaction:
    return Interaction(
        id=row.id,
        contact_id=row.contact_id,
        at=_utc(row.at),
        channel=row.channel,
        direction=row.direction,
        purpose=row.purpose,
        outcome=row.outcome,
        sentiment=row.sentiment,
        responded=row.responded,
        response_hours=_finite(row.response_hours),
        notes=row.notes,
        group_key=row.group_key,
    )


def _finite(hours: float | None) -> float | None:
    """`Infinity` or absurd hours, stored before they were refused, read as unknown instead of failing the read."""
    return hours if hours is None or (math.isfinite(hours) and 0 <= hours <= RESPONSE_HOURS_MAX) else None


def list_interactions(
    conn: Connection, contact_id: int | None = None, *, since: dt.datetime | None = None, limit: int | None = None
) -> list[Interaction]:
    query = select(interactions)
    if contact_id is not None:
        query = query.where(interactions.c.contact_id == contact_id)
    if since is not None:
        query = query.where(interactions.c.at >= _naive(since))
    query = query.order_by(interactions.c.at.desc(), interactions.c.id.desc())
    if limit is not None:
        query = query.limit(limit)
    return [_interaction(r) for r in conn.execute(query)]


# -------------------------------------------------------------- commitments


def insert_commitment(conn: Connection, item: Commitment, now: dt.datetime) -> int:
    values = item.model_dump(exclude={"id", "created_at", "done_at"}, mode="json")
    values["due"] = item.due
    values["created_at"] = _naive(now)
    return new_id(conn.execute(insert(commitments).values(**values)))


def _commitment(row) -> Commitment:
    return Commitment(
        id=row.id,
        contact_id=row.contact_id,
        by=row.by,
        text=row.text,
        due=row.due,
        status=row.status,
        created_at=_utc(row.created_at),
        done_at=_utc(row.done_at),
    )


def get_commitment(conn: Connection, commitment_id: int) -> Commitment:
    row = conn.execute(select(commitments).where(commitments.c.id == commitment_id)).first()
    if row is None:
        raise NotFound(f"promise: no promise with id {commitment_id}")
    return _commitment(row)


def list_commitments(
    conn: Connection,
    contact_id: int | None = None,
    *,
    status: str | None = None,
    by: str | None = None,
    contact_ids: Iterable[int] | None = None,
) -> list[Commitment]:
    query = select(commitments)
    if contact_id is not None:
        query = query.where(commitments.c.contact_id == contact_id)
    if contact_ids is not None:
        query = query.where(commitments.c.contact_id.in_(sorted(set(contact_ids))))
    if status is not None:
        query = query.where(commitments.c.status == status)
    if by is not None:
        query = query.where(commitments.c.by == by)
    query = query.order_by(commitments.c.due.is_(None), commitments.c.due, commitments.c.id)
    return [_commitment(r) for r in conn.execute(query)]


def set_commitment_status(conn: Connection, commitment_id: int, status: CommitmentStatus, now: dt.datetime) -> None:
    current = get_commitment(conn, commitment_id)
    if current.status == status:
        raise UserError(f"promise {commitment_id}: is {status.value} already")
    conn.execute(
        update(commitments)
        .where(commitments.c.id == commitment_id)
        .values(status=status.value, done_at=_naive(now) if status != CommitmentStatus.OPEN else None)
    )


def update_commitment(conn: Connection, commitment_id: int, *, text: str, due: dt.date | None, by: str) -> None:
    """Change what was promised, by whom and when; its status stays."""
    get_commitment(conn, commitment_id)
    conn.execute(update(commitments).where(commitments.c.id == commitment_id).values(text=text, due=due, by=by))


# -------------------------------------------------------------- assessments


def insert_assessment(conn: Connection, item: Assessment, now: dt.datetime) -> int:
    values = item.model_dump(exclude={"id"})
    values["created_at"] = _naive(now)
    return new_id(conn.execute(insert(assessments).values(**values)))


def list_assessments(conn: Connection, contact_id: int | None = None) -> list[Assessment]:
    query = select(assessments)
    if contact_id is not None:
        query = query.where(assessments.c.contact_id == contact_id)
    query = query.order_by(assessments.c.on, assessments.c.id)
    return [
        Assessment(
            id=r.id,
            contact_id=r.contact_id,
            on=r.on,
            trust=r.trust,
            communication=r.communication,
            sharing=r.sharing,
            advocacy=r.advocacy,
            conflict=r.conflict,
            commitment=r.commitment,
            note=r.note,
        )
        for r in conn.execute(query)
    ]


def bulk_insert_interactions(conn: Connection, items: list[Interaction], now: dt.datetime) -> int:
    """Many interactions in one executemany, for imports and generated data; returns how many.

    Unlike logging, this completes no follow-ups: it loads history, not news.
    """
    stamp = _naive(now)
    rows = []
    for item in items:
        values = item.model_dump(exclude={"id"}, mode="json")
        values["at"] = _naive(item.at)
        values["created_at"] = stamp
        rows.append(values)
    if rows:
        conn.execute(insert(interactions), rows)
    return len(rows)
