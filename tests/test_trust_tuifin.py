"""The TUI never makes the user wait on a plugin, and never cuts text silently (issue #17, points 6 and 27)."""

from __future__ import annotations

import os
import textwrap
import threading
import time

import pytest
from tui_support import settle_until, sync

from conftest import FIXED_NOW
from keepwarm.session import Session

BOUND = 10.0  # seconds: far below the plugin's sleep and budget, far above any honest load
NAP = """
import os as _os
import time as _time
from pathlib import Path as _Path
from keepwarm.plugin import hookimpl


def _nap(seconds, _release={release!r}):
    end = _time.monotonic() + seconds
    while _time.monotonic() < end and not _os.path.exists(_release):
        _time.sleep(0.05)
    return 0


@hookimpl
def keepwarm_tips(ctx):
    _Path({calls!r}).write_text("in")
    _nap(30)
    return []
"""
_release = {"path": ""}


@pytest.fixture(autouse=True)
def _released(tmp_path):
    """After each test: the sleeping plugin wakes, and the threads the test started end."""
    _release["path"] = str(tmp_path / "test-over")
    before = set(threading.enumerate())
    yield
    (tmp_path / "test-over").touch()
    for thread in set(threading.enumerate()) - before:
        if thread.daemon and thread.name != "keepwarm-plugin-watchdog":
            thread.join(5)


def _slow_tips_plugin(home, calls) -> None:
    """The tester's setup: a 25 s budget and a user plugin file whose tips sleep 30 s."""
    folder = home / "config" / "plugins"
    folder.mkdir(parents=True, exist_ok=True)
    for private in (home, home / "config", folder):
        os.chmod(private, 0o755)
    (home / "config" / "config.toml").write_text("[plugins]\nbudget_seconds = 25\n", encoding="utf-8")
    path = folder / "slow.py"
    path.write_text(textwrap.dedent(NAP.format(release=_release["path"], calls=str(calls))), encoding="utf-8")
    os.chmod(path, 0o644)


@sync
async def test_the_plugins_screen_lists_the_plugins_at_once_while_a_plugin_is_stuck_in_an_engine_run(home, tmp_path):
    from textual.widgets import DataTable

    from keepwarm.model import Contact
    from keepwarm.store import contacts as people
    from keepwarm.tui.app import KeepwarmApp
    from keepwarm.tui.screens.plugins import PluginsScreen

    calls = tmp_path / "calls"
    _slow_tips_plugin(home, calls)
    session = Session(now=FIXED_NOW)
    with session.store.write() as conn:
        people.insert_contact(conn, Contact(name="Ada Lovelace"), FIXED_NOW)
    app = KeepwarmApp(session)
    async with app.run_test(size=(140, 30)) as pilot:
        await settle_until(pilot, calls.exists, rounds=200)
        assert calls.exists(), "the agenda's engine run reached the slow plugin"
        started = time.monotonic()
        await pilot.press("5")

        def listed() -> bool:
            if not isinstance(app.screen, PluginsScreen):
                return False
            table = app.screen.query_one("#plugins-table", DataTable)
            return table.row_count > 0

        await settle_until(pilot, listed, rounds=200)
        took = time.monotonic() - started
        assert listed(), "the plugins screen still waits for the engine run"
        assert took < BOUND
        table = app.screen.query_one("#plugins-table", DataTable)
        assert str(table.get_row("slow")[4]) == "running: tips"
    session.close()
