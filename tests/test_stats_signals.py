"""Note signals are matched in Python exactly as SQLite's `notes LIKE '%word%' ESCAPE '\\'` matched them.

`engine.stats` reads the recent notes once and looks for each word with
`str.find` in their folded text. These tests hold the counts and latest
matches to SQLite's own `LIKE` (the way they were computed before), note by
note, on notes that mix case, letters beyond ASCII (which `LIKE` does not fold),
LIKE's own metacharacters, NULs, and words that carry all of these.
"""

from __future__ import annotations

import datetime as dt
import sqlite3

import pytest
from sqlalchemy import insert

from keepwarm.engine import stats as statistics
from keepwarm.store import activity
from keepwarm.store import contacts as people
from keepwarm.store.schema import interactions

from conftest import FIXED_NOW

RECENT, BASELINE = 90, 365
SIGNALS = {
    "budget": ["budget", "büdget", "straße", "freeze"],
    "meta": ["100%", "a_b", "back\\slash", "%", "_"],
    "greek": ["σίγμα", "ǆ"],  # ǆ: a letter Python lowers from Ǆ and ǅ, LIKE does not
    "nul": ["x\x00never", "end"],  # SQLite reads the pattern up to the NUL: '%x' (a note ending in x)
    "quiet": ["nowhere to be found"],
}
NOTES = [
    "BUDGET freeze", "Budget", "BÜDGET is not büdget", "Büdget talk", "STRASSE", "Straße", "STRAßE",
    "100% sure", "100 percent", "a_b test", "aXb test", "back\\slash", "backslash", "50%", "under_score",
    "ΣΊΓΜΑ", "σίγμα", "Ǆ and ǅ", "ǆ", "tax", "Ends with end", "end\x00budget", "free\x00ze", "the end\x00",
    "\x00", "no signal here", "İstanbul", "Ünïcödé only",
]


def _like(note: str, word: str) -> bool:
    """SQLite's verdict, with the same pattern the engine once built."""
    escaped = word.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    with sqlite3.connect(":memory:") as conn:
        return bool(conn.execute("SELECT ? LIKE ? ESCAPE '\\'", (note, f"%{escaped}%")).fetchone()[0])


@pytest.fixture
def noted(session):
    """Three contacts whose recent (and older) notes are the ones above, in different orders."""
    ids = []
    with session.store.write() as conn:
        from keepwarm.model import Contact

        for name in ("Ada", "Bob", "Cy", "Dee"):
            ids.append(people.insert_contact(conn, Contact(name=name), FIXED_NOW))
        rows = []
        for k, note in enumerate(NOTES):
            for n, cid in enumerate(ids[:3]):
                at = FIXED_NOW - dt.timedelta(days=1 + (k * 3 + n * 7) % 80, hours=k)
                rows.append(dict(contact_id=cid, at=at.replace(tzinfo=None), channel="call", direction="outbound",
                                 purpose="check_in", notes=note if n != 2 or k % 2 else note.upper(),
                                 outcome="completed", created_at=FIXED_NOW.replace(tzinfo=None)))
            # Outside the recent window: never counted.
            rows.append(dict(contact_id=ids[0], at=(FIXED_NOW - dt.timedelta(days=200)).replace(tzinfo=None),
                             channel="call", direction="outbound", purpose="check_in", notes=note,
                             outcome="completed", created_at=FIXED_NOW.replace(tzinfo=None)))
        conn.execute(insert(interactions), rows)
    return session, ids


def _expected(items, now):
    recent = [i for i in items if i.at >= now - dt.timedelta(days=RECENT) and i.notes != ""]
    counts, last = {}, {}
    for name, words in SIGNALS.items():
        hits = [i for i in recent if any(_like(i.notes, w) for w in words)]
        counts[name] = len(hits)
        if hits:
            last[name] = max(i.at for i in hits)
    return counts, last


def _bulk(session, ids=None):
    with session.store.read() as conn:
        return statistics.compute(conn, FIXED_NOW, FIXED_NOW.date(), recent_days=RECENT, baseline_days=BASELINE,
                                  signals=SIGNALS, contact_ids=ids)


def test_signals_equal_sqlites_like_note_by_note(noted):
    session, ids = noted
    bulk = _bulk(session)
    with session.store.read() as conn:
        histories = {cid: activity.list_interactions(conn, cid) for cid in ids}
    for cid in ids[:3]:
        counts, last = _expected(histories[cid], FIXED_NOW)
        assert bulk[cid].note_signals == counts, cid
        assert bulk[cid].note_signal_last == last, cid
    # The cases that tell ASCII-only folding, metacharacters and NULs apart were there to be told apart.
    assert not _like("BÜDGET", "büdget") and _like("Büdget", "büdget") and not _like("STRASSE", "straße")
    assert _like("100% sure", "100%") and not _like("100 percent", "100%") and not _like("aXb test", "a_b")
    assert not _like("free\x00ze", "freeze") and not _like("end\x00budget", "budget") and _like("tax", "x\x00never")
    assert not _like("Ǆ and ǅ", "ǆ") and _like("ǆ", "ǆ")
    first = bulk[ids[0]].note_signals
    assert 0 < first["budget"] < len(NOTES) and 0 < first["meta"] and 0 < first["nul"] and first["quiet"] == 0
    assert bulk[ids[3]].note_signals == dict.fromkeys(SIGNALS, 0) or bulk[ids[3]].note_signals == {}


def test_a_subset_gets_the_signals_of_the_whole_run(noted):
    session, ids = noted
    everyone = _bulk(session)
    for some in ([ids[1]], [ids[2], ids[0]], []):
        part = _bulk(session, some)
        assert sorted(part) == sorted(some)
        for cid in some:
            assert part[cid] == everyone[cid]


def test_words_with_metacharacters_match_only_literally(noted):
    session, ids = noted
    only = {"pct": ["%"], "under": ["_"], "slash": ["\\"]}
    with session.store.read() as conn:
        got = statistics.compute(conn, FIXED_NOW, FIXED_NOW.date(), recent_days=RECENT, baseline_days=BASELINE,
                                 signals=only, contact_ids=[ids[0]])[ids[0]].note_signals
    assert got == {"pct": sum("%" in n.split("\x00")[0] for n in NOTES),
                   "under": sum("_" in n.split("\x00")[0] for n in NOTES),
                   "slash": sum("\\" in n.split("\x00")[0] for n in NOTES)}
    assert got["pct"] == 2 and got["under"] == 2 and got["slash"] == 1
