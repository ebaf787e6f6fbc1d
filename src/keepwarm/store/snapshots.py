"""What engine runs concluded per contact, and the agenda's rows read from it.

Each run stores every contact it evaluated (score, band, the health's terms, the
warnings as the JSON the agenda shows, an account's warnings once under the
account; rows of plain values, made by engine/conclusions.py, written where their
digest changed) in the same transaction as the follow-ups it reconciled, and beside them
what the results as a whole were worked out under (`RunFacts`: the state, the
problems plugins had). `stored_agenda` reads the open follow-ups, their contacts
and those results back into the agenda's rows: the one way an agenda row is made
(engine/agenda.py brings the results up to date first; the TUI paints the rows as
they are before that). Advice is kept here too, with the key it was worked out at and the
network questions it read (migration 0009).

Kept import-light (no plugins, no engine run): it is what the first paint waits for.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

from sqlalchemy import Connection, and_, bindparam, delete, insert, select, update

from ..model import FollowUpStatus
from . import dialect
from .followups import OPEN_STATES, AsJson, due_by
from .followups import columns as followup_columns
from .rows import as_text, plain_rows
from .schema import (
    account_snapshots,
    accounts,
    advice_changes,
    advice_cleared_accounts,
    advice_questions,
    contact_snapshots,
    contacts,
    followups,
    snapshot_runs,
)

_SNOOZED = FollowUpStatus.SNOOZED.value
#: Below this many contacts, a run reads only their snapshots back (a detail, a logged touch).
_FEW = 500
#: The health of a contact no run has evaluated yet (added since): no score to show.
UNKNOWN_HEALTH = {"score": None, "band": None}


#: JSON as compact as the stored texts need (json.dumps with options builds an encoder per call).
_encode = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
#: The tables of `digests` and `put`, by name, with their keys.
_TABLES = {
    "contacts": (contact_snapshots, contact_snapshots.c.contact_id),
    "accounts": (account_snapshots, account_snapshots.c.account_id),
}


# ------------------------------------------------------------------ writing


def digests(conn: Connection, table_name: str, ids: Iterable[int]) -> dict[int, int]:
    """The digests stored for these contacts' or accounts' rows (`table_name`: "contacts" or "accounts"):
    what a run compares its conclusions with, to write only the rows that changed."""
    table, key = _TABLES[table_name]
    wanted = list(ids)
    query = select(key, table.c.digest)
    if len(wanted) < _FEW:
        query = query.where(key.in_(wanted))
    return dict(plain_rows(conn, query))


def put(conn: Connection, table_name: str, rows: list[dict], stored: Iterable[int]) -> int:
    """Write these rows (plain values: ids, numbers, JSON texts; every row with the same columns), updating
    those whose id is in `stored` and adding the others; returns how many.

    Through the driver's `executemany`, each value bound as the column's type binds it (`_bound`): a new
    day's run writes a few thousand rows, and SQLAlchemy's per-row work cost twice the driver's.
    """
    if not rows:
        return 0
    table, key = _TABLES[table_name]
    had = set(stored)
    names = [name for name in rows[0] if name != key.name]
    changed = [row for row in rows if row[key.name] in had]
    added = [row for row in rows if row[key.name] not in had]
    if changed:
        assignments = ", ".join(f"{name} = ?" for name in names)
        _bound(conn, table, f"UPDATE {table.name} SET {assignments} WHERE {key.name} = ?", [*names, key.name], changed)
    if added:
        columns = [key.name, *names]
        marks = ", ".join("?" * len(columns))
        _bound(conn, table, f"INSERT INTO {table.name} ({', '.join(columns)}) VALUES ({marks})", columns, added)
    return len(rows)


def _bound(conn: Connection, table, statement: str, names: list[str], rows: list[dict]) -> None:
    """`statement` once per row, its `?` bound to the row's `names` as the table's column types bind them."""
    statement = dialect.driver_marks(conn, statement)
    binders = [table.c[name].type.dialect_impl(conn.dialect).bind_processor(conn.dialect) for name in names]
    if not any(binders):
        conn.exec_driver_sql(statement, [tuple([row[name] for name in names]) for row in rows])
        return
    pairs = list(zip(names, binders))
    conn.exec_driver_sql(
        statement,
        [tuple([row[name] if bind is None else bind(row[name]) for name, bind in pairs]) for row in rows],
    )


@dataclass(frozen=True)
class RunFacts:
    """What the stored results as a whole were worked out under, beside the rows (one row, id 1)."""

    #: The state of engine/state.py; None: not known to be whole (set only by a run over the whole book).
    state: str | None
    #: A cadence or warning plugin read the network: any change may change anyone's result.
    reads_network: bool
    #: The problems plugins had (`PluginProblem.to_json()`), shown again while the results are kept.
    problems: list[dict]


def run_facts(conn: Connection) -> RunFacts | None:
    """What the stored results were worked out under; None when no run stored any."""
    r = snapshot_runs.c
    row = conn.execute(select(r.state, r.reads_network, r.problems).where(r.id == 1)).first()
    if row is None:
        return None
    return RunFacts(row.state, bool(row.reads_network), json.loads(row.problems) if row.problems else [])


def book_version(conn: Connection) -> int:
    """How many changes the book has seen: the highest mark ever made (AUTOINCREMENT never goes back, and
    every write to what a result reads makes one; see migration 0007). Equal versions, the same book."""
    return dialect.autoincrement_total(conn, "engine_marks", "engine_account_marks")


def stored_advice(conn: Connection, contact_ids: Iterable[int], key: str) -> dict[int, tuple[str, str | None]]:
    """The advice stored for these contacts (JSON texts) with what it read of the network (`advice_reads`),
    if it was worked out at `key`; else none. Whether it still holds is the caller's to judge (`all_questions`)."""
    return _advice_columns(conn, contact_ids, key, with_advice=True)


