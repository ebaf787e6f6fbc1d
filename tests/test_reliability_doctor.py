"""`keepwarm doctor`: finds what is wrong, says how to fix it, changes nothing."""

from __future__ import annotations

import os
import sqlite3

from keepwarm.home import paths
from keepwarm.model import Contact
from keepwarm.store import Store
from keepwarm.store import contacts as people
from conftest import FIXED_NOW


def files(folder):
    return {p.name: p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def findings(result):
    return {(f["check"], f["ok"]) for f in result.json()["findings"]}


def problems(result):
    return [f for f in result.json()["findings"] if not f["ok"]]


def _fill(db_path):
    with Store.open(db_path) as store:
        with store.write() as conn:
            for n in range(40):
                people.insert_contact(conn, Contact(name=f"Person {n}", notes="x" * 300), FIXED_NOW)


def test_a_healthy_setup_passes(run, db_path):
    _fill(db_path)
    result = run("doctor")
    assert result.exit_code == 0, result.stdout
    assert result.stdout.endswith("\nAll good.\n")
    as_json = run("doctor", "--json")
    assert as_json.json()["ok"] is True
    assert {"schema", "integrity", "permissions", "rules", "backups"} <= {c for c, _ in findings(as_json)}


def test_no_database_yet_is_fine_and_none_is_created(run, db_path):
    result = run("doctor")
    assert result.exit_code == 0, result.stdout
    assert not db_path.exists()


def test_open_permissions_are_found_with_the_chmod_that_fixes_them(run, db_path):
    _fill(db_path)
    os.chmod(db_path, 0o644)
    os.chmod(db_path.parent, 0o755)
    result = run("doctor", "--json")
    assert result.exit_code == 1
    fixes = {f["fix"] for f in problems(result)}
    assert fixes == {f"chmod 600 {db_path}", f"chmod 700 {db_path.parent}"}
    text = run("doctor")
    assert f"PROBLEM  permissions  {db_path} is open to other users (mode 0644)" in text.stdout
    assert text.stdout.endswith("\n2 problems found.\n")


def test_a_damaged_database_is_found_and_not_touched(run, db_path):
    _fill(db_path)
    conn = sqlite3.connect(db_path)
    root, size = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = 'contacts'").fetchone()[0], 4096
    conn.close()
    data = bytearray(db_path.read_bytes())
    start = (root - 1) * size
    data[start + 12: start + size] = b"\xa5" * (size - 12)  # scribble over the contacts table's root page
    db_path.write_bytes(bytes(data))
    before = files(db_path.parent)
    result = run("doctor", "--json")
    assert result.exit_code == 1
    [problem] = problems(result)
    assert problem["check"] == "integrity"
    assert ".recover" in problem["fix"]
    assert files(db_path.parent) == before


def test_a_newer_schema_is_reported_and_the_file_left_alone(run, db_path):
    _fill(db_path)
    conn = sqlite3.connect(db_path)
    conn.execute("UPDATE alembic_version SET version_num = 'f00d'")
    conn.commit()
    conn.close()
    before = files(db_path.parent)
    result = run("doctor", "--json")
    assert result.exit_code == 1
    [problem] = problems(result)
    assert problem["check"] == "schema" and "newer keepwarm (schema f00d)" in problem["message"]
    assert "upgrade keepwarm" in problem["fix"]
    assert files(db_path.parent) == before


def test_rule_and_plugin_problems_are_listed_with_their_fix(run, db_path):
    rules = paths.user_rules_dir()
    rules.mkdir(parents=True)
    (rules / "mine.toml").write_text("[cadence_interval]\nnot_a_key = 3\n", encoding="utf-8")
    plugins = paths.user_plugins_dir()
    plugins.mkdir(parents=True)
    (plugins / "broken.py").write_text("raise RuntimeError('boom')\n", encoding="utf-8")
    result = run("doctor", "--json")
    assert result.exit_code == 1
    found = problems(result)
    rule = next(f for f in found if f["check"] == "rules")
    assert str(rules / "mine.toml") in rule["message"] and rule["fix"].startswith(f"edit {rules / 'mine.toml'}")
    plugin = next(f for f in found if f["check"] == "plugins")
    assert "boom" in plugin["message"] and str(plugins / "broken.py") in plugin["fix"]


def test_a_broken_settings_file_is_reported(run, db_path):
    paths.config_file().parent.mkdir(parents=True)
    paths.config_file().write_text("timezone = 'Mars/Olympus'\n", encoding="utf-8")
    os.chmod(paths.config_file(), 0o600)
    result = run("doctor", "--json")
    assert result.exit_code == 1
    [problem] = problems(result)
    assert problem["check"] == "settings" and str(paths.config_file()) in problem["fix"]
