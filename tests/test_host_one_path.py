"""The plugin host calls plugins through one guarded path, which pluggy's own hook-call monitoring sees.

Every caller (the engine's per-contact dispatch, the convenience methods, the
config sections, the note signals, the source kinds) goes through it, so a
monitor installed with `PluginManager.add_hookcall_monitoring` or pluggy's
`enable_tracing` sees each plugin call, and a failing plugin is the same
problem whichever way it was called.
"""

from __future__ import annotations

import re

import pytest
from engine_helpers import use_plugins

from keepwarm.engine.agenda import build_agenda
from keepwarm.engine.evaluate import evaluate
from keepwarm.hosting.host import PluginHost
from keepwarm.model import Contact
from keepwarm.plugin import Proposal, Suggestion, Tip, Warning, hookimpl
from keepwarm.store import contacts as people

from conftest import FIXED_NOW

PER_CONTACT = ("keepwarm_cadence", "keepwarm_warnings", "keepwarm_tips", "keepwarm_suggestions")


def _add(session, *names):
    with session.store.write() as conn:
        return [people.insert_contact(conn, Contact(name=n), FIXED_NOW) for n in names]


class Spy:
    """Due today for everyone, with a warning, a tip and a suggestion each; keeps its own log of its calls."""

    def __init__(self):
        self.calls = []

    @hookimpl
    def keepwarm_cadence(self, ctx):
        self.calls.append(("keepwarm_cadence", ctx.contact.id))
        return [Proposal(rule_key="spy", due=ctx.today, reason="spied on")]

    @hookimpl
    def keepwarm_warnings(self, ctx):
        self.calls.append(("keepwarm_warnings", ctx.contact.id))
        return [Warning(key="spy", message="watched", severity=1)]

    @hookimpl
    def keepwarm_tips(self, ctx):
        self.calls.append(("keepwarm_tips", ctx.contact.id))
        return [Tip("look behind you")]

    @hookimpl
    def keepwarm_suggestions(self, ctx):
        self.calls.append(("keepwarm_suggestions", ctx.contact.id))
        return [Suggestion(key="spy", text="wave", why="")]

    @hookimpl
    def keepwarm_note_signals(self, rules):
        self.calls.append(("keepwarm_note_signals", None))
        return {"spied": ["binoculars"]}


def _monitor(host):
    """A hook-call monitor of pluggy's own kind: (plugin, hook, contact id) of every call it sees."""
    seen = []

    def before(hook, impls, kwargs):
        ctx = kwargs.get("ctx")
        contact = getattr(getattr(ctx, "contact", None), "id", None)
        seen.extend((impl.plugin_name, hook, contact) for impl in impls)

    def after(outcome, hook, impls, kwargs):
        pass

    return seen, host.pm.add_hookcall_monitoring(before, after)


def test_a_hookcall_monitor_sees_every_plugin_call_of_an_agenda_run_including_each_contacts(session):
    ids = _add(session, "Ada Lovelace", "Grace Hopper")
    host = session.runtime.host
    spy = Spy()
    host.register_for_test(spy, "spy")
    seen, _ = _monitor(host)

    agenda = build_agenda(session)

    assert {item.contact.id for item in agenda.items} >= set(ids)
    spied = sorted((hook, contact) for plugin, hook, contact in seen if plugin == "spy")
    assert spied == sorted(spy.calls)  # every call the plugin received, and no other
    assert {(hook, cid) for hook in PER_CONTACT for cid in ids} <= set(spied)
    cadence_plugins = {impl.plugin_name for impl in host.pm.hook.keepwarm_cadence.get_hookimpls()}
    assert len(cadence_plugins) > 1  # the built-in ones too
    assert {(p, "keepwarm_cadence", cid) for p in cadence_plugins for cid in ids} <= set(seen)


def test_pluggys_own_tracing_writes_the_per_contact_calls(session):
    (ada,) = _add(session, "Ada Lovelace")
    use_plugins(session, ("spy", Spy()))
    host = session.runtime.host
    written = []
    host.pm.trace.root.setwriter(written.append)
    undo = host.pm.enable_tracing()

    build_agenda(session)
    undo()

    text = "".join(written)
    for hook in PER_CONTACT:
        assert f"{hook} [hook]" in text
    assert "finish keepwarm_cadence --> [[Proposal(rule_key='spy'" in text


def test_a_monitor_removed_sees_no_more_calls(session):
    (ada,) = _add(session, "Ada Lovelace")
    use_plugins(session, ("spy", Spy()))
    ev = evaluate(session, persist=False)
    host, ctx = ev.runtime.host, ev.contexts[ada]
    call = host.dispatcher("keepwarm_tips", Tip)
    seen, undo = _monitor(host)
    assert call(ctx, ada)[0] == [("spy", Tip("look behind you"))]
    assert seen == [("spy", "keepwarm_tips", ada)]
    undo()
    undo()  # twice: harmless
    assert call(ctx, ada)[0] == [("spy", Tip("look behind you"))]
    assert seen == [("spy", "keepwarm_tips", ada)]
    assert host.pm.monitors == 0


