"""Per-contact statistics for all contacts at once, without scanning the whole history.

The all-time figures (first and last touches, totals) are read from
`contact_totals`, which SQLite's own triggers keep in step with `interactions`
(see migration 0004). The windowed figures come from two grouped scans of only
the rows inside the recent and the baseline window, in contact order through
`ix_interactions_window`, which covers every column they read; note signals
from the recent notes, matched here (see `_note_signals`). Commitments and
assessments have one query each. The queries are built with SQLAlchemy Core
and their many rows fetched through the driver's own cursor (`plain_rows`);
the all-time figures', the windows' and the notes' scans come as one JSON text each, from a second
connection while the first reads the rest (`begin`, `_aside`).
"""

from __future__ import annotations

import datetime as dt
import json
from bisect import bisect_right
from collections import deque
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import MISSING
from functools import cache, partial
from itertools import accumulate, repeat
from operator import call
from typing import Any

from sqlalchemy import Connection, String, and_, bindparam, case, exists, func, select, type_coerce
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.selectable import Join

from ..api.types import RECENT_TOUCHES, ContactStats, Touch
from ..model import Assessment, Channel, Direction, Outcome, Purpose
from ..model.entities import RESPONSE_HOURS_MAX
from ..store import dialect
from ..store.rows import constructed, plain_rows
from ..store.schema import TOTAL_COUNTS, TOTAL_DATES, assessments, commitments, contact_totals, contacts, interactions
from .readonly import ReadOnlyDict
from .windows import Layout, Windows

ACCESS_PROBLEMS = ("declined", "cancelled", "rescheduled", "no_show")
WRITTEN = ("email", "letter", "text")
VALUE_ADDS = ("value_article", "value_introduction", "value_review", "value_resource")
NOT_UNPROMPTED = ("business", "recovery")


def unprompted(i):
    """An inbound touch nobody asked for: not about business or a recovery, and not a reply to my message."""
    return and_(i.direction == "inbound", i.purpose.not_in(NOT_UNPROMPTED), i.in_reply.is_not(True))


#: The all-time figures, read from contact_totals (kept by triggers) under their own names.
DATE_FIELDS, TOTAL_FIELDS = TOTAL_DATES, TOTAL_COUNTS
MEAN_FIELDS = ("latency_recent_hours", "latency_baseline_hours", "sentiment_recent", "sentiment_baseline")


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
    assert element.onclause is not None  # built with its ON clause
    on = element.onclause._compiler_dispatch(compiler, **{k: v for k, v in kw.items() if k != "asfrom"})
    return f"{left} {dialect.ordered_join(compiler.dialect.name)} {right} ON {on}"


def _window(until: bool, scoped: bool):
    """Contacts joined to their interactions in [lo, hi) (or from lo on): each contact's rows are one index range.

    The bounds and the ids are bound parameters (`lo`, `hi`, `ids`): each
    statement is built once (`_statement`); building it anew took longer than
    running it for the few contacts of a detail.
    """
    i = interactions.c
    on = and_(i.contact_id == contacts.c.id, i.at >= bindparam("lo"))
    if until:
        on = and_(on, i.at < bindparam("hi"))
    return _ContactsFirst(contacts, interactions, on), (_SCOPE if scoped else None)


def _grouped(columns: list, until: bool, scoped: bool):
    joined, only = _window(until, scoped)
    query = select(contacts.c.id.label("cid"), *columns).select_from(joined).group_by(contacts.c.id)
    return query.where(only) if only is not None else query


def grouped_in_window(columns: list):
    """`columns` per contact (after its id) over its interactions in [`lo`, `hi`), bound at run time: one index
    range per contact in contact order, as the statistics' windows are read (the dashboard's counts too)."""
    return _grouped(columns, until=True, scoped=False)


_SCOPE = contacts.c.id.in_(bindparam("ids", expanding=True))


@cache
def _statement(kind: str, scoped: bool):
    """The query of each kind, for everyone or for the contacts bound as `ids`, built on first use;
    "json KIND" is KIND's rows as one JSON text (`_as_json`)."""
    if kind.startswith("json "):
        return _as_json(_statement(kind.removeprefix("json "), scoped))
    return _BUILDERS[kind](scoped)


