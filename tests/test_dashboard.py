"""The relationship KPIs from a known history at the fixed clock (Sunday 2026-11-22)."""

from __future__ import annotations

from tui_support import build_history, use_test_rules

from keepwarm.services import dashboard
from keepwarm.engine.evaluate import evaluate


def _kpis(session):
    build_history(session)
    use_test_rules(session)
    evaluate(session)  # store the follow-ups the rules propose, as the agenda does
    return dashboard.kpis(session)


def test_touches_against_the_plan_of_a_30_day_rhythm(session):
    data = _kpis(session)
    assert (data["week"], data["month"]) == (
        {"start": "2026-11-16", "end": "2026-11-22"}, {"start": "2026-11-01", "end": "2026-11-30"})
    overall = data["overall"]
    # Katherine's two emails on the 16th and 17th; her call on the 3rd makes three this month.
    # Five contacts are in play (Alan is former and asked for no contact): 5 x 7/30 and 5 x 30/30.
    assert overall["touches_week"] == {"done": 2, "plan": 1.2, "plan_to_date": 1.2, "ratio": 1.714}
    assert overall["touches_month"] == {"done": 3, "plan": 5.0, "plan_to_date": 3.7, "ratio": 0.818}


def test_key_stakeholders_overdue_items_and_inbound_share(session):
    overall = _kpis(session)["overall"]
    # Ada (tier A, champion), Charles (tier A) and Mary (financial approver) are key; Charles is 82 days quiet.
    assert overall["key_on_cadence"]["key"] == 3
    assert overall["key_on_cadence"]["on_cadence"] == 2
    assert overall["key_on_cadence"]["behind"] == [{"id": 2, "name": "Charles Babbage"}]
    assert overall["overdue_followups"] == 1  # Charles's, due 2026-10-01
    assert overall["overdue_promises"] == {"mine": 1, "theirs": 0}  # the benchmark report due 2026-11-20
    # Last 90 days: 7 touches, 3 inbound, of which Katherine's business email does not count as unprompted.
    assert overall["inbound"] == {"window_days": 90, "touches": 7, "inbound": 3, "unprompted": 2,
                                  "share": 0.429, "unprompted_share": 0.286}


def test_health_distribution_matches_the_engine(session):
    data = _kpis(session)
    evaluation = evaluate(session, persist=False)
    bands = [h.band for h in evaluation.health.values()]
    health = data["overall"]["health"]
    assert {b: health[b] for b in ("warm", "cooling", "cold")} == {b: bands.count(b) for b in ("warm", "cooling", "cold")}
    assert sum(health[b] for b in ("warm", "cooling", "cold")) == 6
    assert evaluation.health[1].band == "warm" and evaluation.health[2].band == "cold"
    scores = [h.score for h in evaluation.health.values()]
    assert health["mean"] == round(sum(scores) / len(scores), 1)


def test_monthly_trend_of_touches_inbound_and_assessments(session):
    trend = _kpis(session)["overall"]["trend"]
    assert [m["month"] for m in trend] == ["2026-06", "2026-07", "2026-08", "2026-09", "2026-10", "2026-11"]
    assert [m["touches"] for m in trend] == [1, 1, 1, 2, 2, 3]
    assert [m["inbound"] for m in trend] == [0, 0, 0, 1, 0, 2]
    assert [m["unprompted"] for m in trend] == [0, 0, 0, 1, 0, 1]
    # Latest assessment mean per contact as of each month's end: Ada alone, then Ada and Charles.
    assert [m["mean_assessment"] for m in trend] == [3.17, 3.17, 3.83, 3.0, 3.33, 3.33]
    # Health is only known for now, so only the current month carries it.
    assert [m["mean_health"] is None for m in trend] == [True] * 5 + [False]


def test_several_owners_get_their_own_view_that_adds_up(session):
    data = _kpis(session)
    assert data["owners"] == ["me", "sam"]
    me, sam = data["by_owner"]["me"], data["by_owner"]["sam"]
    assert (me["contacts"], sam["contacts"]) == (2, 4)
    assert me["touches_week"]["done"] == 0 and sam["touches_week"]["done"] == 2
    assert me["key_on_cadence"]["share"] == 0.5 and sam["key_on_cadence"]["share"] == 1.0
    assert me["overdue_followups"] == 1 and sam["overdue_followups"] == 0
    for key in ("touches_week", "touches_month"):
        assert me[key]["done"] + sam[key]["done"] == data["overall"][key]["done"]
    for month in range(6):
        assert (me["trend"][month]["touches"] + sam["trend"][month]["touches"]
                == data["overall"]["trend"][month]["touches"])


def test_one_owner_means_no_per_owner_views(session):
    build_history(session)
    use_test_rules(session)
    from keepwarm.store import contacts as people

    with session.store.write() as conn:
        for contact in people.list_contacts(conn):
            people.update_contact(conn, contact.id, contact.model_copy(update={"owner": "me"}), session.now)
    data = dashboard.kpis(session)
    assert data["owners"] == ["me"] and "by_owner" not in data


def test_cli_prints_the_same_numbers(session, run):
    build_history(session)
    session.close()
    as_json = run("dashboard", "--json")
    assert as_json.exit_code == 0
    overall = as_json.json()["overall"]
    # These numbers do not depend on which cadence rules are installed.
    assert overall["touches_week"]["done"] == 2
    assert overall["overdue_promises"] == {"mine": 1, "theirs": 0}
    assert [m["touches"] for m in overall["trend"]] == [1, 1, 1, 2, 2, 3]
    assert set(as_json.json()["by_owner"]) == {"me", "sam"}
    text = run("dashboard")
    assert text.exit_code == 0
    assert "Touches this week" in text.stdout and "2 of " in text.stdout
    assert "Overdue promises            mine 1, theirs 0" in text.stdout
    assert "Owner: sam (4 contacts)" in text.stdout
