"""The manager's view (issue 21) from a concrete history at the fixed clock (Sunday 2026-11-22), on both stores.

Two people own contacts (Ana Ruiz, Ben Okafor) and one contact has no owner; Northwind is Ana's, Globex is
shared by both. Every contact keeps a 30-day rhythm (the hand-made Rhythm rule of tui_support), so the plan
is known: 7/30 of a touch a week per contact in play. Health is what the engine's runs concluded, on two
past days and today: the expected means are taken from those runs, not written down by hand.
"""

from __future__ import annotations

import datetime as dt
import shutil

import pytest

from conftest import FIXED_NOW
from keepwarm.engine.evaluate import evaluate
from keepwarm.engine.health import Health, account_health
from keepwarm.errors import UserError
from keepwarm.home import paths
from keepwarm.home.session import Session
from keepwarm.hosting.host import PluginHost
from keepwarm.hosting.runtime import build_runtime
from keepwarm.model import Account, Commitment, Contact, FollowUp
from keepwarm.services import actions, review, team, team_text
from keepwarm.services import people as team_people
from keepwarm.services.results import current
from keepwarm.store import activity, followups
from keepwarm.store import contacts as people
from tui_support import Rhythm, Silence

UTC = dt.timezone.utc
PAST_RUNS = ("2026-10-20", "2026-11-10")  # weeks of 19 Oct (four weeks before this one) and of 9 Nov


def _at(day: str, hour: int = 10) -> dt.datetime:
    return dt.datetime.fromisoformat(day).replace(hour=hour, tzinfo=UTC)


def _with_rules(session: Session, folder) -> Session:
    """The hand-made Rhythm (30 days) and Silence rules alone, as tui_support.use_test_rules gives them."""
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copy(paths.default_rules_dir() / "engine.toml", folder / "engine.toml")
    host = PluginHost(eps=[], plugins_dir=None).load()
    host.register_for_test(Rhythm(), "rhythm")
    host.register_for_test(Silence(), "silence")
    session.__dict__["runtime"] = build_runtime(host=host, default_rules=folder)
    return session


def _build(session: Session) -> dict[str, int]:
    now = FIXED_NOW
    ids: dict[str, int] = {}
    with session.store.write() as conn:
        people.insert_account(conn, Account(name="Northwind"), now)
        people.insert_account(conn, Account(name="Globex"), now)

        def add(key: str, name: str, **fields) -> None:
            ids[key] = people.insert_contact(conn, Contact(name=name, **fields), now)

        add("paula", "Paula Reyes", account="Northwind", role="champion", tier="a", owner="Ana Ruiz")
        add("victor", "Victor Hale", account="Northwind", role="executive_sponsor", owner="Ana Ruiz")
        add("fiona", "Fiona Marsh", account="Globex", role="financial_approver", owner="Ana Ruiz")
        add("greg", "Greg *Stone*", account="Globex", role="champion", tier="a", owner="Ben Okafor")
        add("hana", "Hana Ito", account="Globex", role="end_user", tier="c", owner="Ben Okafor")
        add("ivan", "Ivan Petrov")  # nobody's

        def log(who: str, day: str, **fields) -> None:
            fields.setdefault("channel", "call")
            actions.log_interactions(conn, [ids[who]], now, at=_at(day), **fields)

        log("paula", "2026-10-20")
        log("paula", "2026-11-17")
        log("paula", "2026-11-19", channel="meeting")
        log("paula", "2026-11-20", outcome="cancelled")  # not a touch made
        log("victor", "2026-09-01")
        log("fiona", "2026-11-02")
        log("greg", "2026-11-09")
        log("greg", "2026-11-20", channel="email", direction="inbound")
        log("ivan", "2026-11-18")

        def promise(who: str, text: str, due: str, *, by: str = "me", kept: str | None = None) -> None:
            pid = activity.insert_commitment(
                conn, Commitment(contact_id=ids[who], by=by, text=text, due=dt.date.fromisoformat(due)), now)
            if kept is not None:
                actions.keep_promise(conn, pid, _at(kept))

        promise("paula", "send the pilot plan", "2026-11-10", kept="2026-11-09")  # on time
        promise("victor", "share the roadmap", "2026-11-12")  # missed
        promise("fiona", "the price sheet", "2026-11-18", kept="2026-11-20")  # late, kept this week
        promise("paula", "an intro to our CTO", "2026-11-25")  # ahead
        promise("fiona", "the budget numbers", "2026-11-27", by="them")  # ahead, theirs
        promise("greg", "the demo recording", "2026-11-05", kept="2026-11-05")  # on time
        promise("greg", "[a link](http://x)", "2026-11-20", kept="2026-11-21")  # late: outside text, escaped

        followups.insert_followup(conn, FollowUp(contact_id=ids["victor"], due=dt.date(2026, 11, 15),
                                                 reason="ask about the board"), now)
        late_done = followups.insert_followup(conn, FollowUp(contact_id=ids["hana"], due=dt.date(2026, 11, 8),
                                                             reason="send the guide"), now)
        followups.complete_followup(conn, late_done, _at("2026-11-12"))  # done four days late
    return ids


