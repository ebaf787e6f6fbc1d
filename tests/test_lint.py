"""The code keeps the house style: ruff's lint rules and its formatting, and mypy finds its types consistent
(both configured in pyproject.toml).

Run by `make test` like every other check, so a change that breaks the style
or the types fails the suite with the tool's own message, naming the file and line.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CHECKED = ["src", "plugins", "benchmarks"]


def _ruff(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "ruff", *args, *CHECKED], cwd=ROOT, capture_output=True,
                          text=True, check=False)


def test_ruff_finds_nothing_to_lint():
    done = _ruff("check", "--no-cache")
    assert done.returncode == 0, done.stdout + done.stderr


def test_the_code_is_formatted_as_ruff_formats_it():
    done = _ruff("format", "--check", "--no-cache")
    assert done.returncode == 0, done.stdout + done.stderr


def test_mypy_finds_no_type_errors():
    # What it checks (src, plugins, benchmarks) and how strictly: [tool.mypy] in pyproject.toml.
    done = subprocess.run([sys.executable, "-m", "mypy"], cwd=ROOT, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
