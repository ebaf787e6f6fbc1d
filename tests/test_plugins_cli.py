"""`keepwarm plugins list --all --hook HOOK --json`, KEEPWARM_TRACE_PLUGINS and the plugin API version."""

from __future__ import annotations

import re
import textwrap

import pytest

import keepwarm
from keepwarm.plugin import PLUGIN_API_VERSION, Tip, hookimpl
from keepwarm.testing import run_engine

ACCOUNT_HOOK_PLUGINS = {"warn_single_threaded", "warn_stakeholder_change", "warn_untouched_stakeholder"}


def _plugin_file(home, name: str, body: str) -> None:
    folder = home / "config" / "plugins"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{name}.py").write_text(textwrap.dedent(body), encoding="utf-8")


TIP = """
    from keepwarm.plugin import Tip, hookimpl
    {api}
    @hookimpl
    def keepwarm_tips(ctx):
        return [Tip("from a file")]
"""


def test_list_json_names_every_built_in_with_source_section_and_hooks(run):
    listed = {p["name"]: p for p in run("plugins", "list", "--json").json()}
    assert listed["warn_replies"] == {
        "name": "warn_replies", "source": "built-in", "origin": "keepwarm_plugins.warn_replies",
        "version": keepwarm.__version__, "hooks": ["keepwarm_warnings"], "section": "reply_slowdown",
        "error": None, "disabled": None, "active": True,
    }
    assert len([p for p in listed.values() if p["source"] == "built-in"]) == 40  # 32 rule plugins, 6 source kinds, 2 address books


def test_hook_filters_to_the_plugins_implementing_it(run):
    listed = run("plugins", "list", "--hook", "keepwarm_account_warnings", "--json").json()
    assert {p["name"] for p in listed} == ACCOUNT_HOOK_PLUGINS
    text = run("plugins", "list", "--hook", "keepwarm_note_signals")
    names = {line.split()[0] for line in text.stdout.splitlines()[1:] if line.strip()}
    assert names == {"warn_market_signals", "warn_push_away"}


def test_an_unknown_hook_is_one_line_exit_2_with_the_known_hooks(run):
    result = run("plugins", "list", "--hook", "keepwarm_warning")
    assert result.exit_code == 2 and result.stdout == ""
    [line] = result.stderr.strip().splitlines()
    assert line.startswith("keepwarm: hook: 'keepwarm_warning' is not a keepwarm hook (known: ")
    assert "keepwarm_warnings" in line and "keepwarm_account_warnings" in line


def test_all_adds_disabled_plugins_to_the_json_and_failed_ones_are_always_listed(run, home):
    _plugin_file(home, "quiet", TIP.format(api=""))
    _plugin_file(home, "broken", "def oops(:\n")
    (home / "config" / "config.toml").write_text('[plugins]\ndisabled = ["quiet"]\n', encoding="utf-8")
    default = {p["name"]: p for p in run("plugins", "list", "--json").json()}
    everything = {p["name"]: p for p in run("plugins", "list", "--all", "--json").json()}
    assert "quiet" not in default
    assert everything["quiet"]["disabled"] == "disabled in config" and everything["quiet"]["active"] is False
    assert default["broken"]["error"].startswith("SyntaxError") and default["broken"]["source"] == "file"
    only_tips = run("plugins", "list", "--all", "--hook", "keepwarm_tips", "--json").json()
    assert "broken" not in {p["name"] for p in only_tips}  # a plugin that failed to load implements nothing


