"""`keepwarm plugins new NAME --family tips --family warnings`: one package, one plugin per family.

Each family is a module of the package with its own entry point, section,
defaults and tests; the generated tests really run (as in tests/test_scaffold.py)
and the host loads both entry points as declared.
"""

from __future__ import annotations

import tomllib
from importlib.metadata import EntryPoint

import pytest

from keepwarm.hosting.host import PluginHost
from test_scaffold import _run_generated_tests

pytestmark = pytest.mark.xdist_group("scaffold")


def test_one_package_holds_a_plugin_per_family_and_its_tests_pass(run, tmp_path, monkeypatch):
    result = run("plugins", "new", "golf", "--family", "tips", "--family", "warnings", "--dir", str(tmp_path))
    assert result.exit_code == 0, result.stderr
    package = tmp_path / "keepwarm-golf"
    assert sorted(str(p.relative_to(package)) for p in package.rglob("*") if p.is_file()) == [
        "README.md", "pyproject.toml",
        "src/keepwarm_golf/__init__.py",
        "src/keepwarm_golf/golf_tips.toml", "src/keepwarm_golf/golf_warnings.toml",
        "src/keepwarm_golf/tips.py", "src/keepwarm_golf/warnings.py",
        "tests/test_golf_tips.py", "tests/test_golf_warnings.py",
    ]
    project = tomllib.loads((package / "pyproject.toml").read_text())
    declared = project["project"]["entry-points"]["keepwarm"]
    assert declared == {"golf_tips": "keepwarm_golf.tips", "golf_warnings": "keepwarm_golf.warnings"}
    assert project["tool"]["hatch"]["build"]["targets"]["wheel"]["packages"] == ["src/keepwarm_golf"]

    monkeypatch.syspath_prepend(str(package / "src"))
    host = PluginHost(eps=[EntryPoint(n, t, "keepwarm") for n, t in declared.items()], plugins_dir=None).load()
    assert host.problems == []
    assert {n: (i.section, i.hooks) for n, i in host.infos.items() if n.startswith("golf")} == {
        "golf_tips": ("golf_tips", ["keepwarm_tips"]), "golf_warnings": ("golf_warnings", ["keepwarm_warnings"])}

    done = _run_generated_tests(package)
    assert done.returncode == 0, done.stdout + done.stderr
    for section in ("golf_tips", "golf_warnings"):
        mine = [line for line in done.stdout.splitlines() if f"test_{section}.py::" in line]
        assert len([line for line in mine if " PASSED" in line]) >= 7, "\n".join(mine)
        assert all(" PASSED" in line or " SKIPPED" in line for line in mine), "\n".join(mine)


def test_one_family_still_makes_the_single_module_package(run, tmp_path):
    assert run("plugins", "new", "golf-tips", "--family", "tips", "--dir", str(tmp_path)).exit_code == 0
    package = tmp_path / "keepwarm-golf-tips"
    assert (package / "src" / "keepwarm_golf_tips" / "__init__.py").is_file()
    project = tomllib.loads((package / "pyproject.toml").read_text())
    assert project["project"]["entry-points"]["keepwarm"] == {"golf_tips": "keepwarm_golf_tips"}


def test_a_family_taken_by_a_built_in_section_is_refused_and_nothing_written(run, tmp_path):
    # "style" with the tips family makes style_tips, the section of keepwarm's own style tips.
    result = run("plugins", "new", "style", "--family", "tips", "--family", "warnings", "--dir", str(tmp_path))
    assert result.exit_code == 2 and list(tmp_path.iterdir()) == []
    assert result.stderr.strip() == (
        "keepwarm: NAME: 'style_tips' is a built-in rule's name or section already; choose another")