def _run(conn: Connection, kind: str, ids: list[int] | None, **params) -> Sequence[tuple]:
    if ids is not None:
        params["ids"] = ids
    return plain_rows(conn, _statement(kind, ids is not None), params)


#: From this many contacts, the windows' scans run beside the rest of `compute` (see `_aside`).
ASIDE_FROM = 1_000


def _aside(
    conn: Connection, ids: list[int] | None, queries: list[tuple[str, dict, list[int] | None]]
) -> list[Callable[[], Sequence]]:
    """Grouped scans run on a second connection in a thread of their own, while this one reads the rest.

    SQLite leaves Python's lock while it scans, so on a machine of two cores the
    scans (the largest part of a new day's reading) cost no time of their own.
    Each comes back as one JSON text (`_as_json`): fetched row by row, the
    thread would wait for the lock at every row while this thread works, and
    gain nothing. The second connection's read begins after this one's (which
    has read by then: its snapshot is taken), so it sees at least what this one
    sees; a change written in between is a contact marked changed, evaluated
    again by the next run. Inside a write, or for a few contacts, the scans run
    here, in this connection, as plain rows (a one-contact run in a new process paid more for building and
    compiling the JSON statements than for its scans).

    Returns, for each query (its kind, parameters and contacts) in order, the function that waits for its rows
    (the scans run in that order); `ids` are the run's contacts.
    """
    writing = conn.get_execution_options().get("keepwarm_write", False)
    if writing or (ids is not None and len(ids) < ASIDE_FROM):
        return [partial(_run, conn, kind, only, **params) for kind, params, only in queries]
    from concurrent.futures import ThreadPoolExecutor  # lazy for start-up: only runs over many contacts use it

    conn.execute(_FIRST_READ).all()  # this connection's snapshot taken before the other's
    other = conn.engine.connect()
    other.begin()

    def scan(kind: str, params: dict, only: list[int] | None, last: bool) -> list:
        try:
            return _json_rows(other, kind, only, params)
        finally:
            if last:
                other.close()

    pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="keepwarm-stats")
    last = len(queries) - 1
    futures = [pool.submit(scan, kind, params, only, n == last) for n, (kind, params, only) in enumerate(queries)]
    pool.shutdown(wait=False)
    return [future.result for future in futures]


_FIRST_READ = select(contacts.c.id).limit(1)


def _json_rows(conn: Connection, kind: str, ids: list[int] | None, params: dict) -> list:
    """A grouped scan's rows, read as one JSON text (its real numbers exact: see `_as_json`)."""
    if ids is not None:
        params = {**params, "ids": ids}
    text = conn.execute(_statement("json " + kind, ids is not None), params).scalar_one()
    return [] if text is None else json.loads(text)


def _as_json(query):
    """`query`'s rows as one JSON array of arrays. SQLite writes a real number in JSON with 15 digits, so
    reals go as their text of 17 digits (exact: the "!" lifts printf's own limit of 16) and are read back
    by `float` where they are used (`begin`)."""
    inner = query.subquery()
    values = [
        case((column.is_(None), None), else_=func.printf("%!.17g", column)) if _is_real(column) else column
        for column in inner.c
    ]
    return select(func.json_group_array(func.json_array(*values))).select_from(inner)


def _is_real(column) -> bool:
    return column.name in MEAN_FIELDS


def compute(conn: Connection, now: dt.datetime, today: dt.date, **options: Any) -> dict[int, ContactStats]:
    """Each contact's statistics (of `contact_ids`, else of every contact), their windows ending at `now`: `begin`'s,
    finished at once (its keyword options)."""
    return begin(conn, now, today, **options)()


class Begun:
    """The statistics begun (`begin`): called, it finishes them; `windows` says which figures were read anew
    and which were carried from the last run, for the run to keep (store/windows.py)."""

    def __init__(self, finish: Callable[[], dict[int, ContactStats]], windows: Windows) -> None:
        self._finish, self.windows = finish, windows

    def __call__(self) -> dict[int, ContactStats]:
        return self._finish()


