"""A flooding plugin is capped; follow-ups of a plugin that is gone or disabled are listed by doctor and closed on request."""

from __future__ import annotations

import textwrap

from engine_helpers import use_plugins

from keepwarm.engine.evaluate import evaluate
from keepwarm.hosting.host import MAX_RESULTS_PER_HOOK
from keepwarm.model import Contact
from keepwarm.plugin import Proposal, hookimpl
from keepwarm.store import contacts as people
from keepwarm.store import followups

from conftest import FIXED_NOW


class Flood:
    @hookimpl
    def keepwarm_cadence(self, ctx):
        return [Proposal(rule_key=f"flood.{i}", due=ctx.today, reason=f"flood {i}") for i in range(2000)]


def test_a_plugin_flooding_one_contact_is_capped_and_that_is_its_problem(session):
    with session.store.write() as conn:
        ada = people.insert_contact(conn, Contact(name="Ada Lovelace"), FIXED_NOW)
    use_plugins(session, ("flood", Flood()))
    ev = evaluate(session)
    with session.store.read() as conn:
        stored = followups.list_followups(conn, ada)
    assert MAX_RESULTS_PER_HOOK == 50
    assert [f.rule_key for f in stored] == [f"flood.{i}" for i in range(50)]
    assert [(p.plugin, p.hook, p.contact_id, p.error) for p in ev.problems] == [
        ("flood", "keepwarm_cadence", ada,
         "returned more than 50 Proposals for one contact; only the first 50 are kept")]
    evaluate(session)
    with session.store.read() as conn:
        assert len(followups.list_followups(conn, ada, statuses=followups.OPEN_STATES)) == 50, "stable, not closed"


PLANNER = """
    from keepwarm.plugin import Proposal, hookimpl

    @hookimpl
    def keepwarm_cadence(ctx):
        return [Proposal(rule_key="planner.visit", due=ctx.today, reason="visit")]
"""


def _plugin_file(home, body: str) -> None:
    folder = home / "config" / "plugins"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "planner.py").write_text(textwrap.dedent(body), encoding="utf-8")


def _planner_rows(run) -> list[dict]:
    return [f for f in run("followup", "list", "--all", "--json").json() if f["source"] == "planner"]


def _untended(run) -> list[tuple[str, str]]:
    found = run("doctor", "--json").json()["findings"]
    return [(f["message"], f["fix"]) for f in found if f["check"] == "followups" and not f["ok"]]


def test_safe_mode_leaves_a_third_party_plugins_follow_ups_open_and_doctor_quiet(run, home):
    _plugin_file(home, PLANNER)
    for name in ("Ada Lovelace", "Bob Stone"):
        assert run("contact", "add", name).exit_code == 0
    assert run("agenda").exit_code == 0
    assert [f["status"] for f in _planner_rows(run)] == ["open", "open"]
    assert run("--safe-mode", "agenda").exit_code == 0
    assert [f["status"] for f in _planner_rows(run)] == ["open", "open"], "not closed because it did not run"
    assert run("--safe-mode", "doctor", "--json").json()["findings"][-1] == {
        "check": "followups", "ok": True, "fix": "",
        "message": "every follow-up is readable and tended by a plugin that runs"}


def test_doctor_lists_the_open_follow_ups_of_a_removed_or_disabled_plugin_with_the_command_that_closes_them(
        run, home):
    _plugin_file(home, PLANNER)
    for name in ("Ada Lovelace", "Bob Stone"):
        assert run("contact", "add", name).exit_code == 0
    assert run("agenda").exit_code == 0
    assert _untended(run) == []

    (home / "config" / "config.toml").write_text('[plugins]\ndisabled = ["planner"]\n', encoding="utf-8")
    assert _untended(run) == [(
        "plugin planner is disabled (disabled in config): its 2 open follow-ups will never be closed by it",
        f"enable it again in {home / 'config' / 'config.toml'}, or keepwarm followup close --source planner")]

    (home / "config" / "config.toml").unlink()
    (home / "config" / "plugins" / "planner.py").unlink()
    assert run("agenda").exit_code == 0
    assert [f["status"] for f in _planner_rows(run)] == ["open", "open"], "a missing plugin's rows are kept"
    assert _untended(run) == [(
        "plugin planner is not installed any more: its 2 open follow-ups will never be closed by it",
        "reinstall the plugin, or keepwarm followup close --source planner")]

    closed = run("followup", "close", "--source", "planner", "--json")
    assert closed.exit_code == 0 and closed.json() == {"source": "planner", "closed": 2}
    assert [f["status"] for f in _planner_rows(run)] == ["dismissed", "dismissed"]
    assert _untended(run) == []
    again = run("followup", "close", "--source", "planner")
    assert (again.exit_code, again.stdout) == (0, "Closed 0 follow-ups from planner\n")


def test_closing_an_unknown_source_is_a_one_line_error_and_changes_nothing(run, home):
    _plugin_file(home, PLANNER)
    assert run("contact", "add", "Ada Lovelace").exit_code == 0
    assert run("agenda").exit_code == 0
    before = run("followup", "list", "--all", "--json").json()
    wrong = run("followup", "close", "--source", "planer")
    assert wrong.exit_code == 2
    assert wrong.stderr.strip().splitlines() == [
        "keepwarm: source: no follow-up comes from 'planer' (sources: cadence_interval, planner)"]
    assert run("followup", "list", "--all", "--json").json() == before