def advice_reads(conn: Connection, contact_ids: Iterable[int], key: str) -> dict[int, str | None]:
    """What the advice stored for these contacts read of the network (as `stored_advice`), without the advice:
    which of many contacts' advice holds, told without reading it."""
    return {cid: reads for cid, (reads,) in _advice_columns(conn, contact_ids, key, with_advice=False).items()}


def _advice_key(conn: Connection) -> tuple[str | None, int | None]:
    """The key the stored advice was worked out at, and the book's version at which every kept question was
    last known to have the answer it had (None: not known). Stored as "KEY VERSION" or "KEY"."""
    stored = conn.execute(select(snapshot_runs.c.advice_key).where(snapshot_runs.c.id == 1)).scalar()
    if stored is None:
        return None, None
    key, _, checked = stored.partition(" ")
    return key, int(checked) if checked else None


def questions_checked_at(conn: Connection, key: str) -> int | None:
    """The book's version at which every kept question (`questions`) had the answer it had, if known and
    the advice is of `key`: at that version, nothing need be asked again."""
    stored, checked = _advice_key(conn)
    return checked if stored == key else None


def all_questions(conn: Connection) -> dict[int, tuple[str, str]]:
    """Every kept network question: its text and the digest of the answer it had."""
    q = advice_questions.c
    return {qid: (text_, answer) for qid, text_, answer in plain_rows(conn, select(q.id, q.question, q.answer))}


def questions_checked(conn: Connection, key: str, version: int, stale: Iterable[int]) -> None:
    """Every kept question was asked again at `version`: the `stale` ones (answered otherwise) go, and the
    rest are known to hold at it (unless the book changed since, or the advice is of another key)."""
    r = snapshot_runs.c
    if _advice_key(conn)[0] != key or book_version(conn) != version:
        return
    _forget_questions(conn, stale)
    conn.execute(update(snapshot_runs).where(r.id == 1).values(advice_key=f"{key} {version}"))
    conn.execute(delete(advice_changes))  # what changed is counted from this version on


#: In `advice_changes`: a name, title, interest, tag or account changed (migration 0009).
PEOPLE_CHANGED = -1


def advice_changes_since_checked(conn: Connection) -> tuple[frozenset[int], bool]:
    """What changed since the kept questions were last known to hold (`questions_checked`): the contacts
    marked since (a question about when they were last touched may have another answer), and whether a
    name, title, interest, tag or account changed (then any question about a topic may)."""
    found = frozenset(conn.execute(select(advice_changes.c.contact_id)).scalars())
    return found - {PEOPLE_CHANGED}, PEOPLE_CHANGED in found


def _forget_questions(conn: Connection, ids: Iterable[int]) -> None:
    gone = sorted(set(ids))
    for start in range(0, len(gone), _CHUNK):
        conn.execute(delete(advice_questions).where(advice_questions.c.id.in_(gone[start : start + _CHUNK])))