def begin(
    conn: Connection,
    now: dt.datetime,
    today: dt.date,
    *,
    recent_days: int,
    baseline_days: int,
    signals: Mapping[str, list[str]] | None = None,
    contact_ids: Iterable[int] | None = None,
    kept: bool = True,
) -> Begun:
    """`compute`, begun: the windows' scans start beside this connection (`_aside`), and the function returned
    reads the rest in this connection and gives the statistics. What the caller reads in between costs no time
    of the scans'.

    The windowed figures a run kept (engine/windows.py) are carried for the contacts whose windows hold the same
    interactions as when they were read; only the others are scanned. `kept=False` scans every contact.
    """
    recent_start = _naive(now - dt.timedelta(days=recent_days))
    base_start = _naive(now - dt.timedelta(days=recent_days + baseline_days))
    signal_names = sorted((signals or {}).keys())
    wanted = {name: (signals or {})[name] for name in signal_names}
    ids = list(contact_ids) if contact_ids is not None else None
    windows = Windows(recent_start, base_start, wanted, _LAYOUT)
    if kept:
        windows.carry(conn, ids)
    scanned = windows.scanned(conn, ids)
    # In the order they are wanted: the notes' words are matched while the windows are scanned.
    scans: list[tuple[str, dict, list[int] | None]] = [("seen", {}, ids)]
    if scanned != []:
        scans += [("notes", {"lo": recent_start}, scanned)] if signal_names else []
        scans += [
            ("recent", {"lo": recent_start}, scanned),
            ("baseline", {"lo": base_start, "hi": recent_start}, scanned),
        ]
    seen, *found = _aside(conn, ids, scans)

    def finish() -> dict[int, ContactStats]:
        rows = _seen_and_totals(seen(), signal_names, recent_days, baseline_days)
        _promises(conn, today, rows, ids)
        _assessments(conn, rows, ids)
        if found:
            *notes, recent, baseline = found
            if signal_names:
                _note_signals(conn, rows, scanned, recent_start, wanted, notes[0]())
            _store(rows, recent(), _AT[RECENT_FIELDS])
            _store(rows, baseline(), _AT[BASELINE_FIELDS])
        windows.settle(rows, scanned)
        means = _AT[MEAN_FIELDS]
        parsed = _Parsed()
        for values in rows.values():
            for k in means:
                value = values[k]
                if value is not None:
                    values[k] = round(float(value), 3)
            last = values[_SIGNAL_LAST_AT]
            if last:
                values[_SIGNAL_LAST_AT] = {name: parsed[at] for name, at in last.items()}
        return {cid: _built(values) for cid, values in rows.items()}

    return Begun(finish, windows)


# Each contact's figures are gathered as a list in `ContactStats`' field order, then set slot by slot.
_FIELD_NAMES = ContactStats.__slots__
_FIELDS = ContactStats.__dataclass_fields__
_AT: dict[tuple[str, ...], tuple[int, ...]] = {}  # each group of names' places; filled below
_SIGNALS_AT, _SIGNAL_LAST_AT = _FIELD_NAMES.index("note_signals"), _FIELD_NAMES.index("note_signal_last")
#: The defaults, and None where a default factory gives a fresh dict (see `_built`).
_TEMPLATE = [None if f.default is MISSING else f.default for f in _FIELDS.values()]


_NO_SIGNALS = ReadOnlyDict()


def _built(values: list) -> ContactStats:
    """`ContactStats(**fields)`, each slot set in one C-level pass.

    The generated `__init__` of a frozen dataclass of 47 fields took longer
    than the queries that fill it, for 10,000 contacts; each slot is set by its
    own descriptor (`_SETTERS`), not looked up by name on every contact. The note signals'
    mappings are made read-only here, where they are made: plugins read them
    so, and the run's freezer has nothing left to copy (engine/readonly.py).
    """
    signals, last = values[_SIGNALS_AT], values[_SIGNAL_LAST_AT]
    values[_SIGNALS_AT] = ReadOnlyDict(signals) if signals else _NO_SIGNALS
    values[_SIGNAL_LAST_AT] = ReadOnlyDict(last) if last else _NO_SIGNALS
    stats = object.__new__(ContactStats)
    deque(map(call, _SETTERS, repeat(stats), values), maxlen=0)
    return stats


