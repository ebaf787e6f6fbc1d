"""The plugin authors' kit: keepwarm.testing's helpers, settings layered over a plugin's defaults, the example package."""

from __future__ import annotations

import datetime as dt
import importlib.metadata
import re
import sys
import tomllib
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from keepwarm.plugin import ConfigSection, Tip, hookimpl
from keepwarm.store import activity
from keepwarm.testing import run_engine

REPO = Path(__file__).resolve().parents[1]
EXAMPLE = REPO / "examples" / "plugins" / "keepwarm-sports-banter"


class Flavor(BaseModel):
    model_config = ConfigDict(extra="forbid")
    words: list[str] = Field(min_length=1)
    months: list[int]


class NestedSettings(BaseModel):
    model_config = ConfigDict(extra="forbid")
    enabled: bool = True
    greeting: str = "hello"
    flavors: dict[str, Flavor] = Field(default_factory=lambda: {
        "tea": Flavor(words=["tea"], months=[1, 2]), "coffee": Flavor(words=["coffee", "espresso"], months=[3])})


class Nested:
    @hookimpl
    def keepwarm_config_section(self):
        return ConfigSection("nested", NestedSettings)

    @hookimpl
    def keepwarm_tips(self, ctx):
        cfg = ctx.rules["nested"]
        return [Tip(f"{cfg.greeting}: " + ", ".join(f"{k}={v.words}/{v.months}" for k, v in cfg.flavors.items()))]


def test_rhythm_is_a_touch_every_n_days_for_a_span_then_silence(keepwarm_history, keepwarm_session):
    ada = keepwarm_history.contact("Ada Lovelace")
    count = keepwarm_history.rhythm(ada, every_days=14, for_days=365, silent_days=60)
    with keepwarm_session.store.read() as conn:
        days = sorted(i.at.date() for i in activity.list_interactions(conn, ada))
    today = keepwarm_session.today
    assert count == len(days) == 27
    assert days[-1] == today - dt.timedelta(days=60)
    assert days[0] >= today - dt.timedelta(days=60 + 365)
    assert {(b - a).days for a, b in zip(days, days[1:])} == {14}
    assert keepwarm_history.days_ago(60) == days[-1]


def test_keepwarm_db_is_the_temporary_database_the_session_writes(keepwarm_home, keepwarm_db, keepwarm_history):
    assert keepwarm_db.is_relative_to(keepwarm_home)
    keepwarm_history.contact("Ada Lovelace")
    assert keepwarm_db.is_file()


def test_overriding_one_key_of_a_nested_table_keeps_the_plugin_defaults_around_it(keepwarm_history, keepwarm_session):
    ada = keepwarm_history.contact("Ada Lovelace")
    evaluation = run_engine(keepwarm_session, Nested(), names=["nested"], builtins=False,
                            rules="[nested.flavors.coffee]\nmonths = [4, 5]\n\n[nested.flavors.mate]\nwords = ['mate']\n"
                                  "months = [6]\n")
    assert evaluation.runtime.rule_problems == []
    assert [t.text for t in evaluation.tips(ada)] == [
        "hello: tea=['tea']/[1, 2], coffee=['coffee', 'espresso']/[4, 5], mate=['mate']/[6]"]


def test_rules_as_a_mapping_and_an_invalid_value_names_file_line_and_key(keepwarm_history, keepwarm_session):
    ada = keepwarm_history.contact("Ada Lovelace")
    good = run_engine(keepwarm_session, Nested(), names=["nested"], builtins=False, rules={"nested": {"greeting": "hi"}})
    assert good.tips(ada)[0].text.startswith("hi: ")
    bad = run_engine(keepwarm_session, Nested(), names=["nested"], builtins=False,
                     rules="[nested.flavors.tea]\nwords = []\n")
    [problem] = bad.runtime.rule_problems
    assert (problem.key, problem.line) == ("nested.flavors.tea.words", 2)
    assert problem.file.endswith("rules.toml") and "at least 1 item" in problem.message
    assert bad.runtime.host.infos["nested"].disabled == "its rules section [nested] is invalid"
    assert bad.tips(ada) == []


def _fake_installed_package(site: Path) -> None:
    (site / "kw_other_plugin").mkdir(parents=True)
    (site / "kw_other_plugin" / "__init__.py").write_text(
        "from keepwarm.plugin import Tip, hookimpl\n"
        "@hookimpl\ndef keepwarm_tips(ctx):\n    return [Tip('from another package', topic='other')]\n"
    )
    info = site / "kw_other_plugin-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: kw-other-plugin\nVersion: 1.0\n")
    (info / "entry_points.txt").write_text("[keepwarm]\nother = kw_other_plugin\n")


def test_run_engine_keeps_other_installed_packages_out_unless_asked(keepwarm_history, keepwarm_session, tmp_path,
                                                                     monkeypatch):
    _fake_installed_package(tmp_path / "site")
    monkeypatch.syspath_prepend(str(tmp_path / "site"))
    try:
        ada = keepwarm_history.contact("Ada Lovelace")
        mine = run_engine(keepwarm_session, Nested(), names=["nested"])
        infos = mine.runtime.host.infos
        assert "other" not in infos and "nested" in infos
        assert {i.source for n, i in infos.items() if n != "nested"} == {"built-in"}
        builtin = {e.name for e in importlib.metadata.distribution("keepwarm").entry_points if e.group == "keepwarm"}
        assert set(infos) == builtin | {"nested"}
        everything = run_engine(keepwarm_session, Nested(), names=["nested"], installed=True)
        assert everything.runtime.host.infos["other"].source == "package"
        assert "from another package" in [t.text for t in everything.tips(ada)]
    finally:
        sys.modules.pop("kw_other_plugin", None)


# ------------------------------------------------------- the example package

def test_the_example_package_is_complete():
    project = tomllib.loads((EXAMPLE / "pyproject.toml").read_text(encoding="utf-8"))
    [(name, module)] = project["project"]["entry-points"]["keepwarm"].items()
    assert (name, module) == ("sports_banter", "keepwarm_sports_banter")
    source = (EXAMPLE / "src" / module / "__init__.py").read_text(encoding="utf-8")
    for needle in ("def keepwarm_config_section", "def keepwarm_tips", "def keepwarm_suggestions",
                   "class Settings(BaseModel)", 'extra="forbid"', "KEEPWARM_API"):
        assert needle in source, needle
    tests = "".join(p.read_text(encoding="utf-8") for p in (EXAMPLE / "tests").glob("test_*.py"))
    assert "from keepwarm.testing import run_engine" in tests and "keepwarm_history" in tests
    assert (EXAMPLE / "README.md").read_text(encoding="utf-8").startswith("# keepwarm-sports-banter")


def test_make_test_installs_the_example_and_runs_its_tests():
    makefile = (REPO / "Makefile").read_text(encoding="utf-8")
    installed = re.search(r"^\$\(TEST_VENV\)/\.installed:.*\n((?:\t.*\n)+)", makefile, re.M)
    assert installed and "-e examples/plugins/keepwarm-sports-banter" in installed.group(1)
    test = re.search(r"^test:.*\n((?:\t.*\n)+)", makefile, re.M).group(1)
    assert "cd examples/plugins/keepwarm-sports-banter" in test and "pytest" in test


def test_the_main_suite_never_collects_the_example_tests():
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    assert project["tool"]["pytest"]["ini_options"]["testpaths"] == ["tests"]
