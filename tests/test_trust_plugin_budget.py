"""A plugin that hangs never holds keepwarm up (issue #17, point 6).

Each test uses a real plugin file that sleeps 30 s, a budget of 0.5 s in
config.toml, and a generous bound (10 s) on how long the command may take:
a behaviour check (it did not wait for the plugin), not a benchmark. The
plugins nap in short steps until the test ends, so that a run the test
abandoned stops with it rather than living on into the next test of the
worker (the collector's state, for one, is the whole process's).
"""

from __future__ import annotations

import fcntl
import json
import os
import pty
import select
import signal
import struct
import subprocess
import sys
import termios
import textwrap
import threading
import time

from sleepy_plugins import _released, nap_prelude  # noqa: F401 (an autouse fixture)
from tui_support import settle_until, sync

from conftest import FIXED_NOW
from keepwarm.home.session import Session

SECONDS = 30
SLEEP = f"_nap({SECONDS})"  # 30 s, or less if the test is over (see `_released`)
BOUND = 10.0  # seconds: far below the plugin's sleep, far above any honest run

SLOW_WARNINGS = """
    import time
    from pathlib import Path
    from keepwarm.plugin import hookimpl

    @hookimpl
    def keepwarm_warnings(ctx):
        with Path({calls!r}).open("a") as out:
            out.write(f"{{ctx.contact.id}}\\n")
        time.sleep({sleep})
        return []
"""

SOMETIMES_SLOW_CADENCE = """
    import time
    from pathlib import Path
    from keepwarm.plugin import Proposal, hookimpl

    @hookimpl
    def keepwarm_cadence(ctx):
        if Path({flag!r}).exists():
            time.sleep({sleep})
        return [Proposal(rule_key="mine", due=ctx.today, reason="my own rhythm")]
"""

SLOW_TO_LOAD = """
    import time
    time.sleep({sleep})
"""


def _config(home, budget: float = 0.5) -> None:
    (home / "config").mkdir(parents=True, exist_ok=True)
    (home / "config" / "config.toml").write_text(f"[plugins]\nbudget_seconds = {budget}\n", encoding="utf-8")


def _plugin(home, name: str, body: str, **values) -> None:
    folder = home / "config" / "plugins"
    folder.mkdir(parents=True, exist_ok=True)
    for private in (home, home / "config", folder):  # whatever the umask: only private plugin files run
        os.chmod(private, 0o755)
    path = folder / f"{name}.py"
    text = nap_prelude() + textwrap.dedent(body.format(sleep=SLEEP, **values))
    path.write_text(text, encoding="utf-8")
    os.chmod(path, 0o644)


def _env(home) -> dict[str, str]:
    return {**os.environ, "KEEPWARM_HOME": str(home), "KEEPWARM_NOW": FIXED_NOW.isoformat(), "TZ": "UTC",
            "PYTHONPATH": os.pathsep.join(p for p in sys.path if p)}


def test_the_cli_cuts_a_sleeping_plugin_off_names_it_and_skips_it_for_the_rest_of_the_run(run, home, tmp_path):
    calls = tmp_path / "calls"
    _config(home)
    for name in ("Ada Lovelace", "Charles Babbage", "Grace Hopper"):
        assert run("contact", "add", name).exit_code == 0
    _plugin(home, "sleepy", SLOW_WARNINGS, calls=str(calls))
    started = time.monotonic()
    result = subprocess.run([sys.executable, "-m", "keepwarm", "agenda", "--json"], env=_env(home),
                            capture_output=True, text=True, timeout=SECONDS + 30)
    took = time.monotonic() - started
    assert result.returncode == 0, result.stderr
    assert took < BOUND, f"the agenda waited for the plugin ({took:.1f} s)"
    assert ("keepwarm: warning: plugin sleepy: keepwarm_warnings for contact 1: slow plugin: no answer within "
            "its 0.5 s time budget; skipped for the rest of this run") in result.stderr
    assert calls.read_text().split() == ["1"], "called once, then skipped for the other contacts"
    assert len(json.loads(result.stdout)["items"]) == 3, "the other rules still made the agenda"


