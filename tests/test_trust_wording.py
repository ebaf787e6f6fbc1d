"""Wording a reader can trust: counts agree with their nouns, names are spoken, dates and plans read naturally."""

from __future__ import annotations

import datetime as dt

from tui_support import build_history, use_test_rules

from keepwarm.services import dashboard, forms
from keepwarm.engine.evaluate import evaluate
from keepwarm.hosting.host import PluginProblem
from keepwarm.text.wording import about, cut, day_of_year, plural, spoken, with_channel


def ok(result):
    assert result.exit_code == 0, result.stderr
    return result


def test_plural_agrees_with_the_count():
    assert [plural(n, "day") for n in (0, 1, 2)] == ["0 days", "1 day", "2 days"]
    assert plural(1, "touch") == "1 touch" and plural(3, "touch") == "3 touches"
    assert plural(1, "account") == "1 account" and plural(2, "reply") == "2 replies"
    assert plural(1, "open follow-up") == "1 open follow-up"


def test_counts_of_one_in_the_cli(run):
    ok(run("contact", "add", "Ada Lovelace", "--account", "Engines"))
    ok(run("log", "Ada", "-c", "call", "--when", "2026-11-20T10:00"))
    summary = ok(run()).stdout
    assert "1 contact in 1 account, 1 interaction, " in summary
    backed = ok(run("backup")).stdout
    assert backed.startswith("Backed up 1 contact and 1 interaction to ")


def test_a_plugin_sentence_says_1_day(run):
    ok(run("contact", "add", "Ada Lovelace"))
    ok(run("promise", "add", "Ada", "send the deck", "--due", "2026-11-21"))
    warnings = ok(run("contact", "show", "Ada", "--json")).json()["warnings"]
    [owed] = [w["message"] for w in warnings if w["key"] == "overdue_promises"]
    assert ', 1 day overdue.' in owed


def test_a_repeated_plugin_problem_says_1_more_time():
    assert str(PluginProblem("p", "keepwarm_tips", "boom", count=2)) == "plugin p: keepwarm_tips: boom (and 1 more time)"
    assert str(PluginProblem("p", "keepwarm_tips", "boom", count=3)).endswith("(and 2 more times)")


def test_enum_values_are_spoken_in_the_cli(run):
    ok(run("contact", "add", "Mary Wollstonecraft", "--role", "financial_approver", "--stage", "new_client"))
    ok(run("log", "Mary", "-c", "call", "--purpose", "check_in", "--when", "2026-11-20T10:00"))
    listed = ok(run("contact", "list")).stdout.splitlines()[1]
    assert "financial approver" in listed and "new client" in listed and "_" not in listed
    shown = ok(run("contact", "show", "Mary")).stdout
    assert "  role              financial approver\n" in shown
    assert "  tier / stage      B / new client\n" in shown
    assert " call outbound check in" in shown
    history = ok(run("history", "Mary")).stdout.splitlines()[1]
    assert "check in" in history and "check_in" not in history
    # Help and errors name the values as they are typed (no quotes needed), and typing them works.
    assert "--role [primary-contact|decision-influencer|" in ok(run("contact", "add", "--help")).stdout
    refused = run("contact", "list", "--role", "boss")
    assert refused.exit_code == 2
    assert "'boss' is not one of: primary-contact, decision-influencer, end-user, " in refused.stderr
    assert "financial approver" in ok(run("contact", "list", "--role", "financial-approver")).stdout
    # The JSON keeps the values scripts match on.
    assert ok(run("contact", "show", "Mary", "--json")).json()["contact"]["role"] == "financial_approver"


def test_a_birthday_without_a_year_reads_as_a_day(run):
    ok(run("contact", "add", "Ada Lovelace", "--birthday", "12-10"))
    ok(run("contact", "add", "Grace Hopper", "--birthday", "1906-12-09"))
    assert "  dates             birthday 10 Dec\n" in ok(run("contact", "show", "Ada")).stdout
    assert "  dates             birthday 9 Dec 1906\n" in ok(run("contact", "show", "Grace")).stdout
    assert day_of_year(2, 29) == "29 Feb"


def test_the_do_line_joins_action_and_channel_as_sentences():
    assert with_channel("Check in with Ada: ask how things are going for them.", "email") == (
        "Check in with Ada: ask how things are going for them. Channel: email.")
    assert with_channel("Call Ada", "call") == "Call Ada. Channel: call."
    assert with_channel("", "email") == "Channel: email."
    assert with_channel("Call Ada.", None) == "Call Ada."


def test_the_snooze_examples_are_all_in_the_future():
    for today in (dt.date(2026, 12, 7), dt.date(2031, 6, 30)):
        examples = forms.snooze_examples(today).split(", ")
        assert len(examples) == 4
        for text in examples:
            checked = forms.check_snooze(text, today)
            assert checked.ok and checked.value > today, text
        assert forms.check_snooze("", today).errors["until"].endswith(
            f"(expected a date such as +3d, +1w, friday or {(today + dt.timedelta(days=14)).isoformat()})")


def test_the_dashboard_plans_whole_touches(session):
    build_history(session)
    use_test_rules(session)
    evaluate(session)
    data = dashboard.kpis(session)
    week = data["overall"]["touches_week"]
    assert (week["done"], week["plan_to_date"]) == (2, 1.2)  # the plan itself stays exact in the JSON
    text = dashboard.render_text(data)
    assert "Touches this week           2 of about 1 planned so far (about 1 for the whole period)" in text
    assert "Touches this month          3 of about 4 planned so far (5 for the whole period)" in text
    assert dashboard.plan_share(2, 1.5) == 1.0  # "2 of about 2": on plan, not 134%
    assert dashboard.plan_share(3, 0.4) is None  # nothing planned yet: no percentage
    assert [about(n) for n in (2, 1.5, 0.3, 10.0)] == ["2", "about 2", "less than 1", "10"]


def test_long_text_is_cut_at_a_word_with_an_ellipsis(run):
    note = "Quarterly review: usage up, two support issues open, one feature request, and a long tail"
    ok(run("contact", "add", "Ada Lovelace"))
    ok(run("log", "Ada", "-c", "call", "--notes", note, "--when", "2026-11-20T10:00"))
    row = ok(run("history", "Ada")).stdout.splitlines()[1]
    shown = row[row.index("Quarterly"):]
    assert shown == "Quarterly review: usage up, two support issues open, one…"
    assert len(shown) <= 60
    assert cut("short", 10) == "short" and cut("abcdefghijkl", 6) == "abcde…"
    assert spoken("decision_influencer") == "decision influencer"
