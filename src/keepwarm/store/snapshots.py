"""What engine runs concluded per contact, and the agenda's rows read from it.

Each run stores every contact it evaluated (score, band, the health's terms, the
warnings as the JSON the agenda shows, an account's warnings once under the
account) in the same transaction as the follow-ups it reconciled, and beside them
what the results as a whole were worked out under (`RunFacts`: the state, the
problems plugins had). `stored_agenda` reads the open follow-ups, their contacts
and those results back into the agenda's rows: the one way an agenda row is made
(engine/agenda.py brings the results up to date first; the TUI paints the rows as
they are before that). Advice is kept here too, with the key it was worked out at.

Kept import-light (no plugins, no engine run): it is what the first paint waits for.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import marshal
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

from sqlalchemy import Connection, bindparam, insert, select, text, update

from ..model import FollowUpStatus
from ..model.jsonvalues import jsonable as to_json
from .followups import OPEN_STATES, due_by, usable_reason
from .followups import columns as followup_columns
from .rows import as_text, plain_rows
from .schema import account_snapshots, accounts, contact_snapshots, contacts, followups, snapshot_runs

_SNOOZED = FollowUpStatus.SNOOZED.value
#: Below this many contacts, a run reads only their snapshots back (a detail, a logged touch).
_FEW = 500
#: The health of a contact no run has evaluated yet (added since): no score to show.
UNKNOWN_HEALTH = {"score": None, "band": None}


#: JSON as compact as the stored texts need; one encoder for the run (json.dumps with options builds one per call).
_encode = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
_string = json.encoder.encode_basestring


# ------------------------------------------------------------------ writing


def _digest(*values) -> int:
    """A fingerprint of plain values, 56 bits (a signed integer). marshal's version 2 has no
    back-references, so equal values give equal bytes in every process (and repr was 8x slower).
    Raises ValueError for what marshal cannot write (a date, a dataclass)."""
    return int.from_bytes(hashlib.blake2b(marshal.dumps(values, 2), digest_size=7).digest(), "big")


def _fingerprint(texts, found, *values) -> int:
    """The digest of `values` and the warnings `found`: over their fields as they are when marshal
    can write them (nearly always: evidence is mostly numbers and text), else over their JSON values.
    Only equal warnings give equal bytes; a set's order may differ between runs, which costs a
    rewrite, never a stale row."""
    try:
        return _digest(*values, tuple([(w.key, w.message, w.severity, w.evidence) for w in found]))
    except ValueError:
        return _digest(*values, texts.values(found))


_PLAIN = frozenset({str, int, float, bool, type(None)})


class _WarningTexts:
    """Each warning's JSON (as `to_json` gives it) once per run: an account's warnings are the same
    objects for every member."""

    def __init__(self) -> None:
        self._to_json = to_json
        self._done: dict[int, str] = {}
        self._values: dict[int, tuple] = {}

    @staticmethod
    def _plain(evidence) -> bool:
        return all(type(k) is str and type(v) in _PLAIN for k, v in evidence.items())

    def _text(self, w) -> str:
        evidence = w.evidence
        plain = self._plain(evidence)
        return (
            f'{{"key":{_string(w.key)},"message":{_string(w.message)},"severity":{_encode(w.severity)},'
            f'"evidence":{_encode(evidence if plain else self._to_json(evidence))}}}'
        )

    def values(self, found) -> tuple:
        """What the warnings say, as plain values: what a row's digest is taken over."""
        done = self._values
        out = []
        for w in found:
            value = done.get(id(w))
            if value is None:
                evidence = w.evidence if self._plain(w.evidence) else self._to_json(w.evidence)
                value = done[id(w)] = (w.key, w.message, w.severity, tuple(evidence.items()))
            out.append(value)
        return tuple(out)

    def __call__(self, found) -> str:
        if not found:
            return "[]"
        done = self._done
        parts = []
        for warning in found:
            text = done.get(id(warning))  # the objects live as long as the run: their ids are stable
            if text is None:
                text = done[id(warning)] = self._text(warning)
            parts.append(text)
        return f"[{','.join(parts)}]"


