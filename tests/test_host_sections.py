"""The host collects config sections one way, for plugins loaded and plugins added later (#19).

A plugin added with `register_for_test` (how `keepwarm.testing` and an
author's tests add theirs) used to go through a second collector that
dropped a wrong answer or a section name taken already without a word; its
author now sees the problem a user would.
"""

from __future__ import annotations

from pydantic import BaseModel

from keepwarm.hosting.host import PluginHost
from keepwarm.plugin import ConfigSection, hookimpl


class Settings(BaseModel):
    days: int = 30


class Declares:
    def __init__(self, answer):
        self.answer = answer

    @hookimpl
    def keepwarm_config_section(self):
        return self.answer


def _host(*plugins):
    host = PluginHost(eps=[], plugins_dir=None).load()
    for name, plugin in plugins:
        host.register_for_test(plugin, name)
    return host


def test_a_plugin_added_later_declares_its_section():
    host = _host(("mine", Declares(ConfigSection("mine", Settings))))
    assert host.sections["mine"].name == "mine" and host.infos["mine"].section == "mine"
    assert host.problems == []


def test_a_plugin_added_later_that_answers_no_section_is_named():
    host = _host(("odd", Declares({"name": "odd"})))
    assert "odd" not in host.sections
    assert [(p.plugin, p.hook, p.error) for p in host.problems] == [
        ("odd", "keepwarm_config_section", "returned dict, expected ConfigSection or None")]


def test_a_plugin_added_later_cannot_take_a_section_declared_already():
    host = _host(("first", Declares(ConfigSection("shared", Settings))),
                 ("second", Declares(ConfigSection("shared", Settings))))
    assert host.sections == {"first": host.sections["first"]} and host.infos["second"].section is None
    assert [(p.plugin, p.error) for p in host.problems] == [
        ("second", "section [shared] is declared by plugin first already")]
