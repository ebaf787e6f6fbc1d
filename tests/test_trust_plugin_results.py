"""Every object a plugin hands back is checked inside its guard; rows poisoned before that are still read and repaired."""

from __future__ import annotations

import datetime as dt
import sqlite3
import textwrap

import pytest

from conftest import FIXED_NOW
from keepwarm.api.checks import ResultError
from keepwarm.model import Channel
from keepwarm.plugin import Proposal, Suggestion, Tip, Warning

TODAY = FIXED_NOW.date()


def _plugin_file(home, name: str, body: str) -> None:
    folder = home / "config" / "plugins"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{name}.py").write_text(textwrap.dedent(body), encoding="utf-8")


CADENCE = """
    import datetime as dt
    from keepwarm.plugin import Proposal, Warning, hookimpl

    @hookimpl
    def keepwarm_cadence(ctx):
        return [{proposal}]
"""


@pytest.mark.parametrize(("build", "field"), [
    (lambda: Proposal("k", TODAY, ""), "Proposal.reason: expected non-empty text"),
    (lambda: Proposal("k", TODAY, "   "), "Proposal.reason: expected non-empty text"),
    (lambda: Proposal("", TODAY, "r"), "Proposal.rule_key: expected non-empty text"),
    (lambda: Proposal("k", "tomorrow", "r"), "Proposal.due: expected a date"),
    (lambda: Proposal("k", FIXED_NOW, "r"), "Proposal.due: expected a date"),
    (lambda: Proposal("k", TODAY, "r", channel="email"), "Proposal.channel: expected a Channel"),
    (lambda: Proposal("k", TODAY, "r", due_time="10:00"), "Proposal.due_time: expected a time"),
    (lambda: Proposal("k", TODAY, "r", priority=7), "Proposal.priority: expected an integer from 1 to 3"),
    (lambda: Proposal("k", TODAY, "r", interval_days=0), "Proposal.interval_days: expected an integer from 1"),
    (lambda: Proposal("k", TODAY, "r", satisfied_by_touch="yes"), "Proposal.satisfied_by_touch: expected true"),
    (lambda: Proposal("k", TODAY, "r" * 10_001), "Proposal.reason: expected at most 10000 characters"),
    (lambda: Tip(""), "Tip.text: expected non-empty text"),
    (lambda: Tip("t", topic=None), "Tip.topic: expected text"),
    (lambda: Warning("k", "m", severity=True), "Warning.severity: expected an integer from 1 to 3"),
    (lambda: Warning("k", "m", evidence={"x": object()}), "Warning.evidence['x']: expected text, a number"),
    (lambda: Warning("k", "m", evidence={"x": float("nan")}), "Warning.evidence['x']: expected a finite number"),
    (lambda: Warning("k", "m", evidence={(1, 2): "pair"}), "Warning.evidence: expected text or number keys"),
    (lambda: Warning("k", "m", evidence=["x"]), "Warning.evidence: expected a mapping"),
    (lambda: Suggestion("k", "t", "w", score=1.5), "Suggestion.score: expected a number from 0 to 1"),
    (lambda: Suggestion("k", " ", "w"), "Suggestion.text: expected non-empty text"),
    (lambda: Suggestion("k", "t", None), "Suggestion.why: expected text"),
])
def test_a_bad_result_object_cannot_be_built_and_the_error_names_its_field(build, field):
    with pytest.raises(ResultError) as caught:
        build()
    assert str(caught.value).startswith(field)


def test_good_result_objects_are_built_as_given():
    p = Proposal("k", TODAY, "r", channel=Channel.EMAIL, due_time=dt.time(10), priority=1, interval_days=30)
    assert (p.due, p.channel, p.priority) == (TODAY, Channel.EMAIL, 1)
    w = Warning("k", "m", severity=3, evidence={"since": TODAY, "counts": [1, 2.5], "nested": {"a": None}})
    assert w.evidence["counts"] == [1, 2.5]
    assert Suggestion("k", "t", "w", score=0).score == 0


