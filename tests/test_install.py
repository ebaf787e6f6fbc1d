"""`pip install` of the built wheel into an empty venv gives a working `keepwarm`.

Offline: the wheel is installed without dependencies, and a .pth file lets the
new venv see this interpreter's site-packages for them. The venv's own
site-packages comes first on sys.path, so `keepwarm` is the wheel's.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import sysconfig
import venv
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.slow


def _pip(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "pip", *args], cwd=cwd, capture_output=True, text=True, timeout=600
    )


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    built = _pip("wheel", "--no-deps", "--no-build-isolation", "-w", str(out), str(REPO), cwd=out)
    if built.returncode != 0:
        # The test interpreter may lack the build backend (hatchling); let pip fetch it.
        assert "hatchling" in built.stdout + built.stderr, built.stderr
        built = _pip("wheel", "--no-deps", "-w", str(out), str(REPO), cwd=out)
    assert built.returncode == 0, built.stderr
    [found] = out.glob("keepwarm-*.whl")
    return found


@pytest.fixture(scope="module")
def installed(wheel, tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("venv")
    env_dir = root / "venv"
    venv.EnvBuilder(with_pip=False, clear=True).create(env_dir)
    python = env_dir / "bin" / "python"
    done = _pip("--python", str(python), "install", "--no-deps", "--no-index", str(wheel), cwd=root)
    assert done.returncode == 0, done.stderr
    site = Path(
        subprocess.run(
            [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
            capture_output=True, text=True, check=True,
        ).stdout.strip()
    )
    # Dependencies from this interpreter, after the venv's own packages.
    (site / "zz_keepwarm_test_deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n", encoding="utf-8")
    return env_dir


def test_the_wheel_ships_plugins_rules_and_migrations(wheel):
    names = zipfile.ZipFile(wheel).namelist()
    assert any(n.startswith("keepwarm/default_rules/") and n.endswith(".toml") for n in names)
    assert any(n.startswith("keepwarm_plugins/") for n in names)
    assert "keepwarm_plugins/__init__.py" in names
    assert "keepwarm/store/migrations/env.py" in names
    assert any(n.startswith("keepwarm/store/migrations/versions/0001") for n in names)
    entry_points = next(n for n in names if n.endswith(".dist-info/entry_points.txt"))
    assert "keepwarm = keepwarm.cli:main" in zipfile.ZipFile(wheel).read(entry_points).decode()


def _env(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "KEEPWARM_DB", "PYTHONHOME")}
    env.update(
        KEEPWARM_HOME=str(tmp_path / "home"),
        KEEPWARM_NOW="2026-11-22T09:00:00+00:00",
        TZ="UTC",
    )
    return env


def test_the_installed_program_resolves_to_the_venv_not_the_checkout(installed, tmp_path):
    python = installed / "bin" / "python"
    probe = (
        "import json, keepwarm, keepwarm_plugins, keepwarm.home.paths as p;"
        "print(json.dumps([keepwarm.__file__, keepwarm_plugins.__file__, str(p.default_rules_dir())]))"
    )
    done = subprocess.run([str(python), "-c", probe], cwd=tmp_path, env=_env(tmp_path), capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    for location in json.loads(done.stdout):
        assert str(REPO) not in location
        assert location.startswith(str(installed))
    assert (Path(json.loads(done.stdout)[2]) / "engine.toml").is_file()


def test_the_installed_keepwarm_records_and_lists_back_as_json(installed, tmp_path):
    keepwarm = installed / "bin" / "keepwarm"
    assert keepwarm.is_file()
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    env = _env(tmp_path)

    def kw(*args: str) -> subprocess.CompletedProcess:
        done = subprocess.run([str(keepwarm), *args], cwd=outside, env=env, capture_output=True, text=True,
                              timeout=120, stdin=subprocess.DEVNULL)
        assert done.returncode == 0, (args, done.stderr)
        assert "Traceback" not in done.stderr
        return done

    kw("contact", "add", "Ada Lovelace", "--account", "Analytical Engines", "--role", "champion",
       "--email", "ada@engines.test", "--birthday", "12-10")
    kw("log", "ada", "--channel", "meeting", "--purpose", "value-review", "--sentiment", "2",
       "--notes", "liked the prototype", "--when", "yesterday 14:00")
    kw("promise", "add", "ada", "send the benchmark", "--due", "friday")
    kw("followup", "add", "ada", "ask about the pilot", "--due", "2026-12-15 10:00")
    kw("assess", "ada", "--trust", "4", "--communication", "3", "--sharing", "4", "--advocacy", "5",
       "--conflict", "3", "--commitment", "4")

    [contact] = json.loads(kw("contact", "list", "--json").stdout)
    assert (contact["name"], contact["account"], contact["role"], contact["emails"]) == (
        "Ada Lovelace", "Analytical Engines", "champion", ["ada@engines.test"]
    )
    [touch] = json.loads(kw("history", "ada", "--json").stdout)
    assert (touch["at"], touch["channel"], touch["purpose"], touch["sentiment"], touch["notes"]) == (
        "2026-11-21T14:00:00Z", "meeting", "value_review", 2, "liked the prototype"
    )
    [promise] = json.loads(kw("promise", "list", "--json").stdout)
    assert (promise["text"], promise["due"], promise["by"], promise["contact"]) == (
        "send the benchmark", "2026-11-27", "me", "Ada Lovelace"
    )
    plans = json.loads(kw("followup", "list", "--json").stdout)
    assert ("ask about the pilot", "2026-12-15", "10:00:00") in [(f["reason"], f["due"], f["due_time"]) for f in plans]
    shown = json.loads(kw("contact", "show", "ada", "--json").stdout)
    assert [(a["trust"], a["advocacy"], a["mean"]) for a in shown["assessments"]] == [(4, 5, 3.83)]
    assert [a["name"] for a in json.loads(kw("account", "list", "--json").stdout)] == ["Analytical Engines"]

    # The rules engine works from the wheel alone: its rule packs, its built-in plugins, the agenda.
    assert "all valid" in kw("rules", "check").stdout
    plugins = {p["name"]: p for p in json.loads(kw("plugins", "list", "--json").stdout)}
    for family in ("cadence_interval", "tips_style", "warn_one_way", "suggest_keep_promise"):
        assert plugins[family]["source"] == "built-in" and plugins[family]["error"] is None, plugins[family]
    agenda = json.loads(kw("agenda", "--json").stdout)
    reasons = [item["followup"]["reason"] for item in agenda["items"]]
    assert any("send the benchmark" in reason for reason in reasons), reasons

    db = tmp_path / "home" / "data" / "keepwarm.db"
    assert db.is_file() and (db.stat().st_mode & 0o777) == 0o600
    assert not any(outside.iterdir())  # nothing lands in the working folder


def test_python_dash_m_keepwarm(installed, tmp_path):
    done = subprocess.run([str(installed / "bin" / "python"), "-m", "keepwarm", "--version"], cwd=tmp_path,
                          env=_env(tmp_path), capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "keepwarm, version 0.1.0"
