"""Test helpers for keepwarm plugin authors (and keepwarm's own tests).

Installed with keepwarm and registered as a pytest plugin (entry point
`pytest11`), so a plugin's test suite gets these fixtures without a conftest:

- `keepwarm_home`: an isolated keepwarm home (database, config, rules, plugins
  folders under tmp_path), the clock pinned to `keepwarm_now`, the zone UTC;
- `keepwarm_now`: the pinned time (override the fixture to move it);
- `keepwarm_db`: the path of the temporary database inside that home;
- `keepwarm_session`: a `Session` on that home;
- `keepwarm_history`: a `History` builder on that session.

And `run_engine(session, plugin, ...)`, which evaluates with one or more extra
plugins registered next to keepwarm's built-ins (or instead of them), the way a
real installation would load them, optionally with rule settings given as TOML;
and `PluginHost`, the host that loads plugins, for a test of the packaging (the
entry point found, the section registered): its place inside keepwarm may move,
this name stays.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from importlib.metadata import entry_points
from pathlib import Path

import pytest
import tomli_w

from .engine.evaluate import Evaluation, evaluate
from .home import paths
from .home.session import Session
from .hosting.host import GROUP, OWN_DISTRIBUTION, PluginHost, _dist_name
from .hosting.runtime import build_runtime
from .model import Assessment, Commitment, Contact
from .services import actions
from .store import activity
from .store import contacts as people

#: Sunday 22 November 2026, 09:00 UTC.
DEFAULT_NOW = dt.datetime(2026, 11, 22, 9, 0, tzinfo=dt.timezone.utc)
UTC = dt.timezone.utc


@pytest.fixture
def keepwarm_now() -> dt.datetime:
    return DEFAULT_NOW


@pytest.fixture
def keepwarm_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, keepwarm_now: dt.datetime) -> Path:
    root = tmp_path / "keepwarm-home"
    monkeypatch.setenv("KEEPWARM_HOME", str(root))
    monkeypatch.setenv("KEEPWARM_NOW", keepwarm_now.isoformat())
    monkeypatch.setenv("TZ", "UTC")
    for var in ("KEEPWARM_DB", "KEEPWARM_STRICT_PLUGINS", "KEEPWARM_TRACE_PLUGINS"):
        monkeypatch.delenv(var, raising=False)
    return root


@pytest.fixture
def keepwarm_db(keepwarm_home: Path) -> Path:
    """Where the temporary database lives (created on first use by the session)."""
    return paths.default_db_path()


@pytest.fixture
def keepwarm_session(keepwarm_home: Path, keepwarm_now: dt.datetime):
    session = Session(now=keepwarm_now)
    yield session
    session.close()


@pytest.fixture
def keepwarm_history(keepwarm_session: Session) -> "History":
    return History(keepwarm_session)


def _moment(value: dt.date | dt.datetime | str) -> dt.datetime:
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value) if "T" in value or " " in value else dt.date.fromisoformat(value)
    if isinstance(value, dt.datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    return dt.datetime.combine(value, dt.time(10, 0), tzinfo=UTC)


@dataclass
class History:
    """Builds concrete histories through keepwarm's own write paths.

    >>> ada = history.contact("Ada Lovelace", interests=["sailing"])
    >>> history.every(ada, days=14, start="2025-11-01", end="2026-08-01")   # a touch every two weeks
    >>> # ...then silence until today
    """

    session: Session

    def contact(self, name: str, **fields) -> int:
        with self.session.store.write() as conn:
            return people.insert_contact(conn, Contact(name=name, **fields), self.session.now)

    def log(self, contact_id: int, when: dt.date | dt.datetime | str, *, channel: str = "call", **fields) -> None:
        with self.session.store.write() as conn:
            actions.log_interactions(conn, [contact_id], self.session.now, at=_moment(when), channel=channel, **fields)

    def every(
        self,
        contact_id: int,
        *,
        days: int,
        start: dt.date | str,
        end: dt.date | str | None = None,
        channel: str = "call",
        **fields,
    ) -> int:
        """A touch every `days` from `start` up to `end` (default: today); returns how many."""
        first = _moment(start)
        last = _moment(end) if end is not None else self.session.now
        count, moment = 0, first
        with self.session.store.write() as conn:
            while moment <= last:
                actions.log_interactions(conn, [contact_id], self.session.now, at=moment, channel=channel, **fields)
                moment += dt.timedelta(days=days)
                count += 1
        return count

    def rhythm(
        self,
        contact_id: int,
        *,
        every_days: int,
        for_days: int,
        silent_days: int = 0,
        channel: str = "call",
        **fields,
    ) -> int:
        """A touch every `every_days` for `for_days`, then `silent_days` of silence up to today.

        `history.rhythm(ada, every_days=14, for_days=365, silent_days=90)` is "a
        touch every two weeks for a year, then three months of silence". The last
        touch falls exactly `silent_days` before today; returns how many touches.
        """
        last = self.days_ago(silent_days)
        first = last - dt.timedelta(days=for_days)
        moments = []
        moment = _moment(last)
        while moment.date() >= first:
            moments.append(moment)
            moment -= dt.timedelta(days=every_days)
        with self.session.store.write() as conn:
            for moment in reversed(moments):
                actions.log_interactions(conn, [contact_id], self.session.now, at=moment, channel=channel, **fields)
        return len(moments)

    def days_ago(self, days: int) -> dt.date:
        return self.session.today - dt.timedelta(days=days)

    def promise(self, contact_id: int, text: str, *, due: dt.date | str | None = None, by: str = "me") -> int:
        day = dt.date.fromisoformat(due) if isinstance(due, str) else due
        with self.session.store.write() as conn:
            return activity.insert_commitment(
                conn, Commitment(contact_id=contact_id, text=text, due=day, by=by), self.session.now
            )

    def assess(self, contact_id: int, on: dt.date | str, **ratings: int) -> None:
        values = {d: 3 for d in ("trust", "communication", "sharing", "advocacy", "conflict", "commitment")}
        values.update(ratings)
        day = dt.date.fromisoformat(on) if isinstance(on, str) else on
        with self.session.store.write() as conn:
            activity.insert_assessment(conn, Assessment(contact_id=contact_id, on=day, **values), self.session.now)


_rules_folders = itertools.count(1)


def run_engine(
    session: Session,
    *plugins: object,
    names: Iterable[str] | None = None,
    builtins: bool = True,
    installed: bool = False,
    rules: str | Mapping | None = None,
    user_rules: Path | None = None,
    persist: bool = True,
) -> Evaluation:
    """Evaluate with `plugins` registered after keepwarm's built-ins (or alone with builtins=False).

    Other installed plugin packages are left out unless `installed=True`, so that
    an author's tests do not depend on what else is in their environment.
    `rules` is the user's rule settings, as TOML text or a mapping
    ({"my_section": {"key": 1}}); invalid settings show up in
    `evaluation.runtime.rule_problems` and disable the plugin that owns them,
    exactly as for a user. Plugin names default to the module's or class's name.
    Problems are kept in `evaluation.problems`; set KEEPWARM_STRICT_PLUGINS=1 to
    have them raise.
    """
    if rules is not None and user_rules is not None:
        raise ValueError("give rules= or user_rules=, not both")
    eps = None  # keepwarm's own, and other packages' when installed=True
    if not builtins:
        eps = [ep for ep in entry_points(group=GROUP) if _dist_name(ep) != OWN_DISTRIBUTION] if installed else []
    host = PluginHost(eps=eps, packages=installed, plugins_dir=None).load()
    labels = (
        list(names)
        if names is not None
        else [getattr(p, "__name__", type(p).__name__).rsplit(".", 1)[-1] for p in plugins]
    )
    for label, plugin in zip(labels, plugins, strict=True):
        host.register_for_test(plugin, label)
    if rules is not None:
        user_rules = paths.config_dir() / f"test-rules-{next(_rules_folders)}"
        user_rules.mkdir(parents=True, exist_ok=True)
        text = rules if isinstance(rules, str) else tomli_w.dumps(dict(rules))
        (user_rules / "rules.toml").write_text(text, encoding="utf-8")
    runtime = build_runtime(host=host, user_rules=user_rules)
    if not builtins and not installed:
        # The shipped packs name the built-ins' sections; without the built-ins that is no problem of yours.
        shipped = str(paths.default_rules_dir())
        runtime.rules.problems[:] = [
            p
            for p in runtime.rules.problems
            if not (p.file.startswith(shipped) and p.message.startswith("no plugin reads this section"))
        ]
    session.__dict__["runtime"] = runtime
    return evaluate(session, persist=persist)
