"""A plugin that implements a hook wrongly is refused with the reason, in one line.

A misspelt hook name gets the hook it resembles; an argument the hook does not
pass is named with what the hook does pass; a function named like a hook but
not marked is pointed out instead of being silently ignored.
"""

from __future__ import annotations

import textwrap

from keepwarm.hosting.host import PluginHost


def _host(tmp_path, **files: str) -> PluginHost:
    folder = tmp_path / "plugins"
    folder.mkdir()
    for name, body in files.items():
        (folder / f"{name}.py").write_text(textwrap.dedent(body), encoding="utf-8")
    return PluginHost(plugins_dir=folder, packages=False).load()


def test_a_misspelt_hook_name_is_refused_with_the_hook_it_resembles(tmp_path):
    host = _host(tmp_path, golf="""
        from keepwarm.plugin import hookimpl

        @hookimpl
        def keepwarm_tip(ctx):
            return []
    """)
    info = host.infos["golf"]
    assert info.error == "HookError: keepwarm_tip is not a keepwarm hook; did you mean keepwarm_tips?"
    assert [str(p) for p in host.problems] == [f"plugin golf: load: {info.error}"]


def test_a_name_like_no_hook_lists_the_hooks(tmp_path):
    host = _host(tmp_path, golf="""
        from keepwarm.plugin import hookimpl

        @hookimpl
        def keepwarm_handicap(ctx):
            return []
    """)
    error = host.infos["golf"].error
    assert error.startswith(
        "HookError: keepwarm_handicap is not a keepwarm hook (the hooks: keepwarm_account_warnings, ")
    assert "keepwarm_tips" in error and "\n" not in error


def test_a_wrong_argument_keeps_its_cause_and_says_what_the_hook_passes(tmp_path):
    host = _host(tmp_path, golf="""
        from keepwarm.plugin import hookimpl

        @hookimpl
        def keepwarm_warnings(context):
            return []
    """, putt="""
        from keepwarm.plugin import hookimpl

        @hookimpl
        def keepwarm_note_signals(rules, contact):
            return {}
    """)
    assert host.infos["golf"].error == (
        "HookError: keepwarm_warnings(context): keepwarm_warnings receives no argument 'context' "
        "(it is given ctx, by name); did you mean ctx?")
    assert host.infos["putt"].error == (
        "HookError: keepwarm_note_signals(rules, contact): keepwarm_note_signals receives no argument 'contact' "
        "(it is given rules, by name)")
    assert not host.infos["golf"].active and not host.infos["putt"].active


def test_a_hook_function_without_the_marker_is_pointed_out_and_the_rest_loads(tmp_path):
    host = _host(tmp_path, golf="""
        from keepwarm.plugin import Tip, hookimpl

        def keepwarm_tips(ctx):
            return [Tip("never seen")]

        @hookimpl
        def keepwarm_warnings(ctx):
            return []
    """)
    info = host.infos["golf"]
    assert info.active and info.hooks == ["keepwarm_warnings"]
    assert [str(p) for p in host.problems] == [
        "plugin golf: load: keepwarm_tips is not marked @hookimpl, so keepwarm never calls it "
        "(add `@hookimpl` from keepwarm.plugin above it)"]


def test_keepwarms_own_plugins_load_without_a_word(tmp_path):
    host = PluginHost(plugins_dir=None, packages=False).load()
    assert host.problems == [] and all(info.active for info in host.infos.values())
