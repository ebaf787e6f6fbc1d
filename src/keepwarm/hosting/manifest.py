"""Which hooks each plugin implements, kept between runs, so that a command imports only the plugins it calls.

What a plugin implements is known only once its module is imported, and the host imported every plugin for every
command: a one-contact command such as `keepwarm contact show` built the source and address-book plugins and the
plugin API's types for them, and called none. Yet which hooks a plugin implements follows from its code alone, so
it is kept in one file of the cache folder (`plugins.json`), each plugin under a key:

- an entry point's name, its value, its distribution's name and version; a plugin file's path;
- the size, time of change and inode of the plugin's module file (its code, as the engine's state counts it:
  engine/state.py);
- for the whole file: the versions of keepwarm, its plugin API, pluggy and Python, and the hooks' own module file.

The host (`PluginHost.load`) takes a plugin whose kept entry still holds as known without importing it, and imports
it when a hook it implements is first called: each command imports the plugins of the hooks it calls, whoever wrote
them (keepwarm's own entry points, other distributions' and plugin files alike). Only a plugin that loaded without a
problem is kept: any other is imported on every run, so that its problem is seen on every run.

The file is JSON (it names hooks and files and runs nothing), read only under the rule hosting/trust.py applies to
plugin files, as the kept rule packs are (rules/kept.py), and written privately.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
from importlib.metadata import EntryPoint
from pathlib import Path
from typing import Any

import pluggy

from .. import PLUGIN_API_VERSION, __version__
from ..api import hookspecs
from ..home.paths import ensure_private_dir
from . import trust

#: Bumped when what is stored changes shape.
FORMAT = 1
FILE_NAME = "plugins.json"


def stamp(file: str | None) -> list[int] | None:
    """The size, time of change and inode of a file (None: none, or gone)."""
    if not file:
        return None
    try:
        found = os.stat(file)
    except OSError:
        return None
    return [found.st_size, found.st_mtime_ns, found.st_ino]


def entry_point_key(ep: EntryPoint, dist: str, version: str) -> str:
    return json.dumps(["entry point", ep.name, ep.value, dist, version])


def file_key(path: Path) -> str:
    return json.dumps(["file", str(path)])


class Manifest:
    """The kept entries of one cache folder: read once when the host loads, written back when they changed."""

    def __init__(self, cache_dir: Path) -> None:
        self.path = cache_dir / FILE_NAME
        self._head = _head()
        self._kept = _read(self.path, self._head)
        self._now: dict[str, dict[str, Any]] = {}

    def known(self, key: str) -> dict[str, Any] | None:
        """The kept entry of this plugin, `{"hooks": [...], "version": ..., "file": ...}`, while its code is the same."""
        entry = self._kept.get(key)
        if entry is None or stamp(entry["file"]) != entry["stamp"]:
            return None
        self._now[key] = entry
        return entry

    def note(self, key: str, hooks: list[str], version: str, file: str | None) -> None:
        """A plugin that loaded without a problem: what it implements, kept for the next run."""
        found = stamp(file)
        if found is None:
            self._now.pop(key, None)
            return
        self._now[key] = {"hooks": sorted(hooks), "version": version, "file": file, "stamp": found}

    def save(self) -> None:
        """Written when an entry was added, changed or dropped; a cache folder that cannot be written is no error."""
        if self._now == self._kept:
            return
        data = json.dumps({"head": self._head, "plugins": self._now}, sort_keys=True).encode()
        try:
            folder = ensure_private_dir(self.path.parent)
            if trust.folder_refusal(folder) is not None:
                return
            handle, temporary = tempfile.mkstemp(prefix=".plugins-", dir=folder)  # created 0600
            try:
                with os.fdopen(handle, "wb") as stream:
                    stream.write(data)
                os.replace(temporary, self.path)
            except BaseException:
                os.unlink(temporary)
                raise
        except OSError:
            return
        self._kept = dict(self._now)


def _head() -> list[Any]:
    return [FORMAT, __version__, PLUGIN_API_VERSION, pluggy.__version__, sys.version, stamp(hookspecs.__file__)]


def _read(path: Path, head: list[Any]) -> dict[str, dict[str, Any]]:
    try:
        if trust.folder_refusal(path.parent) is not None or trust.file_refusal(path) is not None:
            return {}
        with open(path, "rb") as stream:
            found = json.load(stream)
        if found["head"] != head:
            return {}
        plugins = found["plugins"]
        for entry in plugins.values():  # the shape each use relies on, checked once
            if not (
                isinstance(entry["hooks"], list)
                and all(isinstance(h, str) for h in entry["hooks"])
                and isinstance(entry["version"], str)
                and isinstance(entry["file"], str)
                and isinstance(entry["stamp"], list)
            ):
                return {}
        return plugins
    except Exception:  # missing, unreadable, not JSON, another shape: every plugin is imported, and the file written
        return {}