@pytest.fixture
def book(backend, tmp_path):
    """The history on this backend, with runs on the past days and today: {"ids", "db", "runs"}."""
    session = _with_rules(Session(backend.db, now=FIXED_NOW), tmp_path / "rules")
    ids = _build(session)
    session.close()
    runs = {}
    for day in (*PAST_RUNS, FIXED_NOW.date().isoformat()):
        s = _with_rules(Session(backend.db, now=_at(day, 9)), tmp_path / "rules")
        try:
            runs[day] = {cid: (h.score, h.band) for cid, h in evaluate(s).health.items()}
        finally:
            s.close()
    session = _with_rules(Session(backend.db, now=FIXED_NOW), tmp_path / "rules")
    yield {"ids": ids, "session": session, "runs": runs}
    session.close()


def _mean(values):
    return round(sum(values) / len(values), 1) if values else None


def test_who_the_people_are_the_owners_and_the_acting_user_owns_what_was_made_without_one(book):
    data = team.team_dashboard(book["session"])
    # The contact added with no owner is the acting user's (`me` of a one-person book, migration 0019).
    assert [p["name"] for p in data["people"]] == ["Ana Ruiz", "Ben Okafor", "me"]
    ana, ben, nobody = data["people"]
    assert (ana["contacts"], ben["contacts"], nobody["contacts"]) == (3, 2, 1)
    assert [a["name"] for a in ana["accounts"]] == ["Globex", "Northwind"]
    assert [a["name"] for a in ben["accounts"]] == ["Globex"] and nobody["accounts"] == []


def test_touches_against_the_plan_of_their_rhythms(book):
    data = team.team_dashboard(book["session"])
    assert data["week"] == {"start": "2026-11-16", "end": "2026-11-22"}
    ana, ben, nobody = data["people"]
    # Paula twice this week (her cancelled meeting is no touch); three contacts in play at 30 days: 3 x 7/30.
    assert {k: ana["touches"][k] for k in ("done", "plan", "plan_to_date", "ratio")} == {
        "done": 2, "plan": 0.7, "plan_to_date": 0.7, "ratio": 2.0}
    assert ben["touches"]["done"] == 1 and ben["touches"]["plan"] == 0.5
    assert nobody["touches"]["done"] == 1
    # Week by week over twelve weeks, the oldest first: Victor on 1 Sep, Paula on 20 Oct, Fiona on 2 Nov.
    assert data["weeks"][0] == "2026-08-31" and len(ana["touches"]["weekly"]) == 12
    assert ana["touches"]["weekly"] == [1, 0, 0, 0, 0, 0, 0, 1, 0, 1, 0, 2]
    assert ben["touches"]["weekly"][-3:] == [0, 1, 1]


def test_late_follow_ups_promises_and_key_stakeholders(book):
    ana, ben, nobody = team.team_dashboard(book["session"])["people"]
    # Victor's rhythm follow-up (due 1 Oct) and the manual one due 15 Nov; Hana's was done, late, on the 12th.
    assert (ana["followups_overdue"], ben["followups_overdue"], nobody["followups_overdue"]) == (2, 0, 0)
    assert ana["promises"] == {"due": 3, "on_time": 1, "late": 1, "missed": 1, "share": 0.333}
    assert ben["promises"] == {"due": 2, "on_time": 1, "late": 1, "missed": 0, "share": 0.5}
    # Paula (tier A), Victor (sponsor) and Fiona (approver) are key; Victor is 82 days quiet.
    assert ana["key_on_cadence"] == {"key": 3, "on_cadence": 2, "share": 0.667,
                                     "behind": [{"id": book["ids"]["victor"], "name": "Victor Hale"}]}
    assert ben["key_on_cadence"]["key"] == 1 and ben["key_on_cadence"]["share"] == 1.0


def test_as_of_a_past_day_counts_what_stood_then(book):
    ana, ben, _ = team.team_dashboard(book["session"], on=dt.date(2026, 11, 10))["people"]
    # On Tuesday 10 Nov: no touch yet that week; Hana's follow-up (due the 8th, done the 12th) was late then.
    assert ana["touches"]["done"] == 0 and ana["touches"]["plan_to_date"] == 0.2
    # Hana's manual one (due the 8th, done the 12th); her rhythm's is due on the day of the last run (never touched).
    assert ben["followups_overdue"] == 1
    assert ana["followups_overdue"] == 1  # Victor's rhythm follow-up; the manual one was not due yet
    assert ana["promises"] == {"due": 1, "on_time": 1, "late": 0, "missed": 0, "share": 1.0}
    # Paula's last touch was 20 Oct then: 21 days, within her rhythm.
    assert ana["key_on_cadence"]["on_cadence"] == 2


