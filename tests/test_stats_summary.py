"""The all-time figures kept by triggers in `contact_totals` stay equal to the history after every kind of write.

`engine.stats` reads first/last touches and totals from `contact_totals`,
which SQLite triggers maintain (migration 0004). Each test changes the history
the way a writer does (logging, a CSV import updating touches, SQL updates and
deletes, deleting a contact, restoring a backup) and checks that the bulk
figures of every contact still equal a plain computation from its own
interactions, and that the change did move the figure it should have.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from contextlib import closing
from pathlib import Path

from sqlalchemy import delete, select, update

from keepwarm.services import devdata
from keepwarm.engine import stats as statistics
from keepwarm.model import Channel, Direction, Interaction, Outcome, Purpose
from keepwarm.home.session import Session
from keepwarm.store import activity
from keepwarm.store import contacts as people
from keepwarm.store.schema import contact_totals, interactions

from conftest import FIXED_NOW
from test_stats_bulk import BASELINE, MEANS, RECENT, SIGNALS, expected

FIXTURES = Path(__file__).parent / "fixtures_io"


def bulk(store, ids=None):
    with store.read() as conn:
        return statistics.compute(conn, FIXED_NOW, FIXED_NOW.date(), recent_days=RECENT, baseline_days=BASELINE,
                                  signals=SIGNALS, contact_ids=ids)


def assert_matches_history(store) -> dict:
    """Every contact's bulk figures equal a computation from its interactions; returns the bulk stats."""
    with store.read() as conn:
        histories = {c.id: activity.list_interactions(conn, c.id) for c in people.list_contacts(conn)}
        kept = {r.contact_id for r in conn.execute(select(contact_totals.c.contact_id))}
    stats = bulk(store)
    assert set(stats) == set(histories)
    for cid, items in histories.items():
        if not items:
            continue
        want = expected(items, FIXED_NOW, SIGNALS)
        got = {name: getattr(stats[cid], name) for name in want}
        for name in MEANS:
            if want[name] is not None and got[name] is not None and abs(got[name] - want[name]) <= 0.0015:
                got[name] = want[name]
        assert got == want, cid
    # A row exactly for the contacts with a completed touch: none left behind by deletes or updates.
    completed = {cid for cid, items in histories.items() if any(i.outcome == Outcome.COMPLETED for i in items)}
    assert kept == completed
    return stats


def touch(cid: int, at: dt.datetime, **values) -> Interaction:
    base = dict(channel=Channel.CALL, direction=Direction.OUTBOUND, purpose=Purpose.CHECK_IN)
    return Interaction(contact_id=cid, at=at, **(base | values))


def test_generated_history_then_logged_touches(session):
    devdata.generate(session, contacts=25, interactions_per_contact=30, seed=11)
    before = assert_matches_history(session.store)[4]
    later = FIXED_NOW - dt.timedelta(hours=1)
    with session.store.write() as conn:
        activity.insert_interactions(conn, [
            touch(4, later, channel=Channel.MEETING, direction=Direction.INBOUND),
            touch(4, dt.datetime(2001, 1, 1, tzinfo=dt.timezone.utc), purpose=Purpose.FAVOR_ASKED),
            touch(4, later, outcome=Outcome.CANCELLED, channel=Channel.EMAIL),
        ], FIXED_NOW)
    after = assert_matches_history(session.store)[4]
    assert after.last_meeting == after.last_touch == after.last_inbound == later
    assert after.first_touch == dt.datetime(2001, 1, 1, tzinfo=dt.timezone.utc) != before.first_touch
    assert after.touches_total == before.touches_total + 2  # the cancelled one is no touch
    assert after.favors_asked_total == before.favors_asked_total + 1