def test_a_slow_run_leaves_the_plugins_follow_ups_as_they_were(run, home, tmp_path):
    flag = tmp_path / "be-slow"
    _config(home)
    assert run("contact", "add", "Ada Lovelace").exit_code == 0
    _plugin(home, "mine", SOMETIMES_SLOW_CADENCE, flag=str(flag))
    assert run("agenda").exit_code == 0
    before = [f for f in run("followup", "list", "--json").json() if f["source"] == "mine"]
    assert [f["reason"] for f in before] == ["my own rhythm"]
    flag.write_text("1")
    plugin = home / "config" / "plugins" / "mine.py"
    plugin.write_text(plugin.read_text(encoding="utf-8") + "# edited\n", encoding="utf-8")  # runs again: new code
    started = time.monotonic()
    result = run("agenda")
    assert time.monotonic() - started < BOUND
    assert result.exit_code == 0
    assert "plugin mine: keepwarm_cadence for contact 1: slow plugin" in result.stderr
    after = [f for f in run("followup", "list", "--json").json() if f["source"] == "mine"]
    assert after == before, "nothing of the slow plugin was closed or changed"


STUBBORN = """
    import time
    from keepwarm.plugin import hookimpl

    @hookimpl
    def keepwarm_tips(ctx):
        for _ in range(3):  # swallows the interruption twice, and sleeps on
            try:
                time.sleep({sleep})
            except Exception:
                pass
        return []
"""


def test_a_plugin_that_swallows_the_interruption_is_interrupted_again(run, home):
    _config(home)
    assert run("contact", "add", "Ada Lovelace").exit_code == 0
    _plugin(home, "stubborn", STUBBORN)
    started = time.monotonic()
    result = run("agenda")
    assert time.monotonic() - started < BOUND
    assert result.exit_code == 0
    assert "plugin stubborn: keepwarm_tips for contact 1: slow plugin" in result.stderr


def test_a_plugin_that_hangs_while_loading_is_listed_as_too_slow(run, home):
    _config(home)
    _plugin(home, "hangs", SLOW_TO_LOAD)
    started = time.monotonic()
    listed = {p["name"]: p for p in run("plugins", "list", "--json", "--all").json()}
    assert time.monotonic() - started < BOUND
    assert listed["hangs"]["active"] is False
    assert listed["hangs"]["disabled"] == "too slow: no answer within its 0.5 s time budget"


def test_a_budget_that_is_not_a_number_of_seconds_is_one_line_exit_2(run, home):
    (home / "config").mkdir(parents=True)
    (home / "config" / "config.toml").write_text("[plugins]\nbudget_seconds = -1\n", encoding="utf-8")
    result = run("agenda")
    assert result.exit_code == 2
    assert result.stderr.strip().endswith("config.toml: plugins.budget_seconds: -1 is too small (expected at least 0.0)")
    assert len(result.stderr.strip().splitlines()) == 1


def test_engine_work_in_a_worker_thread_does_not_wait_and_the_abandoned_run_never_writes(home, tmp_path):
    """The TUI's path: EngineGate runs the engine through budget.guarded from a worker thread."""
    from keepwarm.tui.workers import EngineGate

    flag = tmp_path / "be-slow"
    flag.write_text("1")
    _config(home)
    _plugin(home, "mine", SOMETIMES_SLOW_CADENCE.replace("time.sleep({sleep})", "time.sleep(1.5)"), flag=str(flag))
    session = Session(now=FIXED_NOW)
    try:
        from keepwarm.model import Contact
        from keepwarm.store import contacts as people

        with session.store.write() as conn:
            people.insert_contact(conn, Contact(name="Ada Lovelace"), FIXED_NOW)
        gate = EngineGate(session)
        found = {}
        earlier = set(threading.enumerate())

        def worker():
            found["agenda"] = gate.agenda()

        thread = threading.Thread(target=worker)
        thread.start()
        thread.join(BOUND)
        assert not thread.is_alive(), "the worker waited for the plugin"
        messages = found["agenda"].evaluation.runtime.messages()
        assert any(m.startswith("plugin mine: keepwarm_cadence for contact 1: slow plugin") for m in messages)
        for left in [t for t in threading.enumerate() if t.name == "keepwarm-engine" and t not in earlier]:
            left.join(BOUND)  # the abandoned run wakes up after its sleep, and stops
        with session.store.read() as conn:
            from keepwarm.store import followups

            stored = followups.list_followups(conn, 1)
        assert [f.source for f in stored if f.source == "mine"] == [], "the abandoned run wrote nothing"
    finally:
        session.close()