def _advice_columns(conn: Connection, contact_ids: Iterable[int], key: str, *, with_advice: bool) -> dict:
    if _advice_key(conn)[0] != key:
        return {}
    s = contact_snapshots.c
    columns = (s.advice, s.advice_reads) if with_advice else (s.advice_reads,)
    query = select(s.contact_id, *columns).where(
        s.contact_id.in_(bindparam("ids", expanding=True)), s.advice.is_not(None)
    )
    ids = sorted(set(contact_ids))
    out: dict[int, tuple] = {}
    for start in range(0, len(ids), _CHUNK):
        for cid, *found in plain_rows(conn, query, {"ids": ids[start : start + _CHUNK]}):
            out[cid] = tuple(found)
    return out


#: What one contact's advice read of the network, for `store_advice`: each question's text with its
#: answer's digest, or None: the whole network.
Reads = Mapping[str, str] | None


def store_advice(
    conn: Connection,
    key: str,
    advice: Mapping[int, tuple[str, Reads]],
    problems: list[dict],
    *,
    version: int,
    stale: Iterable[int] = (),
    checked: bool = False,
) -> set[int] | None:
    """Keep advice worked out at `key` from the book at `version` (the advice of any other key goes), each
    with what it read of the network, and the problems its plugins had. The `stale` questions (answered
    otherwise now) go; `checked`: every other kept question is known to hold at `version`. Nothing is kept
    if the book changed since `version` (what was read may be gone): returns None then, else the ids of the
    questions the advice kept read (they hold at `version`)."""
    r, s = snapshot_runs.c, contact_snapshots.c
    row = conn.execute(select(r.problems).where(r.id == 1)).first()
    if row is None:  # no run stored anything: nothing to keep the advice beside
        return None
    if book_version(conn) != version:
        return None
    if _advice_key(conn)[0] != key:
        conn.execute(update(contact_snapshots).where(s.advice.is_not(None)).values(advice=None, advice_reads=None))
        conn.execute(delete(advice_questions))
    if checked:
        conn.execute(delete(advice_changes))  # what changed is counted from this version on
    merged = _merged(json.loads(row.problems) if row.problems else [], problems)
    conn.execute(
        update(snapshot_runs)
        .where(r.id == 1)
        .values(advice_key=f"{key} {version}" if checked else key, problems=_encode(merged) if merged else None)
    )
    _forget_questions(conn, stale)
    ids: dict[tuple[str, str], int] = {}
    if advice:
        # Their accounts hold advice again: a change to a member clears it (migration 0009's triggers).
        stored_ids = sorted(advice)
        for start in range(0, len(stored_ids), _CHUNK):
            conn.execute(
                delete(advice_cleared_accounts).where(
                    advice_cleared_accounts.c.account_id.in_(
                        select(contacts.c.account_id).where(contacts.c.id.in_(stored_ids[start : start + _CHUNK]))
                    )
                )
            )
        ids = _question_ids(conn, advice.values())
        conn.execute(
            update(contact_snapshots).where(s.contact_id == bindparam("cid")),
            [
                {
                    "cid": cid,
                    "advice": found,
                    "advice_reads": f"*{version}"
                    if reads is None
                    else _encode(sorted(ids[pair] for pair in reads.items())),
                }
                for cid, (found, reads) in advice.items()
            ],
        )
    return set(ids.values())


def _question_ids(conn: Connection, advice: Iterable[tuple[str, Reads]]) -> dict[tuple[str, str], int]:
    """The id of each question and answer these contacts' advice read, the new ones added."""
    wanted = {pair for _, reads in advice if reads is not None for pair in reads.items()}
    if not wanted:
        return {}
    q = advice_questions.c
    ids = {(text_, answer): qid for qid, text_, answer in conn.execute(select(q.id, q.question, q.answer))}
    new = [{"question": text_, "answer": answer} for text_, answer in sorted(wanted - ids.keys())]
    if new:
        conn.execute(insert(advice_questions), new)
        ids = {(text_, answer): qid for qid, text_, answer in conn.execute(select(q.id, q.question, q.answer))}
    return ids


def _merged(before: list[dict], after: list[dict]) -> list[dict]:
    """The problems stored before, updated by a later run over some contacts (one per plugin and hook)."""
    out = {(p["plugin"], p["hook"]): p for p in before}
    out.update(((p["plugin"], p["hook"]), p) for p in after)
    return list(out.values())


