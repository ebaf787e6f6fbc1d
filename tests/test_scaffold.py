"""`keepwarm plugins new` writes a package whose own tests pass as generated.

The generated tests really run: in a subprocess, with the package's `src/` on
the path (what `pip install -e .` would give, without a build or a network).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

FAMILIES = ["cadence", "tips", "warnings", "suggestions"]

# One worker generates the packages once (a module fixture) and runs their tests.
pytestmark = pytest.mark.xdist_group("scaffold")


def _under_test() -> list[str]:
    """The folders of the keepwarm (and its built-in plugins) these tests import, not another checkout's."""
    import keepwarm
    import keepwarm_plugins

    return [str(Path(keepwarm.__file__).parents[1]), str(Path(keepwarm_plugins.__file__).parents[1])]


def _run_generated_tests(*packages: Path) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("PYTEST_", "KEEPWARM_")) and k not in ("PYTHONPATH",)}
    env["PYTHONPATH"] = os.pathsep.join([*(str(p / "src") for p in packages), *_under_test()])
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-v", "-p", "no:cacheprovider", *(str(p / "tests") for p in packages)],
        cwd=packages[0].parent, env=env, capture_output=True, text=True, timeout=300,
    )


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    """All four families generated side by side, and one pytest run over their tests."""
    from click.testing import CliRunner

    from keepwarm.cli import cli

    parent = tmp_path_factory.mktemp("plugins")
    outputs = {}
    for family in FAMILIES:
        result = CliRunner().invoke(cli, ["plugins", "new", f"golf-{family}", "--family", family, "--dir", str(parent)])
        outputs[family] = result
    done = _run_generated_tests(*(parent / f"keepwarm-golf-{f}" for f in FAMILIES))
    return parent, outputs, done


@pytest.mark.parametrize("family", FAMILIES)
def test_the_generated_package_passes_its_own_tests(family, generated):
    parent, outputs, done = generated
    result = outputs[family]
    assert result.exit_code == 0, result.output
    package = parent / f"keepwarm-golf-{family}"
    assert result.output.splitlines()[0] == f"Created {package}"
    section = f"golf_{family}"
    assert sorted(str(p.relative_to(package)) for p in package.rglob("*") if p.is_file()
                  and "__pycache__" not in p.parts) == sorted([
        "README.md", "pyproject.toml",
        f"src/keepwarm_golf_{family}/__init__.py", f"src/keepwarm_golf_{family}/{section}.toml",
        f"tests/test_{section}.py",
    ])
    project = tomllib.loads((package / "pyproject.toml").read_text())
    assert project["project"]["name"] == f"keepwarm-golf-{family}"
    assert project["project"]["entry-points"]["keepwarm"] == {section: f"keepwarm_golf_{family}"}

    assert done.returncode == 0, done.stdout + done.stderr
    mine = [line for line in done.stdout.splitlines() if f"test_{section}.py::" in line]
    passed = [line for line in mine if " PASSED" in line]
    assert len(passed) >= 8 and all(" PASSED" in line or " SKIPPED" in line for line in mine), "\n".join(mine)
    assert any("test_a_misspelt_key_gets_a_near_miss_hint PASSED" in line for line in mine)


def test_the_generated_tests_can_fail(run, tmp_path):
    """A broken plugin is caught by its generated tests: they are not empty ceremonies."""
    run("plugins", "new", "coffee-tips", "--family", "tips", "--dir", str(tmp_path))
    package = tmp_path / "keepwarm-coffee-tips"
    module = package / "src" / "keepwarm_coffee_tips" / "__init__.py"
    module.write_text(module.read_text().replace('return [Tip(text, topic="interests")]', "return None"))
    toml = package / "src" / "keepwarm_coffee_tips" / "coffee_tips.toml"
    toml.write_text(toml.read_text().replace('interest = "coffee"', 'interest = "tea"'))
    done = _run_generated_tests(package)
    assert done.returncode == 1
    assert "test_coffee_tips.py::test_the_tip_shows_for_a_contact_with_the_interest FAILED" in done.stdout
    assert "test_coffee_tips.py::test_the_shipped_toml_holds_exactly_the_model_defaults FAILED" in done.stdout


@pytest.mark.parametrize("name", ["Golf", "golf tips", "golf_tips", "9holes", "golf-", "keepwarm", "a" * 41,
                                  "cadence", "reply-slowdown", "tips-style", "engine"])
def test_a_bad_or_taken_name_is_one_line_exit_2_and_nothing_written(name, run, tmp_path):
    result = run("plugins", "new", name, "--dir", str(tmp_path))
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("keepwarm: NAME: "), result.stderr
    assert list(tmp_path.iterdir()) == []


def test_an_existing_target_is_refused_and_left_alone(run, tmp_path):
    target = tmp_path / "keepwarm-golf-tips"
    target.mkdir()
    (target / "mine.txt").write_text("keep me")
    result = run("plugins", "new", "golf-tips", "--dir", str(tmp_path))
    assert result.exit_code == 2
    assert result.stderr.strip() == f"keepwarm: {target}: exists already; choose another NAME or --dir"
    assert [p.name for p in target.iterdir()] == ["mine.txt"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["keepwarm-golf-tips"]


def test_an_unknown_family_is_a_usage_error(run, tmp_path):
    result = run("plugins", "new", "golf-tips", "--family", "jokes", "--dir", str(tmp_path))
    assert result.exit_code == 2
    assert len(result.stderr.strip().splitlines()) == 1 and "jokes" in result.stderr
    assert list(tmp_path.iterdir()) == []


def test_the_keepwarm_prefix_is_not_doubled(run, tmp_path):
    assert run("plugins", "new", "keepwarm-golf-tips", "--dir", str(tmp_path)).exit_code == 0
    assert [p.name for p in tmp_path.iterdir()] == ["keepwarm-golf-tips"]