def test_trace_prints_each_hook_call_with_its_timing_on_stderr(run, home, monkeypatch):
    assert run("contact", "add", "Ada Lovelace").exit_code == 0
    assert run("contact", "add", "Grace Hopper").exit_code == 0
    quiet = run("agenda", "--json")
    assert "keepwarm trace:" not in quiet.stderr
    monkeypatch.setenv("KEEPWARM_TRACE_PLUGINS", "1")
    traced = run("agenda", "--json")
    assert traced.exit_code == 0
    lines = [line for line in traced.stderr.splitlines() if line.startswith("keepwarm trace: ")]
    pattern = re.compile(r"keepwarm trace: (\w+) (\w+)(?: contact=(\d+))? (\d+\.\d{3}) ms")
    assert lines and all(pattern.fullmatch(line) for line in lines), lines[:5]
    calls = [pattern.fullmatch(line).groups() for line in lines]
    cadence = {(plugin, contact) for plugin, hook, contact, _ in calls if hook == "keepwarm_cadence"}
    assert {("cadence_interval", "1"), ("cadence_interval", "2"), ("cadence_occasions", "1")} <= cadence
    assert ("warn_replies", "keepwarm_warnings", "2") in {(p, h, c) for p, h, c, _ in calls}
    assert ("tips_style", "load", None) in {(p, h, c) for p, h, c, _ in calls}
    assert len(traced.json()["items"]) == len(quiet.json()["items"]) == 2  # tracing changes no result


def test_the_api_version_is_exported_by_the_package():
    assert keepwarm.PLUGIN_API_VERSION == PLUGIN_API_VERSION
    assert re.fullmatch(r"\d+\.\d+", PLUGIN_API_VERSION)


def _api_plugin(api):
    class Versioned:
        KEEPWARM_API = api

        @hookimpl
        def keepwarm_tips(self, ctx):
            return [Tip("versioned", topic="test")]

    return Versioned()


@pytest.mark.parametrize("api", ["2", "2.0", ["0", "2"], "1.99"])
def test_a_plugin_needing_an_incompatible_api_is_refused_naming_both_versions(api, keepwarm_history, keepwarm_session):
    ada = keepwarm_history.contact("Ada Lovelace")
    evaluation = run_engine(keepwarm_session, _api_plugin(api), names=["versioned"], builtins=False)
    info = evaluation.runtime.host.infos["versioned"]
    wanted = " or ".join(api) if isinstance(api, list) else api
    assert info.error == (f"RuntimeError: needs keepwarm plugin API {wanted}, "
                          f"but this keepwarm provides {PLUGIN_API_VERSION}")
    assert [str(p) for p in evaluation.problems] == [f"plugin versioned: load: {info.error}"]
    assert evaluation.tips(ada) == []


@pytest.mark.parametrize("api", ["1", "1.0", ["1", "2"], None])
def test_a_compatible_plugin_loads(api, keepwarm_history, keepwarm_session):
    ada = keepwarm_history.contact("Ada Lovelace")
    evaluation = run_engine(keepwarm_session, _api_plugin(api), names=["versioned"], builtins=False)
    assert evaluation.runtime.host.infos["versioned"].active
    assert [t.text for t in evaluation.tips(ada)] == ["versioned"]


def test_a_malformed_api_declaration_says_what_was_expected(keepwarm_session):
    evaluation = run_engine(keepwarm_session, _api_plugin("one"), names=["versioned"], builtins=False)
    assert evaluation.runtime.host.infos["versioned"].error == (
        "RuntimeError: KEEPWARM_API = 'one': expected a version such as \"1\" or \"1.0\" "
        f"(this keepwarm provides plugin API {PLUGIN_API_VERSION})"
    )


def test_an_incompatible_file_plugin_is_shown_by_the_cli_and_the_rest_still_works(run, home):
    _plugin_file(home, "future", TIP.format(api='KEEPWARM_API = "2"'))
    assert run("contact", "add", "Ada Lovelace").exit_code == 0
    listed = {p["name"]: p for p in run("plugins", "list", "--json").json()}
    assert listed["future"]["error"] == (
        f"RuntimeError: needs keepwarm plugin API 2, but this keepwarm provides {PLUGIN_API_VERSION}")
    agenda = run("agenda", "--json")
    assert agenda.exit_code == 0
    assert (f"keepwarm: warning: plugin future: load: RuntimeError: needs keepwarm plugin API 2, "
            f"but this keepwarm provides {PLUGIN_API_VERSION}") in agenda.stderr.splitlines()
    assert agenda.json()["items"], "the built-in rules still produce the agenda"
