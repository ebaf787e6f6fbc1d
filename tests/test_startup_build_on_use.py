"""What `keepwarm contact show` builds only when it uses it (issue 19): no timing, the mechanism.

A one-contact run froze some forty kinds of pydantic model for its plugins,
and built a validator and serializer for each at once; the plugin host looked
at every attribute of every plugin module twice (its own check, then pluggy's
registration), and at its imported classes and modules too. Both cost a
one-contact run a third of its time.
"""

from __future__ import annotations

import collections
import inspect
import types

import pluggy
import pytest
from pydantic import BaseModel, ConfigDict, ValidationError

from keepwarm.engine.readonly import Freezer
from keepwarm.hosting.host import GROUP, PluginHost


def test_a_frozen_model_is_built_only_when_it_is_dumped_and_still_refuses_assignment():
    class Note(BaseModel):  # a class of its own: the frozen subclass is made once per class and process
        model_config = ConfigDict(extra="forbid", validate_assignment=True)

        text: str
        tags: list[str] = []

    original = Note(text="hello", tags=["a"])
    frozen = Freezer(copy=True)(original)
    kind = type(frozen)
    assert kind is not Note and isinstance(frozen, Note)
    assert not kind.__pydantic_complete__  # made without building its validator and serializer
    with pytest.raises(ValidationError, match="frozen"):
        frozen.text = "changed"
    assert frozen == original and frozen.text == "hello"
    # dumped, it is built then, and dumps as the model it was made from
    assert frozen.model_dump(mode="json") == original.model_dump(mode="json") == {"text": "hello", "tags": ["a"]}
    assert kind.__pydantic_complete__


def test_the_host_looks_at_each_function_of_a_plugin_module_once_per_load(monkeypatch):
    from importlib.metadata import entry_points

    looks: collections.Counter = collections.Counter()
    asked_about: set[type] = set()
    original = pluggy.PluginManager.parse_hookimpl_opts

    def counted(self, plugin, name):
        looks[(id(plugin), name)] += 1
        asked_about.add(type(vars(plugin).get(name)) if inspect.ismodule(plugin) else type(plugin))
        return original(self, plugin, name)

    monkeypatch.setattr(pluggy.PluginManager, "parse_hookimpl_opts", counted)
    eps = list(entry_points(group=GROUP))
    host = PluginHost(eps=eps, plugins_dir=None, budget=0).load()
    assert not host.problems
    assert {info.name for info in host.infos.values() if info.hooks} >= {"cadence_interval", "source_ics"}
    assert looks and max(looks.values()) == 1
    # of a module, pluggy is asked about its functions only, not about every class and module it imports
    assert asked_about == {types.FunctionType}
    # and what it found is what pluggy registered: every built-in's hooks are there
    registered = {h.name for p in host.pm.get_plugins() for h in host.pm.get_hookcallers(p) or ()}
    assert {"keepwarm_warnings", "keepwarm_config_section", "keepwarm_tips"} <= registered
