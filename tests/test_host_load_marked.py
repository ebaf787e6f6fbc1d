"""The host asks pluggy only about the functions a plugin module marked as hooks (issue 19).

A rule module holds the helpers it imports (`applies`, `first_name`, `plural`,
...) beside its hooks; pluggy reads every candidate with `inspect.getattr_static`,
which for forty modules was most of what registering them cost `keepwarm
contact show`. A plain function is a hook only when it carries pluggy's marker
attribute itself, so the others are passed over without asking; what is
registered is unchanged, a plugin object's methods included.
"""

from __future__ import annotations

import types

import pluggy

from keepwarm.hosting.host import PluginHost
from keepwarm.plugin import Tip, applies, first_name, hookimpl, plural


def _module(name: str, **attributes) -> types.ModuleType:
    module = types.ModuleType(name)
    vars(module).update(attributes)
    return module


@hookimpl
def keepwarm_tips(ctx):
    return [Tip(text="be brief")]


@hookimpl
def keepwarm_warnings(ctx):
    return []


class Methods:
    @hookimpl
    def keepwarm_suggestions(self, ctx):
        return []


def test_only_marked_functions_are_asked_about_and_all_of_them_registered(monkeypatch):
    asked: list[str] = []
    original = pluggy.PluginManager.parse_hookimpl_opts

    def counted(self, plugin, name):
        asked.append(name)
        return original(self, plugin, name)

    monkeypatch.setattr(pluggy.PluginManager, "parse_hookimpl_opts", counted)
    module = _module(
        "rules_with_helpers",
        applies=applies,
        first_name=first_name,
        plural=plural,
        helper=lambda ctx: None,
        keepwarm_tips=keepwarm_tips,
        keepwarm_warnings=keepwarm_warnings,
    )
    host = PluginHost(eps=[], plugins_dir=None, budget=0).load()
    host.register_for_test(module, "helpers")
    host.register_for_test(Methods(), "methods")
    assert not host.problems
    assert sorted(set(asked) & {"applies", "first_name", "plural", "helper"}) == []
    assert host.infos["helpers"].hooks == ["keepwarm_tips", "keepwarm_warnings"]
    assert host.infos["methods"].hooks == ["keepwarm_suggestions"]
