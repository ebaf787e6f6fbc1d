"""The plugin host: loading order, sources, fault isolation, strict and safe modes."""

from __future__ import annotations

import sys
import textwrap

import pytest
from engine_helpers import Monthly, use_plugins

from keepwarm.engine.evaluate import evaluate
from keepwarm.hosting.host import PluginError, PluginHost
from keepwarm.model import Contact
from keepwarm.plugin import Tip, Warning, hookimpl
from keepwarm.store import contacts as people
from keepwarm.store import followups

from conftest import FIXED_NOW


def _add(session, *names):
    with session.store.write() as conn:
        return [people.insert_contact(conn, Contact(name=n), FIXED_NOW) for n in names]


class Boom:
    """Raises in every per-contact hook."""

    @hookimpl
    def keepwarm_cadence(self, ctx):
        raise RuntimeError("cadence exploded")

    @hookimpl
    def keepwarm_warnings(self, ctx):
        raise ValueError("warnings exploded")

    @hookimpl
    def keepwarm_account_warnings(self, ctx):
        raise KeyError("account")

    @hookimpl
    def keepwarm_tips(self, ctx):
        raise ZeroDivisionError("tips")

    @hookimpl
    def keepwarm_suggestions(self, ctx):
        raise TypeError("suggestions")

    @hookimpl
    def keepwarm_note_signals(self, rules):
        raise OSError("signals")


class Kind:
    @hookimpl
    def keepwarm_warnings(self, ctx):
        return [Warning(key="kind", message=f"{ctx.contact.name} is fine", severity=1)]

    @hookimpl
    def keepwarm_tips(self, ctx):
        return [Tip("Be kind")]


def test_a_plugin_raising_in_every_hook_is_recorded_and_the_others_still_count(session):
    ada, bob = _add(session, "Ada Lovelace", "Bob Stone")
    with session.store.write() as conn:
        people.update_contact(conn, ada, Contact(name="Ada Lovelace", account="Acme"), FIXED_NOW)
    use_plugins(session, ("boom", Boom()), ("monthly", Monthly()), ("kind", Kind()))
    ev = evaluate(session)
    assert [w.key for w in ev.warnings[ada]] == ["kind"]
    assert [t.text for t in ev.tips(bob)] == ["Be kind"]
    assert ev.suggestions(bob) == []
    with session.store.read() as conn:
        assert {f.contact_id for f in followups.list_followups(conn)} == {ada, bob}
    failed = {(p.plugin, p.hook) for p in ev.problems}
    assert failed == {
        ("boom", "keepwarm_note_signals"),
        ("boom", "keepwarm_cadence"),
        ("boom", "keepwarm_warnings"),
        ("boom", "keepwarm_account_warnings"),
        ("boom", "keepwarm_tips"),
        ("boom", "keepwarm_suggestions"),
    }
    cadence = next(p for p in ev.problems if p.hook == "keepwarm_cadence")
    assert cadence.error == "RuntimeError: cadence exploded"
    assert cadence.contact_id == ada and cadence.count == 2  # once per contact, kept as one line


def test_strict_mode_raises_instead_of_recording(session, monkeypatch):
    _add(session, "Ada Lovelace")
    monkeypatch.setenv("KEEPWARM_STRICT_PLUGINS", "1")
    use_plugins(session, ("boom", Boom()), strict=None)
    with pytest.raises((PluginError, RuntimeError, OSError)):
        evaluate(session)


def test_wrong_return_types_are_problems_not_crashes(session):
    _add(session, "Ada Lovelace")

    class Sloppy:
        @hookimpl
        def keepwarm_warnings(self, ctx):
            return ["not a warning"]

        @hookimpl
        def keepwarm_tips(self, ctx):
            return 42

    use_plugins(session, ("sloppy", Sloppy()))
    ev = evaluate(session)
    messages = sorted(str(p) for p in ev.problems)
    assert any("expected Warning" in m for m in messages)
    assert ev.tips(next(iter(ev.contacts))) == []
    assert any("expected a list of Tip" in str(p) for p in ev.problems)


def test_unknown_hook_implementation_fails_loudly_and_is_not_registered():
    class Typo:
        @hookimpl
        def keepwarm_warning(self, ctx):  # singular: no such hook
            return []

    host = PluginHost(eps=[]).load()
    host.register_for_test(Typo(), "typo")
    info = host.infos["typo"]
    assert info.error is not None and "keepwarm_warning" in info.error
    assert host.pm.get_plugin("typo") is None
    assert [(p.plugin, p.hook) for p in host.problems] == [("typo", "load")]


def test_file_plugins_load_after_packages_and_a_broken_file_is_isolated(tmp_path):
    folder = tmp_path / "plugins"
    folder.mkdir()
    (folder / "good.py").write_text(textwrap.dedent("""
        from keepwarm.plugin import Tip, hookimpl

        @hookimpl
        def keepwarm_tips(ctx):
            return [Tip("from a file")]
    """))
    (folder / "broken.py").write_text("def oops(:\n")
    (folder / "_private.py").write_text("raise SystemExit('never imported')\n")
    host = PluginHost(eps=[], plugins_dir=folder).load()
    assert host.infos["good"].source == "file" and host.infos["good"].active
    assert host.infos["good"].hooks == ["keepwarm_tips"]
    assert host.infos["broken"].error.startswith("SyntaxError")
    assert "_private" not in host.infos
    safe = PluginHost(eps=[], plugins_dir=folder, safe_mode=True).load()
    assert safe.infos["good"].disabled == "safe mode" and safe.pm.get_plugin("good") is None


