"""The JSON backup: deterministic export, byte-identical round trip, restore only into an
empty database, every record validated, the user's rule files carried along."""

from __future__ import annotations

import json
import os
import stat

import pytest

from keepwarm.home import paths

RULE = "# my own cadence\n[cadence.tier_days]\na = 21\n"


def _history(run) -> None:
    """A little of everything the backup must carry."""
    steps = [
        ("contact", "add", "Ada Lovelace", "--account", "Engines Ltd", "--email", "ada@engines.example",
         "--birthday", "12-10", "--interest", "poetry", "--tag", "vip", "--tier", "a", "--role", "champion"),
        ("contact", "add", "Charles Babbage", "--account", "Engines Ltd", "--work-anniversary", "2019-03-01",
         "--date", "first engine=1822-06-14", "--phone", "+44 20 1234"),
        ("log", "Ada", "-c", "call", "-s", "2", "--notes", "Talked about the notes on the engine.", "--when", "2026-11-20 10:15"),
        ("log", "Charles", "-c", "email", "--no-reply", "--when", "yesterday"),
        ("log", "Ada", "Charles", "-c", "meeting", "-p", "business", "--when", "2026-11-18 14:00"),
        ("promise", "add", "Ada", "Send the Bernoulli table", "--due", "2026-11-25"),
        ("promise", "add", "Charles", "Charles sends drawings", "--by", "them", "--due", "2026-11-01"),
        ("assess", "Ada", "--trust", "4", "--communication", "4", "--sharing", "3", "--advocacy", "4",
         "--conflict", "3", "--commitment", "5"),
        ("followup", "add", "Charles", "Ask about the difference engine", "--due", "2026-12-02 09:30"),
    ]
    for step in steps:
        result = run(*step)
        assert result.exit_code == 0, (step, result.stderr)
    promise_id = run("promise", "list", "--json").json()[0]["id"]
    assert run("promise", "done", str(promise_id)).exit_code == 0
    rules = paths.user_rules_dir()
    (rules / "team").mkdir(parents=True)
    (rules / "mine.toml").write_text(RULE, encoding="utf-8")
    (rules / "team" / "shared.toml").write_text("[promise_due]\nlead_days = 2\n", encoding="utf-8")


def test_export_restore_export_is_byte_identical(run, tmp_path, monkeypatch):
    _history(run)
    assert run("agenda").exit_code == 0  # the engine's own follow-ups, too
    first = tmp_path / "first.json"
    assert run("export", "json", "-o", str(first)).exit_code == 0
    data = json.loads(first.read_text(encoding="utf-8"))
    assert {k: len(v) for k, v in data.items() if isinstance(v, list)} == {
        "accounts": 1, "contacts": 2, "interactions": 4, "promises": 2, "followups": len(data["followups"]),
        "assessments": 1, "notes": 0, "links": 0, "captures": 0, "ignored_addresses": 0, "source_state": 0,
    }
    assert len(data["followups"]) >= 3
    assert data["rules"] == {"mine.toml": RULE, "team/shared.toml": "[promise_due]\nlead_days = 2\n"}

    # Restore into a fresh home (its own rules folder) and database, and export again.
    other_home = tmp_path / "elsewhere"
    monkeypatch.setenv("KEEPWARM_HOME", str(other_home))
    restored = run("restore", str(first))
    assert restored.exit_code == 0, restored.stderr
    assert restored.stdout == (
        f"Restored 2 contacts, 1 account, 4 interactions, 2 promises, {len(data['followups'])} follow-ups, "
        f"1 assessment, 2 rule files into {other_home / 'data' / 'keepwarm.db'}\n"
    )
    second = tmp_path / "second.json"
    assert run("export", "json", "-o", str(second)).exit_code == 0
    assert second.read_bytes() == first.read_bytes()
    assert (other_home / "config" / "rules" / "team" / "shared.toml").read_text(encoding="utf-8") == "[promise_due]\nlead_days = 2\n"
    # Ids survive, so `contact 1` is still Ada.
    assert run("contact", "show", "1", "--json").json()["contact"]["name"] == "Ada Lovelace"


def test_export_is_deterministic_sorted_and_private(run, tmp_path):
    _history(run)
    one, two = run("export", "json").stdout, run("export", "json").stdout
    assert one == two
    data = json.loads(one)
    lines = one.splitlines()
    assert lines[:3] == ["{", '  "accounts": [', f"    {json.dumps(data['accounts'][0], sort_keys=True, ensure_ascii=False, separators=(', ', ': '))}"]
    assert list(data) == sorted(data)
    for record in data["contacts"] + data["interactions"]:
        assert list(record) == sorted(record)
    assert "Lovelace" in one and "\\u" not in one  # UTF-8 as it is, not escaped
    assert set(data) == {"format", "version", "accounts", "contacts", "interactions", "promises", "followups",
                         "assessments", "notes", "links", "captures", "ignored_addresses", "source_state", "rules"}
    assert [i["id"] for i in data["interactions"]] == sorted(i["id"] for i in data["interactions"])
    folder = tmp_path / "out"
    folder.mkdir()
    target = folder / "backup.json"
    target.write_text("stale", encoding="utf-8")
    os.chmod(target, 0o644)
    result = run("export", "json", "-o", str(target))
    assert (result.exit_code, result.stdout, result.stderr) == (0, "", f"Wrote {target}\n")
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert target.read_text(encoding="utf-8") == one
    assert [p.name for p in folder.iterdir()] == ["backup.json"]


