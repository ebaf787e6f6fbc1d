"""What one run of keepwarm works with: the database, the settings, the clock.

The CLI and the TUI each build one `Session` and pass it to the same core
functions, so neither holds logic of its own. Everything is opened lazily:
`keepwarm --help` touches no file.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from sqlalchemy import Connection

from ..errors import StoreError
from ..store import Store, location
from ..text import dates
from . import clock, paths

if TYPE_CHECKING:
    from . import settings


class _computed_once:
    """`functools.cached_property` without its lock: on Python 3.11 that one lock is shared by every instance
    of the class, so one session working out an attribute (a store waiting on a busy database, a run left behind
    while loading a slow plugin: see keepwarm.hosting.budget) held up every other session's, in every thread.
    Every lazy attribute of a session is one of these."""

    def __init__(self, func) -> None:
        self.func, self.name = func, func.__name__
        self.__doc__ = func.__doc__

    def __get__(self, obj, owner=None):
        if obj is None:
            return self
        value = obj.__dict__[self.name] = self.func(obj)
        return value


class Session:
    #: Whether opening the store may create a missing database file (see `refuse_to_create`).
    may_create: bool = True

    def __init__(
        self,
        db_path: Path | str | location.ServerBook | None = None,
        *,
        now: dt.datetime | None = None,
        safe_mode: bool | None = None,
        config: settings.Settings | None = None,
    ) -> None:
        #: The book: a file, or a database on a PostgreSQL server (a value shaped like any other URL is refused
        #: here, in one line, before anything is created).
        self.db_path = location.locate(db_path or paths.db_setting() or paths.default_db_path())
        self._now = now
        self._safe_mode = safe_mode
        self._config = config
        #: Plugins found too slow in this run (see keepwarm.hosting.budget): a rebuilt runtime skips them too.
        self.slow_plugins: dict[str, str] = {}

    @_computed_once
    def settings(self) -> settings.Settings:
        if self._config is not None:
            return self._config
        from . import settings  # lazy for start-up: its models are built by the commands that read the settings

        return settings.load()

    @_computed_once
    def tz(self) -> ZoneInfo:
        return dates.zone(self.settings.timezone)

    @property
    def now(self) -> dt.datetime:
        return self._now if self._now is not None else clock.now()

    @property
    def today(self) -> dt.date:
        return self.now.astimezone(self.tz).date()

    @property
    def safe_mode(self) -> bool:
        return self._safe_mode if self._safe_mode is not None else self.settings.plugins.safe_mode

    @_computed_once
    def store(self) -> Store:
        refuse_to_create(self)
        store = Store.open(self.db_path, backup_dir=paths.backups_dir_for(self.db_path))
        # What a write makes with no owner given is the acting user's (store/users.py `owner_for_new`).
        store.engine.update_execution_options(keepwarm_acting=self.acting_user)
        return store

    def wanted_user(self) -> tuple[str | None, str]:
        """The user KEEPWARM_USER or the settings name, and where that was said (for its error)."""
        env = paths.user_setting()
        if env:
            return env, "KEEPWARM_USER"
        return self.settings.user, f"{paths.config_file()}: user"

    def acting_user(self, conn: Connection) -> str:
        """The user keepwarm acts as on `conn` (see `store.users.acting`); in a write, a book with no user yet
        gets them as its first admin."""
        from ..store import users  # lazy for start-up: only a write making something, or the team's commands

        name = users.acting(conn, *self.wanted_user())
        if conn.get_execution_options().get("keepwarm_write", False):
            users.ensure_first(conn, name, self.now)
        return name

    @_computed_once
    def runtime(self):
        """Plugins and rules, loaded on first use (`keepwarm contact list` never needs them)."""
        from ..hosting.runtime import build_runtime  # lazy for start-up: the plugins load on first use

        plugins = self.settings.plugins
        return build_runtime(
            safe_mode=self.safe_mode,
            disabled=tuple(plugins.disabled),
            budget=plugins.budget_seconds,
            slow=self.slow_plugins,
            cache_dir=paths.cache_dir(),
        )

    def for_database(self, db_path: Path | str | location.ServerBook) -> Session:
        """The same settings and clock on another database (the app's demo book, and back)."""
        return Session(db_path, now=self._now, safe_mode=self._safe_mode, config=self._config)

    def settings_changed(self) -> None:
        """Read the settings file again on next use (the user changed a setting from the app)."""
        if self._config is None:
            self.__dict__.pop("settings", None)
            self.__dict__.pop("tz", None)

    def reload_runtime(self) -> None:
        """Load plugins and rules again: plugins found slow get another chance (the user may have fixed them)."""
        self.__dict__.pop("runtime", None)
        self.slow_plugins.clear()

    def close(self) -> None:
        if "store" in self.__dict__:
            self.store.close()
            del self.__dict__["store"]


def refuse_to_create(session: Session) -> None:
    """A one-line error, before anything is created, when the database is missing and may not be created here.

    The CLI decides `may_create` per command (cli/opening.py): a read on a
    mistyped --db path must not leave a new file or folder behind.
    """
    if session.may_create or isinstance(session.db_path, location.ServerBook) or session.db_path.is_file():
        return  # a server's database is made by its administrator: keepwarm only adds its tables

    raise StoreError(
        f"{session.db_path}: no database here (check the path given with --db or KEEPWARM_DB; "
        "only commands that add data create one, e.g. contact add, import, restore)"
    )
