"""The plugin's own tests, written with keepwarm.testing.

keepwarm registers `keepwarm.testing` as a pytest plugin, so the fixtures
(`keepwarm_session`, `keepwarm_history`, `keepwarm_now`...) need no conftest.
The clock is pinned to Sunday 22 November 2026: football season.
"""

from __future__ import annotations

import tomllib
from importlib.metadata import EntryPoint, PackageNotFoundError, distribution
from pathlib import Path

import pytest

import keepwarm_sports_banter as plugin
from keepwarm.testing import PluginHost
from keepwarm.testing import run_engine

PROJECT = Path(__file__).resolve().parents[1] / "pyproject.toml"


def test_a_football_fan_gets_an_in_season_tip(keepwarm_history, keepwarm_session):
    ada = keepwarm_history.contact("Ada Lovelace", interests=["college football", "sailing"])
    evaluation = run_engine(keepwarm_session, plugin, builtins=False)
    assert [t.text for t in evaluation.tips(ada)] == [
        "Ada follows football and the season is on: the weekend's results make an easy opener."
    ]


def test_no_sport_in_the_interests_means_no_tip(keepwarm_history, keepwarm_session):
    grace = keepwarm_history.contact("Grace Hopper", interests=["sailing", "footballs of history"])
    evaluation = run_engine(keepwarm_session, plugin, builtins=False)
    assert evaluation.tips(grace) == []


def test_the_user_can_move_the_season_in_toml(keepwarm_history, keepwarm_session):
    ada = keepwarm_history.contact("Ada Lovelace", interests=["NFL"])
    evaluation = run_engine(
        keepwarm_session, plugin, builtins=False,
        rules="[sports_banter.sports.football]\nseason = [6, 7]\n",
    )
    assert evaluation.runtime.rule_problems == []
    [tip] = evaluation.tips(ada)
    assert "off-season" in tip.text


def test_a_note_is_suggested_after_a_year_of_rhythm_then_silence(keepwarm_history, keepwarm_session):
    ada = keepwarm_history.contact("Ada Lovelace", interests=["football"])
    touches = keepwarm_history.rhythm(ada, every_days=14, for_days=365, silent_days=30)
    assert touches == 27
    evaluation = run_engine(keepwarm_session, plugin, builtins=False)
    [suggestion] = evaluation.suggestions(ada)
    assert suggestion.text == "Send Ada two lines about this week's football, and say no reply is needed."
    assert suggestion.why == "Ada follows football, it is in season, and you last spoke 30 days ago."
    assert suggestion.channel == "text"


def test_no_note_while_you_were_in_touch_recently(keepwarm_history, keepwarm_session):
    ada = keepwarm_history.contact("Ada Lovelace", interests=["football"])
    keepwarm_history.rhythm(ada, every_days=14, for_days=365, silent_days=5)
    evaluation = run_engine(keepwarm_session, plugin, builtins=False)
    assert evaluation.suggestions(ada) == []


def test_do_not_contact_silences_the_plugin(keepwarm_history, keepwarm_session):
    ada = keepwarm_history.contact("Ada Lovelace", interests=["football"], do_not_contact=True)
    evaluation = run_engine(keepwarm_session, plugin, builtins=False)
    assert evaluation.tips(ada) == [] and evaluation.suggestions(ada) == []


def test_it_runs_next_to_the_built_in_rules(keepwarm_history, keepwarm_session):
    ada = keepwarm_history.contact("Ada Lovelace", interests=["golf", "basketball"], preferred_channel="email")
    keepwarm_history.rhythm(ada, every_days=14, for_days=450, silent_days=25)
    keepwarm_history.rhythm(ada, every_days=28, for_days=450, silent_days=32, direction="inbound")
    evaluation = run_engine(keepwarm_session, plugin)
    assert evaluation.problems == [] and evaluation.runtime.rule_problems == []
    assert all(w.severity <= 2 for w in evaluation.warnings[ada])
    mine = [s for s in evaluation.suggestions(ada) if s.key == "sports_banter"]
    assert [(s.text, s.channel) for s in mine] == [
        ("Send Ada two lines about this week's basketball, and say no reply is needed.", "email")
    ]


def test_banter_is_no_answer_to_an_urgent_warning(keepwarm_history, keepwarm_session):
    ada = keepwarm_history.contact("Ada Lovelace", interests=["basketball"])
    keepwarm_history.every(ada, days=30, start="2025-06-01", end="2026-09-01")  # all from me: one-way
    evaluation = run_engine(keepwarm_session, plugin)
    assert any(w.severity == 3 for w in evaluation.warnings[ada])
    assert [s for s in evaluation.suggestions(ada) if s.key == "sports_banter"] == []
    relaxed = run_engine(keepwarm_session, plugin, rules="[sports_banter]\nmax_severity = 3\n")
    assert [s.key for s in relaxed.suggestions(ada) if s.key == "sports_banter"] == ["sports_banter"]


