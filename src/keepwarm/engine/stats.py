"""Per-contact statistics for all contacts at once, without scanning the whole history.

The all-time figures (first and last touches, totals) are read from
`contact_totals`, which SQLite's own triggers keep in step with `interactions`
(see migration 0004). The windowed figures come from two grouped scans of only
the rows inside the recent and the baseline window, in contact order through
`ix_interactions_window`, which covers every column they read; note signals
from a third scan of the recent window, of rows with notes only. Commitments
and assessments have one query each. No interaction row is loaded into Python
except the recent ones whose notes match a signal.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping

from sqlalchemy import Connection, String, and_, case, exists, func, literal, or_, select, type_coerce
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.selectable import Join

from ..model import Assessment
from ..store.schema import assessments, commitments, contact_totals, contacts, interactions
from .types import ContactStats

ACCESS_PROBLEMS = ("declined", "cancelled", "rescheduled", "no_show")
WRITTEN = ("email", "letter", "text")
VALUE_ADDS = ("value_article", "value_introduction", "value_review", "value_resource")
NOT_UNPROMPTED = ("business", "recovery")

DATE_FIELDS = (
    "first_touch", "last_touch", "last_outbound", "last_inbound", "last_meeting", "last_written_outbound",
    "last_value_add", "last_celebration", "last_entertainment", "last_recovery", "last_favor_asked",
)
TOTAL_FIELDS = (
    "touches_total", "inbound_total", "outbound_total", "favors_asked_total", "favors_received_total",
    "value_adds_total",
)
MEAN_FIELDS = ("latency_recent_hours", "latency_baseline_hours", "sentiment_recent", "sentiment_baseline")
#: Signals matched per scan: one bit each in a 64-bit integer.
SIGNALS_PER_SCAN = 60


def _naive(moment: dt.datetime) -> dt.datetime:
    return moment.astimezone(dt.timezone.utc).replace(tzinfo=None)


def _aware(value) -> dt.datetime | None:
    if value is None:
        return None
    if isinstance(value, str):
        return _utc_text(value)
    return value.replace(tzinfo=dt.timezone.utc)


def _utc_text(text: str) -> dt.datetime:
    """A stored UTC time read as text, with its zone.

    Ten times cheaper than SQLAlchemy's parsing followed by `replace(tzinfo=)`
    (which alone costs more than the parsing), for the 100,000 dates of a run.
    """
    return dt.datetime.fromisoformat(text + "+00:00")


def _like_any(words: Iterable[str]):
    """Whether the notes hold any of the words, ignoring case.

    SQLite's LIKE ignores the case of ASCII letters and keeps every other
    character as it is, exactly what its `lower()` folds, so the notes are not
    lowered first: `lower()` on every row for every word cost more than the
    matching itself. The words come lowered.
    """
    clauses = []
    for word in words:
        escaped = word.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        clauses.append(interactions.c.notes.like(f"%{escaped}%", escape="\\"))
    return or_(*clauses) if clauses else literal(False)


class _ContactsFirst(Join):
    """`contacts CROSS JOIN interactions ON ...`: SQLite keeps the tables in the order written.

    Left to itself, the planner (which has no statistics) takes a window for
    selective and walks `ix_interactions_at`, then sorts by contact and visits
    table rows in date order, all over the file: three times slower than one
    index range per contact in contact order, which needs no sort.
    """

    inherit_cache = True


@compiles(_ContactsFirst)
def _contacts_first(element: _ContactsFirst, compiler, **kw) -> str:
    kw["asfrom"] = True
    left = element.left._compiler_dispatch(compiler, **kw)
    right = element.right._compiler_dispatch(compiler, **kw)
    on = element.onclause._compiler_dispatch(compiler, **{k: v for k, v in kw.items() if k != "asfrom"})
    return f"{left} CROSS JOIN {right} ON {on}"


def _window(lo: dt.datetime, hi: dt.datetime | None, ids: list[int] | None):
    """Contacts joined to their interactions in [lo, hi): each contact's rows are one index range."""
    i = interactions.c
    on = and_(i.contact_id == contacts.c.id, i.at >= lo)
    if hi is not None:
        on = and_(on, i.at < hi)
    return _ContactsFirst(contacts, interactions, on), (contacts.c.id.in_(ids) if ids is not None else None)


def _grouped(columns: list, lo: dt.datetime, hi: dt.datetime | None, ids: list[int] | None):
    joined, only = _window(lo, hi, ids)
    query = select(contacts.c.id.label("cid"), *columns).select_from(joined).group_by(contacts.c.id)
    return query.where(only) if only is not None else query


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
    recent_start = _naive(now - dt.timedelta(days=recent_days))
    base_start = _naive(now - dt.timedelta(days=recent_days + baseline_days))
    signal_names = sorted((signals or {}).keys())
    ids = list(contact_ids) if contact_ids is not None else None

    # Every contact gets stats, touched or not; a touched one (any interaction at all) gets every count.
    touched = exists().where(interactions.c.contact_id == contacts.c.id)
    seen_query = select(contacts.c.id, type_coerce(contacts.c.created_at, String), touched.label("touched"))
    if ids is not None:
        seen_query = seen_query.where(contacts.c.id.in_(ids))
    rows: dict[int, dict] = {}
    for cid, created_at, was_touched in conn.execute(seen_query):
        data = rows[cid] = {"contact_id": cid, "first_seen": _aware(created_at)}
        if was_touched:
            data["note_signals"] = dict.fromkeys(signal_names, 0)
            data["note_signal_last"] = {}

    _totals(conn, rows, ids)
    _recent(conn, rows, ids, recent_start)
    _baseline(conn, rows, ids, base_start, recent_start)
    for data in rows.values():
        for key in MEAN_FIELDS:
            value = data.get(key)
            if value is not None:
                data[key] = round(float(value), 3)
    if signal_names:
        _note_signals(conn, rows, ids, recent_start, {name: signals[name] for name in signal_names})
    _promises(conn, today, rows, ids)
    _assessments(conn, rows, ids)
    return {
        cid: ContactStats(recent_days=recent_days, baseline_days=baseline_days, **data) for cid, data in rows.items()
    }


