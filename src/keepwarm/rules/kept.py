"""The validated rule packs, kept between runs while nothing they come from has changed.

Validating the packs needs a validator for each section's model, and pydantic
builds one per model class in every process: with the TOML parsing, most of
what loading the plugins cost a one-contact command such as `keepwarm contact
show`. Yet the outcome (the sections, the problems with their file, key and
line, the broken sections) follows from the rule files and the models' code
alone. So it is kept in one file of the cache folder under a key made of:

- the text of every rule file of both folders (a digest; a file added, removed
  or edited changes it);
- each section's name and model, and the size, time of change and inode of
  the module file of every class the model is made of (the model, its bases,
  the models and types of its fields), as Python judges its own bytecode;
- the versions of keepwarm, its plugin API, pydantic and Python.

A run whose key is equal reads the outcome back instead of validating; any
other run validates and stores it for the next. A model declared with
`defer_build=True` (keepwarm's own are; a plugin's may be too) then has no
validator built at all by a run that finds the key equal.

The file is a pickle: like a plugin file, who can write it can run code as the
user. It is read only when the user owns it and no one else can change it or
its folders (the rule hosting/trust.py applies to plugin files), and written
privately (0600, in a 0700 folder).
"""

from __future__ import annotations

import hashlib
import io
import os
import pickle
import sys
import tempfile
import typing
from collections.abc import Iterator, Mapping
from pathlib import Path

import pydantic
import pydantic_core
from pydantic import BaseModel

from .. import PLUGIN_API_VERSION, __version__
from ..home.paths import ensure_private_dir
from ..hosting import trust
from .loading import RuleSet, load_raw, validate

#: Bumped when what is stored changes shape.
FORMAT = 1
FILE_NAME = "rules.pickle"


def validated(
    default_dir: Path, user_dir: Path | None, models: Mapping[str, type[BaseModel]], cache_dir: Path | None
) -> RuleSet:
    """`validate(load_raw(default_dir, user_dir), models)`, read from `cache_dir` when it was stored under an equal
    key (see the module's docstring), else worked out and stored there. No `cache_dir`: always worked out."""
    if cache_dir is None:
        return validate(load_raw(default_dir, user_dir), models)
    path = cache_dir / FILE_NAME
    key = _key(default_dir, user_dir, models)
    found = _read(path, key)
    if found is not None:
        return found
    ruleset = validate(load_raw(default_dir, user_dir), models)
    ruleset.dumped()  # stored with it: the engine's state digest reads them, and would build every serializer
    _write(path, key, ruleset)
    return ruleset


def _key(default_dir: Path, user_dir: Path | None, models: Mapping[str, type[BaseModel]]) -> str:
    digest = hashlib.blake2b(digest_size=20)

    def add(*parts: object) -> None:
        digest.update(repr(parts).encode("utf-8", "backslashreplace"))

    add(FORMAT, __version__, PLUGIN_API_VERSION, pydantic.VERSION, pydantic_core.__version__, sys.version)
    for folder in (default_dir, user_dir):
        add("folder", str(folder))
        for path in sorted(folder.glob("*.toml")) if folder is not None and folder.is_dir() else ():
            try:
                add(path.name, hashlib.blake2b(path.read_bytes(), digest_size=20).hexdigest())
            except OSError as exc:
                add(path.name, "unreadable", exc.errno)
    for name, model in models.items():
        add("section", name, model.__module__, model.__qualname__)
    for file in sorted(_code_files(models.values())):
        try:
            found = os.stat(file)
        except OSError:
            add(file, None)
            continue
        add(file, found.st_size, found.st_mtime_ns, found.st_ino)
    return digest.hexdigest()


def _code_files(models: typing.Iterable[type]) -> set[str]:
    """The module files of every class the models are made of: each model, its bases, its fields' types."""
    files: set[str] = set()
    seen: set[type] = set()
    for model in models:
        for cls in _classes(model, seen):
            module = sys.modules.get(cls.__module__)
            file = getattr(module, "__file__", None)
            if file:
                files.add(file)
    return files


def _classes(cls: type, seen: set[type]) -> Iterator[type]:
    if cls in seen or cls.__module__ == "builtins":
        return
    seen.add(cls)
    for base in cls.__mro__:
        if base is not cls and base.__module__ != "builtins":
            yield from _classes(base, seen)
    yield cls
    fields = getattr(cls, "__pydantic_fields__", None)
    if isinstance(fields, dict):
        for info in fields.values():
            for kind in _types_in(info.annotation):
                yield from _classes(kind, seen)


def _types_in(annotation: object) -> Iterator[type]:
    if isinstance(annotation, type):
        yield annotation
    for arg in typing.get_args(annotation):
        yield from _types_in(arg)


def _read(path: Path, key: str) -> RuleSet | None:
    try:
        if trust.folder_refusal(path.parent) is not None or trust.file_refusal(path) is not None:
            return None
        with open(path, "rb") as stream:
            stored_format, stored_key, ruleset = pickle.load(stream)
    except Exception:  # missing, unreadable, written by another version, or naming a class that is gone: worked out
        return None
    if stored_format != FORMAT or stored_key != key or not isinstance(ruleset, RuleSet):
        return None
    return ruleset


class _Pickler(pickle.Pickler):
    """Classes stored by the module they were loaded as, found again among the loaded modules (`_loaded_class`).

    A plugin file's module (`keepwarm_user_plugins.NAME`, hosting/host.py) is
    loaded from its path, not importable by its name, which is how pickle finds
    a class by default; and a class is looked for only among the modules this
    run loaded already, none imported by reading the file.
    """

    def reducer_override(self, obj):
        if isinstance(obj, type) and obj.__module__ != "builtins":
            if _loaded_class(obj.__module__, obj.__qualname__) is not obj:
                raise pickle.PicklingError(f"{obj.__module__}.{obj.__qualname__} cannot be found again by its name")
            return _loaded_class, (obj.__module__, obj.__qualname__)
        return NotImplemented


def _loaded_class(module: str, qualname: str) -> type:
    found: object = sys.modules[module]
    for part in qualname.split("."):
        found = getattr(found, part)
    assert isinstance(found, type)
    return found


def _write(path: Path, key: str, ruleset: RuleSet) -> None:
    """Stored for the next run, replacing the file whole; a cache folder that cannot be written is no error."""
    buffer = io.BytesIO()
    try:
        _Pickler(buffer, protocol=pickle.HIGHEST_PROTOCOL).dump((FORMAT, key, ruleset))
    except Exception:  # a class made in a function, a value pickle cannot store: not kept, validated each run
        return
    data = buffer.getvalue()
    try:
        folder = ensure_private_dir(path.parent)
        if trust.folder_refusal(folder) is not None:
            return
        handle, temporary = tempfile.mkstemp(prefix=".rules-", dir=folder)  # created 0600
        try:
            with os.fdopen(handle, "wb") as stream:
                stream.write(data)
            os.replace(temporary, path)
        except BaseException:
            os.unlink(temporary)
            raise
    except OSError:
        return
