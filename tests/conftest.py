"""Shared fixtures: an isolated keepwarm home, a fixed clock, and a CLI runner."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass

import pytest
from click.testing import CliRunner

from keepwarm.cli import cli
from keepwarm.home.session import Session

#: Sunday 22 November 2026, 09:00 UTC: the clock every scenario test runs at.
FIXED_NOW = dt.datetime(2026, 11, 22, 9, 0, tzinfo=dt.timezone.utc)

#: A real PostgreSQL server (`pg_server`, `pg_url`, `backend`): tests/pg_server.py.
pytest_plugins = ["pg_server"]


@pytest.fixture(autouse=True, scope="session")
def _never_the_real_home(tmp_path_factory):
    """No test reads or writes the user's own keepwarm folders: not even one that undoes its
    monkeypatches (and with them the `home` fixture's) before it runs keepwarm again."""
    import os

    os.environ["KEEPWARM_HOME"] = str(tmp_path_factory.mktemp("no-test-home"))
    os.environ.pop("KEEPWARM_DB", None)


@pytest.fixture(scope="session")
def _migrated_template():
    """One real migration per test process; see tests/fresh_schema.py."""
    import fresh_schema

    return fresh_schema.migrated_template()


@pytest.fixture(autouse=True)
def _new_databases_from_one_migration(request, monkeypatch):
    """A new database is a page copy of one made by Alembic (tests/fresh_schema.py), except in the
    test modules about migrating."""
    import fresh_schema

    if request.module.__name__ in fresh_schema.REAL_MIGRATIONS:
        return
    from keepwarm.store import migrate

    template = request.getfixturevalue("_migrated_template")
    monkeypatch.setattr(migrate, "upgrade", fresh_schema.replaying_upgrade(migrate.upgrade, template))


@pytest.fixture(scope="session")
def radicale_once(tmp_path_factory, request):
    """One real Radicale server per test process, shared by every module that uses `radicale`."""
    import radicale_server

    return radicale_server.start(tmp_path_factory.mktemp("radicale"), request.addfinalizer)


@pytest.fixture(scope="session")
def imap_once(tmp_path_factory, request):
    """One real IMAP server (pymap) per test process, shared by every module that uses it."""
    import imap_server

    try:
        started = imap_server.start(tmp_path_factory.mktemp("imap"))
    except AssertionError as exc:
        pytest.fail(str(exc), pytrace=False)
    request.addfinalizer(started.stop)
    return started


@pytest.fixture
def home(tmp_path, monkeypatch):
    """Every path keepwarm uses lives under tmp_path; the clock is pinned; the zone is UTC."""
    root = tmp_path / "kwhome"
    monkeypatch.setenv("KEEPWARM_HOME", str(root))
    monkeypatch.setenv("KEEPWARM_NOW", FIXED_NOW.isoformat())
    monkeypatch.setenv("TZ", "UTC")
    for var in ("KEEPWARM_DB", "KEEPWARM_STRICT_PLUGINS", "KEEPWARM_TRACE_PLUGINS"):
        monkeypatch.delenv(var, raising=False)
    return root


@pytest.fixture
def db_path(home):
    return home / "data" / "keepwarm.db"


@dataclass
class Run:
    exit_code: int
    stdout: str
    stderr: str

    def json(self):
        return json.loads(self.stdout)


@pytest.fixture
def run(home):
    """Run the CLI in-process: run("contact", "add", "Ada") -> Run."""
    runner = CliRunner()

    def invoke(*args: str, input: str | None = None) -> Run:
        result = runner.invoke(cli, list(args), input=input, catch_exceptions=False)
        return Run(result.exit_code, result.stdout, result.stderr)

    return invoke


@pytest.fixture
def session(home):
    s = Session(now=FIXED_NOW)
    yield s
    s.close()


@pytest.fixture(autouse=True)
def _no_watch_timer(request, monkeypatch):
    """In the TUI tests the app looks for other processes' writes only when a test asks it to
    (`app.check_outside_changes()`), so no timer reloads a screen in the middle of a step."""
    if request.module.__name__.startswith("test_tui"):
        monkeypatch.setattr("keepwarm.tui.app.KeepwarmApp.WATCH_SECONDS", 24 * 3600.0)