def test_health_of_their_contacts_and_accounts_week_by_week(book):
    runs, ids = book["runs"], book["ids"]
    session = book["session"]
    ana = team.team_dashboard(session)["people"][0]
    mine = [ids["paula"], ids["victor"], ids["fiona"]]
    now = runs["2026-11-22"]
    # The current week is today's stored result; 19 Oct (four weeks back) and 9 Nov are the past runs' scores.
    assert ana["health"]["weekly"][-1] == ana["health"]["mean"] == _mean([now[c][0] for c in mine])
    assert ana["health"]["weekly"][-5] == _mean([runs["2026-10-20"][c][0] for c in mine])
    assert ana["health"]["weekly"][-2] == _mean([runs["2026-11-10"][c][0] for c in mine])
    assert ana["health"]["weekly"][:7] == [None] * 7  # nothing recorded before the first run
    assert ana["health"]["change"] == round(ana["health"]["weekly"][-1] - ana["health"]["weekly"][-5], 1)
    assert sum(ana["health"][b] for b in ("warm", "cooling", "cold")) == 3
    # Northwind on 9 Nov: the engine's aggregate of Paula's and Victor's scores that week, by their tiers.
    northwind = next(a for a in ana["accounts"] if a["name"] == "Northwind")
    then = runs["2026-11-10"]
    expected = account_health([(Health(*then[ids["paula"]]), "a"), (Health(*then[ids["victor"]]), "b")], [],
                              session.runtime.health)
    assert northwind["weekly"][-2] == expected.score
    assert ana["account_health"]["weekly"][-2] == _mean(
        [a["weekly"][-2] for a in ana["accounts"] if a["weekly"][-2] is not None])


def test_key_roles_covered_per_account(book):
    ana, ben, _ = team.team_dashboard(book["session"])["people"]
    accounts = {a["name"]: a for a in ana["accounts"]}
    assert accounts["Northwind"]["key_roles_missing"] == ["decision_influencer", "financial_approver"]
    assert accounts["Globex"]["key_roles_missing"] == ["decision_influencer", "executive_sponsor"]
    assert accounts["Globex"]["roles_covered"] == 3 and accounts["Globex"]["roles"] == 9
    assert ana["coverage"] == {"key_roles": 8, "covered": 4, "share": 0.5}
    assert ben["coverage"] == {"key_roles": 4, "covered": 2, "share": 0.5}


def test_the_weekly_review_lists_what_moved_and_what_slipped(book):
    data = review.weekly_review(book["session"], person="ana")
    assert data["week"] == {"start": "2026-11-16", "end": "2026-11-22"} and data["as_of"] == "2026-11-22"
    (ana,) = data["people"]
    assert ana["moved"]["touches"] == [{"id": book["ids"]["paula"], "name": "Paula Reyes", "count": 2}]
    assert [(p["contact"], p["on_time"]) for p in ana["moved"]["promises_kept"]] == [("Fiona Marsh", False)]
    assert [(f["contact"], f["days_late"]) for f in ana["slipped"]["followups"]] == [
        ("Victor Hale", 52), ("Victor Hale", 7)]
    assert [p["text"] for p in ana["slipped"]["promises"]] == ["share the roadmap"]
    assert [(k["name"], k["days"], k["interval"]) for k in ana["slipped"]["key_behind"]] == [("Victor Hale", 82, 30)]
    assert [(p["contact"], p["by"]) for p in ana["promises_due"]] == [("Paula Reyes", "me"), ("Fiona Marsh", "them")]
    questions = [q["text"] for q in ana["questions"]]
    assert questions[0].startswith("Victor Hale has gone 82 days without a touch against a 30-day rhythm")
    assert questions[1].startswith("The promise to Victor Hale, \u201cshare the roadmap\u201d, was due on 2026-11-12")
    assert any(q.startswith("Globex has nobody as decision influencer, executive sponsor") for q in questions)


def test_a_past_week_is_read_whole_and_cooling_is_against_four_weeks_before(book):
    data = review.weekly_review(book["session"], week=dt.date(2026, 11, 11))
    assert data["week"]["start"] == "2026-11-09" and data["as_of"] == "2026-11-15"
    ana, ben, _ = data["people"]
    assert [m["name"] for m in ben["moved"]["touches"]] == ["Greg *Stone*"]
    assert [p["contact"] for p in ana["moved"]["promises_kept"]] == ["Paula Reyes"]
    # Four weeks before the week of 9 Nov (12 Oct) nothing was recorded yet: nobody can be said to be cooling.
    assert ana["figures"]["health"]["weekly"][-5] is None
    assert ana["cooling"] == ben["cooling"] == {"contacts": [], "accounts": []}