def _write(conn: Connection, table, key, fresh: dict[int, tuple], row) -> int:
    """Write the rows whose digest differs from the stored ones (or that are new); `fresh` maps each
    id to (digest, what `row(id, digest, *what)` makes the row from). Returns how many were written."""
    query = select(key, table.c.digest)
    if len(fresh) < _FEW:
        query = query.where(key.in_(list(fresh)))
    stored: dict[int, str] = dict(iter(conn.execute(query)))
    changed, added = [], []
    for rid, (digest, *what) in fresh.items():
        before = stored.get(rid)
        if before is None:
            added.append(row(rid, digest, *what))
        elif before != digest:
            changed.append({**row(rid, digest, *what), "key_": rid})
    if changed:
        conn.execute(update(table).where(key == bindparam("key_")), changed)
    if added:
        conn.execute(insert(table), added)
    return len(changed) + len(added)


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
    found = conn.execute(
        text("SELECT coalesce(sum(seq), 0) FROM sqlite_sequence WHERE name IN ('engine_marks', 'engine_account_marks')")
    ).scalar()
    return int(found or 0)


def stored_advice(conn: Connection, contact_ids: Iterable[int], key: str) -> dict[int, str]:
    """The advice stored for these contacts (JSON texts), if it was worked out at `key`; else none."""
    stored = conn.execute(select(snapshot_runs.c.advice_key).where(snapshot_runs.c.id == 1)).scalar()
    if stored != key:
        return {}
    s = contact_snapshots.c
    query = select(s.contact_id, s.advice).where(
        s.contact_id.in_(bindparam("ids", expanding=True)), s.advice.is_not(None)
    )
    ids = sorted(set(contact_ids))
    out: dict[int, str] = {}
    for start in range(0, len(ids), _CHUNK):
        out.update(plain_rows(conn, query, {"ids": ids[start : start + _CHUNK]}))
    return out


def store_advice(conn: Connection, key: str, advice: Mapping[int, str], problems: list[dict]) -> None:
    """Keep advice worked out at `key` (the advice of any other key goes), with the problems its plugins had."""
    r, s = snapshot_runs.c, contact_snapshots.c
    row = conn.execute(select(r.advice_key, r.problems).where(r.id == 1)).first()
    if row is None:  # no run stored anything: nothing to keep the advice beside
        return
    if row.advice_key != key:
        conn.execute(update(contact_snapshots).where(s.advice.is_not(None)).values(advice=None))
    merged = _merged(json.loads(row.problems) if row.problems else [], problems)
    conn.execute(
        update(snapshot_runs).where(r.id == 1).values(advice_key=key, problems=_encode(merged) if merged else None)
    )
    if advice:
        conn.execute(
            update(contact_snapshots).where(s.contact_id == bindparam("cid")),
            [{"cid": cid, "advice": found} for cid, found in advice.items()],
        )


def _merged(before: list[dict], after: list[dict]) -> list[dict]:
    """The problems stored before, updated by a later run over some contacts (one per plugin and hook)."""
    out = {(p["plugin"], p["hook"]): p for p in before}
    out.update(((p["plugin"], p["hook"]), p) for p in after)
    return list(out.values())


def _date_run(conn: Connection, today: dt.date, facts: RunFacts, *, whole_book: bool) -> None:
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
    _date_run(conn, today, facts, whole_book=True)


def store(conn: Connection, evaluation, *, run: RunFacts) -> int:
    """Store what this run concluded for the contacts it evaluated (and their accounts); returns
    how many rows changed. Called inside the run's reconcile transaction, so the snapshots and the
    stored follow-ups always come from the same run.

    A row holds what the agenda row and the stored side panel show: score, band and warnings, not the
    health's terms (their words are built lazily, and only the engine's own rows need them). Each
    row's digest is taken over those plain values; the warnings' JSON is written only for the rows
    whose digest differs, and the run's date is stored once, so an unchanged row is never rewritten.
    """
    _date_run(conn, evaluation.today, run, whole_book=evaluation.open_followups is not None)
    texts = _WarningTexts()
    account_of, account_warnings = evaluation.account_of, evaluation.account_warnings
    accounts_ = {aid: (_fingerprint(texts, found), found) for aid, found in account_warnings.items()}
    contacts_: dict[int, tuple] = {}
    health_of, warnings_of = evaluation.health, evaluation.warnings
    for cid in evaluation.contacts:
        health = health_of[cid]
        found = warnings_of.get(cid) or []
        aid = account_of.get(cid)
        shared = account_warnings.get(aid) if aid is not None else None
        # The run adds the account's warnings after the contact's own: stored once, under the account.
        if shared and len(found) >= len(shared) and all(a is b for a, b in zip(found[-len(shared) :], shared)):
            found = found[: len(found) - len(shared)]
        else:
            aid = None
        score, band, terms = health.score, health.band, health.terms
        figures = evaluation.figures(cid)
        digest = _fingerprint(texts, found, score, band, aid, tuple(map(tuple, terms)), figures.plain())
        contacts_[cid] = (digest, score, band, found, aid, terms, figures)

    def account_row(aid, digest, found):
        return {"account_id": aid, "digest": digest, "warnings": texts(found)}

    def contact_row(cid, digest, score, band, found, aid, terms, figures):
        return {
            "contact_id": cid,
            "score": score,
            "band": band,
            "account_id": aid,
            "digest": digest,
            "warnings": texts(found),
            "terms": _encode([term.to_json() for term in terms]),
            **figures.columns(),
        }

    return _write(conn, account_snapshots, account_snapshots.c.account_id, accounts_, account_row) + _write(
        conn, contact_snapshots, contact_snapshots.c.contact_id, contacts_, contact_row
    )


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


