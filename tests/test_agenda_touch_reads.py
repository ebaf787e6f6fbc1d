"""What the agenda after one touch reads again, and what it keeps (issue 19: under 100 ms in-process).

After a touch, a long-lived process (the app) evaluates the contact and their
account again and reads the agenda's rows: every open follow-up of the window
with its contact and stored health. The rows are made in one pass with each due
day's lateness worked out once, and the daily plan weighs the backlog in one heap. The result is the
same as before: the rows equal those a fresh process reads, planned alike.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from keepwarm.engine.agenda import AgendaItem, build_agenda
from keepwarm.home.session import Session
from keepwarm.plan import daily
from keepwarm.services import actions, devdata
from keepwarm.store import followups, schema, snapshots
from keepwarm.store.rows import plain_rows


def test_an_agenda_item_has_no_dict_of_its_own(session):
    """Some 5,000 rows at 10,000 contacts: each made with slots, not a dict per item."""
    devdata.generate(session, contacts=20, interactions_per_contact=6, seed=2)
    item = build_agenda(session, advice=False).items[0]
    assert isinstance(item, AgendaItem)
    assert not hasattr(item, "__dict__")


def test_after_a_touch_the_rows_equal_a_fresh_processs(session):
    """The touched contact's rows move; every row, planned, is as a new process reads it from the store."""
    devdata.generate(session, contacts=40, interactions_per_contact=8, seed=5)
    build_agenda(session, advice=False)
    first = session.store.path
    with session.store.write() as conn:
        cid = conn.exec_driver_sql("SELECT id FROM contacts WHERE account_id IS NOT NULL ORDER BY id LIMIT 1").scalar()
        actions.log_interactions(conn, [cid], session.now, at=session.now - dt.timedelta(minutes=5), channel="call")
    after = build_agenda(session, advice=False)
    assert after.evaluation is not None and cid in after.evaluation.contacts  # the touch was evaluated again
    assert len(after.evaluation.contacts) < 40  # and not the whole book
    other = Session(first, now=session.now)
    try:
        with other.store.read() as conn:
            stored = snapshots.stored_agenda(conn, other.today)
            assert stored is not None
            planned = daily.planned(stored, other.settings.agenda.capacity)
            expected = planned.to_json(conn)["items"]
    finally:
        other.close()
    assert [item.to_json(advice=False) for item in after.items] == expected


def test_a_rows_follow_up_reads_as_its_json(session):
    """Times of day and stamps are worked out once per distinct text; a row a plugin poisoned still reads."""
    devdata.generate(session, contacts=5, interactions_per_contact=3, seed=1)
    build_agenda(session, advice=False)
    with session.store.write() as conn:
        first, last = conn.exec_driver_sql("SELECT min(id), max(id) FROM followups").one()
        assert first != last
        conn.exec_driver_sql(f"UPDATE followups SET due_time = '09:30:00', reason = '   ' WHERE id = {first}")
        conn.exec_driver_sql(f"UPDATE followups SET due_time = '09:30:00' WHERE id = {last}")
    query = select(*followups.columns()).where(schema.followups.c.id.in_([first, last])).order_by(schema.followups.c.id)
    with session.store.read() as conn:
        as_json = followups.AsJson()
        made = [as_json(row) for row in plain_rows(conn, query)]
        expected = [followups.get_followup(conn, fid).model_dump(mode="json") for fid in (first, last)]
    assert made == expected
    assert made[0]["reason"] == followups.NO_REASON
    assert made[0]["due_time"] == made[1]["due_time"] == "09:30:00"
