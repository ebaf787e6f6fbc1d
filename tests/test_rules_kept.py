"""The validated rule packs kept between runs, and what `contact show` no longer builds (issue 19).

`keepwarm contact show` loaded every plugin and validated all their rule
sections in every process, building a pydantic validator per model; without a
settings file it built the settings' six validators for the defaults too. The
outcome of validating the packs is now kept in the cache folder under a key of
everything it follows from (rules/kept.py), and read back while that key holds.
These tests hold the mechanism (no timing) and that nothing a user sees changes:
the same values, the same problems with their file, key and line, a changed
rule file or plugin file taking effect at once.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sys
import textwrap

import pytest
from pydantic import BaseModel

from keepwarm.engine.state import fingerprint
from keepwarm.home import paths
from keepwarm.hosting.host import PluginHost
from keepwarm.hosting.runtime import build_runtime
from keepwarm.rules import kept
from startup_probe import probe as run


@pytest.fixture(scope="module")
def book(tmp_path_factory):
    from keepwarm.home.session import Session
    from keepwarm.model import Contact
    from keepwarm.store import contacts

    folder = tmp_path_factory.mktemp("kept")
    session = Session(folder / "book.db", now=dt.datetime(2026, 3, 2, 9, tzinfo=dt.timezone.utc))
    with session.store.write() as conn:
        ada = contacts.insert_contact(conn, Contact(name="Ada Lovelace", tags=["vip"]), session.now)
    session.close()
    return folder / "book.db", ada


def _rule_validators(built: list[str]) -> list[str]:
    return [name for name in built if name.startswith(("keepwarm_plugins.", "keepwarm.rules."))]


def test_a_second_contact_show_reads_the_rules_back_and_builds_no_rule_or_settings_validator(tmp_path, book):
    db, ada = book
    first = run(tmp_path / "home", "--db", str(db), "contact", "show", str(ada), "--json")
    second = run(tmp_path / "home", "--db", str(db), "contact", "show", str(ada), "--json")
    assert first["status"] == second["status"] == 0
    assert json.loads(second["out"]) == json.loads(first["out"])
    assert json.loads(second["out"])["contact"]["name"] == "Ada Lovelace"
    # the first run validated the packs (and stored the outcome); the second read it back
    assert "keepwarm_plugins.cadence_interval.Settings" in first["built"]
    assert _rule_validators(second["built"]) == []
    # no settings file: the declared defaults are taken as they are, no validator built for them
    assert not [name for name in first["built"] + second["built"] if name.startswith("keepwarm.home.settings.")]
    # nothing is parsed (no TOML parser), no hint is worked out (difflib), and the shipped rules are found
    # without importlib.resources' readers
    unused = ("tomllib", "difflib", "importlib.resources.readers")
    assert [m for m in second["modules"] if m in unused] == []
    # the plugins whose hooks the command calls are loaded all the same (the others: tests/test_plugin_manifest.py)
    assert "keepwarm_plugins.cadence_interval" in second["modules"]


def test_a_settings_file_is_still_validated_and_its_mistake_named(tmp_path, book):
    db, ada = book
    (tmp_path / "home" / "config").mkdir(parents=True)
    config = tmp_path / "home" / "config" / "config.toml"
    config.write_text("[plugins]\nbudget_seconds = -1\n", encoding="utf-8")
    result = run(tmp_path / "home", "--db", str(db), "contact", "show", str(ada))
    assert result["status"] == 2 and result["out"] == ""
    assert result["err"].startswith(f"keepwarm: {config}: plugins.budget_seconds")
    assert len(result["err"].strip().splitlines()) == 1


def _folders(tmp_path):
    defaults, mine, cache = tmp_path / "defaults", tmp_path / "mine", tmp_path / "cache"
    defaults.mkdir()
    mine.mkdir()
    (defaults / "engine.toml").write_text("[engine]\nrecent_days = 90\n", encoding="utf-8")
    return defaults, mine, cache


@pytest.fixture
def validations(monkeypatch):
    """How many times the packs were validated rather than read back."""
    count = [0]
    real = kept.validate

    def counted(raw, models):
        count[0] += 1
        return real(raw, models)

    monkeypatch.setattr(kept, "validate", counted)
    return count


def _runtime(defaults, mine, cache, plugins_dir=None):
    host = PluginHost(eps=[], plugins_dir=plugins_dir).load()
    return build_runtime(host=host, default_rules=defaults, user_rules=mine, cache_dir=cache)


def test_the_rules_are_read_back_until_a_rule_file_changes(tmp_path, validations):
    defaults, mine, cache = _folders(tmp_path)
    first = _runtime(defaults, mine, cache)
    again = _runtime(defaults, mine, cache)
    assert validations[0] == 1 and (cache / kept.FILE_NAME).is_file()
    assert again.engine == first.engine and again.engine.recent_days == 90
    assert again.rules.origin("engine.recent_days") == str(defaults / "engine.toml")
    assert fingerprint(again, dt.date(2026, 3, 2)) == fingerprint(first, dt.date(2026, 3, 2))

    (mine / "mine.toml").write_text("[engine]\nrecent_days = 60\n", encoding="utf-8")  # a file added
    assert _runtime(defaults, mine, cache).engine.recent_days == 60
    (mine / "mine.toml").write_text("[engine]\nrecent_days = 61\n", encoding="utf-8")  # edited, same size
    assert _runtime(defaults, mine, cache).engine.recent_days == 61
    (mine / "mine.toml").unlink()  # removed
    assert _runtime(defaults, mine, cache).engine.recent_days == 90
    assert validations[0] == 4


def test_problems_read_back_name_the_same_file_key_and_line(tmp_path, validations):
    defaults, mine, cache = _folders(tmp_path)
    (mine / "mine.toml").write_text(
        textwrap.dedent("""
            [engine]
            recent_dayz = 30

            [health]
            recency = "lots"
        """),
        encoding="utf-8",
    )
    first = _runtime(defaults, mine, cache)
    again = _runtime(defaults, mine, cache)
    assert validations[0] == 1
    where = str(mine / "mine.toml")
    assert f"{where}:3: engine.recent_dayz: unknown key; did you mean 'recent_days'?" in again.messages()
    assert any(m.startswith(f"{where}:6: health.recency: Input should be a valid number") for m in again.messages())
    assert again.messages() == first.messages()
    assert again.rules.broken == first.rules.broken == {"engine", "health"}
    # a broken core section falls back to its defaults either way
    assert again.engine.recent_days == 90 and again.health == type(again.health)()


PLUGIN = """
from pydantic import BaseModel, ConfigDict
from keepwarm.plugin import section

