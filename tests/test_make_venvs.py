"""`make run` and `make test` keep apart: the app a user runs never gets the test tools or the example plugin.

Read from make's own dry run (`make -n -B`), which prints every command a
target would run from nothing, so the test sees what a fresh clone would do.
"""

from __future__ import annotations

import shlex
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

pytestmark = pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")


def dry_run(target: str) -> list[list[str]]:
    out = subprocess.run(["make", "-n", "-B", "-C", str(ROOT), target], capture_output=True, text=True, check=True)
    return [shlex.split(line) for line in out.stdout.splitlines() if line.strip() and not line.startswith("make")]


def venvs_written(commands: list[list[str]]) -> set[str]:
    """The virtual environments that commands create or install into."""
    found = set()
    for words in commands:
        if words[:3] == ["python3", "-m", "venv"] or (len(words) > 2 and words[1:3] == ["-m", "venv"]):
            found.add(words[3])
        elif len(words) > 3 and words[1:4] == ["-m", "pip", "install"]:
            found.add(str(Path(words[0]).parent.parent))
    return found


def test_make_run_installs_keepwarm_alone_in_its_own_venv():
    commands = dry_run("run")
    flat = " ".join(" ".join(c) for c in commands)
    assert venvs_written(commands) == {".venv"}
    assert "sports-banter" not in flat
    assert "[test]" not in flat
    assert commands[-1] == [".venv/bin/keepwarm"]


def test_make_test_installs_the_example_plugin_only_into_the_test_venv():
    commands = dry_run("test")
    written = venvs_written(commands)
    assert ".venv" not in written
    assert written, "make test installs into some venv"
    example = [c for c in commands if any("sports-banter" in w for w in c) and "install" in c]
    assert example and all(Path(c[0]).parent.parent.as_posix() in written for c in example)
    bench = dry_run("bench")
    assert ".venv" not in venvs_written(bench)
