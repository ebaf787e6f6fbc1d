"""The shipped rule packs (rules/*.toml) are generated from the models; it fails here the moment one is stale."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
from pydantic import BaseModel, ConfigDict, Field

from keepwarm.rules import packs as rules_packs
from keepwarm.rules.core import CORE_SECTIONS, EngineSettings
from keepwarm.rules.docs import builtin_host
from keepwarm.rules.packs import REGENERATE, main, render_packs, stale

RULES = Path(__file__).resolve().parents[1] / "rules"


def _models() -> dict[str, type[BaseModel]]:
    host = builtin_host()
    return {**CORE_SECTIONS, **{s.name: s.model for s in host.sections.values()}}


@pytest.mark.parametrize("filename", sorted(render_packs()))
def test_each_shipped_pack_is_exactly_what_the_models_generate(filename):
    generated = render_packs()[filename]
    assert (RULES / filename).read_text(encoding="utf-8") == generated, f"rules/{filename} is stale; {REGENERATE}"


def test_the_packs_hold_every_section_once_with_the_models_defaults():
    packs = {name: tomllib.loads(text) for name, text in render_packs().items()}
    assert sorted(p.name for p in RULES.glob("*.toml")) == sorted(packs)
    found = [section for pack in packs.values() for section in pack]
    models = _models()
    assert sorted(found) == sorted(models) and len(found) == 34
    for pack in packs.values():
        for section, values in pack.items():
            assert values == models[section]().model_dump(mode="json", by_alias=True), section
    assert list(packs["engine.toml"]) == ["engine", "health"]
    assert "frequency_drop" in packs["warnings.toml"] and "cadence" in packs["cadence.toml"]


def test_every_key_stands_under_its_description():
    text = render_packs()["engine.toml"]
    description = EngineSettings.model_fields["recent_days"].description
    assert f"# {description}\nrecent_days = 90\n" in text


def test_a_changed_model_default_makes_the_pack_stale(monkeypatch, tmp_path):
    for path in RULES.glob("*.toml"):
        (tmp_path / path.name).write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    assert stale(tmp_path) == []

    class Shorter(EngineSettings):
        recent_days: int = Field(60, ge=7, le=3650, description="Days in the recent window.")

    monkeypatch.setitem(rules_packs.CORE_SECTIONS, "engine", Shorter)
    assert "\nrecent_days = 60\n" in render_packs()["engine.toml"]
    assert stale(tmp_path) == ["engine.toml"]


def test_check_exits_1_naming_the_stale_pack_and_the_command_then_0_once_regenerated(tmp_path, capsys):
    for path in RULES.glob("*.toml"):
        (tmp_path / path.name).write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    assert main(["--check", "--output", str(tmp_path)]) == 0
    warnings = tmp_path / "warnings.toml"
    warnings.write_text(warnings.read_text(encoding="utf-8").replace("\nratio = 0.5\n", "\nratio = 0.4\n", 1),
                        encoding="utf-8")
    capsys.readouterr()
    assert main(["--check", "--output", str(tmp_path)]) == 1
    assert capsys.readouterr().err.strip() == f"keepwarm: {warnings}: stale; regenerate it with `{REGENERATE}`"
    assert main(["--output", str(tmp_path)]) == 0
    assert warnings.read_text(encoding="utf-8") == (RULES / "warnings.toml").read_text(encoding="utf-8")
    assert main(["--check", "--output", str(tmp_path)]) == 0


def test_regenerating_into_a_missing_folder_is_one_line_exit_2(tmp_path, capsys):
    assert main(["--output", str(tmp_path / "nope")]) == 2
    assert capsys.readouterr().err.strip() == f"keepwarm: --output: folder {tmp_path / 'nope'} does not exist"
    assert list(tmp_path.iterdir()) == []


def test_awkward_defaults_read_back_unchanged():
    class Odd(BaseModel):
        model_config = ConfigDict(extra="forbid")
        enabled: bool = Field(True, description="A description long enough to be wrapped over more than one "
                                                "comment line, so that no line of the pack runs past its width.")
        text: str = Field('say "hi" \\ then\nleave — ünïcode {name}', description="Quotes, a backslash, a newline.")
        words: list[str] = Field(default_factory=lambda: [f"word number {n}" for n in range(12)], description="Long.")
        table: dict[str, float] = Field(default_factory=lambda: {"a key": 1.5, "plain": 2.0}, description="Keys.")

    text = rules_packs._pack("A pack.", [("odd", Odd, "A rule with odd defaults.")])
    assert tomllib.loads(text) == {"odd": Odd().model_dump(mode="json")}
    assert all(len(line) <= rules_packs.WIDTH for line in text.splitlines() if line.startswith("#"))
    assert '\nwords = [\n    "word number 0",\n' in text