def test_updates_of_dates_kinds_outcomes_and_owner(session):
    devdata.generate(session, contacts=12, interactions_per_contact=20, seed=3)
    with session.store.read() as conn:
        latest = conn.execute(
            select(interactions).where(interactions.c.contact_id == 2, interactions.c.outcome == "completed")
            .order_by(interactions.c.at.desc()).limit(1)
        ).one()
    before = bulk(session.store)
    with session.store.write() as conn:
        # The latest touch did not take place after all: the last touch falls back to the one before.
        conn.execute(update(interactions).where(interactions.c.id == latest.id).values(outcome="no_show"))
    after = assert_matches_history(session.store)[2]
    assert after.last_touch < before[2].last_touch
    assert after.touches_total == before[2].touches_total - 1
    with session.store.write() as conn:
        # Back as a meeting, moved into the future's past, then handed to contact 5.
        conn.execute(update(interactions).where(interactions.c.id == latest.id).values(
            outcome="completed", channel="meeting", at=dt.datetime(2026, 11, 21, 8, 0)))
    assert assert_matches_history(session.store)[2].last_meeting == dt.datetime(2026, 11, 21, 8, tzinfo=dt.timezone.utc)
    with session.store.write() as conn:
        conn.execute(update(interactions).where(interactions.c.id == latest.id).values(contact_id=5))
    moved = assert_matches_history(session.store)
    assert moved[5].last_meeting == dt.datetime(2026, 11, 21, 8, tzinfo=dt.timezone.utc)
    assert moved[5].touches_total == before[5].touches_total + 1
    assert moved[2].touches_total == before[2].touches_total - 1
    with session.store.write() as conn:  # notes alone change nothing the totals hold
        conn.execute(update(interactions).where(interactions.c.contact_id == 3).values(notes="budget freeze"))
    assert assert_matches_history(session.store)[3].note_signals["budget"] > 0


def test_deleting_touches_and_contacts(session):
    devdata.generate(session, contacts=10, interactions_per_contact=15, seed=8)
    before = bulk(session.store)
    with session.store.write() as conn:
        newest = conn.execute(
            select(interactions.c.id).where(interactions.c.contact_id == 6, interactions.c.outcome == "completed")
            .order_by(interactions.c.at.desc()).limit(1)
        ).scalar_one()
        conn.execute(delete(interactions).where(interactions.c.id == newest))
    after = assert_matches_history(session.store)
    assert after[6].last_touch < before[6].last_touch
    with session.store.write() as conn:
        people.delete_contact(conn, 7)  # its history goes by cascade, and so does its row of totals
        conn.execute(delete(interactions).where(interactions.c.contact_id == 8))
    after = assert_matches_history(session.store)
    assert 7 not in after and after[8].touches_total == 0 and after[8].last_touch is None
    assert after[9] == before[9]


def test_a_csv_import_that_updates_touches(run, home, tmp_path):
    assert run("import", "csv", str(FIXTURES / "google_contacts.csv")).exit_code == 0
    assert run("import", "interactions", str(FIXTURES / "interactions_history.csv")).exit_code == 0
    with closing(Session(now=FIXED_NOW)) as session:
        lucia = next(c.id for c in people_list(session) if c.name.startswith("Luc"))
        first = assert_matches_history(session.store)[lucia]
    assert first.last_meeting is None  # the site visit was cancelled
    fixed = tmp_path / "fixed.csv"
    fixed.write_text(
        (FIXTURES / "interactions_history.csv").read_text(encoding="utf-8")
        .replace("business,cancelled,,,,She cancelled", "business,completed,,,,She kept")
        .replace("check-in,completed,1", "check-in,no_show,1"),
        encoding="utf-8",
    )
    report = run("import", "interactions", str(fixed), "--json")
    assert report.exit_code == 0, report.stderr
    assert report.json()["counts"]["updated"] == 2
    with closing(Session(now=FIXED_NOW)) as session:
        second = assert_matches_history(session.store)[lucia]
    assert second.last_meeting == second.first_touch == dt.datetime(2026, 10, 2, 9, tzinfo=dt.timezone.utc)
    assert second.touches_total == first.touches_total


def people_list(session):
    with session.store.read() as conn:
        return people.list_contacts(conn)


def test_restore_rebuilds_the_totals_and_the_backup_leaves_them_out(run, home, tmp_path, monkeypatch):
    with closing(Session(now=FIXED_NOW)) as session:
        devdata.generate(session, contacts=15, interactions_per_contact=20, seed=2)
        original = assert_matches_history(session.store)
    dump = tmp_path / "dump.json"
    assert run("export", "json", "-o", str(dump)).exit_code == 0
    data = json.loads(dump.read_text(encoding="utf-8"))
    assert "contact_totals" not in data and "contact_totals" not in dump.read_text(encoding="utf-8")
    monkeypatch.setenv("KEEPWARM_HOME", str(tmp_path / "elsewhere"))
    restored = run("restore", str(dump))
    assert restored.exit_code == 0, restored.stderr
    with closing(Session(now=FIXED_NOW)) as session:
        again = assert_matches_history(session.store)
        db = session.store.path
    assert again == original
    conn = sqlite3.connect(db)
    try:
        assert conn.execute("SELECT count(*) FROM contact_totals").fetchone()[0] > 10
    finally:
        conn.close()
