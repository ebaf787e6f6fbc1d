"""The starter file `keepwarm rules init` writes: every key, commented out, with its default and meaning.

A copy of every value would make each one "come from" the user's file
(`rules show` could no longer tell what the user chose, and later changes to
the shipped defaults would never reach them). Commented lines change nothing
until the user uncomments the ones they mean; table headers stay live, as an
empty table changes nothing either.
"""

from __future__ import annotations

from collections.abc import Mapping

from pydantic import BaseModel

from .docs import _fields, _inline

#: A default longer than this is written over several commented lines.
WIDTH = 88

HEADER = """\
# Your keepwarm rules: every setting, with its default, commented out.
#
# A value here overrides the shipped default of the same key; the others keep
# "coming from" the defaults (`keepwarm rules show` says where each value comes
# from). To change one, remove the "# " before its line, edit the value, and run
# `keepwarm rules check`. A list replaces the default list as a whole.
"""


def render(sections: Mapping[str, BaseModel]) -> str:
    out = [HEADER]
    for name, model in sorted(sections.items()):
        values = model.model_dump(mode="json", by_alias=True)
        # Plain keys first, then each nested table: in TOML a key after a
        # [table.sub] header would belong to the sub-table.
        tables: dict[str, list[str]] = {}
        for dotted, field, value in _fields(type(model), values):
            *parents, key = dotted.split(".")
            lines = tables.setdefault(".".join(parents), [])
            meaning = " ".join((field.description or "").split())
            if meaning:
                lines.append(f"# {meaning}")
            lines.extend(_commented(key, value))
        out.append(f"[{name}]")
        out.extend(tables.pop("", []))
        for table, lines in tables.items():
            out += ["", f"[{name}.{table}]", *lines]
        out.append("")
    return "\n".join(out).rstrip() + "\n"


def _commented(key: str, value) -> list[str]:
    text = f"{_key(key)} = {_inline(value) if value is not None else '[]'}"
    if value is None:
        return [f"# {key}: no default (leave it out, or set a value)"]
    if len(text) + 2 <= WIDTH or not isinstance(value, list) or not value:
        return [f"# {text}"]
    return [f"# {_key(key)} = ["] + [f"#   {_inline(item)}," for item in value] + ["# ]"]


def _key(key: str) -> str:
    return key if key.replace("_", "").replace("-", "").isalnum() else _inline(key)