#: Each slot's own setter, in field order: what `object.__setattr__` finds for a name, found once.
_SETTERS = tuple(ContactStats.__dict__[name].__set__ for name in _FIELD_NAMES)


class _Parsed(dict):
    """Stored UTC times (text) to aware datetimes, each distinct text parsed once; None stays None."""

    def __missing__(self, text: str | None) -> dt.datetime | None:
        moment = self[text] = None if text is None else _utc_text(text)
        return moment


def _seen_and_totals(seen: Sequence, signal_names: list[str], recent_days: int, baseline_days: int) -> dict[int, list]:
    """Every contact, touched or not, with its all-time figures (the rows of the "seen" query: `contact_totals`,
    kept by triggers).

    A touched contact (any interaction at all) gets every count. The dates
    come as the stored text and are parsed here, once per distinct value (a
    contact's latest touch is often its latest of several kinds): SQLAlchemy's
    own parsing of 100,000 dates took longer than the query.
    """
    rows: dict[int, list] = {}
    dates = 4 + len(DATE_FIELDS)
    first_date, totals = _FIELD_NAMES.index(DATE_FIELDS[0]), _AT[TOTAL_FIELDS]
    parsed = _Parsed()
    for r in seen:
        values = rows[r[0]] = _TEMPLATE.copy()
        values[0:4] = r[0], recent_days, baseline_days, parsed[r[1]]
        if r[2]:
            values[_SIGNALS_AT], values[_SIGNAL_LAST_AT] = dict.fromkeys(signal_names, 0), {}
        if r[3] is not None:
            values[first_date : first_date + len(DATE_FIELDS)] = map(parsed.__getitem__, r[4:dates])
            deque(map(values.__setitem__, totals, r[dates:]), maxlen=0)
    return rows


def _store(rows: dict[int, list], result: Sequence[tuple], at: tuple[int, ...]) -> None:
    for r in result:
        values = rows.get(r[0])
        if values is not None:
            deque(map(values.__setitem__, at, r[1:]), maxlen=0)


def _recent_figures() -> dict:
    i = interactions.c
    done = i.outcome == "completed"
    outbound = i.direction == "outbound"
    inbound = i.direction == "inbound"
    return {
        "touches_recent": func.count().filter(done),
        "inbound_recent": func.count().filter(and_(done, inbound)),
        "outbound_recent": func.count().filter(and_(done, outbound)),
        "unprompted_inbound_recent": func.count().filter(and_(done, unprompted(i))),
        "asked_recent": func.count(i.responded).filter(outbound),
        "replied_recent": func.count().filter(and_(outbound, i.responded.is_(True))),
        "latency_recent_hours": func.avg(i.response_hours).filter(
            and_(outbound, i.response_hours <= RESPONSE_HOURS_MAX)
        ),
        "sentiment_recent": func.avg(i.sentiment).filter(done),
        "sentiment_count_recent": func.count(i.sentiment).filter(done),
        "access_problems_recent": func.count().filter(i.outcome.in_(ACCESS_PROBLEMS)),
        "value_adds_recent": func.count().filter(and_(done, i.purpose.in_(VALUE_ADDS))),
    }


def _baseline_figures() -> dict:
    i = interactions.c
    done = i.outcome == "completed"
    outbound = i.direction == "outbound"
    return {
        "touches_baseline": func.count().filter(done),
        "asked_baseline": func.count(i.responded).filter(outbound),
        "replied_baseline": func.count().filter(and_(outbound, i.responded.is_(True))),
        "latency_baseline_hours": func.avg(i.response_hours).filter(
            and_(outbound, i.response_hours <= RESPONSE_HOURS_MAX)
        ),
        "sentiment_baseline": func.avg(i.sentiment).filter(done),
        "access_problems_baseline": func.count().filter(i.outcome.in_(ACCESS_PROBLEMS)),
    }


