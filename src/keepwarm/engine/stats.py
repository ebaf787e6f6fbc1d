"""Per-contact statistics for all contacts at once, in a few grouped SQL scans.

One scan of `interactions` grouped by contact computes every count, latest
date, rate and average the rules read, over the recent and baseline windows;
one of `commitments`; one of `assessments` (the latest two per contact).
No interaction row is ever loaded into Python.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping

from sqlalchemy import Connection, and_, case, func, literal, or_, select

from ..model import Assessment
from ..store.schema import assessments, commitments, contacts, interactions
from .types import ContactStats

ACCESS_PROBLEMS = ("declined", "cancelled", "rescheduled", "no_show")
WRITTEN = ("email", "letter", "text")
VALUE_ADDS = ("value_article", "value_introduction", "value_review", "value_resource")
NOT_UNPROMPTED = ("business", "recovery")


def _naive(moment: dt.datetime) -> dt.datetime:
    return moment.astimezone(dt.timezone.utc).replace(tzinfo=None)


def _aware(value) -> dt.datetime | None:
    if value is None:
        return None
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    return value.replace(tzinfo=dt.timezone.utc)


def _like_any(words: Iterable[str]):
    notes = func.lower(interactions.c.notes)
    clauses = []
    for word in words:
        escaped = word.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        clauses.append(notes.like(f"%{escaped}%", escape="\\"))
    return or_(*clauses) if clauses else literal(False)


def compute(
    conn: Connection,
    now: dt.datetime,
    today: dt.date,
    *,
    recent_days: int,
    baseline_days: int,
    signals: Mapping[str, list[str]] | None = None,
    contact_ids: Iterable[int] | None = None,
) -> dict[int, ContactStats]:
    i = interactions.c
    recent_start = _naive(now - dt.timedelta(days=recent_days))
    base_start = _naive(now - dt.timedelta(days=recent_days + baseline_days))
    done = i.outcome == "completed"
    recent = and_(done, i.at >= recent_start)
    base = and_(done, i.at >= base_start, i.at < recent_start)
    outbound = i.direction == "outbound"
    inbound = i.direction == "inbound"

    def count(cond):
        return func.sum(case((cond, 1), else_=0))

    def latest(cond):
        return func.max(case((cond, i.at), else_=None))

    def mean(cond, column):
        return func.avg(case((cond, column), else_=None))

    columns = [
        i.contact_id.label("cid"),
        func.min(case((done, i.at), else_=None)).label("first_touch"),
        latest(done).label("last_touch"),
        latest(and_(done, outbound)).label("last_outbound"),
        latest(and_(done, inbound)).label("last_inbound"),
        latest(and_(done, i.channel == "meeting")).label("last_meeting"),
        latest(and_(done, outbound, i.channel.in_(WRITTEN))).label("last_written_outbound"),
        latest(and_(done, i.purpose.in_(VALUE_ADDS))).label("last_value_add"),
        latest(and_(done, i.purpose == "celebration")).label("last_celebration"),
        latest(and_(done, i.purpose == "entertainment")).label("last_entertainment"),
        latest(and_(done, i.purpose == "recovery")).label("last_recovery"),
        latest(and_(done, i.purpose == "favor_asked", outbound)).label("last_favor_asked"),
        count(done).label("touches_total"),
        count(recent).label("touches_recent"),
        count(base).label("touches_baseline"),
        count(and_(done, inbound)).label("inbound_total"),
        count(and_(recent, inbound)).label("inbound_recent"),
        count(and_(done, outbound)).label("outbound_total"),
        count(and_(recent, outbound)).label("outbound_recent"),
        count(and_(recent, inbound, i.purpose.not_in(NOT_UNPROMPTED))).label("unprompted_inbound_recent"),
        count(and_(i.at >= recent_start, outbound, i.responded.is_not(None))).label("asked_recent"),
        count(and_(i.at >= recent_start, outbound, i.responded.is_(True))).label("replied_recent"),
        count(and_(i.at >= base_start, i.at < recent_start, outbound, i.responded.is_not(None))).label("asked_baseline"),
        count(and_(i.at >= base_start, i.at < recent_start, outbound, i.responded.is_(True))).label("replied_baseline"),
        mean(and_(i.at >= recent_start, outbound), i.response_hours).label("latency_recent_hours"),
        mean(and_(i.at >= base_start, i.at < recent_start, outbound), i.response_hours).label("latency_baseline_hours"),
        mean(recent, i.sentiment).label("sentiment_recent"),
        mean(base, i.sentiment).label("sentiment_baseline"),
        count(and_(recent, i.sentiment.is_not(None))).label("sentiment_count_recent"),
        count(and_(i.at >= recent_start, i.outcome.in_(ACCESS_PROBLEMS))).label("access_problems_recent"),
        count(and_(i.at >= base_start, i.at < recent_start, i.outcome.in_(ACCESS_PROBLEMS))).label(
            "access_problems_baseline"
        ),
        count(and_(done, i.purpose == "favor_asked", outbound)).label("favors_asked_total"),
        count(and_(done, i.purpose == "favor_received")).label("favors_received_total"),
        count(and_(done, i.purpose.in_(VALUE_ADDS))).label("value_adds_total"),
        count(and_(recent, i.purpose.in_(VALUE_ADDS))).label("value_adds_recent"),
    ]
    signal_names = sorted((signals or {}).keys())

    query = select(*columns).group_by(i.contact_id)
    ids = list(contact_ids) if contact_ids is not None else None
    if ids is not None:
        query = query.where(i.contact_id.in_(ids))

    # Every contact gets stats, touched or not.
    seen_query = select(contacts.c.id, contacts.c.created_at)
    if ids is not None:
        seen_query = seen_query.where(contacts.c.id.in_(ids))
    rows: dict[int, dict] = {
        r.id: {"contact_id": r.id, "first_seen": _aware(r.created_at)} for r in conn.execute(seen_query)
    }
    date_fields = {
        "first_touch", "last_touch", "last_outbound", "last_inbound", "last_meeting", "last_written_outbound",
        "last_value_add", "last_celebration", "last_entertainment", "last_recovery", "last_favor_asked",
    }
    for r in conn.execute(query):
        data = rows.get(r.cid)
        if data is None:
            continue
        mapping = r._mapping
        for key in (
            "touches_total", "touches_recent", "touches_baseline", "inbound_total", "inbound_recent",
            "outbound_total", "outbound_recent", "unprompted_inbound_recent", "asked_recent", "replied_recent",
            "asked_baseline", "replied_baseline", "sentiment_count_recent", "access_problems_recent",
            "access_problems_baseline", "favors_asked_total", "favors_received_total", "value_adds_total",
            "value_adds_recent",
        ):
            data[key] = int(mapping[key] or 0)
        for key in date_fields:
            data[key] = _aware(mapping[key])
        for key in ("latency_recent_hours", "latency_baseline_hours", "sentiment_recent", "sentiment_baseline"):
            value = mapping[key]
            data[key] = None if value is None else round(float(value), 3)
        data["note_signals"] = dict.fromkeys(signal_names, 0)
        data["note_signal_last"] = {}

    if signal_names:
        _note_signals(conn, rows, ids, recent_start, {name: signals[name] for name in signal_names})
    _promises(conn, today, rows, ids)
    _assessments(conn, rows, ids)
    return {
        cid: ContactStats(recent_days=recent_days, baseline_days=baseline_days, **data) for cid, data in rows.items()
    }


def _note_signals(
    conn: Connection, rows: dict[int, dict], ids: list[int] | None, recent_start: dt.datetime,
    signals: Mapping[str, list[str]],
) -> None:
    """Words in recent notes: a scan of the recent window only (by the `at` index), and only of rows with notes.

    Matching text is the dearest thing SQLite does here; run over every row of
    the history it cost more than all the other statistics together.
    """
    i = interactions.c
    names = list(signals)
    columns = [i.contact_id.label("cid")]
    for index, name in enumerate(names):
        match = _like_any(signals[name])
        columns.append(func.sum(case((match, 1), else_=0)).label(f"sig_count_{index}"))
        columns.append(func.max(case((match, i.at), else_=None)).label(f"sig_last_{index}"))
    query = select(*columns).where(i.at >= recent_start, i.notes != "").group_by(i.contact_id)
    if ids is not None:
        query = query.where(i.contact_id.in_(ids))
    for r in conn.execute(query):
        data = rows.get(r.cid)
        if data is None or "note_signals" not in data:
            continue
        mapping = r._mapping
        for index, name in enumerate(names):
            data["note_signals"][name] = int(mapping[f"sig_count_{index}"] or 0)
            last = _aware(mapping[f"sig_last_{index}"])
            if last is not None:
                data["note_signal_last"][name] = last


def _promises(conn: Connection, today: dt.date, rows: dict[int, dict], ids: list[int] | None) -> None:
    c = commitments.c
    is_open = c.status == "open"
    overdue = and_(is_open, c.due.is_not(None), c.due < today)
    query = select(
        c.contact_id,
        func.sum(case((and_(is_open, c.by == "me"), 1), else_=0)).label("open_mine"),
        func.sum(case((and_(overdue, c.by == "me"), 1), else_=0)).label("overdue_mine"),
        func.min(case((and_(overdue, c.by == "me"), c.due), else_=None)).label("oldest_overdue"),
        func.sum(case((and_(is_open, c.by == "them"), 1), else_=0)).label("open_theirs"),
        func.sum(case((and_(overdue, c.by == "them"), 1), else_=0)).label("overdue_theirs"),
    ).where(is_open).group_by(c.contact_id)
    if ids is not None:
        query = query.where(c.contact_id.in_(ids))
    for r in conn.execute(query):
        data = rows.get(r.contact_id)
        if data is None:
            continue
        data["open_promises_mine"] = int(r.open_mine or 0)
        data["overdue_promises_mine"] = int(r.overdue_mine or 0)
        oldest = r.oldest_overdue
        data["oldest_overdue_promise"] = dt.date.fromisoformat(oldest) if isinstance(oldest, str) else oldest
        data["open_promises_theirs"] = int(r.open_theirs or 0)
        data["overdue_promises_theirs"] = int(r.overdue_theirs or 0)


def _assessments(conn: Connection, rows: dict[int, dict], ids: list[int] | None) -> None:
    a = assessments.c
    ranked = select(
        assessments,
        func.row_number().over(partition_by=a.contact_id, order_by=(a.on.desc(), a.id.desc())).label("rank"),
    )
    if ids is not None:
        ranked = ranked.where(a.contact_id.in_(ids))
    ranked = ranked.subquery()
    for r in conn.execute(select(ranked).where(ranked.c.rank <= 2)):
        data = rows.get(r.contact_id)
        if data is None:
            continue
        item = Assessment.model_construct(
            id=r.id, contact_id=r.contact_id, on=r.on, trust=r.trust, communication=r.communication,
            sharing=r.sharing, advocacy=r.advocacy, conflict=r.conflict, commitment=r.commitment, note=r.note,
        )
        data["latest_assessment" if r.rank == 1 else "previous_assessment"] = item
