"""The layers docs/architecture.md draws hold in the code: import-linter checks the contracts of pyproject.toml.

Each contract is its own test, so a broken one is named with import-linter's own
report (which module imports which, at which line). `make test` runs it like
ruff and mypy in tests/test_lint.py.
"""

from __future__ import annotations

import ast
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
#: The reasons an import may sit inside a function: nothing else (a cycle is not one; the contract counts it anyway).
REASONS = ("# lazy for start-up", "# POSIX only")
CONTRACTS = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["importlinter"]["contracts"]
#: `lint-imports`, run by this Python (import-linter has no `python -m` entry of its own).
LINT_IMPORTS = [sys.executable, "-c", "from importlinter.cli import lint_imports_command; lint_imports_command()"]


@pytest.mark.parametrize("contract", [c["id"] for c in CONTRACTS])
def test_the_import_contract_is_kept(contract):
    done = subprocess.run([*LINT_IMPORTS, "--no-cache", "--no-logo", "--contract", contract], cwd=ROOT,
                          capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stdout + done.stderr


def test_the_contracts_name_the_layers_the_architecture_page_describes():
    layers = next(c for c in CONTRACTS if c["id"] == "layers")
    named = {m.strip() for layer in layers["layers"] for m in layer.replace("|", ":").split(":")}
    doc = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    assert [m for m in sorted(named) if f"`{m}" not in doc] == []


def _imports_in_functions(path: Path):
    lines = path.read_text(encoding="utf-8").splitlines()
    for function in ast.walk(ast.parse("\n".join(lines))):
        if isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)):
            for node in ast.walk(function):
                if isinstance(node, (ast.Import, ast.ImportFrom)):
                    yield node.lineno, lines[node.lineno - 2 : node.end_lineno]


def test_every_import_inside_a_function_says_it_is_lazy_for_start_up():
    unexplained = [
        f"{path.relative_to(ROOT)}:{line}"
        for path in sorted((ROOT / "src" / "keepwarm").rglob("*.py"))
        for line, text in _imports_in_functions(path)
        if not any(reason in row for row in text for reason in REASONS)
    ]
    assert unexplained == []