class Boom:
    """Raises in every hook it implements."""

    @hookimpl
    def keepwarm_tips(self, ctx):
        raise ZeroDivisionError("no tips today")

    @hookimpl
    def keepwarm_note_signals(self, rules):
        raise OSError("no signals")

    @hookimpl
    def keepwarm_source_kinds(self):
        raise LookupError("no kinds")


def _problems(host):
    found = [(p.plugin, p.hook, p.contact_id, p.error, p.count, p.detail.splitlines()[-1]) for p in host.problems]
    host.problems.clear()
    host._problem_index.clear()
    return found


@pytest.mark.parametrize("monitored", [False, True], ids=["plain", "monitored"])
def test_a_failing_plugin_is_the_same_problem_whichever_way_it_is_called(session, monitored):
    (ada,) = _add(session, "Ada Lovelace")
    use_plugins(session, ("boom", Boom()), ("spy", Spy()))
    ev = evaluate(session, persist=False)
    host, ctx = ev.runtime.host, ev.contexts[ada]
    if monitored:
        _monitor(host)
    _problems(host)

    assert host.tips(ctx) == [Tip("look behind you")]
    through_convenience = _problems(host)
    found, failed = host.dispatcher("keepwarm_tips", Tip)(ctx, ada)
    through_dispatcher = _problems(host)

    assert found == [("spy", Tip("look behind you"))] and failed == {"boom"}
    expected = ("boom", "keepwarm_tips", ada, "ZeroDivisionError: no tips today", 1)
    assert [p[:5] for p in through_convenience] == [expected]
    assert through_convenience == through_dispatcher
    assert through_dispatcher[0][5] == "ZeroDivisionError: no tips today"  # the traceback kept for the details
    assert host.note_signals(ev.runtime.rules.sections)["spied"] == ["binoculars"]
    assert host.source_kinds() == {}
    assert [p[:4] for p in _problems(host)] == [
        ("boom", "keepwarm_note_signals", None, "OSError: no signals"),
        ("boom", "keepwarm_source_kinds", None, "LookupError: no kinds"),
    ]


class Chatty:
    @hookimpl
    def keepwarm_tips(self, ctx):
        return [Tip("talk more")]


def test_a_plugin_disabled_after_a_caller_was_made_is_not_called_by_it(session):
    (ada,) = _add(session, "Ada Lovelace")
    use_plugins(session, ("chatty", Chatty()), ("spy", Spy()))
    ev = evaluate(session, persist=False)
    host, ctx = ev.runtime.host, ev.contexts[ada]
    call = host.dispatcher("keepwarm_tips", Tip)
    assert [p for p, _ in call(ctx, ada)[0]] == ["chatty", "spy"]

    host.disable("chatty", "its rules section [chatty] is invalid")

    assert [p for p, _ in call(ctx, ada)[0]] == ["spy"]
    assert host.tips(ctx) == [Tip("look behind you")]


class Defaulted:
    """Declares its argument with a default: pluggy passes it by keyword, and so must the host."""

    @hookimpl
    def keepwarm_tips(self, ctx=None):
        return [Tip(f"ask {ctx.contact.name} about the engine")]


def test_an_argument_declared_with_a_default_is_passed_as_pluggy_passes_it(session):
    (ada,) = _add(session, "Ada Lovelace")
    use_plugins(session, ("defaulted", Defaulted()))
    ev = evaluate(session, persist=False)
    host, ctx = ev.runtime.host, ev.contexts[ada]
    host.problems.clear()

    assert host.tips(ctx) == [Tip("ask Ada Lovelace about the engine")]
    _monitor(host)  # through pluggy's own executor: the same answer
    assert host.dispatcher("keepwarm_tips", Tip)(ctx, ada)[0] == [("defaulted", Tip("ask Ada Lovelace about the engine"))]
    assert host.problems == []


class Wrapping:
    @hookimpl(wrapper=True)
    def keepwarm_tips(self, ctx):
        tips = yield
        return [*tips, Tip("wrapped")]


def test_a_wrapper_implementation_is_refused_at_load_saying_why():
    host = PluginHost(eps=[], plugins_dir=None).load()
    host.register_for_test(Wrapping(), "wrapping")

    info = host.infos["wrapping"]
    assert not info.active and info.hooks == []
    assert info.error.startswith("HookError: keepwarm_tips is marked as a wrapper")
    assert [(p.plugin, p.hook) for p in host.problems] == [("wrapping", "load")]
    assert host.pm.get_plugin("wrapping") is None


def test_the_trace_says_which_call_raised(session, capsys):
    (ada,) = _add(session, "Ada Lovelace")
    host = PluginHost(eps=[], plugins_dir=None, trace=True).load()
    host.register_for_test(Boom(), "boom")
    host.register_for_test(Spy(), "spy")
    ctx = evaluate(session, persist=False).contexts[ada]
    capsys.readouterr()

    host.tips(ctx)

    lines = capsys.readouterr().err.splitlines()
    pattern = r"keepwarm trace: (\w+) keepwarm_tips contact=(\d+) \d+\.\d{3} ms( raised ZeroDivisionError)?"
    calls = [re.fullmatch(pattern, line).groups() for line in lines]
    assert calls == [("boom", str(ada), " raised ZeroDivisionError"), ("spy", str(ada), None)]
