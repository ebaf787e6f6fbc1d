"""`keepwarm plugins list` shows the built-in source plugins, with the kinds each offers where a rule
plugin shows its section."""

from __future__ import annotations


SOURCE_PLUGINS = {"source_maildir": "maildir", "source_mbox": "mbox", "source_imap": "imap",
                  "source_ics": "ics", "source_vdir": "vdir", "source_caldav": "caldav"}


def test_the_listing_names_each_source_plugins_kind_and_hook(run):
    result = run("plugins", "list")
    assert result.exit_code == 0
    rows = {line.split()[0]: line.split() for line in result.stdout.splitlines()[1:] if line.strip()}
    for plugin, kind in SOURCE_PLUGINS.items():
        name, source, _version, *section, hooks = rows[plugin]
        assert (name, source, " ".join(section), hooks) == (plugin, "built-in", f"sources: {kind}", "source_kinds")
    assert rows["warn_replies"][3] == "reply_slowdown"  # a rule plugin keeps its section


def test_the_hook_filter_lists_exactly_the_source_plugins(run):
    listed = run("plugins", "list", "--hook", "keepwarm_source_kinds", "--json").json()
    assert {p["name"] for p in listed} == set(SOURCE_PLUGINS)
    assert {p["source"] for p in listed} == {"built-in"}