def test_plugins_disabled_by_name_do_not_run(tmp_path):
    folder = tmp_path / "plugins"
    folder.mkdir()
    (folder / "chatty.py").write_text(
        "from keepwarm.plugin import Tip, hookimpl\n@hookimpl\ndef keepwarm_tips(ctx):\n    return [Tip('x')]\n"
    )
    host = PluginHost(eps=[], plugins_dir=folder, disabled=["chatty"]).load()
    assert host.infos["chatty"].disabled == "disabled in config"
    assert host.pm.get_plugin("chatty") is None


def test_an_installed_package_is_found_through_its_entry_point(tmp_path, monkeypatch):
    """A real distribution on sys.path (dist-info with entry_points.txt), as pip would leave it."""
    site = tmp_path / "site"
    (site / "kw_demo_plugin").mkdir(parents=True)
    (site / "kw_demo_plugin" / "__init__.py").write_text(
        "from keepwarm.plugin import Tip, hookimpl\n__version__ = '2.3'\n"
        "@hookimpl\ndef keepwarm_tips(ctx):\n    return [Tip('from a package', topic='demo')]\n"
    )
    info = site / "kw_demo_plugin-2.3.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: kw-demo-plugin\nVersion: 2.3\n")
    (info / "entry_points.txt").write_text("[keepwarm]\ndemo = kw_demo_plugin\n")
    monkeypatch.syspath_prepend(str(site))
    host = PluginHost(plugins_dir=None).load()
    demo = host.infos["demo"]
    assert (demo.source, demo.origin, demo.version, demo.hooks) == ("package", "kw-demo-plugin", "2.3",
                                                                   ["keepwarm_tips"])
    names = list(host.infos)
    builtins = [n for n in names if host.infos[n].source == "built-in"]
    assert names.index("demo") > max((names.index(b) for b in builtins), default=-1)
    safe = PluginHost(plugins_dir=None, safe_mode=True).load()
    assert safe.infos["demo"].disabled == "safe mode"
    sys.modules.pop("kw_demo_plugin", None)


def test_a_plugin_requiring_another_api_version_is_refused():
    class Future:
        KEEPWARM_API = "2"

        @hookimpl
        def keepwarm_tips(self, ctx):
            return []

    host = PluginHost(eps=[]).load()
    host.register_for_test(Future(), "future")
    assert "needs keepwarm plugin API 2" in host.infos["future"].error
    assert "provides 1." in host.infos["future"].error


class Shapes:
    """Every shape of answer a plugin may give, good and bad, one per contact name."""

    @hookimpl
    def keepwarm_tips(self, ctx):
        name = ctx.contact.name
        if name.startswith("One"):
            return Tip("a single tip")
        if name.startswith("Mixed"):
            return [Tip("good"), "bad", Tip("also good")]
        if name.startswith("Tuple"):
            return (Tip("from a tuple"), Tip("and another"))
        if name.startswith("Empty"):
            return []
        if name.startswith("Number"):
            return 7
        return [Tip("first"), Tip("second")]


class NoArgument:
    """A hook implementation that declares no argument at all (pluggy allows it)."""

    @hookimpl
    def keepwarm_tips(self):
        return [Tip("no context needed")]


def test_the_call_path_answers_every_shape_of_result(session):
    """The call path takes a shortcut for the usual answer (a short list of the right results);
    every other shape must still be taken apart, item by item, and its faults recorded."""
    names = ["One Tip", "Mixed Bag", "Tuple Tim", "Empty Emma", "Number Nell", "Plain Paula"]
    _add(session, *names)
    use_plugins(session, ("shapes", Shapes()), ("noarg", NoArgument()), ("boom", Boom()))
    ev = evaluate(session, persist=False)
    host = ev.runtime.host
    host.problems.clear()
    host._problem_index.clear()
    call = host.dispatcher("keepwarm_tips", Tip)
    results = {}
    for cid, ctx in sorted(ev.contexts.items()):
        found, failed = call(ctx, cid)
        results[ctx.contact.name] = ([(p, t.text) for p, t in found], sorted(failed))
    problems = [(p.plugin, p.hook, p.contact_id, p.error, p.count) for p in host.problems]
    assert results["One Tip"] == ([("shapes", "a single tip"), ("noarg", "no context needed")], ["boom"])
    assert results["Mixed Bag"][0][:2] == [("shapes", "good"), ("shapes", "also good")]
    assert results["Mixed Bag"][1] == ["boom", "shapes"]
    assert results["Tuple Tim"][0][:2] == [("shapes", "from a tuple"), ("shapes", "and another")]
    assert results["Empty Emma"] == ([("noarg", "no context needed")], ["boom"])
    assert results["Number Nell"][1] == ["boom", "shapes"]
    assert results["Plain Paula"][0][:2] == [("shapes", "first"), ("shapes", "second")]
    assert {(p[0], p[3]) for p in problems} >= {("boom", "ZeroDivisionError: tips"),
                                               ("shapes", "returned a str in its list, expected Tip")}