def date_run(conn: Connection, today: dt.date, facts: RunFacts, *, whole_book: bool) -> None:
    """The date and the facts of the stored results, in one place: a run over the whole book sets
    them; a run over a few contacts (a detail, a logged touch) leaves the book's date and state
    alone, and adds what it found to the rest."""
    r = snapshot_runs.c
    stored = conn.execute(select(r.evaluated_on, r.reads_network, r.problems).where(r.id == 1)).first()
    if whole_book or stored is None:
        values = {
            "evaluated_on": today,
            "state": facts.state if whole_book else None,
            "reads_network": facts.reads_network,
            "problems": _encode(facts.problems) if facts.problems else None,
        }
    else:
        problems = _merged(json.loads(stored.problems) if stored.problems else [], facts.problems)
        values = {
            "reads_network": bool(stored.reads_network) or facts.reads_network,
            "problems": _encode(problems) if problems else None,
        }
    if stored is None:
        conn.execute(insert(snapshot_runs).values(id=1, **values))
    else:
        conn.execute(update(snapshot_runs).where(r.id == 1).values(**values))


def mark_whole(conn: Connection, today: dt.date, facts: RunFacts) -> None:
    """The stored results made whole by runs over groups of the book, stored as a run over it would store them."""
    date_run(conn, today, facts, whole_book=True)


def has_snapshots(conn: Connection) -> bool:
    return conn.execute(select(contact_snapshots.c.contact_id).limit(1)).first() is not None


# ------------------------------------------------------------------ reading


@dataclass
class StoredAgenda:
    """The agenda as the stored follow-ups and results give it, in the JSON of `Agenda.to_json(advice=False)`.

    An item's health holds its score and band, and it has no "warnings" until `filled()` (or `details()`
    for one) reads them and the health's terms (a row on screen needs neither; the side panel, the
    JSON and the calendar do).
    """

    on: dt.date
    until: dt.date
    items: list[dict]
    #: The date of the last whole-book run the snapshots are from (None when no row shown has one).
    evaluated_on: dt.date | None
    #: Rows whose contact no run has evaluated yet (health unknown).
    unevaluated: int = 0

    def to_json(self, conn: Connection) -> dict:
        found = texts_of(conn, [item["contact"]["id"] for item in self.items if "warnings" not in item])
        for item in self.items:
            filled(item, found.get(item["contact"]["id"]))
        return {"on": self.on.isoformat(), "until": self.until.isoformat(), "items": self.items, "problems": []}


def _on_the_agenda(until):
    """The follow-ups an agenda shows: open, due by `until`, their contact not marked do-not-contact."""
    return and_(followups.c.status.in_(OPEN_STATES), contacts.c.do_not_contact.is_(False), due_by(until))


def _stored_query():
    """Built once (`_STORED`), the window's end bound at run time."""
    f, c, a, s = followups.c, contacts.c, accounts.c, contact_snapshots.c
    until = bindparam("until")
    # Dates as the stored text: the JSON wants the texts, and parsing 5,000 rows' dates is not free.
    return (
        select(
            *followup_columns(),
            c.name,
            a.name,
            c.role,
            c.style,
            c.tier,
            s.contact_id,
            s.score,
            s.band,
        )
        .select_from(
            followups.join(contacts, c.id == f.contact_id)
            .outerjoin(accounts, a.id == c.account_id)
            .outerjoin(contact_snapshots, s.contact_id == f.contact_id)
        )
        .where(_on_the_agenda(until))
        .order_by(f.due, f.id)
    )


_STORED = _stored_query()
_CONTACTS_SHOWN = (
    select(followups.c.contact_id)
    .distinct()
    .select_from(followups.join(contacts, contacts.c.id == followups.c.contact_id))
    .where(_on_the_agenda(bindparam("until")))
)


def agenda_contacts(conn: Connection, until: dt.date) -> list[int]:
    """The contacts of the rows an agenda up to `until` shows (`stored_agenda`): those a run for it evaluates."""
    return [cid for (cid,) in plain_rows(conn, _CONTACTS_SHOWN, {"until": until})]


#: Where the contact's and the snapshot's columns begin in a row of `_STORED`, after the follow-up's.
_AFTER_FOLLOWUP = len(followup_columns())


