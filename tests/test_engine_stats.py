"""The bulk statistics, checked against a concrete history at the fixed clock."""

from __future__ import annotations

import datetime as dt

from keepwarm.services import actions
from keepwarm.engine import stats as statistics
from keepwarm.model import Assessment, Commitment, Contact
from keepwarm.store import activity
from keepwarm.store import contacts as people

from conftest import FIXED_NOW

UTC = dt.timezone.utc


def at(day: str, hour: int = 10) -> dt.datetime:
    return dt.datetime.fromisoformat(day).replace(hour=hour, tzinfo=UTC)


def _history(session):
    with session.store.write() as conn:
        ada = people.insert_contact(conn, Contact(name="Ada Lovelace"), FIXED_NOW)
        bob = people.insert_contact(conn, Contact(name="Bob Quiet"), FIXED_NOW)
        log = lambda **kw: actions.log_interactions(conn, [ada], FIXED_NOW, **kw)  # noqa: E731
        # Baseline window (before 2026-08-24): four touches, one inbound.
        log(at=at("2026-03-02"), channel="call", direction="outbound", responded=True, response_hours=2, sentiment=2)
        log(at=at("2026-04-02"), channel="email", direction="outbound", responded=True, response_hours=4, sentiment=1)
        log(at=at("2026-05-02"), channel="meeting", direction="inbound", sentiment=2, notes="Asked about our RFP")
        log(at=at("2026-06-02"), channel="call", direction="outbound", outcome="declined")
        # Recent window: two touches, one without a reply, one mentioning a competitor.
        log(at=at("2026-10-01"), channel="email", direction="outbound", responded=False, sentiment=-1,
            notes="They are talking to a Competitor now")
        log(at=at("2026-11-20"), channel="meeting", direction="outbound", purpose="value_article", sentiment=0,
            responded=True, response_hours=30)
        activity.insert_commitment(conn, Commitment(contact_id=ada, text="send deck", due=dt.date(2026, 11, 1)), FIXED_NOW)
        activity.insert_commitment(conn, Commitment(contact_id=ada, text="intro", by="them"), FIXED_NOW)
        for on, trust in (("2026-06-01", 3), ("2026-10-01", 4), ("2026-11-01", 5)):
            activity.insert_assessment(conn, Assessment(contact_id=ada, on=dt.date.fromisoformat(on), trust=trust,
                                                        communication=3, sharing=3, advocacy=3, conflict=3,
                                                        commitment=3), FIXED_NOW)
    return ada, bob


def test_grouped_statistics_match_the_history(session):
    ada, bob = _history(session)
    with session.store.read() as conn:
        result = statistics.compute(conn, FIXED_NOW, FIXED_NOW.date(), recent_days=90, baseline_days=365,
                                    signals={"competitor": ["competitor", "rfp"], "budget": ["budget"]})
    s = result[ada]
    assert s.touches_total == 5  # the declined meeting did not take place
    assert (s.touches_recent, s.touches_baseline) == (2, 3)
    assert s.last_touch == at("2026-11-20")
    assert s.first_touch == at("2026-03-02")
    assert s.last_inbound == at("2026-05-02")
    assert s.last_meeting == at("2026-11-20")
    assert s.last_written_outbound == at("2026-10-01")
    assert s.last_value_add == at("2026-11-20")
    assert (s.inbound_total, s.outbound_total) == (1, 4)
    assert (s.asked_recent, s.replied_recent) == (2, 1)
    assert (s.asked_baseline, s.replied_baseline) == (2, 2)
    assert s.latency_recent_hours == 30 and s.latency_baseline_hours == 3
    assert s.sentiment_recent == -0.5 and s.sentiment_baseline == round(5 / 3, 3)
    assert (s.access_problems_recent, s.access_problems_baseline) == (0, 1)
    assert s.note_signals == {"budget": 0, "competitor": 1}  # the RFP note is older than the window
    assert s.note_signal_last["competitor"] == at("2026-10-01")
    assert (s.open_promises_mine, s.overdue_promises_mine, s.oldest_overdue_promise) == (1, 1, dt.date(2026, 11, 1))
    assert s.open_promises_theirs == 1
    assert s.latest_assessment.trust == 5 and s.previous_assessment.trust == 4
    assert round(s.rate_recent(), 3) == round(2 * 30 / 90, 3)
    # Untouched contacts get empty statistics, not a missing entry.
    assert result[bob].touches_total == 0 and result[bob].last_touch is None


def test_restricting_to_some_contacts_computes_only_those(session):
    ada, bob = _history(session)
    with session.store.read() as conn:
        only = statistics.compute(conn, FIXED_NOW, FIXED_NOW.date(), recent_days=90, baseline_days=365,
                                  contact_ids=[bob])
    assert set(only) == {bob}