class _IsoUtc(dict):
    """Stored UTC times as pydantic's JSON gives them (`2026-11-22T09:00:00Z`), each distinct text once:
    the follow-ups one run stored share their stamps."""

    def __missing__(self, value: str | None) -> str | None:
        text = self[value] = dt.datetime.fromisoformat(value).isoformat() + "Z" if value is not None else None
        return text


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
        .where(
            f.status.in_(OPEN_STATES),
            c.do_not_contact.is_(False),
            due_by(until),
        )
        .order_by(f.due, f.id)
    )


_STORED = _stored_query()


def stored_agenda(
    conn: Connection,
    today: dt.date,
    *,
    on: dt.date | None = None,
    days: int = 7,
    results: Callable[[int], tuple[dict, list]] | None = None,
) -> StoredAgenda | None:
    """Open follow-ups due by `on + days` with their contacts' stored health, ordered by urgency;
    None when no engine run has stored anything yet (unless `results` gives them).

    A row holds the health's score and band; `filled()` (`details()` for one) adds the health's terms and the
    warnings, read apart. `results(contact_id)` gives a contact's health and warnings (as JSON) from a run
    that stored nothing, in place of the stored ones. The rows come through the driver's cursor (`plain_rows`): the first paint waits for this.
    """
    if results is None and not has_snapshots(conn):
        return None
    start = on or today
    until = start + dt.timedelta(days=days)
    items, keys = [], []
    evaluated = False
    unevaluated = 0
    dates: dict[str, dt.date] = {}
    stamps = _IsoUtc()
    for (
        fid,
        cid,
        due,
        due_time,
        reason,
        source,
        rule_key,
        channel,
        action,
        status,
        snoozed_until,
        sequence,
        satisfied,
        created,
        updated,
        closed,
        name,
        account,
        role,
        style,
        tier,
        snapshot,
        score,
        band,
    ) in plain_rows(conn, _STORED, {"until": until}):
        when_text = snoozed_until if status == _SNOOZED and snoozed_until is not None else due
        when = dates.get(when_text)
        if when is None:
            when = dates[when_text] = dt.date.fromisoformat(when_text)
        if results is not None:
            health, warnings = results(cid)
            score = health["score"]
        elif snapshot is None:
            unevaluated += 1
            health = dict(UNKNOWN_HEALTH)
            warnings = []
        else:
            evaluated = True
            health = {"score": score, "band": band}
        overdue = (start - when).days
        item = {
            "followup": {
                "id": fid,
                "contact_id": cid,
                "due": due,
                "due_time": dt.time.fromisoformat(due_time).isoformat() if due_time is not None else None,
                "reason": usable_reason(reason),
                "source": source,
                "rule_key": rule_key,
                "channel": channel,
                "action": action,
                "status": status,
                "snoozed_until": snoozed_until,
                "sequence": sequence,
                "satisfied_by_touch": bool(satisfied),
                "created_at": stamps[created],
                "updated_at": stamps[updated],
                "closed_at": stamps[closed],
            },
            "contact": {
                "id": cid,
                "name": name,
                "account": account,
                "role": role or None,
                "style": style,
                "tier": tier,
            },
            "due": when_text,
            "bucket": "overdue" if overdue > 0 else "today" if overdue == 0 else "upcoming",
            "overdue_days": overdue,
            "health": health,
        }
        if results is not None or snapshot is None:
            item["warnings"] = warnings
        items.append(item)
        # Most urgent first: the earliest due, then the weakest health, the highest tier, by name; a contact
        # without a result comes last of its day.
        keys.append((when, 101 if score is None else score, tier, name.casefold()))
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
