"""`keepwarm source`, `sync` and `correspondents` as a user types them, with a third-party source plugin file.

The plugin is the tutorial's chat-log source from docs/plugins.md, dropped into
the user's plugins folder as a single file, exactly as a user would install it.
"""

from __future__ import annotations

import json
import os
import re
import tomllib
from pathlib import Path

import pytest

DOC = Path(__file__).resolve().parents[1] / "docs" / "plugins.md"
ME = "me@corp.example"


@pytest.fixture
def chatlog(home, tmp_path):
    blocks = re.findall(r"```python\n(.*?)```", DOC.read_text(encoding="utf-8"), re.S)
    [block] = [b for b in blocks if "def keepwarm_source_kinds" in b and "from keepwarm.plugin import" in b]
    folder = home / "config" / "plugins"
    folder.mkdir(parents=True, exist_ok=True)
    for private in (home, home / "config", folder):
        os.chmod(private, 0o755)
    (folder / "chatlog.py").write_text(block, encoding="utf-8")
    os.chmod(folder / "chatlog.py", 0o644)
    (home / "config" / "config.toml").write_text("# my settings, by hand\ntimezone = \"UTC\"  # where I live\n",
                                                 encoding="utf-8")
    log = tmp_path / "chats.csv"
    log.write_text("2026-11-20T10:00:00+00:00,ada@client.example,out\n"
                   "2026-11-20T10:30:00+00:00,ada@client.example,in\n"
                   "2026-11-19T09:00:00+00:00,carol@partner.example,in\n"
                   "2026-11-18T09:00:00+00:00,carol@partner.example,in\n"
                   "2026-11-18T10:00:00+00:00,dan@vendor.example,in\n"
                   "yesterday,ada@client.example,in\n", encoding="utf-8")
    return log


def config(home) -> tuple[str, dict]:
    text = (home / "config" / "config.toml").read_text(encoding="utf-8")
    return text, tomllib.loads(text)


def test_add_writes_config_keeps_comments_and_syncs(run, home, chatlog):
    assert run("contact", "add", "Ada Lovelace", "--email", "ada@client.example").exit_code == 0
    added = run("source", "add", "chatlog", str(chatlog), "--me", ME)
    assert added.exit_code == 0, added.stderr
    text, data = config(home)
    assert text.startswith("# my settings, by hand\ntimezone = \"UTC\"  # where I live\n")
    assert data["me"] == [ME]
    assert data["sources"]["chatlog"] == {"kind": "chatlog", "path": str(chatlog)}
    assert added.stdout.strip() == ("chatlog: read 6, 2 new touches, skipped 1 (1 unreadable row), "
                                    "2 unknown correspondents")
    listed = run("source", "list", "--json").json()
    assert [(s["name"], s["kind"], s["touches"], s["problem"]) for s in listed] == [("chatlog", "chatlog", 2, None)]
    again = run("sync", "--json")
    assert again.exit_code == 0
    assert [(s["name"], s["read"], s["new_touches"]) for s in again.json()] == [("chatlog", 0, 0)]


def test_bad_additions_are_one_line_and_write_nothing(run, home, chatlog):
    before = config(home)[0]
    for args, expected in [
        (("source", "add", "pigeon", "x"), "no plugin offers the source kind 'pigeon' (known kinds: "),
        (("source", "add", "chatlog", str(chatlog), "--set", "colour=red"), "sources.chatlog.colour"),
        (("source", "add", "chatlog", str(chatlog), "--set", "colour"), "--set: 'colour' is not KEY=VALUE"),
        (("source", "add", "chatlog", str(chatlog), "--name", "my mail"), "source name 'my mail'"),
        (("source", "add", "chatlog", str(chatlog), "--me", "not-an-address"), "is not an e-mail address"),
    ]:
        result = run(*args)
        assert result.exit_code == 2, (args, result.stdout, result.stderr)
        assert expected in result.stderr and len(result.stderr.strip().splitlines()) == 1, result.stderr
        assert "Traceback" not in result.stderr
        assert config(home)[0] == before


def test_sync_without_my_addresses_says_how_to_set_them(run, home, chatlog):
    assert run("source", "add", "chatlog", str(chatlog), "--no-sync").exit_code == 0
    result = run("sync")
    assert result.exit_code == 2
    assert "me: your own e-mail addresses are needed" in result.stderr


