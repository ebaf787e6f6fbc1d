"""What a run concluded, as the store's rows: each contact's score, band, terms and warnings, each
account's warnings, written where they changed.

The store takes plain rows (ids, numbers, JSON texts); the engine's objects (`Warning`,
`HealthTerm`) are turned into them here. Each row carries a digest of what it holds, so
that a run writes, and encodes, only the rows whose digest differs from the stored one:
on a new day most contacts conclude what they did the day before. A contact's row rewritten also
writes its score and band as the week's in the health history (store/health_history.py): the charts
of health over time read what the runs concluded.
"""

from __future__ import annotations

import hashlib
import json
import marshal
from collections.abc import Callable
from math import copysign

from sqlalchemy import Connection

from .. import __version__
from ..model.jsonvalues import jsonable as to_json
from ..store import health_history, results, snapshots

#: JSON as compact as the stored texts need; one encoder for the run (json.dumps with options builds one per call).
_encode = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
_string = json.encoder.encode_basestring


def _digest(*values) -> int:
    """A fingerprint of plain values, 56 bits (a signed integer). marshal's version 2 has no
    back-references, so equal values give equal bytes in every process (and repr was 8x slower).
    Raises ValueError for what marshal cannot write (a date, a dataclass)."""
    return int.from_bytes(hashlib.blake2b(marshal.dumps(values, 2), digest_size=7).digest(), "big")


#: The version whose code made the words: a health's words are digested as the values they are made from
#: (`Health.plain`), so the rows are written again once after an upgrade that may word them otherwise.
_WORDED_BY = __version__


def _fingerprint(texts, found, *values) -> int:
    """The digest of `values` and the warnings `found`: over their fields as they are when marshal
    can write them (nearly always: evidence is mostly numbers and text), else over their JSON values.
    Only equal warnings give equal bytes; a set's order may differ between runs, which costs a
    rewrite, never a stale row."""
    try:
        return _digest(_WORDED_BY, *values, tuple([(w.key, w.message, w.severity, w.evidence) for w in found]))
    except ValueError:
        return _digest(_WORDED_BY, *values, texts.values(found))


_PLAIN = frozenset({str, int, float, bool, type(None)})


def _number(value) -> str:
    """A warning's severity as JSON: an int's own text (what the encoder writes for one), else the encoder's."""
    return int.__repr__(value) if type(value) is int else _encode(value)


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
            f'{{"key":{_string(w.key)},"message":{_string(w.message)},"severity":{_number(w.severity)},'
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


class _TermTexts:
    """A health's terms as their JSON (`HealthTerm.to_json`, encoded), each distinct term encoded once per
    run: thousands of contacts share one ("not assessed yet", a rhythm, a rate)."""

    def __init__(self) -> None:
        self._done: dict[object, str] = {}

    def __call__(self, terms) -> str:
        done = self._done
        parts = []
        for term in terms:
            # A zero may be -0.0: equal to 0.0 (and hashed alike), but written otherwise, so its sign is in the key.
            key = term if term.points and term.maximum else (term, copysign(1, term.points), copysign(1, term.maximum))
            text = done.get(key)
            if text is None:
                text = done[key] = _encode(term.to_json())
            parts.append(text)
        return f"[{','.join(parts)}]"


def store(conn: Connection, evaluation, *, run: snapshots.RunFacts) -> int:
    """Store what this run concluded for the contacts it evaluated (and their accounts); returns
    how many rows changed. Called inside the run's reconcile transaction, so the stored results and
    the stored follow-ups always come from the same run.

    A contact's row holds what the agenda row, the stored side panel and the screens show: score,
    band, the health's terms, the warnings (an account's warnings once, under the account), and the
    figures the dashboard and the lists read (`Evaluation.figures`). The run's
    date is stored once, so an unchanged row is never rewritten.
    """
    snapshots.date_run(conn, evaluation.today, run, whole_book=evaluation.open_followups is not None)
    texts, term_texts = _WarningTexts(), _TermTexts()
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
        figures = evaluation.figures(cid)
        digest = _fingerprint(texts, found, aid, health.plain(), figures.plain())
        contacts_[cid] = (digest, health, found, aid, figures)

    def account_row(aid, digest, found):
        return {"account_id": aid, "digest": digest, "warnings": texts(found)}

    def contact_row(cid, digest, health, found, aid, figures):
        return {
            "contact_id": cid,
            "score": health.score,
            "band": health.band,
            "account_id": aid,
            "digest": digest,
            "warnings": texts(found),
            "terms": term_texts(health.terms),  # the words made here, for the rows written
            **figures.columns(),
        }

    written = 0
    for table, fresh, row in (("accounts", accounts_, account_row), ("contacts", contacts_, contact_row)):
        stored = snapshots.digests(conn, table, fresh)
        rows = [row(rid, *what) for rid, what in fresh.items() if stored.get(rid) != what[0]]
        written += snapshots.put(conn, table, rows, stored)
        if table == "contacts":  # each rewritten row's score and band, as its week's (a row not rewritten kept both)
            health_history.record(conn, evaluation.today, [(r["contact_id"], r["score"], r["band"]) for r in rows])
    return written


def unstored(evaluation, *, words: bool = True) -> Callable[[int], tuple[results.Result, str, str] | None]:
    """A contact's conclusions from a run that stores nothing, as a stored row holds them: the result the screens
    read, and with `words` the texts of the health's terms and of every warning (the account's with the contact's
    own; "" without); None for a contact the run did not evaluate."""
    texts, term_texts = _WarningTexts(), _TermTexts()
    health_of, warnings_of = evaluation.health, evaluation.warnings

    def of(contact_id: int) -> tuple[results.Result, str, str] | None:
        health = health_of.get(contact_id)
        if health is None:
            return None
        found = warnings_of.get(contact_id) or []
        result = results.Result(health.score, health.band, len(found), evaluation.figures(contact_id))
        if not words:
            return result, "", ""
        return result, term_texts(health.terms), texts(found)

    return of
