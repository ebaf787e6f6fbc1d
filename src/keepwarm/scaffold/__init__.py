"""`keepwarm plugins new`: a plugin package whose own tests pass as generated.

With one family the package is one plugin module. With several (`--family
tips --family warnings`) it holds one plugin module per family, each with
its own entry point, section (`golf_tips`, `golf_warnings`), defaults file
and tests: a plugin is one section and one switch, and models of different
families share no settings worth merging.

The package is written into a fresh folder next to where it will live and
renamed into place at the end, so a failure leaves nothing behind, and a name
that is not a valid package name, or clashes with a built-in rule, is refused
before anything is written.
"""

from __future__ import annotations

import re
import shutil
import tempfile
from collections.abc import Sequence
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
    #: More than one family: one plugin module each (`module.family`, section `section_family`).
    families: tuple[str, ...] = ()

    @property
    def title(self) -> str:
        return self.section.replace("_", " ").capitalize()

    @property
    def plugins(self) -> list["Plan"]:
        """One plan per plugin module of the package (itself, for a single family)."""
        if len(self.families) < 2:
            return [self]
        return [Plan(self.dist, f"{self.module}.{f}", f"{self.section}_{f}", f) for f in self.families]


def plan(name: str, family: str | Sequence[str]) -> Plan:
    """Check NAME and derive the package's names; a UserError says what is wrong."""
    families = tuple(dict.fromkeys([family] if isinstance(family, str) else family)) or ("tips",)
    for family in families:
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
    sections = [section] if len(families) < 2 else [f"{section}_{f}" for f in families]
    for name_taken in sections:
        if name_taken in taken:
            raise UserError(f"NAME: {name_taken!r} is a built-in rule's name or section already; choose another")
    return Plan(
        dist=f"keepwarm-{short}",
        module=f"keepwarm_{section}",
        section=section,
        family=", ".join(families),
        families=families,
    )


def _builtin_names() -> set[str]:
    from ..engine.settings import CORE_SECTIONS
    from ..rules_docs import builtin_host

    host = builtin_host()
    return set(CORE_SECTIONS) | set(host.infos) | {i.section for i in host.infos.values() if i.section}


def _values(p: Plan, package: Plan) -> dict[str, str]:
    family = templates.FAMILIES[p.family]
    return {
        "dist": p.dist,
        "package": package.module,
        "module": p.module,
        "label": p.module.rsplit(".", 1)[-1],  # the name `run_engine` registers the module under
        "section": p.section,
        "family": p.family,
        "title": p.title,
        "hook": family["hook"],
        "imports": family["imports"],
        "stdlib": family.get("stdlib", ""),
        "model_import": family.get("model_import", ""),
        "api": PLUGIN_API_VERSION,
        "keepwarm_version": __version__,
        "entry_points": "\n".join(f'{q.section} = "{q.module}"' for q in package.plugins),
    }


def _fill(text: str, values: dict[str, str]) -> str:
    for key, value in values.items():
        text = text.replace("{{" + key + "}}", value)
    return text


def files(p: Plan) -> dict[str, str]:
    """Relative path -> text of every file in the package."""
    plugins = p.plugins
    out: dict[str, str] = {}
    for q in plugins:
        family, values = templates.FAMILIES[q.family], _values(q, p)
        folder = f"src/{p.module}"
        source = f"{folder}/__init__.py" if q is p else f"{folder}/{q.family}.py"
        out[source] = _fill(templates.HEADER + family["module"], values)
        whose = "its" if q is p else f"{q.section}'s"
        out[f"{folder}/{q.section}.toml"] = _fill(
            f"# {p.dist}: {whose} settings and their defaults. "
            "Copy what you change into a .toml\n"
            "# file in your keepwarm rules folder, then run `keepwarm rules check`.\n\n" + family["toml"],
            values,
        )
        out[f"tests/test_{q.section}.py"] = _fill(
            templates.TEST_HEADER + family["tests"] + templates.TEST_COMMON, values
        )
    values = _values(p if len(plugins) == 1 else plugins[0], p) | {"family": p.family, "title": p.title}
    out["pyproject.toml"] = _fill(templates.PYPROJECT, values)
    if len(plugins) == 1:
        out["README.md"] = _fill(templates.README, values)
    else:
        listing = [f"- `src/{p.module}/__init__.py`: the package; each family's plugin is a module of it."]
        for q in plugins:
            listing.append(
                f"- `src/{p.module}/{q.family}.py` ({templates.FAMILIES[q.family]['hook']}), its "
                f"defaults `{q.section}.toml` and `tests/test_{q.section}.py`."
            )
        out["README.md"] = _fill(
            templates.README_SEVERAL,
            values
            | {
                "files": "\n".join(listing),
                "sections": ", ".join(q.section for q in plugins),
                "first_section": plugins[0].section,
            },
        )
        out[f"src/{p.module}/__init__.py"] = (
            f'"""{p.title}: keepwarm plugins ({p.family}), one module per family."""\n\n__version__ = "0.1.0"\n'
        )
    return out


def create(name: str, family: str | Sequence[str], parent: Path) -> Path:
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
