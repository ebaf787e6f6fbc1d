"""The example data set: what it holds, how `keepwarm demo` loads it and moves it to today,
and that every built-in warning and suggestion shows up for someone."""

from __future__ import annotations

import datetime as dt
import importlib.util
import json
from collections import Counter
from pathlib import Path

import pytest

from keepwarm.home import paths
from keepwarm.services import operations
from keepwarm.errors import UserError
from keepwarm.io import demo
from keepwarm.io.backup import dumps
from keepwarm.model import Role, SocialStyle
from keepwarm.home.session import Session

from conftest import FIXED_NOW

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"

WARNING_KEYS = {
    "frequency_drop", "reply_slowdown", "access_restriction", "sentiment_shift", "stakeholder_change",
    "market_signals", "push_away", "overdue_promises", "one_way", "single_threaded", "untouched_stakeholder",
}
SUGGESTION_KEYS = {
    "useful_content", "introduction", "offer_review", "small_favor", "no_reply_note", "celebrate", "entertain",
    "reflect_back", "recovery_plan", "referral", "meet_stakeholders", "keep_promise",
}


@pytest.fixture(scope="module")
def data() -> dict:
    return json.loads(demo.demo_path().read_text(encoding="utf-8"))


def test_demo_json_is_what_build_demo_writes():
    spec = importlib.util.spec_from_file_location("build_demo", EXAMPLES / "build_demo.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert dumps(module.build()) == (EXAMPLES / "demo.json").read_text(encoding="utf-8")
    assert demo.demo_path() == EXAMPLES / "demo.json"


def test_the_data_set_is_big_and_varied_enough(data):
    assert data["anchor"] == "2026-11-22"
    people = data["contacts"]
    assert len(people) >= 40
    assert len({p["account"] for p in people if p["account"]}) >= 6
    assert {r.value for r in Role} <= {p["role"] for p in people}
    assert {s.value for s in SocialStyle} <= {p["style"] for p in people}
    touches = data["interactions"]
    assert len(touches) >= 400
    moments = sorted(dt.datetime.fromisoformat(t["at"]) for t in touches)
    assert (moments[-1] - moments[0]).days >= 540  # eighteen months
    anchor = dt.date.fromisoformat(data["anchor"])
    promises = data["promises"]
    overdue_mine = [p for p in promises if p["by"] == "me" and p["status"] == "open" and p["due"] < data["anchor"]]
    assert overdue_mine and [p for p in promises if p["by"] == "them"]
    assert any(p["status"] == "done" for p in promises)
    per_contact = Counter(a["contact_id"] for a in data["assessments"])
    assert sum(1 for n in per_contact.values() if n >= 3) >= 2  # trends, not single points
    assert all(dt.date.fromisoformat(a["on"]) <= anchor for a in data["assessments"])


def test_demo_loads_into_its_own_database(run, home):
    result = run("demo")
    target = paths.data_dir() / "demo.db"
    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines() == [
        f"Loaded the example data into {target}: 44 contacts, 8 accounts, "
        f"{len(json.loads(demo.demo_path().read_text())['interactions'])} interactions, 11 promises, "
        "2 follow-ups, 20 assessments, 6 notes, 0 rule files.",
        f"Open it with: keepwarm --db {target}",
    ]
    assert not (paths.data_dir() / "keepwarm.db").exists()  # the everyday database is left alone
    listed = run("--db", str(target), "contact", "list", "--json").json()
    assert len(listed) == 44

    again = run("demo")
    assert (again.exit_code, again.stderr) == (
        2, f"keepwarm: {target}: holds data already; use --force to replace it with a fresh copy of the example data\n")
    assert run("--db", str(target), "contact", "add", "Someone New").exit_code == 0
    forced = run("demo", "--force", "--json")
    assert forced.exit_code == 0
    assert forced.json()["loaded"]["contacts"] == 44
    assert len(run("--db", str(target), "contact", "list", "--json").json()) == 44


def test_demo_into_the_current_database_only_when_empty(run):
    loaded = run("demo", "--into-current")
    assert loaded.exit_code == 0
    assert "Open it with" not in loaded.stdout
    assert len(run("contact", "list", "--json").json()) == 44
    again = run("demo", "--into-current")
    assert again.exit_code == 2
    assert "is not empty (44 contacts, 8 accounts" in again.stderr


def test_the_tui_loader_is_load_demo(session):
    assert operations.example_loader() is demo.load_demo
    operations.load_example(session)
    with session.store.read() as conn:
        from keepwarm.io.backup import table_counts

        assert table_counts(conn)["contacts"] == 44
    with pytest.raises(UserError, match="is not empty"):
        operations.load_example(session)


def test_dates_move_with_today(home, monkeypatch):
    later = dt.datetime(2027, 3, 10, 8, 0, tzinfo=dt.timezone.utc)
    monkeypatch.setenv("KEEPWARM_NOW", later.isoformat())
    session = Session(now=later)
    try:
        demo.load_demo(session.store, session.today, session.now)
        with session.store.read() as conn:
            from keepwarm.store import activity
            from keepwarm.store import contacts as people

            touches = activity.list_interactions(conn)
            diego = people.get_contact(conn, people.resolve_contact(conn, "Diego Ferreira"))
            rosa = people.resolve_contact(conn, "Rosa Delgado")
            promise = activity.list_commitments(conn, rosa, status="open")[0]
            hannah = people.resolve_contact(conn, "Hannah Brooks")
            met = activity.list_interactions(conn, hannah, limit=1)[0]
    finally:
        session.close()
    assert touches[0].at.date() == later.date() - dt.timedelta(days=1)
    assert diego.birthday().next_occurrence(later.date()) == later.date() + dt.timedelta(days=5)
    # The birthday coming up is still his 42nd (born 1984, five days after the anchor).
    assert later.year - diego.birthday().year == 42
    assert promise.due == later.date() - dt.timedelta(days=9)
    assert (met.channel.value, met.at.date()) == ("meeting", later.date() - dt.timedelta(days=1))


def test_shift_keeps_leap_days_valid():
    from keepwarm.model import ImportantDate

    leap = ImportantDate(kind="birthday", month=2, day=29, year=1988)
    moved = demo.shift_date(leap, dt.date(2026, 2, 27), 1)
    assert (moved.month, moved.day, moved.year) == (3, 1, 1988)
    noyear = ImportantDate(kind="birthday", month=12, day=30)
    moved = demo.shift_date(noyear, dt.date(2026, 12, 1), 10)
    assert (moved.month, moved.day, moved.year) == (1, 9, None)


def test_every_built_in_warning_and_suggestion_shows_up_for_someone(run, session):
    from keepwarm.engine.evaluate import evaluate

    assert session.now == FIXED_NOW
    demo.load_demo(session.store, session.today, session.now)
    evaluation = evaluate(session, persist=False)
    assert evaluation.problems == []
    warnings: dict[str, set[str]] = {}
    suggestions: dict[str, set[str]] = {}
    for cid, contact in evaluation.contacts.items():
        for warning in evaluation.warnings.get(cid, []):
            warnings.setdefault(warning.key, set()).add(contact.name)
        for suggestion in evaluation.suggestions(cid):
            suggestions.setdefault(suggestion.key, set()).add(contact.name)
    assert WARNING_KEYS <= set(warnings), WARNING_KEYS - set(warnings)
    assert SUGGESTION_KEYS <= set(suggestions), SUGGESTION_KEYS - set(suggestions)
    # The people examples/README.md names for each rule.
    named = {
        "frequency_drop": "Robert Lang", "reply_slowdown": "Julia Santos", "access_restriction": "Nadia Petrova",
        "sentiment_shift": "Gregory Vance", "stakeholder_change": "Maya Lindqvist", "market_signals": "Helen Achebe",
        "push_away": "Colin Murphy", "overdue_promises": "Rosa Delgado", "one_way": "Noah Fischer",
        "single_threaded": "Oliver Grant", "untouched_stakeholder": "Catherine Wu",
    }
    for key, name in named.items():
        assert name in warnings[key], (key, name)
    named = {
        "introduction": "Priya Raman", "celebrate": "Diego Ferreira", "entertain": "Emma Novak",
        "reflect_back": "Hannah Brooks", "recovery_plan": "Gregory Vance", "referral": "Chloé Martin",
        "meet_stakeholders": "Oliver Grant", "keep_promise": "Victor Alvarez", "small_favor": "Noah Fischer",
        "no_reply_note": "Julia Santos", "offer_review": "Lena Hoffmann", "useful_content": "Lena Hoffmann",
    }
    for key, name in named.items():
        assert name in suggestions[key], (key, name)
    # And the CLI's contact view shows them too.
    shown = run("contact", "show", "Hannah Brooks", "--json").json()
    assert "reflect_back" in {s["key"] for s in shown["suggestions"]}


def test_every_cadence_rule_proposes_for_someone(session):
    from keepwarm.engine.evaluate import evaluate

    demo.load_demo(session.store, session.today, session.now)
    evaluation = evaluate(session, persist=False)
    sources = {source for items in evaluation.proposals.values() for source, _ in items}
    assert {"cadence_interval", "cadence_prospect", "cadence_occasions", "cadence_recovery", "cadence_promises"} <= sources


def test_loaded_on_its_anchor_day_the_demo_exports_as_it_is_written(run, data):
    assert run("demo", "--into-current").exit_code == 0
    exported = json.loads(run("export", "json").stdout)
    assert exported == {key: value for key, value in data.items() if key != "anchor"}