class Settings(BaseModel):
    model_config = ConfigDict(extra="forbid", defer_build=True)
    days: int = {days}

keepwarm_config_section = section("filed", Settings)
"""


def test_a_changed_plugin_file_is_validated_again(tmp_path, validations):
    defaults, mine, cache = _folders(tmp_path)
    plugins = tmp_path / "plugins"
    plugins.mkdir()
    (plugins / "filed.py").write_text(PLUGIN.format(days=30), encoding="utf-8")
    assert _runtime(defaults, mine, cache, plugins).rules.sections["filed"].days == 30
    assert _runtime(defaults, mine, cache, plugins).rules.sections["filed"].days == 30
    assert validations[0] == 1
    (plugins / "filed.py").write_text(PLUGIN.format(days=7), encoding="utf-8")
    sys.modules.pop("keepwarm_user_plugins.filed", None)
    assert _runtime(defaults, mine, cache, plugins).rules.sections["filed"].days == 7
    assert validations[0] == 2
    # the plugin's section given a value it refuses: found at once, named, and its plugin disabled
    (mine / "mine.toml").write_text("[filed]\ndays = -1.5\n", encoding="utf-8")
    runtime = _runtime(defaults, mine, cache, plugins)
    assert "filed" in runtime.rules.broken and runtime.host.infos["filed"].disabled


def test_a_kept_file_others_can_change_or_that_is_damaged_is_not_read(tmp_path, validations):
    defaults, mine, cache = _folders(tmp_path)
    _runtime(defaults, mine, cache)
    kept_file = cache / kept.FILE_NAME
    os.chmod(kept_file, 0o666)
    assert _runtime(defaults, mine, cache).engine.recent_days == 90
    assert validations[0] == 2  # not trusted: validated again (and stored again, privately)
    assert kept_file.stat().st_mode & 0o077 == 0
    kept_file.write_bytes(b"not a pickle")
    assert _runtime(defaults, mine, cache).engine.recent_days == 90
    assert validations[0] == 3


def test_without_a_cache_folder_nothing_is_kept(tmp_path, validations):
    defaults, mine, _ = _folders(tmp_path)
    _runtime(defaults, mine, None)
    _runtime(defaults, mine, None)
    assert validations[0] == 2


def test_the_session_keeps_its_rules_in_the_cache_folder(tmp_path, monkeypatch):
    monkeypatch.setenv("KEEPWARM_HOME", str(tmp_path / "home"))
    from keepwarm.home.session import Session

    session = Session(tmp_path / "book.db")
    assert session.runtime.engine.recent_days > 0
    assert (paths.cache_dir() / kept.FILE_NAME).is_file()
    assert paths.cache_dir() == tmp_path / "home" / "cache"


def test_the_state_digest_reads_the_same_values_as_the_sections_dump():
    class Days(BaseModel):
        days: int = 3

    from keepwarm.rules.loading import RawRules, RuleSet

    ruleset = RuleSet(sections={"b": Days(days=4), "a": Days()}, raw=RawRules(), problems=[], broken=set())
    assert ruleset.dumped() == {"b": {"days": 4}, "a": {"days": 3}}
    ruleset.sections["a"] = Days(days=9)  # a section replaced is dumped again
    assert ruleset.dumped()["a"] == {"days": 9}


def test_the_built_in_rule_settings_reach_plugins_as_they_are_and_refuse_changes():
    from pydantic import ValidationError

    import keepwarm_plugins.cadence_interval as interval
    from keepwarm.engine.readonly import Freezer

    section = interval.Settings()
    handed = Freezer(copy=True)({"cadence": section})["cadence"]
    assert type(handed) is interval.Settings and type(handed.tier_days) is interval.TierDays  # no subclass made
    assert handed == section and handed is not section
    with pytest.raises(ValidationError, match="frozen"):
        handed.enabled = False
    with pytest.raises(ValidationError, match="frozen"):
        handed.tier_days.a = 1