def _totals(conn: Connection, rows: dict[int, dict], ids: list[int] | None) -> None:
    """The all-time figures, one row per contact with a completed touch (kept by triggers).

    The dates come as the stored text and are parsed here, once per distinct
    value (a contact's latest touch is often its latest of several kinds):
    SQLAlchemy's own parsing of 100,000 dates took longer than the query.
    """
    t = contact_totals.c
    query = select(
        t.contact_id, *(type_coerce(t[k], String) for k in DATE_FIELDS), *(t[k] for k in TOTAL_FIELDS)
    )
    if ids is not None:
        query = query.where(t.contact_id.in_(ids))
    parsed: dict[str, dt.datetime] = {}
    dates = len(DATE_FIELDS)
    for r in conn.execute(query):
        data = rows.get(r[0])
        if data is None:
            continue
        for key, text in zip(DATE_FIELDS, r[1 : 1 + dates]):
            if text is not None:
                moment = parsed.get(text)
                if moment is None:
                    moment = parsed[text] = _utc_text(text)
                data[key] = moment
        for key, value in zip(TOTAL_FIELDS, r[1 + dates :]):
            data[key] = int(value)


def _store(rows: dict[int, dict], result, names: tuple[str, ...]) -> None:
    for r in result:
        data = rows.get(r[0])
        if data is None:
            continue
        for key, value in zip(names, r[1:]):
            data[key] = value


def _recent(conn: Connection, rows: dict[int, dict], ids: list[int] | None, start: dt.datetime) -> None:
    i = interactions.c
    done = i.outcome == "completed"
    outbound = i.direction == "outbound"
    inbound = i.direction == "inbound"
    figures = {
        "touches_recent": func.count().filter(done),
        "inbound_recent": func.count().filter(and_(done, inbound)),
        "outbound_recent": func.count().filter(and_(done, outbound)),
        "unprompted_inbound_recent": func.count().filter(and_(done, inbound, i.purpose.not_in(NOT_UNPROMPTED))),
        "asked_recent": func.count(i.responded).filter(outbound),
        "replied_recent": func.count().filter(and_(outbound, i.responded.is_(True))),
        "latency_recent_hours": func.avg(i.response_hours).filter(outbound),
        "sentiment_recent": func.avg(i.sentiment).filter(done),
        "sentiment_count_recent": func.count(i.sentiment).filter(done),
        "access_problems_recent": func.count().filter(i.outcome.in_(ACCESS_PROBLEMS)),
        "value_adds_recent": func.count().filter(and_(done, i.purpose.in_(VALUE_ADDS))),
    }
    _store(rows, conn.execute(_grouped(list(figures.values()), start, None, ids)), tuple(figures))


def _baseline(
    conn: Connection, rows: dict[int, dict], ids: list[int] | None, start: dt.datetime, end: dt.datetime
) -> None:
    i = interactions.c
    done = i.outcome == "completed"
    outbound = i.direction == "outbound"
    figures = {
        "touches_baseline": func.count().filter(done),
        "asked_baseline": func.count(i.responded).filter(outbound),
        "replied_baseline": func.count().filter(and_(outbound, i.responded.is_(True))),
        "latency_baseline_hours": func.avg(i.response_hours).filter(outbound),
        "sentiment_baseline": func.avg(i.sentiment).filter(done),
        "access_problems_baseline": func.count().filter(i.outcome.in_(ACCESS_PROBLEMS)),
    }
    _store(rows, conn.execute(_grouped(list(figures.values()), start, end, ids)), tuple(figures))


def _note_signals(
    conn: Connection, rows: dict[int, dict], ids: list[int] | None, recent_start: dt.datetime,
    signals: Mapping[str, list[str]],
) -> None:
    """Words in recent notes: the recent rows with notes, each matched once against every signal.

    Matching text is the dearest thing SQLite does here. Each row's matches are
    one integer, a bit per signal, computed in a subquery that `LIMIT -1` keeps
    SQLite from merging into the outer query (merged, every reference to the
    bits would match the text again); only rows that match something come back.
    """
    i = interactions.c
    names = list(signals)
    for first in range(0, len(names), SIGNALS_PER_SCAN):
        chunk = names[first : first + SIGNALS_PER_SCAN]
        bits = sum(
            (case((_like_any(signals[name]), 1 << index), else_=0) for index, name in enumerate(chunk)),
            start=literal(0),
        )
        joined, only = _window(recent_start, None, ids)
        at = type_coerce(i.at, String)  # compared as stored; only each signal's latest is parsed
        inner = select(contacts.c.id.label("cid"), at.label("at"), bits.label("bits")).select_from(joined)
        inner = inner.where(i.notes != "")
        if only is not None:
            inner = inner.where(only)
        inner = inner.limit(-1).subquery()
        latest: dict[tuple[int, str], str] = {}
        for cid, at, matched in conn.execute(select(inner.c.cid, inner.c.at, inner.c.bits).where(inner.c.bits != 0)):
            data = rows.get(cid)
            if data is None or "note_signals" not in data:
                continue
            counts = data["note_signals"]
            for index, name in enumerate(chunk):
                if matched >> index & 1:
                    counts[name] += 1
                    key = (cid, name)
                    if at > latest.get(key, ""):
                        latest[key] = at
        for (cid, name), at in latest.items():
            rows[cid]["note_signal_last"][name] = _utc_text(at)


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