@pytest.mark.parametrize(("proposal", "error"), [
    ('Proposal(rule_key="poison", due=ctx.today, reason="")', "Proposal.reason: expected non-empty text, got ''"),
    ('Proposal(rule_key="poison", due="tomorrow", reason="r")', "Proposal.due: expected a date"),
    ('Proposal(rule_key="poison", due=ctx.today, reason="r", channel="email")', "Proposal.channel: expected a Channel"),
])
def test_a_bad_proposal_is_a_problem_of_its_plugin_and_nothing_is_stored(run, home, proposal, error):
    _plugin_file(home, "poison", CADENCE.format(proposal=proposal))
    assert run("contact", "add", "Ada Lovelace").exit_code == 0
    agenda = run("agenda", "--json")
    assert agenda.exit_code == 0
    lines = [line for line in agenda.stderr.splitlines() if "plugin poison" in line]
    assert len(lines) == 1 and "keepwarm_cadence for contact 1: ResultError: " + error in lines[0]
    listed = run("followup", "list", "--json")
    assert listed.exit_code == 0
    assert "poison" not in {f["source"] for f in listed.json()}
    assert {f["rule_key"] for f in listed.json()} == {"cadence"}, "the built-in rules still count"


def test_evidence_that_is_not_plain_is_a_problem_and_the_agenda_still_prints(run, home):
    _plugin_file(home, "odd", """
        from keepwarm.plugin import Warning, hookimpl

        @hookimpl
        def keepwarm_warnings(ctx):
            return [Warning("odd", "odd evidence", evidence={"who": object()})]
    """)
    assert run("contact", "add", "Ada Lovelace").exit_code == 0
    agenda = run("agenda", "--json")
    assert agenda.exit_code == 0
    assert "plugin odd: keepwarm_warnings for contact 1: ResultError: Warning.evidence['who']" in agenda.stderr
    assert all(w["key"] != "odd" for item in agenda.json()["items"] for w in item.get("warnings", []))


def _poison(db_path, *reasons: str) -> None:
    """Rows as the old code stored them from `Proposal(reason="")`."""
    conn = sqlite3.connect(db_path)
    with conn:
        for reason in reasons:
            conn.execute(
                "INSERT INTO followups (contact_id, due, reason, source, rule_key, action, status, sequence, "
                "satisfied_by_touch, created_at, updated_at) VALUES (1, '2026-11-22', ?, 'poison', 'poison', '', "
                "'open', 0, 1, '2026-11-22 09:00:00.000000', '2026-11-22 09:00:00.000000')", (reason,))
    conn.close()


def test_a_poisoned_database_is_still_listed_shown_dismissed_and_doctor_repairs_it(run, home, db_path, tmp_path):
    assert run("contact", "add", "Ada Lovelace").exit_code == 0
    _poison(db_path, "", "   ")
    listed = run("followup", "list", "--json")
    assert listed.exit_code == 0
    assert [f["reason"] for f in listed.json() if f["source"] == "poison"] == ["(no reason given)"] * 2
    assert run("contact", "show", "Ada Lovelace").exit_code == 0
    ids = [f["id"] for f in listed.json() if f["source"] == "poison"]

    doctor = run("doctor", "--json")
    assert doctor.exit_code == 1
    found = [f for f in doctor.json()["findings"] if f["check"] == "followups" and not f["ok"]]
    assert [(f["message"].split(" (")[0], f["fix"]) for f in found] == [
        ("2 follow-ups made by poison have no usable reason", "keepwarm followup repair"),
        ("plugin poison is not installed any more: its 2 open follow-ups will never be closed by it",
         "reinstall the plugin, or keepwarm followup close --source poison"),
    ]
    assert run("followup", "dismiss", str(ids[0])).exit_code == 0
    poisoned_backup = tmp_path / "before-repair.json"
    assert run("export", "json", "-o", str(poisoned_backup)).exit_code == 0
    restored = run("--db", str(tmp_path / "old.db"), "restore", str(poisoned_backup))
    assert restored.exit_code == 0, restored.stderr
    reasons = run("--db", str(tmp_path / "old.db"), "followup", "list", "--all", "--json").json()
    assert [f["reason"] for f in reasons if f["source"] == "poison"] == ["(no reason given)"] * 2

    repaired = run("followup", "repair", "--json")
    assert repaired.json() == {"repaired": 2}
    conn = sqlite3.connect(db_path)
    assert [r for (r,) in conn.execute("SELECT reason FROM followups WHERE source = 'poison'")] == [
        "(no reason given)"] * 2
    conn.close()
    assert run("followup", "repair", "--json").json() == {"repaired": 0}

    backup = tmp_path / "all.json"
    assert run("export", "json", "-o", str(backup)).exit_code == 0
    restored = run("--db", str(tmp_path / "new.db"), "restore", str(backup))
    assert restored.exit_code == 0, restored.stderr


