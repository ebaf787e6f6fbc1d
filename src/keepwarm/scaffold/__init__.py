"""`keepwarm plugins new`: a plugin package whose own tests pass as generated.

The package is written into a fresh folder next to where it will live and
renamed into place at the end, so a failure leaves nothing behind, and a name
that is not a valid package name, or clashes with a built-in rule, is refused
before anything is written.
"""

from __future__ import annotations

import re
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from .. import PLUGIN_API_VERSION, __version__
from ..errors import UserError
from . import templates

FAMILY_NAMES = tuple(templates.FAMILIES)
_NAME = re.compile(r"[a-z][a-z0-9]*(-[a-z0-9]+)*")
MAX_NAME = 40


@dataclass(frozen=True)
class Plan:
    """The names one plugin package is made of."""

    dist: str  # keepwarm-golf-tips: the folder and the distribution
    module: str  # keepwarm_golf_tips: the import name
    section: str  # golf_tips: the entry point, plugin name and TOML section
    family: str

    @property
    def title(self) -> str:
        return self.section.replace("_", " ").capitalize()


def plan(name: str, family: str) -> Plan:
    """Check NAME and derive the package's names; a UserError says what is wrong."""
    if family not in templates.FAMILIES:
        raise UserError(f"--family: {family!r} is not a family (expected one of {', '.join(FAMILY_NAMES)})")
    if not _NAME.fullmatch(name) or len(name) > MAX_NAME:
        raise UserError(
            f"NAME: {name!r} is not a plugin name (expected lowercase words joined by '-', "
            f"starting with a letter, at most {MAX_NAME} characters, e.g. golf-tips)"
        )
    short = name.removeprefix("keepwarm-")
    if short in ("", "keepwarm"):
        raise UserError(f"NAME: {name!r} names keepwarm itself; say what the plugin does, e.g. golf-tips")
    section = short.replace("-", "_")
    taken = _builtin_names()
    if section in taken:
        raise UserError(f"NAME: {section!r} is a built-in rule's name or section already; choose another")
    return Plan(dist=f"keepwarm-{short}", module=f"keepwarm_{section}", section=section, family=family)


def _builtin_names() -> set[str]:
    from ..engine.settings import CORE_SECTIONS
    from ..rules_docs import builtin_host

    host = builtin_host()
    return set(CORE_SECTIONS) | set(host.infos) | {i.section for i in host.infos.values() if i.section}


def files(p: Plan) -> dict[str, str]:
    """Relative path -> text of every file in the package."""
    family = templates.FAMILIES[p.family]
    values = {
        "dist": p.dist,
        "module": p.module,
        "section": p.section,
        "family": p.family,
        "title": p.title,
        "hook": family["hook"],
        "imports": family["imports"],
        "stdlib": family.get("stdlib", ""),
        "model_import": family.get("model_import", ""),
        "api": PLUGIN_API_VERSION,
        "keepwarm_version": __version__,
    }

    def fill(text: str) -> str:
        for key, value in values.items():
            text = text.replace("{{" + key + "}}", value)
        return text

    return {
        "pyproject.toml": fill(templates.PYPROJECT),
        "README.md": fill(templates.README),
        f"src/{p.module}/__init__.py": fill(templates.HEADER + family["module"]),
        f"src/{p.module}/{p.section}.toml": fill(
            f"# {p.dist}: its settings and their defaults. Copy what you change into a .toml\n"
            "# file in your keepwarm rules folder, then run `keepwarm rules check`.\n\n" + family["toml"]
        ),
        f"tests/test_{p.section}.py": fill(templates.TEST_HEADER + family["tests"] + templates.TEST_COMMON),
    }


def create(name: str, family: str, parent: Path) -> Path:
    """Write the package into `parent`/<dist>; returns that folder."""
    p = plan(name, family)
    if not parent.is_dir():
        raise UserError(f"--dir: {parent} is not a folder")
    target = parent / p.dist
    if target.exists():
        raise UserError(f"{target}: exists already; choose another NAME or --dir")
    staging = Path(tempfile.mkdtemp(prefix=f".{p.dist}.", dir=parent))
    try:
        for relative, text in files(p).items():
            path = staging / relative
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
        staging.chmod(0o755)  # mkdtemp's folder is private; a package folder is not
        staging.rename(target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return target