@sync
async def test_the_plugins_screen_shows_a_plugin_that_hangs_while_loading(home):
    from textual.widgets import DataTable

    from keepwarm.tui.app import KeepwarmApp
    from keepwarm.tui.screens.plugins import PluginsScreen

    _config(home)
    _plugin(home, "hangs", SLOW_TO_LOAD)
    session = Session(now=FIXED_NOW)
    from keepwarm.model import Contact
    from keepwarm.store import contacts as people

    with session.store.write() as conn:
        people.insert_contact(conn, Contact(name="Ada Lovelace"), FIXED_NOW)
    app = KeepwarmApp(session)
    started = time.monotonic()
    async with app.run_test(size=(120, 30)) as pilot:
        await pilot.press("5")

        def listed() -> bool:
            if not isinstance(app.screen, PluginsScreen):
                return False
            table = app.screen.query_one("#plugins-table", DataTable)
            return "hangs" in [str(table.get_row_at(r)[0]) for r in range(table.row_count)]

        await settle_until(pilot, listed)
        assert listed()
        table = app.screen.query_one("#plugins-table", DataTable)
        row = table.get_row("hangs")
        assert str(row[4]) == "off: too slow: no answer within its 0.5 s time budget"
    assert time.monotonic() - started < BOUND
    session.close()


def _read_until(fd: int, done, seconds: float) -> bytes:
    seen = b""
    end = time.monotonic() + seconds
    while time.monotonic() < end and not done(seen):
        ready, _, _ = select.select([fd], [], [], 0.1)
        if ready:
            try:
                seen += os.read(fd, 65536)
            except OSError:
                break
    return seen


def test_quitting_the_app_never_waits_on_a_plugin_even_without_a_budget(home, tmp_path, run):
    """The real app in a terminal, budget off: `q` while a plugin sleeps ends the program at once."""
    calls = tmp_path / "calls"
    _config(home, budget=0)
    assert run("contact", "add", "Ada Lovelace").exit_code == 0
    _plugin(home, "sleepy", SLOW_WARNINGS, calls=str(calls))
    pid, fd = pty.fork()
    if pid == 0:  # the child: keepwarm with no command opens the app in this terminal
        os.execve(sys.executable, [sys.executable, "-m", "keepwarm"], {**_env(home), "TERM": "xterm-256color"})
    try:
        fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", 30, 100, 0, 0))
        _read_until(fd, lambda _: calls.exists(), SECONDS)
        assert calls.exists(), "the app started its agenda and reached the plugin"
        time.sleep(0.5)  # let the app take keys (no assertion depends on this)
        os.write(fd, b"q")
        started = time.monotonic()
        exited = None
        while time.monotonic() - started < BOUND and exited is None:
            _read_until(fd, lambda _: False, 0.2)
            done, status = os.waitpid(pid, os.WNOHANG)
            if done:
                exited = status
        assert exited is not None, "quitting waited for the plugin"
        assert os.waitstatus_to_exitcode(exited) == 0
    finally:
        try:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
        except (ProcessLookupError, ChildProcessError):
            pass
        os.close(fd)