def test_dry_run_counts_and_writes_nothing(run, home, chatlog):
    run("contact", "add", "Ada Lovelace", "--email", "ada@client.example")
    assert run("source", "add", "chatlog", str(chatlog), "--me", ME, "--no-sync").exit_code == 0
    dry = run("sync", "--dry-run", "--json").json()
    assert [(s["read"], s["new_touches"], s["dry_run"]) for s in dry] == [(6, 2, True)]
    assert run("source", "list", "--json").json()[0]["touches"] == 0
    assert run("sync", "chatlog", "--json").json()[0]["new_touches"] == 2
    unknown = run("sync", "nosuch")
    assert unknown.exit_code == 2 and "no source named 'nosuch'" in unknown.stderr


def test_rm_asks_unless_told_and_can_drop_the_touches(run, home, chatlog):
    run("contact", "add", "Ada Lovelace", "--email", "ada@client.example")
    assert run("source", "add", "chatlog", str(chatlog), "--me", ME).exit_code == 0
    refused = run("source", "rm", "chatlog")
    assert refused.exit_code == 2 and "say --keep-touches or --drop-touches" in refused.stderr
    dropped = run("source", "rm", "chatlog", "--drop-touches")
    assert dropped.exit_code == 0 and "2 touches it brought removed" in dropped.stdout
    assert "sources" not in config(home)[1]
    assert run("history", "Ada", "--json").json() == []


def test_rm_keeping_the_touches_leaves_them_as_history(run, home, chatlog):
    run("contact", "add", "Ada Lovelace", "--email", "ada@client.example")
    run("source", "add", "chatlog", str(chatlog), "--me", ME)
    kept = run("source", "rm", "chatlog", "--keep-touches")
    assert kept.exit_code == 0 and "kept as history" in kept.stdout
    assert len(run("history", "Ada", "--json").json()) == 2


def test_correspondents_listed_added_and_ignored(run, home, chatlog):
    run("source", "add", "chatlog", str(chatlog), "--me", ME)
    listed = run("correspondents", "--json").json()
    assert [(c["address"], c["messages"], c["inbound"]) for c in listed] == [  # equal counts: the latest first
        ("ada@client.example", 2, 1), ("carol@partner.example", 2, 2), ("dan@vendor.example", 1, 1)]
    added = run("correspondents", "add", "carol@partner.example", "--name", "Carol Partner")
    assert added.exit_code == 0 and "with 2 touches from your sources" in added.stdout
    assert len(run("history", "Carol", "--json").json()) == 2
    assert run("correspondents", "ignore", "dan@vendor.example").exit_code == 0
    assert [c["address"] for c in run("correspondents", "--json").json()] == ["ada@client.example"]
    bad = run("correspondents", "add", "nobody")
    assert bad.exit_code == 2 and "is not an e-mail address" in bad.stderr
    text = run("correspondents")
    assert text.stdout.splitlines()[0].split() == ["ADDRESS", "NAME", "MESSAGES", "IN", "OUT", "MEETINGS", "LAST"]
    kinds = {k["kind"]: k for k in json.loads(run("source", "kinds", "--json").stdout)}
    assert {"chatlog", "maildir", "mbox", "imap", "ics", "vdir", "caldav"} <= set(kinds)
    assert kinds["chatlog"]["plugin"] == "chatlog" and kinds["chatlog"]["target"] == "path"
    assert "password" not in kinds["imap"]["options"] and "password_command" in kinds["imap"]["options"]


def test_doctor_names_a_broken_source_and_a_missing_me(run, home, chatlog):
    (home / "config" / "config.toml").write_text(
        '[sources.work]\nkind = "chatlog"\npath = "/tmp/x.csv"\n[sources.old]\nkind = "pigeon"\n', encoding="utf-8")
    report = run("doctor", "--json")
    assert report.exit_code == 1
    sources = [f for f in report.json()["findings"] if f["check"] == "sources"]
    assert [f["ok"] for f in sources] == [False, False]
    assert "no plugin offers the source kind 'pigeon'" in sources[0]["message"]
    assert "me: not set" in sources[1]["message"]


def test_a_source_that_cannot_be_read_at_all_is_not_added(run, home, chatlog, tmp_path):
    before = config(home)[0]
    missing = run("source", "add", "chatlog", str(tmp_path / "nowhere.csv"), "--me", ME)
    assert missing.exit_code == 2
    assert "No such file" in missing.stderr and "the source was not added" in missing.stderr
    assert len(missing.stderr.strip().splitlines()) == 1 and "Traceback" not in missing.stderr
    assert config(home)[0] == before
    assert run("source", "list", "--json").json() == []
    kept = run("source", "add", "chatlog", str(tmp_path / "nowhere.csv"), "--me", ME, "--no-sync")
    assert kept.exit_code == 0 and "chatlog" in config(home)[1]["sources"]
