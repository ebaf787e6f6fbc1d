"""Adding and removing `[sources.NAME]` tables in the user's config.toml, and setting one value (`set_value`).

Edited with tomlkit rather than rewritten with tomli-w: the file is the
user's own, and their comments, order and spacing must survive a
`keepwarm source add`. The file is written whole to a temporary file and
renamed over the old one, so a failure leaves it as it was.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import tomlkit
import tomlkit.exceptions

from ..errors import UserError
from ..home import paths


def _read(path: Path) -> tomlkit.TOMLDocument:
    if not path.exists():
        return tomlkit.document()
    try:
        return tomlkit.parse(path.read_text(encoding="utf-8"))
    except tomlkit.exceptions.ParseError as exc:
        raise UserError(f"{path}: {exc}; fix it before adding or removing a source") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise UserError(f"{path}: cannot be read ({exc})") from None


def _write(path: Path, document: tomlkit.TOMLDocument) -> None:
    paths.ensure_private_dir(path.parent)
    fd, temp = tempfile.mkstemp(prefix=".config-", suffix=".toml", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(tomlkit.dumps(document))
        os.replace(temp, path)
    except OSError as exc:
        Path(temp).unlink(missing_ok=True)
        raise UserError(f"{path}: cannot be written ({exc.strerror or exc}); nothing was changed") from None


def add_source(name: str, kind: str, options: dict, *, me: list[str] | None = None, path: Path | None = None) -> Path:
    """Add `[sources.NAME]` with its kind and options (plain values: the options model dumped as JSON).

    `me`, when given, replaces the list of the user's own addresses in the same write.
    """
    path = path or paths.config_file()
    document = _read(path)
    if me is not None:
        document["me"] = me
    sources = document.get("sources")
    if sources is None:
        sources = tomlkit.table(is_super_table=True)
        document["sources"] = sources
    elif not isinstance(sources, dict):
        raise UserError(f"{path}: sources: expected a table of sources, found {type(sources).__name__}")
    if name in sources:
        raise UserError(f"source: a source named {name!r} exists already (choose another with --name)")
    table = tomlkit.table()
    table.add("kind", kind)
    for key, value in options.items():
        if value is None:
            continue
        table.add(key, value)
    sources[name] = table
    _write(path, document)
    return path


def set_value(table: str, key: str, value: object, path: Path | None = None) -> Path:
    """Set `[table] key = value` in the user's config.toml (the table made if missing), the rest kept as it is."""
    path = path or paths.config_file()
    document = _read(path)
    found = document.get(table)
    if found is None:
        found = tomlkit.table()
        document[table] = found
    elif not isinstance(found, dict):
        raise UserError(f"{path}: {table}: expected a table, found {type(found).__name__}")
    found[key] = value
    _write(path, document)
    return path


def remove_source(name: str, path: Path | None = None) -> Path:
    path = path or paths.config_file()
    document = _read(path)
    sources = document.get("sources")
    if not isinstance(sources, dict) or name not in sources:
        raise UserError(f"source: no source named {name!r} in {path}")
    del sources[name]
    if not sources:
        del document["sources"]
    _write(path, document)
    return path