def test_a_bad_month_is_reported_with_its_key_and_disables_only_this_plugin(keepwarm_history, keepwarm_session):
    ada = keepwarm_history.contact("Ada Lovelace", interests=["football"])
    evaluation = run_engine(
        keepwarm_session, plugin, rules={"sports_banter": {"sports": {"football": {"season": [13]}}}}
    )
    [problem] = evaluation.runtime.rule_problems
    assert problem.key == "sports_banter.sports.football.season.0"
    assert "less than or equal to 12" in problem.message
    assert problem.file.endswith("rules.toml")
    assert evaluation.runtime.host.infos["keepwarm_sports_banter"].disabled is not None
    assert all(t.topic != "interests" or "follows" not in t.text for t in evaluation.tips(ada))
    assert evaluation.proposals[ada], "the built-in cadence rules keep working"


def test_a_misspelt_key_gets_a_near_miss_hint(keepwarm_session):
    evaluation = run_engine(keepwarm_session, plugin, builtins=False, rules="[sports_banter]\nquiet_dayz = 3\n")
    [problem] = evaluation.runtime.rule_problems
    assert (problem.key, problem.message, problem.line) == (
        "sports_banter.quiet_dayz", "unknown key; did you mean 'quiet_days'?", 2)


def test_the_shipped_toml_holds_exactly_the_model_defaults():
    shipped = tomllib.loads(plugin.DEFAULTS_TOML.read_text(encoding="utf-8"))
    assert shipped == {"sports_banter": plugin.Settings().model_dump(mode="json")}


def test_the_declared_entry_point_loads_through_the_host():
    declared = tomllib.loads(PROJECT.read_text(encoding="utf-8"))["project"]["entry-points"]["keepwarm"]
    [(name, target)] = declared.items()
    host = PluginHost(eps=[EntryPoint(name, target, "keepwarm")], plugins_dir=None).load()
    info = host.infos[name]
    assert info.error is None, info.error
    assert (info.section, info.hooks) == ("sports_banter", ["keepwarm_suggestions", "keepwarm_tips"])


def test_once_installed_keepwarm_finds_it_by_itself():
    try:
        dist = distribution("keepwarm-sports-banter")
    except PackageNotFoundError:
        pytest.skip("not installed: run `pip install -e .` first")
    host = PluginHost(plugins_dir=None).load()
    info = host.infos["sports_banter"]
    assert (info.source, info.origin, info.version) == ("package", "keepwarm-sports-banter", dist.version)
    assert info.active


def _plain_scan(interests: list[str], cfg) -> list[str]:
    """What followed_sports answered before its patterns were compiled once per settings: a search per word."""
    import re

    text = " | ".join(i.lower() for i in interests)
    return [name for name, sport in cfg.sports.items()
            if any(re.search(rf"\b{re.escape(w.lower())}\b", text) for w in sport.words)]


def test_the_compiled_patterns_find_what_a_search_per_word_finds(keepwarm_session):
    from types import SimpleNamespace

    cfg = plugin.Settings(sports={
        **plugin.Settings().sports,
        "cricket": {"words": ["cricket", "the ashes", "t20"], "season": [4, 5]},
        "f1": {"words": ["formula 1", "f1"], "season": [3]},
    })
    interests = [[], ["Football"], ["college football", "golf"], ["footballs"], ["NBA", "nfl"], ["Premier League"],
                 ["premier", "league"], ["The Ashes 2027"], ["ashes"], ["F1 racing", "formula 1"], ["f10"],
                 ["mini-golf"], ["golfing"], ["soccer | golf"], ["baseball", "MLB", "cricket"]]
    for found in interests:
        ctx = SimpleNamespace(contact=SimpleNamespace(interests=found))
        assert plugin.followed_sports(ctx, cfg) == _plain_scan(found, cfg), found
        assert plugin.followed_sports(ctx, cfg) == _plain_scan(found, cfg), found  # the kept answer
    assert _plain_scan(["mini-golf", "t20"], cfg) == ["golf", "cricket"]  # the scan is not vacuous


def test_new_settings_are_matched_with_their_own_words(keepwarm_history, keepwarm_session):
    ada = keepwarm_history.contact("Ada Lovelace", interests=["curling"])
    assert run_engine(keepwarm_session, plugin, builtins=False).tips(ada) == []
    evaluation = run_engine(keepwarm_session, plugin, builtins=False,
                            rules="[sports_banter.sports.curling]\nwords = [\"curling\"]\nseason = [11]\n")
    assert [t.text for t in evaluation.tips(ada)] == [
        "Ada follows curling and the season is on: the weekend's results make an easy opener."
    ]