def test_a_bare_text_returned_is_one_problem_not_one_per_character(session):
    from engine_helpers import use_plugins
    from keepwarm.engine.evaluate import evaluate
    from keepwarm.model import Contact
    from keepwarm.plugin import hookimpl
    from keepwarm.store import contacts as people

    class Wordy:
        @hookimpl
        def keepwarm_tips(self, ctx):
            return "be brief"

    with session.store.write() as conn:
        ada = people.insert_contact(conn, Contact(name="Ada Lovelace"), FIXED_NOW)
    use_plugins(session, ("wordy", Wordy()))
    ev = evaluate(session)
    assert ev.tips(ada) == []
    assert [(p.plugin, p.hook, p.error, p.count) for p in ev.problems] == [
        ("wordy", "keepwarm_tips", "returned str, expected a list of Tip", 1)]


def test_a_generator_that_raises_is_a_problem_of_its_plugin(session):
    from engine_helpers import use_plugins
    from keepwarm.engine.evaluate import evaluate
    from keepwarm.model import Contact
    from keepwarm.plugin import hookimpl
    from keepwarm.store import contacts as people

    class Lazy:
        @hookimpl
        def keepwarm_tips(self, ctx):
            yield Tip("first")
            raise RuntimeError("second failed")

    with session.store.write() as conn:
        ada = people.insert_contact(conn, Contact(name="Ada Lovelace"), FIXED_NOW)
    use_plugins(session, ("lazy", Lazy()))
    ev = evaluate(session)
    assert ev.tips(ada) == []
    assert [(p.plugin, p.error) for p in ev.problems] == [("lazy", "RuntimeError: second failed")]


def test_a_subclass_that_skips_the_checks_is_checked_again_by_the_host(session):
    from engine_helpers import use_plugins
    from keepwarm.engine.evaluate import evaluate
    from keepwarm.model import Contact
    from keepwarm.plugin import hookimpl
    from keepwarm.store import contacts as people
    from keepwarm.store import followups

    class Unchecked(Proposal):
        __slots__ = ()

        def __post_init__(self) -> None:
            pass

    class Sly:
        @hookimpl
        def keepwarm_cadence(self, ctx):
            return [Unchecked(rule_key="sly", due=ctx.today, reason="")]

    with session.store.write() as conn:
        ada = people.insert_contact(conn, Contact(name="Ada Lovelace"), FIXED_NOW)
    use_plugins(session, ("sly", Sly()))
    ev = evaluate(session)
    assert [(p.plugin, p.contact_id, p.error) for p in ev.problems] == [
        ("sly", ada, "ResultError: Unchecked.reason: expected non-empty text, got ''")]
    with session.store.read() as conn:
        assert followups.list_followups(conn, ada) == []