RECENT_FIELDS = tuple(_recent_figures())
BASELINE_FIELDS = tuple(_baseline_figures())
_AT.update(
    {
        names: tuple(map(_FIELD_NAMES.index, names))
        for names in (RECENT_FIELDS, BASELINE_FIELDS, TOTAL_FIELDS, MEAN_FIELDS)
    }
)
#: Where the windowed figures sit, for those carried from the last run (engine/windows.py).
_LAYOUT = Layout(_AT[RECENT_FIELDS] + _AT[BASELINE_FIELDS], _AT[MEAN_FIELDS], _SIGNALS_AT, _SIGNAL_LAST_AT)
assert _FIELD_NAMES[:4] == ("contact_id", "recent_days", "baseline_days", "first_seen")
assert _FIELD_NAMES[4 : 4 + len(DATE_FIELDS)] == DATE_FIELDS


def _note_signals(
    conn: Connection,
    rows: dict[int, list],
    ids: list[int] | None,
    recent_start: dt.datetime,
    signals: Mapping[str, list[str]],
    groups: Sequence,
) -> None:
    """Words in recent notes, matched as SQLite's `LIKE '%word%'` matches them, but in one pass per word.

    Matching in SQL took 32 `LIKE`s per note, the dearest thing SQLite did
    here. Instead each contact's recent notes come as one text (with their
    times, in the same order: both are gathered in one pass over the same
    rows), all contacts' texts are joined into one, and each word is looked
    for in it with `str.find`, from note to note. The text is folded as `LIKE`
    folds: ASCII letters only (through bytes, which fold nothing else). As
    SQLite reads text up to a NUL, a note ends at its first NUL (such notes,
    told by their length, are read again one by one), and a word with one
    behaves as the pattern it makes (see `_find`). tests/test_stats_signals.py
    holds this equal to SQLite's `LIKE`.
    """
    if not groups:
        return
    # (contact, notes, times); a contact whose notes hold a NUL has them read again, each cut at it.
    cut = [cid for cid, notes, _, count, length in groups if len(notes) != length + count - 1]
    if cut:
        again: dict[int, tuple[list, list]] = {}
        for cid, at, note in _run(conn, "notes_one_by_one", cut, lo=recent_start):
            texts, times = again.setdefault(cid, ([], []))
            texts.append(note.partition("\x00")[0])
            times.append(at)
        groups = [
            (g[0], "\x00".join(again[g[0]][0]), "\x00".join(again[g[0]][1])) if g[0] in again else g for g in groups
        ]
    text = "\x00".join(g[1] for g in groups)
    text = text.lower() if text.isascii() else text.encode().lower().decode()
    firsts = list(accumulate((len(g[1]) + 1 for g in groups), initial=0))  # where each contact's notes begin
    for name, words in signals.items():
        hits: set[int] = set()
        for word in words:
            _find(text, word.lower(), hits)
        latest: dict[int, str] = {}
        for start in hits:
            k = bisect_right(firsts, start) - 1
            cid = groups[k][0]
            values = rows.get(cid)
            if values is None or values[_SIGNALS_AT] is None:  # not asked for, or never touched
                continue
            values[_SIGNALS_AT][name] += 1
            at = groups[k][2].split("\x00")[text.count("\x00", firsts[k], start)]
            if at > latest.get(cid, ""):
                latest[cid] = at
        for cid, at in latest.items():
            rows[cid][_SIGNAL_LAST_AT][name] = at  # parsed when the figures are settled (`begin`)


def _find(text: str, word: str, hits: set[int]) -> None:
    """Add to `hits` where each note of `text` (notes separated by NULs) that holds `word` begins.

    A word with a NUL in it makes a `LIKE` pattern that SQLite reads up to the
    NUL: `'%head'`, a note that ends with the head.
    """
    if "\x00" in word:
        head, start = word.partition("\x00")[0], 0
        for note in text.split("\x00"):
            if note.endswith(head):
                hits.add(start)
            start += len(note) + 1
        return
    find, pos = text.find, text.find(word)
    while pos >= 0:
        hits.add(text.rfind("\x00", 0, pos) + 1)
        end = find("\x00", pos)
        if end < 0:
            return
        pos = find(word, end + 1)


