"""src/keepwarm/ is packages named for what they hold, mapped in docs/architecture.md ("Where things are").

Only the modules that must stay flat do: the public import paths `keepwarm.plugin` and
`keepwarm.testing`, `__main__`, and `errors` (raised by every layer, caught by the CLI at
start-up). home/ spans layers, so its modules are named one by one in the layers contract.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src" / "keepwarm"
DOC = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
CONTRACTS = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["importlinter"]["contracts"]


def _where_things_are() -> str:
    return DOC.split("## Where things are", 1)[1].split("\n## ", 1)[0]


def test_only_what_must_stay_flat_is_a_flat_module():
    flat = sorted(p.stem for p in SRC.glob("*.py"))
    assert flat == ["__init__", "__main__", "errors", "plugin", "testing"]


def test_the_architecture_page_maps_every_package_and_says_why_each_flat_module_stays():
    section = _where_things_are()
    packages = sorted(p.name for p in SRC.iterdir() if (p / "__init__.py").is_file())
    assert [name for name in packages if f"`{name}/`" not in section] == []
    assert [name for name in ("plugin", "testing", "__main__", "errors") if f"`{name}`" not in section] == []


def test_every_module_of_home_has_its_layer_in_the_layers_contract():
    layers = next(c for c in CONTRACTS if c["id"] == "layers")["layers"]
    named = {m.strip() for layer in layers for m in layer.replace("|", ":").split(":")}
    home = sorted(f"home.{p.stem}" for p in (SRC / "home").glob("*.py") if p.stem != "__init__")
    assert home and [module for module in home if module not in named] == []
