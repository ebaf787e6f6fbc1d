"""docs/plugins.md documents every hook with the signature the code has."""

from __future__ import annotations

import inspect
import re
from pathlib import Path

import keepwarm.hookspecs as hookspecs

DOC = Path(__file__).resolve().parents[1] / "docs" / "plugins.md"


def _hooks():
    return {name: getattr(hookspecs, name) for name in dir(hookspecs) if name.startswith("keepwarm_")}


def _documented() -> dict[str, str]:
    text = DOC.read_text(encoding="utf-8")
    return {m.group(1): m.group(0).strip("`# ") for m in re.finditer(r"^### `(keepwarm_\w+)\(.*`$", text, re.M)}


def _signature(name, func) -> str:
    sig = inspect.signature(func)
    params = ", ".join(
        f"{p.name}: {p.annotation}" if p.annotation is not inspect.Parameter.empty else p.name
        for p in sig.parameters.values()
    )
    return f"{name}({params}) -> {sig.return_annotation}"


def test_every_hook_is_documented_with_its_exact_signature():
    documented = _documented()
    for name, func in _hooks().items():
        assert name in documented, f"{name} is missing from docs/plugins.md"
        assert documented[name] == _signature(name, func), f"{name}: the signature in docs/plugins.md differs"


def test_the_docs_name_no_hook_that_does_not_exist():
    assert set(_documented()) <= set(_hooks())


def test_every_hookspec_has_a_docstring_saying_what_it_receives_and_returns():
    for name, func in _hooks().items():
        doc = inspect.getdoc(func) or ""
        assert len(doc.split()) > 30, f"{name} needs a real docstring"
        assert "return" in doc.lower(), f"{name}'s docstring should say what it returns"
