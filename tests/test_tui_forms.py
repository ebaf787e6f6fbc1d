"""The core behind the TUI's forms and tables: per-field problems, filters, sorts, the role map."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from conftest import FIXED_NOW
from keepwarm.model import Contact
from keepwarm.services import forms, queries
from tui_support import build_history, use_test_rules

UTC = ZoneInfo("UTC")


def test_contact_form_reports_each_problem_under_its_field():
    checked = forms.check_contact(
        {
            "name": "  ",
            "emails": "ada@example.com, not-an-address",
            "motivations": "learning, fame",
            "birthday": "02-30",
            "other_dates": "founded 2019",
            "tier": "a",
        }
    )
    assert not checked.ok and checked.value is None
    assert checked.errors["name"] == "a name is needed"
    assert checked.errors["emails"] == "'not-an-address' is not an email address (expected name@example.com)"
    assert checked.errors["motivations"].startswith("'fame' is not a motivation (expected professional_success")
    assert checked.errors["birthday"] == "02-30 is not a day of the year"
    assert checked.errors["other_dates"].startswith("'founded 2019' is not LABEL=DATE")


def test_contact_form_round_trips_a_contact_and_keeps_what_it_does_not_show():
    base = Contact(
        id=7,
        uid="u-1",
        name="Ada Lovelace",
        account="Engines",
        emails=["ada@example.com"],
        addresses=["1 Lane"],
        motivations=["learning"],
        tags=["vip"],
        role="champion",
        dates=[
            {"kind": "birthday", "month": 12, "day": 10},
            {"kind": "custom", "month": 5, "day": 2, "year": 2019, "label": "founded"},
        ],
    )
    values = forms.contact_to_form(base)
    assert (values["birthday"], values["other_dates"], values["motivations"]) == (
        "12-10",
        "founded=2019-05-02",
        "learning",
    )
    values["tags"] = "vip, board"
    checked = forms.check_contact(values, base)
    assert checked.ok
    assert checked.value.tags == ["vip", "board"]
    assert (checked.value.uid, checked.value.addresses) == ("u-1", ["1 Lane"])
    assert [d.as_text() for d in checked.value.dates] == ["--12-10", "2019-05-02"]


def test_log_form_checks_time_mood_and_contacts():
    now = FIXED_NOW
    bad = forms.check_touch({"contact_ids": [], "channel": None, "when": "tomorrow", "sentiment": "lots"}, now, UTC)
    assert set(bad.errors) == {"contacts", "channel", "when", "sentiment"}
    assert bad.errors["when"] == "'tomorrow' is in the future (log what happened)"
    out_of_range = forms.check_touch({"contact_ids": [1], "channel": "call", "sentiment": "3"}, now, UTC)
    assert out_of_range.errors == {"sentiment": "Input should be less than or equal to 2"}
    good = forms.check_touch(
        {
            "contact_ids": [1, 2],
            "channel": "email",
            "when": "yesterday 9:30",
            "responded": "no",
            "notes": "sent the deck",
        },
        now,
        UTC,
    )
    assert good.ok
    assert good.value["at"] == dt.datetime(2026, 11, 21, 9, 30, tzinfo=dt.timezone.utc)
    assert (good.value["contact_ids"], good.value["responded"]) == ([1, 2], False)


def test_snooze_wants_a_later_day():
    today = FIXED_NOW.date()
    assert forms.check_snooze("+1w", today).value == dt.date(2026, 11, 29)
    assert forms.check_snooze("today", today).errors == {
        "until": "2026-11-22 is not after today (expected a future date)"
    }
    assert "is not a date" in forms.check_snooze("someday", today).errors["until"]


def test_contact_rows_filter_and_sort(session):
    build_history(session)
    use_test_rules(session)
    rows = queries.contact_rows(session)
    assert [r["name"] for r in rows][:2] == ["Ada Lovelace", "Alan Turing"]
    ada = rows[0]
    assert (ada["last_touch"], ada["days_since"], ada["band"], ada["warnings"]) == ("2026-10-23", 30, "warm", 0)
    assert [r["name"] for r in queries.filter_rows(rows, search="JOHN")] == ["Katherine Johnson"]
    assert [r["name"] for r in queries.filter_rows(rows, search="vip")] == ["Ada Lovelace"]  # tags count
    assert [r["name"] for r in queries.filter_rows(rows, has_warnings=True)] == ["Charles Babbage"]
    by_touch = [r["name"] for r in queries.sort_rows(rows, "last_touch")]
    assert by_touch[0] == "Grace Hopper" and by_touch[-1] == "Katherine Johnson"  # never touched first
    assert queries.filter_choices(rows)["account"] == ["Analytical Engines", "Difference Co"]
    assert queries.filter_choices(rows)["tag"] == ["navy", "science", "vip"]


def test_stakeholder_map_marks_empty_and_cold_roles(session):
    ids = build_history(session)
    use_test_rules(session)
    accounts = {a["name"]: a for a in queries.account_rows(session)}
    view = queries.account_view(session, accounts["Analytical Engines"]["id"])
    by_role = {entry["role"]: entry for entry in view["map"]}
    assert [p["id"] for p in by_role["champion"]["people"]] == [ids["ada"]]
    assert by_role["champion"]["status"] == "warm"
    assert by_role["executive_sponsor"]["status"] == "cold"
    assert by_role["primary_contact"]["status"] == "empty"
    assert view["roles_cold"] == ["executive_sponsor"]
    assert accounts["Difference Co"]["contacts"] == 3


def test_account_view_from_the_shared_results_matches_the_detail_view(session):
    from keepwarm.services.results import current

    build_history(session)
    use_test_rules(session)
    results = current(session)
    for account in queries.account_rows(session, results):
        fresh = queries.account_view(session, account["id"])
        shared = queries.account_view(session, account["id"], results)
        assert shared == fresh
