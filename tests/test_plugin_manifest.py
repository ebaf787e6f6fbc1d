"""What each plugin implements, kept between runs: a command imports only the plugins whose hooks it calls (issue 19).

`keepwarm contact show` imported every plugin, the eight source and address-book plugins and the plugin API's
types for them included, and called none of those. hosting/manifest.py keeps each plugin's hooks in the cache
folder, and the host imports a plugin when one of its hooks is first called. These tests hold the mechanism
(no timing): which modules a command imports, that what it prints is the same with the manifest and without,
that a plugin file added or changed is seen at once, that calls keep their order and the engine's state its
value whenever a plugin was imported.
"""

from __future__ import annotations

import datetime as dt
import json
import textwrap

import pytest

from keepwarm.api.types import Tip
from keepwarm.engine.state import fingerprint
from keepwarm.hosting import manifest
from keepwarm.hosting.host import PluginHost
from keepwarm.hosting.runtime import build_runtime
from startup_probe import probe as run

SOURCE_PARTS = ("keepwarm.api.sources", "keepwarm.api.address_books", "keepwarm.api.dav")


@pytest.fixture(scope="module")
def book(tmp_path_factory):
    from keepwarm.home.session import Session
    from keepwarm.model import Contact
    from keepwarm.store import contacts

    folder = tmp_path_factory.mktemp("manifest")
    session = Session(folder / "book.db", now=dt.datetime(2026, 3, 2, 9, tzinfo=dt.timezone.utc))
    with session.store.write() as conn:
        ada = contacts.insert_contact(conn, Contact(name="Ada Lovelace", tags=["vip"]), session.now)
    session.close()
    return folder / "book.db", ada


def _user_plugin(home, name: str, text: str):
    folder = home / "config" / "plugins"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.py"
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


SOURCE_ONLY = """
    from keepwarm.plugin import SourceKind, hookimpl

    @hookimpl
    def keepwarm_source_kinds():
        return []
"""

WITH_A_TIP = """
    from keepwarm.plugin import SourceKind, Tip, hookimpl

    @hookimpl
    def keepwarm_source_kinds():
        return []

    @hookimpl
    def keepwarm_tips(ctx):
        return [Tip(text="Ask how the garden is doing.", topic="garden")]
"""


def test_a_second_contact_show_imports_no_plugin_it_does_not_call_and_prints_the_same(tmp_path, book):
    db, ada = book
    home = tmp_path / "home"
    first = run(home, "--db", str(db), "contact", "show", str(ada), "--json")
    second = run(home, "--db", str(db), "contact", "show", str(ada), "--json")
    assert first["status"] == second["status"] == 0
    assert json.loads(second["out"]) == json.loads(first["out"])
    assert (home / "cache" / manifest.FILE_NAME).is_file()
    # without the manifest every plugin is imported; with it, only those whose hooks the command calls
    assert "keepwarm_plugins.source_imap" in first["modules"]
    assert [m for m in second["modules"] if m.startswith("keepwarm_plugins.source_")] == []
    assert [m for m in second["modules"] if m in SOURCE_PARTS] == []
    for called in ("cadence_interval", "warn_replies", "tips_style", "suggest_review"):
        assert f"keepwarm_plugins.{called}" in second["modules"]
    # the third-party plugin of the test environment (an entry point of another distribution) goes the same way
    assert ("keepwarm_sports_banter" in first["modules"]) == ("keepwarm_sports_banter" in second["modules"])


def test_the_plugin_list_is_the_same_with_the_manifest_and_without(tmp_path, book):
    db, _ = book
    home = tmp_path / "home"
    first = run(home, "--db", str(db), "plugins", "list", "--all", "--json")
    second = run(home, "--db", str(db), "plugins", "list", "--all", "--json")
    assert first["status"] == second["status"] == 0
    assert json.loads(second["out"]) == json.loads(first["out"])
    listed = {p["name"]: p for p in json.loads(second["out"])}
    assert listed["source_imap"]["hooks"] == ["keepwarm_source_kinds"] and listed["source_imap"]["active"]
    as_text = run(home, "--db", str(db), "plugins", "list", "--all")
    fresh = run(tmp_path / "other", "--db", str(db), "plugins", "list", "--all")  # no manifest yet in this home
    assert as_text["status"] == fresh["status"] == 0 and as_text["out"] == fresh["out"]