_PROMISES_AT = tuple(
    map(
        _FIELD_NAMES.index,
        (
            "open_promises_mine",
            "overdue_promises_mine",
            "oldest_overdue_promise",
            "open_promises_theirs",
            "overdue_promises_theirs",
        ),
    )
)


def _promises(conn: Connection, today: dt.date, rows: dict[int, list], ids: list[int] | None) -> None:
    params = {"today": today} if ids is None else {"today": today, "ids": ids}
    for r in conn.execute(_statement("promises", ids is not None), params):
        values = rows.get(r.contact_id)
        if values is None:
            continue
        oldest = r.oldest_overdue
        figures = (
            int(r.open_mine or 0),
            int(r.overdue_mine or 0),
            dt.date.fromisoformat(oldest) if isinstance(oldest, str) else oldest,
            int(r.open_theirs or 0),
            int(r.overdue_theirs or 0),
        )
        for k, value in zip(_PROMISES_AT, figures):
            values[k] = value


ASSESSMENT_FIELDS = tuple(Assessment.model_fields)


_LATEST_AT, _PREVIOUS_AT = _FIELD_NAMES.index("latest_assessment"), _FIELD_NAMES.index("previous_assessment")


def _assessments(conn: Connection, rows: dict[int, list], ids: list[int] | None) -> None:
    """Each contact's latest two assessments, built as `Assessment.model_construct` builds them."""
    for *found, rank in _run(conn, "assessments", ids):
        values = rows.get(found[1])
        if values is None:
            continue
        item = dict(zip(ASSESSMENT_FIELDS, found))
        item["on"] = dt.date.fromisoformat(item["on"])
        values[_LATEST_AT if rank == 1 else _PREVIOUS_AT] = constructed(Assessment, item, ASSESSMENT_FIELDS)


# ------------------------------------------------------------ the queries


def _seen_query(scoped: bool):
    c, t = contacts.c, contact_totals.c
    touched = exists().where(interactions.c.contact_id == c.id)
    query = select(
        c.id,
        type_coerce(c.created_at, String),
        touched,
        t.contact_id,
        *(type_coerce(t[k], String) for k in DATE_FIELDS),
        *(t[k] for k in TOTAL_FIELDS),
    ).select_from(contacts.outerjoin(contact_totals, t.contact_id == c.id))
    return query.where(_SCOPE) if scoped else query


def _members_query(scoped: bool):
    """`MEMBER_FIELDS`: two all-time figures and, from the window index, the recent touches."""
    c, t, i = contacts.c, contact_totals.c, interactions.c
    touches_recent = (
        select(func.count())
        .where(i.contact_id == c.id, i.at >= bindparam("lo"), i.outcome == "completed")
        .scalar_subquery()
    )
    query = select(
        c.id,
        type_coerce(c.created_at, String),
        type_coerce(t.last_touch, String),
        t.touches_total,
        touches_recent,
    ).select_from(contacts.outerjoin(contact_totals, t.contact_id == c.id))
    return query.where(_SCOPE) if scoped else query


def _notes_query(scoped: bool):
    """Each contact's recent notes joined by NULs, their times likewise, how many, and their lengths."""
    i = interactions.c
    joined, only = _window(False, scoped)
    nul = func.char(0)
    query = (
        select(
            contacts.c.id,
            func.group_concat(i.notes, nul),
            func.group_concat(type_coerce(i.at, String), nul),
            func.count(),
            func.sum(func.length(i.notes)),
        )
        .select_from(joined)
        .where(i.notes != "")
        .group_by(contacts.c.id)
    )
    return query.where(only) if only is not None else query


def _notes_one_by_one_query(scoped: bool):
    i = interactions.c
    joined, only = _window(False, scoped)
    query = select(contacts.c.id, type_coerce(i.at, String), i.notes).select_from(joined).where(i.notes != "")
    return query.where(only) if only is not None else query


