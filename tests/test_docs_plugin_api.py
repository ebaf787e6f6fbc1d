"""docs/plugins.md has a table row, with the code's type, for every member a plugin can read.

A field added to `ContactStats`, `ContactContext` or `Touch` without a row (or
a row left behind by a removed one, or a type changed under it) fails here, as
a hook missing from the hook reference fails tests/test_docs_plugins.py.
"""

from __future__ import annotations

import dataclasses
import inspect
import re
from pathlib import Path

import pytest

import keepwarm.plugin as plugin_api
from keepwarm.api.types import ContactContext, ContactStats, Touch

DOC = Path(__file__).resolve().parents[1] / "docs" / "plugins.md"


def _table(title: str) -> dict[str, tuple[str, str]]:
    """The rows of the table under the heading `#### `title` ...`: name -> (type, meaning)."""
    text = DOC.read_text(encoding="utf-8")
    match = re.search(rf"^#### `{title}` \w+\n(.*?)(?=^#)", text, re.M | re.S)
    assert match, f"docs/plugins.md has no '#### `{title}` ...' section"
    rows = [line for line in match.group(1).splitlines() if line.startswith("| `")]
    found = {}
    for row in rows:
        cells = re.match(r"\| `([^`]+)` \| `([^`]+)` \| (.+) \|$", row)
        assert cells, f"a row of the {title} table is not '| `name` | `type` | meaning |': {row}"
        name = re.sub(r"\(.*\)$", "", cells.group(1))
        found[name] = (cells.group(2).replace("\\|", "|"), cells.group(3))
    return found


def _members(cls) -> dict[str, str]:
    """Every field with its annotation, and every public method or property with its return annotation."""
    out = {f.name: f.type for f in dataclasses.fields(cls)}
    for name, value in vars(cls).items():
        if name.startswith("_") or name in out:
            continue
        function = value.fget if isinstance(value, property) else value
        if callable(function):
            out[name] = inspect.signature(function).return_annotation
    return out


@pytest.mark.parametrize("cls", [ContactStats, ContactContext, Touch], ids=lambda c: c.__name__)
def test_every_member_has_a_row_with_its_type_and_a_meaning(cls):
    documented = _table(cls.__name__)
    members = _members(cls)
    assert sorted(set(members) - set(documented)) == [], f"missing from the {cls.__name__} table"
    assert sorted(set(documented) - set(members)) == [], f"the {cls.__name__} table names what does not exist"
    for name, annotation in members.items():
        kind, meaning = documented[name]
        assert kind == annotation, f"{cls.__name__}.{name}: the table says {kind}, the code {annotation}"
        assert len(meaning.split()) >= 3, f"{cls.__name__}.{name}: say what it means"


def test_the_vocabularies_and_types_the_docs_import_are_exported():
    text = DOC.read_text(encoding="utf-8")
    block = re.search(r"from keepwarm\.plugin import \((.*?)\)", text, re.S).group(1)
    names = [n.strip() for n in block.replace("\n", ",").split(",") if n.strip()]
    assert {"Role", "Channel", "Stage", "Touch"} <= set(names)
    assert set(names) <= set(plugin_api.__all__)
    assert all(hasattr(plugin_api, name) for name in plugin_api.__all__)


def test_the_docs_say_that_plugins_run_arbitrary_code():
    text = DOC.read_text(encoding="utf-8")
    assert "**A plugin runs arbitrary code with your rights.**" in text
    assert text.index("arbitrary code") < text.index("## Start in one minute")