def test_a_plugin_file_is_imported_when_new_not_while_unchanged_and_again_once_changed(tmp_path, book):
    db, ada = book
    home = tmp_path / "home"
    module = "keepwarm_user_plugins.garden"
    run(home, "--db", str(db), "contact", "show", str(ada))  # the built-in plugins are kept
    path = _user_plugin(home, "garden", SOURCE_ONLY)
    added = run(home, "--db", str(db), "contact", "show", str(ada))
    assert added["status"] == 0 and module in added["modules"]  # new: imported, and kept
    kept = run(home, "--db", str(db), "contact", "show", str(ada))
    assert kept["status"] == 0 and module not in kept["modules"] and kept["out"] == added["out"]
    path.write_text(textwrap.dedent(WITH_A_TIP), encoding="utf-8")  # now it gives tips too
    changed = run(home, "--db", str(db), "contact", "show", str(ada))
    assert changed["status"] == 0 and module in changed["modules"]
    assert "Ask how the garden is doing." in changed["out"]
    again = run(home, "--db", str(db), "contact", "show", str(ada))
    assert module in again["modules"] and again["out"] == changed["out"]  # its tips hook is called: imported


def test_a_plugin_that_fails_to_load_is_never_kept_and_says_so_every_run(tmp_path, book):
    db, ada = book
    home = tmp_path / "home"
    _user_plugin(home, "broken", textwrap.dedent(SOURCE_ONLY) + "\nraise RuntimeError('no garden here')\n")
    for _ in range(2):
        result = run(home, "--db", str(db), "contact", "show", str(ada))
        assert result["status"] == 0
        assert "plugin broken: load: RuntimeError: no garden here" in result["err"] + result["out"]
    kept = json.loads((home / "cache" / manifest.FILE_NAME).read_text(encoding="utf-8"))["plugins"]
    assert not [key for key in kept if "broken" in key]


def _ordered_plugins(folder):
    """`a_first` (tips only) loads before `b_second` (tips and a section), which the host imports at once."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, section in (("a_first", False), ("b_second", True)):
        text = f"""
            from pydantic import BaseModel
            from keepwarm.plugin import ConfigSection, Tip, hookimpl

            class Settings(BaseModel):
                say: str = "{name}"

            @hookimpl
            def keepwarm_tips():
                return [Tip(text="{name}", topic="{name}")]
        """
        if section:
            text += """
            @hookimpl
            def keepwarm_config_section():
                return ConfigSection("b_second", Settings)
            """
        (folder / f"{name}.py").write_text(textwrap.dedent(text), encoding="utf-8")


def test_calls_keep_the_order_of_loading_whenever_each_plugin_was_imported(tmp_path):
    folder, cache = tmp_path / "plugins", tmp_path / "cache"
    _ordered_plugins(folder)

    def tips(host: PluginHost) -> list[str]:
        return [tip.text for _, tip in host.dispatcher("keepwarm_tips", Tip)(None, None)[0]]

    eager = PluginHost(plugins_dir=folder, eps=[]).load()
    PluginHost(plugins_dir=folder, eps=[], cache_dir=cache).load()  # writes the manifest
    deferred = PluginHost(plugins_dir=folder, eps=[], cache_dir=cache).load()
    # b_second was imported for its section; a_first only now, for the tips, and still answers first
    assert deferred.pm.get_plugin("a_first") is None and deferred.pm.get_plugin("b_second") is not None
    assert tips(eager) == tips(deferred) == ["a_first", "b_second"]
    assert deferred.pm.get_plugin("a_first") is not None


def test_the_engine_state_is_the_same_whether_a_plugin_was_imported_or_not(tmp_path, monkeypatch):
    monkeypatch.setenv("KEEPWARM_HOME", str(tmp_path / "home"))
    _ordered_plugins(tmp_path / "home" / "config" / "plugins")
    cache = tmp_path / "cache"
    today = dt.date(2026, 3, 2)
    plain = build_runtime()
    build_runtime(cache_dir=cache)
    deferred = build_runtime(cache_dir=cache)
    assert deferred.host.pm.get_plugin("source_imap") is None  # known from the manifest, not imported
    assert deferred.host.infos["source_imap"].hooks == plain.host.infos["source_imap"].hooks
    assert fingerprint(deferred, today) == fingerprint(plain, today)