def stored_agenda(
    conn: Connection,
    today: dt.date,
    *,
    on: dt.date | None = None,
    days: int = 7,
    results: Callable[[int], tuple[int, str] | None] | None = None,
) -> StoredAgenda | None:
    """Open follow-ups due by `on + days` with their contacts' stored health, ordered by urgency;
    None when no engine run has stored anything yet (unless `results` gives them).

    A row holds the health's score and band; `filled()` (`details()` for one) adds the health's terms and the
    warnings, read apart. `results(contact_id)` gives a contact's score and band from runs that stored nothing
    (None: not evaluated by them), in place of the stored ones; the texts that make such a row whole are the
    caller's (engine/unstored.py). The rows come through the driver's cursor (`plain_rows`): the first paint
    waits for this.
    """
    if results is None and not has_snapshots(conn):
        return None
    start = on or today
    until = start + dt.timedelta(days=days)
    items, keys = [], []
    evaluated = False
    unevaluated = 0
    by_day: dict[str, tuple[dt.date, int, str]] = {}  # a due day's text: the day, how late, the bucket
    as_json = AsJson()
    for row in plain_rows(conn, _STORED, {"until": until}):
        followup = as_json(row)
        name, account, role, style, tier, snapshot, score, band = row[_AFTER_FOLLOWUP:]
        cid, snoozed_until = followup["contact_id"], followup["snoozed_until"]
        when_text = snoozed_until if followup["status"] == _SNOOZED and snoozed_until is not None else followup["due"]
        day = by_day.get(when_text)
        if day is None:
            when = dt.date.fromisoformat(when_text)
            late = (start - when).days
            day = by_day[when_text] = (when, late, "overdue" if late > 0 else "today" if late == 0 else "upcoming")
        when, overdue, bucket = day
        if results is not None:
            found = results(cid)
            snapshot, (score, band) = (None, (None, None)) if found is None else (cid, found)
        item = {
            "followup": followup,
            "contact": {
                "id": cid,
                "name": name,
                "account": account,
                "role": role or None,
                "style": style,
                "tier": tier,
            },
            "due": when_text,
            "bucket": bucket,
            "overdue_days": overdue,
        }
        if snapshot is None:  # no result: nothing to read apart
            unevaluated += 1
            item["health"] = dict(UNKNOWN_HEALTH)
            item["warnings"] = []
            score = 101  # a contact without a result comes last of its day
        else:
            evaluated = True
            item["health"] = {"score": score, "band": band}
        items.append(item)
        # Most urgent first: the earliest due, then the weakest health, the highest tier, by name.
        keys.append((when, score, tier, name.casefold()))
    evaluated = evaluated and results is None
    order = sorted(range(len(items)), key=keys.__getitem__)
    run = conn.execute(select(as_text(snapshot_runs.c.evaluated_on))).scalar() if evaluated else None
    return StoredAgenda(
        on=start,
        until=until,
        items=[items[n] for n in order],
        evaluated_on=dt.date.fromisoformat(run) if run else None,
        unevaluated=unevaluated,
    )


def texts_of(conn: Connection, contact_ids: Iterable[int]) -> dict[int, tuple[str, str, str | None]]:
    """The stored texts that make rows whole (`filled`): each contact's health terms, own warnings and
    account's warnings. Read apart from the rows, for the rows someone wants whole: reading them with
    every row cost more than the rows."""
    s, a = contact_snapshots.c, account_snapshots.c
    query = (
        select(s.contact_id, s.terms, s.warnings, a.warnings)
        .select_from(contact_snapshots.outerjoin(account_snapshots, a.account_id == s.account_id))
        .where(s.contact_id.in_(bindparam("ids", expanding=True)))
    )
    ids = sorted(set(contact_ids))
    out: dict[int, tuple[str, str, str | None]] = {}
    for start in range(0, len(ids), _CHUNK):
        for cid, terms, own, shared in plain_rows(conn, query, {"ids": ids[start : start + _CHUNK]}):
            out[cid] = (terms, own, shared)
    return out


#: Ids per statement (SQLite's limit on bound parameters is 32,766).
_CHUNK = 10_000


def filled(item: dict, texts: tuple[str, str, str | None] | None) -> dict:
    """A row of `stored_agenda` made whole with its stored texts (`texts_of`): the health's terms and the
    warnings. A row without any (its contact not evaluated) gets none."""
    if "warnings" not in item:
        if texts is None:
            item["warnings"] = []
        else:
            terms, own, shared = texts
            if "health" in item:
                item["health"]["terms"] = json.loads(terms)
            item["warnings"] = json.loads(own) + (json.loads(shared) if shared else [])
    return item


def details(conn: Connection, item: dict) -> dict:
    """One stored row made whole (`filled`), read for it alone: the row a user looks at."""
    if "warnings" in item:
        return item
    cid = item["contact"]["id"]
    return filled(item, texts_of(conn, [cid]).get(cid))