def _promises_query(scoped: bool):
    c = commitments.c
    is_open = c.status == "open"
    overdue = and_(is_open, c.due.is_not(None), c.due < bindparam("today"))
    query = (
        select(
            c.contact_id,
            func.sum(case((and_(is_open, c.by == "me"), 1), else_=0)).label("open_mine"),
            func.sum(case((and_(overdue, c.by == "me"), 1), else_=0)).label("overdue_mine"),
            func.min(case((and_(overdue, c.by == "me"), c.due), else_=None)).label("oldest_overdue"),
            func.sum(case((and_(is_open, c.by == "them"), 1), else_=0)).label("open_theirs"),
            func.sum(case((and_(overdue, c.by == "them"), 1), else_=0)).label("overdue_theirs"),
        )
        .where(is_open)
        .group_by(c.contact_id)
    )
    return query.where(c.contact_id.in_(bindparam("ids", expanding=True))) if scoped else query


def _assessments_query(scoped: bool):
    a = assessments.c
    ranked = select(
        *(type_coerce(a[name], String) if name == "on" else a[name] for name in ASSESSMENT_FIELDS),
        func.row_number().over(partition_by=a.contact_id, order_by=(a.on.desc(), a.id.desc())).label("rank"),
    )
    if scoped:
        ranked = ranked.where(a.contact_id.in_(bindparam("ids", expanding=True)))
    latest = ranked.subquery()
    return select(latest).where(latest.c.rank <= 2)


def _touches_query(scoped: bool):
    """Each contact's latest `RECENT_TOUCHES` interactions up to `until`: a short index range per contact.

    The ids come from a correlated `ORDER BY at DESC LIMIT n` over
    `ix_interactions_contact_id_at`, so the cost grows with the contacts, not
    with the history (a window function numbering every row read them all).
    """
    i, latest = interactions.c, interactions.alias("latest")
    newest = (
        select(latest.c.id)
        .where(latest.c.contact_id == contacts.c.id, latest.c.at <= bindparam("until"))
        .order_by(latest.c.at.desc(), latest.c.id.desc())
        .limit(RECENT_TOUCHES)
        .correlate(contacts)
    )
    query = select(
        contacts.c.id,
        type_coerce(i.at, String),
        i.channel,
        i.direction,
        i.purpose,
        i.outcome,
        i.sentiment,
        i.responded,
        i.response_hours,
        i.notes,
    ).select_from(contacts.join(interactions, i.id.in_(newest)))
    query = query.where(_SCOPE) if scoped else query
    return query.order_by(contacts.c.id, i.at.desc(), i.id.desc())


def _named(figures: dict) -> list:
    return [column.label(name) for name, column in figures.items()]


_BUILDERS = {
    "touches": _touches_query,
    "seen": _seen_query,
    "recent": lambda scoped: _grouped(_named(_recent_figures()), False, scoped),
    "baseline": lambda scoped: _grouped(_named(_baseline_figures()), True, scoped),
    "members": _members_query,
    "notes": _notes_query,
    "notes_one_by_one": _notes_one_by_one_query,
    "promises": _promises_query,
    "assessments": _assessments_query,
}


# Stored words to their members by a dict lookup: calling the enum costs twice as much, 200,000 times.
_CHANNELS: dict[str, Channel] = {m.value: m for m in Channel}
_DIRECTIONS: dict[str, Direction] = {m.value: m for m in Direction}
_PURPOSES: dict[str, Purpose] = {m.value: m for m in Purpose}
_OUTCOMES: dict[str, Outcome] = {m.value: m for m in Outcome}


def recent_touches(
    conn: Connection, now: dt.datetime, *, contact_ids: Iterable[int] | None = None
) -> dict[int, tuple[Touch, ...]]:
    """Each contact's last `RECENT_TOUCHES` interactions up to `now`, newest first, for all contacts at once.

    Contacts without any are left out. The values are the stored ones, made
    frozen `Touch`es: what `ContactContext.recent_touches` hands to plugins.
    """
    ids = list(contact_ids) if contact_ids is not None else None
    found: dict[int, list[Touch]] = {}
    parsed = _Parsed()
    for cid, at, channel, direction, purpose, outcome, sentiment, responded, hours, notes in _run(
        conn, "touches", ids, until=_naive(now)
    ):
        touch = Touch(
            parsed[at],
            _CHANNELS[channel],
            _DIRECTIONS[direction],
            _PURPOSES[purpose],
            _OUTCOMES[outcome],
            sentiment,
            None if responded is None else bool(responded),
            hours,
            notes or "",
        )
        found.setdefault(cid, []).append(touch)
    return {cid: tuple(touches) for cid, touches in found.items()}


