"""A whole-book run that stores its results makes a health's words only for the rows it writes.

The stored row's digest is taken over the health as worked out (points and the values its words are
made from, `Health.plain`), not over the words: on a new day most contacts conclude what they did the
day before, and their words were made for nothing. The words stored are still the words a reader gets,
and a new version of keepwarm (which may word them otherwise) writes every row again once.
From a generated book at a fixed clock.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3

from keepwarm.engine import conclusions
from keepwarm.engine.evaluate import evaluate
from keepwarm.engine.health import HealthTerm
from keepwarm.home.session import Session
from keepwarm.services import devdata

from conftest import FIXED_NOW


def _stored_terms(path) -> dict[int, str]:
    raw = sqlite3.connect(path)
    try:
        return dict(raw.execute("SELECT contact_id, terms FROM contact_snapshots"))
    finally:
        raw.close()


def _run_on(session, day: int):
    later = Session(session.db_path, now=FIXED_NOW + dt.timedelta(days=day))
    later.__dict__["runtime"] = session.runtime
    try:
        return evaluate(later)
    finally:
        later.close()


def test_a_run_makes_words_only_for_the_rows_it_writes_and_stores_the_words_a_reader_gets(keepwarm_session):
    devdata.generate(keepwarm_session, contacts=60, interactions_per_contact=8, seed=5)
    first = evaluate(keepwarm_session)
    assert all(h._terms is not None for h in first.health.values())  # every row written: every row worded
    stored = _stored_terms(keepwarm_session.db_path)

    again = _run_on(keepwarm_session, 0)  # the same day, the same book: no row changes
    assert again.health and all(h._terms is None for h in again.health.values())
    assert _stored_terms(keepwarm_session.db_path) == stored

    later = _run_on(keepwarm_session, 40)  # the windows moved: some rows change, not all
    after = _stored_terms(keepwarm_session.db_path)
    changed = {cid for cid in after if after[cid] != stored[cid]}
    worded = {cid for cid, h in later.health.items() if h._terms is not None}
    assert changed and changed <= worded and worded != set(later.health)
    for cid, health in later.health.items():  # read now, the words are those stored
        assert json.loads(after[cid]) == health.to_json()["terms"]


def test_a_new_version_writes_every_row_again(keepwarm_session, monkeypatch):
    devdata.generate(keepwarm_session, contacts=20, interactions_per_contact=5, seed=6)
    evaluate(keepwarm_session)
    raw = sqlite3.connect(keepwarm_session.db_path)
    with raw:
        raw.execute("UPDATE contact_snapshots SET terms = '[]'")  # words an older version made
    raw.close()
    _run_on(keepwarm_session, 0)
    assert set(_stored_terms(keepwarm_session.db_path).values()) == {"[]"}  # the same version: not rewritten
    monkeypatch.setattr(conclusions, "_WORDED_BY", "9.9.9")
    ran = _run_on(keepwarm_session, 0)
    after = _stored_terms(keepwarm_session.db_path)
    assert {cid: json.loads(text) for cid, text in after.items()} == {
        cid: health.to_json()["terms"] for cid, health in ran.health.items()
    }


def test_rows_added_and_updated_hold_the_last_touch_as_the_column_type_writes_it(keepwarm_session):
    """The stored rows go through the driver, each value bound as its column's type binds it."""
    devdata.generate(keepwarm_session, contacts=10, interactions_per_contact=4, seed=7)
    first = evaluate(keepwarm_session)  # every row added
    raw = sqlite3.connect(keepwarm_session.db_path)
    try:
        added = dict(raw.execute("SELECT contact_id, last_touch FROM contact_snapshots"))
        with raw:
            raw.execute("UPDATE contact_snapshots SET digest = 0, last_touch = NULL")  # every row to be written again
        evaluate(keepwarm_session)  # every row updated
        updated = dict(raw.execute("SELECT contact_id, last_touch FROM contact_snapshots"))
    finally:
        raw.close()
    expected = {
        cid: None
        if first.stats[cid].last_touch is None
        else first.stats[cid].last_touch.astimezone(dt.timezone.utc).strftime("%Y-%m-%d %H:%M:%S.%f")
        for cid in first.contacts
    }
    assert added == updated == expected and any(expected.values())


def test_terms_shared_by_many_contacts_are_written_as_the_json_encoder_writes_each_list():
    encode = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
    shared = HealthTerm("assessment", "Assessment", 10.0, 20.0, "not assessed yet")
    zero, negative_zero = (HealthTerm("warnings", "Open warnings", p, 0.0, "1 open warning: ‘x’") for p in (0.0, -0.0))
    quoted = HealthTerm("recency", "Recency", 1 / 3, 30.0, 'said "hi"')
    lists = [(shared,), (shared, zero), (shared, negative_zero), (), (quoted,), (quoted, shared)]
    texts = conclusions._TermTexts()
    assert [texts(terms) for terms in lists] == [encode([t.to_json() for t in terms]) for terms in lists]
    assert '"points":-0.0' in texts(lists[2]) and '"points":0.0' in texts(lists[1])
