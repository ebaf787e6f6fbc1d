"""Where keepwarm keeps things, per platform (platformdirs), with overrides.

`KEEPWARM_HOME` moves everything at once (tests and portable installs use it);
`KEEPWARM_DB` or `--db` move only the database.
"""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

APP = "keepwarm"


def _home() -> Path | None:
    home = os.environ.get("KEEPWARM_HOME")
    return Path(home).expanduser() if home else None


def data_dir() -> Path:
    home = _home()
    return home / "data" if home else Path(platformdirs.user_data_dir(APP, appauthor=False))


def config_dir() -> Path:
    home = _home()
    return home / "config" if home else Path(platformdirs.user_config_dir(APP, appauthor=False))


def cache_dir() -> Path:
    """What keepwarm can work out again from other files, kept to be quicker (e.g. the validated rule packs)."""
    home = _home()
    return home / "cache" if home else Path(platformdirs.user_cache_dir(APP, appauthor=False))


def db_setting() -> str | None:
    """KEEPWARM_DB as given: a file path or a server URL (judged by keepwarm.store.location), None when unset."""
    return os.environ.get("KEEPWARM_DB") or None


def default_db_path() -> Path:
    env = db_setting()
    if env:
        return Path(env).expanduser()
    return data_dir() / "keepwarm.db"


def demo_db_path() -> Path:
    """Where `keepwarm demo` (and the app's "Load the example data") put the demo book."""
    return data_dir() / "demo.db"


def config_file() -> Path:
    return config_dir() / "config.toml"


def user_rules_dir() -> Path:
    return config_dir() / "rules"


def user_plugins_dir() -> Path:
    return config_dir() / "plugins"


def backups_dir() -> Path:
    return data_dir() / "backups"


def backups_dir_for(db_path: Path | object) -> Path:
    """The backups folder for the default database and for a book on a server; beside the file for any other."""
    if not isinstance(db_path, (str, Path)):
        return backups_dir()  # a server book (keepwarm.store.location.ServerBook) has no folder of its own
    db_path = Path(db_path)
    return backups_dir() if db_path == data_dir() / "keepwarm.db" else db_path.parent


def default_rules_dir() -> Path:
    """The rule packs shipped with the program.

    A wheel carries them inside the package; a source checkout (an editable
    install) reads the repository's top-level `rules/` folder directly. The
    package is a folder either way (its files are read as paths), so it is
    found beside this module rather than through `importlib.resources`, whose
    readers cost a command that loads the rules a few milliseconds to import.
    """
    return _shipped("default_rules", "rules")


def examples_dir() -> Path:
    return _shipped("examples", "examples")


def _shipped(packaged: str, checkout: str) -> Path:
    """`packaged` inside the installed package, else the source checkout's top-level `checkout` folder."""
    here = Path(__file__).resolve()
    inside = here.parents[1] / packaged
    return inside if inside.is_dir() else here.parents[3] / checkout


def ensure_private_dir(path: Path) -> Path:
    """Create `path` and every missing parent as 0700, whatever the umask.

    `Path.mkdir(parents=True, mode=...)` applies the mode to the last folder
    only, and the umask to the rest: under umask 000 the parents came out 0777.
    Folders that exist already are left as they are.
    """
    path = Path(path)
    missing = []
    probe = path
    while not probe.exists() and probe != probe.parent:
        missing.append(probe)
        probe = probe.parent
    for folder in reversed(missing):
        try:
            folder.mkdir(mode=0o700)
        except FileExistsError:
            continue
        os.chmod(folder, 0o700)
    if not path.is_dir():
        raise NotADirectoryError(20, "Not a directory", str(path))
    return path


def user_setting() -> str | None:
    """KEEPWARM_USER as given (the user keepwarm acts as, before the settings' `user`), None when unset."""
    return os.environ.get("KEEPWARM_USER", "").strip() or None