# ------------------------------------------------- an account's other members

#: What the built-in account rules read of every member, read for all of an account's members at once.
MEMBER_FIELDS = (
    "contact_id",
    "recent_days",
    "baseline_days",
    "first_seen",
    "last_touch",
    "touches_total",
    "touches_recent",
)
_ALL_FIELDS = frozenset(ContactStats.__dataclass_fields__)


class _Completion:
    """The members of one scoped run whose statistics are partial, completed together on first need."""

    def __init__(self, complete: Callable[[list[int]], Mapping[int, ContactStats]]) -> None:
        self._complete = complete
        self.members: dict[int, MemberStats] = {}
        self._done = False

    def fill(self) -> None:
        if self._done:
            return
        whole = self._complete(list(self.members))
        self._done = True
        for cid, stats in self.members.items():
            found = whole.get(cid)
            if found is None:  # gone since: what a contact without history has
                found = ContactStats(contact_id=cid, recent_days=stats.recent_days, baseline_days=stats.baseline_days)
            for name in ContactStats.__slots__:
                object.__setattr__(stats, name, getattr(found, name))


class MemberStats(ContactStats):
    """An account member's statistics in a one-contact run: `MEMBER_FIELDS` read, the rest on first use.

    A contact's detail evaluates the contact with its account's members, as
    account rules look at all of them; in an account of 500 people, computing
    every member's figures cost more than the rest of the detail. The built-in
    account rules read only when each member was added, when last touched,
    and how often in all and recently (`MEMBER_FIELDS`): those are read for
    every member, the same values `compute` gives. Reading any other figure
    (or comparing, printing, copying) completes every member of the run with
    one `compute`, so a rule that reads more sees exactly the full figures.
    tests/test_engine_perf_detail.py holds the detail equal to the full run.
    """

    __slots__ = ("_completion",)

    def __getattr__(self, name: str):
        # Only reached for a slot not set yet: a field not read in bulk.
        if name in _ALL_FIELDS:
            object.__getattribute__(self, "_completion").fill()
            return object.__getattribute__(self, name)
        raise AttributeError(name)

    def _values(self) -> tuple:
        return tuple(getattr(self, name) for name in ContactStats.__slots__)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, ContactStats):
            mine = self._values()
            return mine == (
                other._values()
                if isinstance(other, MemberStats)
                else tuple(getattr(other, name) for name in ContactStats.__slots__)
            )
        return NotImplemented

    def __hash__(self) -> int:
        return hash(self._values())


def compute_members(
    conn: Connection,
    now: dt.datetime,
    *,
    recent_days: int,
    baseline_days: int,
    contact_ids: Iterable[int],
    complete: Callable[[list[int]], Mapping[int, ContactStats]],
) -> dict[int, MemberStats]:
    """`MemberStats` for these contacts; `complete(ids)` gives their full statistics when first needed."""
    ids = list(contact_ids)
    if not ids:
        return {}
    completion = _Completion(complete)
    recent_start = _naive(now - dt.timedelta(days=recent_days))
    parsed = _Parsed()
    out: dict[int, MemberStats] = {}
    for cid, created_at, last_touch, touches_total, touches_recent in _run(conn, "members", ids, lo=recent_start):
        stats = out[cid] = MemberStats.__new__(MemberStats)
        put = partial(object.__setattr__, stats)
        put("contact_id", cid)
        put("recent_days", recent_days)
        put("baseline_days", baseline_days)
        put("first_seen", parsed[created_at])
        put("last_touch", parsed[last_touch])
        put("touches_total", touches_total or 0)  # no row of totals: never touched
        put("touches_recent", touches_recent)
        put("_completion", completion)
        completion.members[cid] = stats
    return out