def test_restore_refuses_a_database_that_is_not_empty(run, tmp_path):
    _history(run)
    dump = tmp_path / "b.json"
    assert run("export", "json", "-o", str(dump)).exit_code == 0
    before = run("export", "json").stdout
    result = run("restore", str(dump))
    assert result.exit_code == 2
    assert result.stderr.startswith(f"keepwarm: {paths.data_dir() / 'keepwarm.db'}: is not empty (2 contacts, 1 account, 4 interactions, 2 promises, ")
    assert result.stderr.endswith("restore only into an empty database (e.g. keepwarm --db new.db restore FILE)\n")
    assert run("export", "json").stdout == before


_DUMP: list[str] = []


def _dump(run, tmp_path) -> dict:
    """The backup of `_history`, built once per test process (the parametrized cases only edit a copy)."""
    if not _DUMP:
        _history(run)
        _DUMP.append(run("export", "json").stdout)
    return json.loads(_DUMP[0])


@pytest.mark.parametrize(
    "change, message",
    [
        (lambda d: d["contacts"][1]["emails"].append("nope"),
         "contacts[1].emails: 'nope' is not an email address (expected name@example.com)"),
        (lambda d: d["interactions"][2].__setitem__("channel", "fax"),
         "interactions[2].channel: 'fax' is not one of: call, email, meeting, text, social, event, letter, gift, meal"),
        (lambda d: d["assessments"][0].__setitem__("trust", 9),
         "assessments[0].trust: 9 is too large (expected at most 5)"),
        (lambda d: d["interactions"][0].__setitem__("contact_id", 99),
         "interactions[0].contact_id: no contact with id 99 in this backup"),
        (lambda d: d["contacts"][0].__setitem__("account", "Nowhere Inc"),
         "contacts[0].account: 'Nowhere Inc' is not in accounts (expected one of its names)"),
        (lambda d: d["contacts"][1].__setitem__("id", 1), "contacts[1].id: 1 is used twice (expected unique ids)"),
        (lambda d: d["contacts"][0].__setitem__("favourite", "tea"), "contacts[0].favourite: is not a known field"),
        (lambda d: d.__setitem__("version", 7), "version: Input should be 1, 2, 3, 4 or 5"),
        (lambda d: d["rules"].__setitem__("../../evil.toml", "a = 1"),
         "rules['../../evil.toml']: not a relative .toml path inside the rules folder"),
        (lambda d: d["rules"].__setitem__("broken.toml", "a = = 1"), "rules['broken.toml']: not valid TOML"),
    ],
    ids=["email", "channel", "rating", "reference", "account", "duplicate-id", "extra-field", "version",
         "rule-path", "rule-toml"],
)
def test_a_bad_record_is_named_by_its_path_and_nothing_is_written(run, tmp_path, change, message):
    data = _dump(run, tmp_path)
    change(data)
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    empty = tmp_path / "empty.db"
    result = run("--db", str(empty), "restore", str(path))
    assert result.exit_code == 2
    assert result.stderr.startswith(f"keepwarm: {path}: {message}")
    assert result.stderr.count("\n") == 1
    assert not empty.exists()  # not even an empty database is left at the new path
    assert not (tmp_path / "kwhome" / "config" / "rules" / "broken.toml").exists()


@pytest.mark.parametrize(
    "content, message",
    [
        (b"{\n  \"format\": \"keepwarm-backup\",\n  oops\n}", "line 3: not valid JSON (Expecting property name enclosed in double quotes)"),
        (b"[1, 2]", "is not a keepwarm backup (expected a JSON object with \"format\": \"keepwarm-backup\")"),
        (b"{\"contacts\": []}", "is not a keepwarm backup (expected \"format\": \"keepwarm-backup\")"),
    ],
)
def test_restore_of_something_that_is_not_a_backup(run, tmp_path, content, message):
    path = tmp_path / "x.json"
    path.write_bytes(content)
    result = run("restore", str(path))
    assert (result.exit_code, result.stderr) == (2, f"keepwarm: {path}: {message}\n")


def test_restore_will_not_overwrite_a_different_rule_file(run, tmp_path, monkeypatch):
    _history(run)
    dump = tmp_path / "b.json"
    assert run("export", "json", "-o", str(dump)).exit_code == 0
    monkeypatch.setenv("KEEPWARM_HOME", str(tmp_path / "second"))
    rules = paths.user_rules_dir()
    rules.mkdir(parents=True)
    (rules / "mine.toml").write_text("# something else\n", encoding="utf-8")
    result = run("restore", str(dump))
    assert result.exit_code == 2
    assert result.stderr == f"keepwarm: {rules / 'mine.toml'}: exists already with other content; move it away first (nothing was restored)\n"
    assert run("contact", "list", "--json").json() == []
    assert not (rules / "team").exists()
    # The same content already there is fine.
    (rules / "mine.toml").write_text(RULE, encoding="utf-8")
    assert run("restore", str(dump)).exit_code == 0