def test_cooling_is_health_down_against_four_weeks_before(book):
    runs, ids = book["runs"], book["ids"]
    ana, ben, _ = review.weekly_review(book["session"])["people"]
    # Victor: the run of 20 Oct (the week four weeks back) against today's; the others held still.
    before, now = runs["2026-10-20"][ids["victor"]], runs["2026-11-22"][ids["victor"]]
    assert now[0] - before[0] <= -review.MOVE_POINTS
    assert ana["cooling"]["contacts"] == [
        {"id": ids["victor"], "name": "Victor Hale", "from": before[0], "to": now[0], "band": now[1]}]
    assert ben["cooling"]["contacts"] == []
    assert ana["questions"][2]["text"] == (
        f"Victor Hale's health went from {before[0]} to {now[0]} over the last four weeks: what changed, "
        "on their side or ours?")


def test_markdown_escapes_outside_text(book):
    data = review.weekly_review(book["session"], person="Ben")
    text = team_text.review_markdown(data)
    assert "## Ben Okafor" in text
    assert "Greg \\*Stone\\*: 1 touch" in text
    assert "\\[a link\\](http://x)" in text and "[a link](" not in text


def test_the_sparkline_draws_each_week_and_leaves_unknown_ones_blank():
    assert team_text.sparkline([0, 50, 100, None], 0, 100) == "▁▅█ "
    assert team_text.sparkline([None, None]) == "  "
    assert team_text.sparkline([3, 3]) == "▁▁"


def test_cli_prints_the_same_figures_and_refuses_bad_input_in_one_line(book, run, backend, tmp_path):
    book["session"].close()
    as_json = run("--db", backend.db, "team", "--json")
    assert as_json.exit_code == 0, as_json.stderr
    data = as_json.json()
    assert [p["name"] for p in data["people"]] == ["Ana Ruiz", "Ben Okafor", "me"]
    assert data["people"][0]["promises"]["share"] == 0.333  # not a matter of the rules installed
    text = run("--db", backend.db, "team")
    assert "Promises kept on time" in text.stdout and "Ana Ruiz (3 contacts, 2 accounts)" in text.stdout
    out = tmp_path / "review.md"
    written = run("--db", backend.db, "team", "review", "--week", "--person", "okafor", "-o", str(out))
    assert written.exit_code == 0, written.stderr
    assert out.read_text().startswith("# Weekly review, week of 2026-11-16 to 2026-11-22\n")
    for args, field in (
        (("team", "review", "--person", "Zed"), "person: nobody on the team is called 'Zed'"),
        (("team", "review", "--week", "someday"), "week:"),
        (("team", "review", "--week", "2026-11-30"), "week: 2026-11-30 is in a week still to come"),
        (("team", "--on", "2026-11-23"), "on: 2026-11-23 is after today"),
        (("team", "review", "-o", str(tmp_path / "nowhere" / "r.md")), "--output: folder"),
    ):
        bad = run("--db", backend.db, *args)
        assert bad.exit_code == 2, (args, bad.stdout, bad.stderr)
        assert len(bad.stderr.strip().splitlines()) == 1 and field in bad.stderr, bad.stderr
    assert not (tmp_path / "nowhere").exists()


def test_a_hostile_name_reaches_neither_the_markdown_nor_the_terminal_raw(book, run, backend, tmp_path):
    session = book["session"]
    with session.store.write() as conn:
        cid = people.insert_contact(conn, Contact(name="Eve \x1b]0;owned\x07", owner="Ben Okafor"), FIXED_NOW)
        actions.log_interactions(conn, [cid], FIXED_NOW, at=_at("2026-11-21"), channel="call")
    text = team_text.review_markdown(review.weekly_review(session, person="Ben"))
    assert "\x1b" not in text and "\x07" not in text
    assert "Eve \\\\x1b\\]0;owned\\\\x07: 1 touch" in text  # made visible, then escaped for Markdown
    session.close()
    printed = run("--db", backend.db, "team", "review", "--person", "ben")
    assert printed.exit_code == 0 and "\x1b" not in printed.stdout
    assert "Eve \\x1b]0;owned\\x07: 1 touch" in printed.stdout


def test_find_person_by_an_unambiguous_part_of_the_name(book):
    data = team.team_dashboard(book["session"])
    found = team_people.team_people(current(book["session"]).contacts)
    assert [p.name for p in found] == [p["name"] for p in data["people"]]
    assert team_people.find_person(found, "RUIZ").name == "Ana Ruiz"
    assert team_people.find_person(found, "me").owner == "me"
    assert team_people.find_person(found, "o").name == "Ben Okafor"
    with pytest.raises(UserError, match="'n' names 2 people"):
        team_people.find_person(found, "n")
