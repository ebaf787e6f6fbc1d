"""What stored results were worked out under: the day, the rules, the plugins that ran.

A contact's result depends on its own rows (the marks of migration 0007 say
which changed) and on everything around them: the day (windows end today), the
settings of every rule section, which plugins are active and which code they
run. Those are digested into one text stored beside the results; a run that
finds another one stored evaluates the whole book, which stores the new state.

A plugin's code counts by its version and by its module file (size and time of
change), so an edited plugin file takes effect at once even when its author did
not change the version.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os

from .. import PLUGIN_API_VERSION, __version__
from ..hosting.runtime import Runtime


def fingerprint(runtime: Runtime, today: dt.date) -> str:
    """The state of a run on `today` under this runtime, as a short text (equal state, equal text)."""
    host = runtime.host
    plugins = []
    for name, info in sorted(host.infos.items()):
        if info.active:
            plugins.append((name, info.version, _code_stamp(host.code_file(name))))
    state = {
        "day": today.isoformat(),
        "rules": runtime.rules.dumped(),  # each section's model_dump(mode="json"), by name (sorted when written)
        "plugins": plugins,
        "api": PLUGIN_API_VERSION,
        "keepwarm": __version__,
    }
    text = json.dumps(state, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.blake2b(text.encode(), digest_size=12).hexdigest()


def _code_stamp(path: str | None) -> tuple[int, int] | None:
    """The size and time of change of the file a plugin's code is in (None when it has none): asked of the host,
    which knows it without importing the plugin (hosting/manifest.py)."""
    if not path:
        return None
    try:
        found = os.stat(path)
    except OSError:
        return None
    return found.st_size, found.st_mtime_ns
