"""Rule packs: merging, validation problems collected together, the rules commands."""

from __future__ import annotations

import textwrap

from engine_helpers import Monthly, use_plugins
from keepwarm.rules.core import CORE_SECTIONS
from keepwarm.rules.loading import load_raw, validate


def _write(folder, name, text):
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_text(textwrap.dedent(text), encoding="utf-8")


def test_user_rules_override_defaults_key_by_key(tmp_path):
    _write(tmp_path / "defaults", "engine.toml", """
        [engine]
        recent_days = 90
        baseline_days = 365
    """)
    _write(tmp_path / "mine", "mine.toml", """
        [engine]
        recent_days = 60
    """)
    raw = load_raw(tmp_path / "defaults", tmp_path / "mine")
    ruleset = validate(raw, CORE_SECTIONS)
    assert ruleset.problems == []
    assert ruleset.sections["engine"].recent_days == 60
    assert ruleset.sections["engine"].baseline_days == 365
    assert ruleset.origin("engine.recent_days") == str(tmp_path / "mine" / "mine.toml")
    assert ruleset.origin("engine.baseline_days") == str(tmp_path / "defaults" / "engine.toml")


def test_every_problem_is_reported_with_file_key_and_line(tmp_path):
    _write(tmp_path / "d", "a.toml", """
        [engine]
        recent_dayz = 30
        baseline_days = "long"

        [helth]
        recency = 10
    """)
    _write(tmp_path / "d", "b.toml", "[engine\nx = 1\n")
    raw = load_raw(tmp_path / "d", None)
    ruleset = validate(raw, CORE_SECTIONS)
    text = sorted(str(p) for p in ruleset.problems)
    a = str(tmp_path / "d" / "a.toml")
    b = str(tmp_path / "d" / "b.toml")
    assert f"{a}:3: engine.recent_dayz: unknown key; did you mean 'recent_days'?" in text
    assert any(t.startswith(f"{a}:4: engine.baseline_days: Input should be a valid integer") for t in text)
    assert f"{a}:6: helth: no plugin reads this section; did you mean [health]?" in text
    assert any(t.startswith(f"{b}:1: not valid TOML") for t in text)
    assert "engine" in ruleset.broken


def test_a_broken_section_disables_only_its_plugin(session, tmp_path):
    _write(tmp_path / "mine", "mine.toml", """
        [monthly]
        days = "thirty"
    """)
    runtime = use_plugins(session, ("monthly", Monthly()), user_rules=tmp_path / "mine")
    assert runtime.host.infos["monthly"].disabled == "its rules section [monthly] is invalid"
    assert any("monthly.days" in m for m in runtime.messages())
    assert any("disabled because its rules section [monthly] is invalid" in m for m in runtime.messages())


def _user_rules(home):
    return home / "config" / "rules"


def test_rules_check_lists_all_problems_and_exits_2(run, home):
    _write(_user_rules(home), "mine.toml", """
        [engine]
        recent_dayz = 30

        [health]
        recency = -5
    """)
    result = run("rules", "check")
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert any("engine.recent_dayz: unknown key; did you mean 'recent_days'?" in line for line in lines)
    assert any("health.recency: Input should be greater than or equal to 0" in line for line in lines)
    assert all(line.startswith(str(_user_rules(home) / "mine.toml") + ":") for line in lines)


def test_rules_check_passes_on_the_shipped_rules(run):
    result = run("rules", "check")
    assert result.exit_code == 0, result.stderr
    assert "all valid" in result.stdout


def test_rules_show_gives_provenance_and_init_writes_an_editable_valid_copy(run, home):
    _write(_user_rules(home), "mine.toml", "[engine]\nrecent_days = 30\n")
    shown = {row["key"]: row for row in run("rules", "show", "engine", "--json").json()}
    assert shown["engine.recent_days"]["value"] == 30
    assert shown["engine.recent_days"]["origin"].endswith("mine.toml")
    assert shown["engine.baseline_days"]["origin"].endswith("engine.toml")
    (_user_rules(home) / "mine.toml").unlink()
    assert run("rules", "init").exit_code == 0
    written = _user_rules(home) / "my-rules.toml"
    assert "[engine]" in written.read_text()
    assert run("rules", "check").exit_code == 0
    again = run("rules", "init")
    assert again.exit_code == 2 and "exists already" in again.stderr


def test_rules_show_unknown_section_is_one_line(run):
    result = run("rules", "show", "nope")
    assert result.exit_code == 2
    assert result.stderr.startswith("keepwarm: section: no section [nope]")
