"""docs/rules.md is generated from the code; it fails here the moment it is stale."""

from __future__ import annotations

import re
from pathlib import Path

from pydantic import BaseModel

from keepwarm.rules.core import CORE_SECTIONS
from keepwarm.rules.docs import builtin_host, render

DOC = Path(__file__).resolve().parents[1] / "docs" / "rules.md"
REGENERATE = "regenerate it: keepwarm rules docs --output docs/rules.md"


def _keys(model: type[BaseModel], prefix: str = "") -> list[str]:
    out = []
    for name, field in model.model_fields.items():
        if isinstance(field.annotation, type) and issubclass(field.annotation, BaseModel):
            out += _keys(field.annotation, f"{prefix}{name}.")
        else:
            out.append(prefix + name)
    return out


def _section_text(text: str, section: str) -> str:
    match = re.search(rf"^### {re.escape(section)}\n(.*?)(?=^##)", text + "\n## end", re.M | re.S)
    assert match, f"[{section}] has no '### {section}' entry in docs/rules.md; {REGENERATE}"
    return match.group(1)


def test_docs_rules_md_is_exactly_what_the_code_generates():
    assert DOC.read_text(encoding="utf-8") == render(), f"docs/rules.md is stale; {REGENERATE}"


def test_every_built_in_rule_and_every_key_is_documented_with_its_meaning():
    text = DOC.read_text(encoding="utf-8")
    host = builtin_host()
    sections = {info.section: host.sections[name].model for name, info in host.infos.items() if info.section}
    assert len(sections) == 32
    for section, model in {**sections, **CORE_SECTIONS}.items():
        body = _section_text(text, section)
        for key in _keys(model):
            row = re.search(rf"^\| `{re.escape(key)}` \| [^|]+ \| ([^|]+) \| (.+) \|$", body, re.M)
            assert row, f"[{section}] {key} is missing from docs/rules.md; {REGENERATE}"
            assert row.group(1).strip() and row.group(2).strip(), f"[{section}] {key}: no default or meaning"


def test_a_changed_default_makes_the_page_stale(tmp_path):
    """The check compares shipped values, not only key names: a new default changes the page."""
    shipped = Path(__file__).resolve().parents[1] / "rules"
    for path in shipped.glob("*.toml"):
        (tmp_path / path.name).write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    warnings = tmp_path / "warnings.toml"
    text = warnings.read_text(encoding="utf-8")
    assert "\nratio = 0.5\n" in text
    warnings.write_text(text.replace("\nratio = 0.5\n", "\nratio = 0.4\n", 1), encoding="utf-8")
    changed = render(default_rules=tmp_path)
    assert changed != render()
    assert "| `ratio` | number (> 0, < 1) | `0.4` |" in _section_text(changed, "frequency_drop")


def test_rules_docs_check_exits_1_when_stale_and_0_when_fresh(run, tmp_path):
    page = tmp_path / "rules.md"
    written = run("rules", "docs", "--output", str(page))
    assert written.exit_code == 0 and page.read_text(encoding="utf-8") == render()
    assert run("rules", "docs", "--check", "--output", str(page)).exit_code == 0
    page.write_text(page.read_text(encoding="utf-8").replace("Propose", "Suggest", 1), encoding="utf-8")
    stale = run("rules", "docs", "--check", "--output", str(page))
    assert stale.exit_code == 1
    assert stale.stderr.strip() == (f"keepwarm: {page}: stale; regenerate it with "
                                    f"`keepwarm rules docs --output {page}`")
    printed = run("rules", "docs")
    assert printed.stdout == render()


def test_rules_docs_into_a_missing_folder_is_one_line_exit_2(run, tmp_path):
    result = run("rules", "docs", "--output", str(tmp_path / "nope" / "rules.md"))
    assert result.exit_code == 2
    assert result.stderr.strip() == f"keepwarm: --output: folder {tmp_path / 'nope'} does not exist"
    assert list(tmp_path.iterdir()) == []
