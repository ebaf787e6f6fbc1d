"""A real CalDAV server for the tests: Radicale on 127.0.0.1, one per test process.

The server runs as a subprocess with its own storage under a temporary
folder and plain htpasswd users; it is stopped at the end of the session.
Shared by the publish tests and the CalDAV source tests: `start()` is called
once by the session fixture `radicale_once` in conftest.py, and `radicale`
(the name the test modules import) hands that one server out. Every test
writes only to calendars of its own (`calendar_name` holds the module's name
and the test's), so no test sees another's writes.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from dataclasses import dataclass

import caldav
import pytest
from ports import free_port

USER, PASSWORD = "ada", "s3cret; with spaces & ünïcode"
STARTUP_SECONDS = 30


@dataclass
class Server:
    url: str
    port: int

    def client(self, password: str = PASSWORD) -> caldav.DAVClient:
        return caldav.DAVClient(url=self.url, username=USER, password=password, timeout=20)

    def calendar(self, name: str):
        for candidate in self.client().principal().calendars():
            if candidate.get_display_name() == name:
                return candidate
        return None

    def components(self, name: str) -> list:
        """Every component in the named calendar, as icalendar objects."""
        calendar = self.calendar(name)
        assert calendar is not None, f"no calendar {name!r} on the server"
        return [obj.icalendar_component for obj in calendar.search()]


def start(root, finalizers) -> Server:
    """Starts Radicale under `root`; its stop goes to `finalizers` (a request's `addfinalizer`)."""
    (root / "users").write_text(f"{USER}:{PASSWORD}\n", encoding="utf-8")
    port = free_port()
    config = root / "config"
    config.write_text(
        f"[server]\nhosts = 127.0.0.1:{port}\n"
        f"[auth]\ntype = htpasswd\nhtpasswd_filename = {root / 'users'}\nhtpasswd_encryption = plain\ndelay = 0\n"
        f"[storage]\nfilesystem_folder = {root / 'storage'}\n"
        "[rights]\ntype = owner_only\n"
        "[logging]\nlevel = warning\n",
        encoding="utf-8",
    )
    log = (root / "radicale.log").open("wb")
    env = {**os.environ, "HOME": str(root), "RADICALE_CONFIG": str(config)}
    process = subprocess.Popen([sys.executable, "-m", "radicale", "--config", str(config)],
                               stdout=log, stderr=subprocess.STDOUT, env=env)

    def stop() -> None:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)
        log.close()

    finalizers(stop)
    deadline = time.monotonic() + STARTUP_SECONDS
    while True:
        if process.poll() is not None:
            pytest.fail(f"radicale exited early:\n{(root / 'radicale.log').read_text(errors='replace')}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                break
        except OSError:
            if time.monotonic() > deadline:
                pytest.fail("radicale did not start listening in time")
            time.sleep(0.1)
    return Server(url=f"http://127.0.0.1:{port}/{USER}/", port=port)


@pytest.fixture(scope="module")
def radicale(radicale_once) -> Server:
    """The test process's one Radicale server (started by conftest.py's `radicale_once` on first use)."""
    return radicale_once


@pytest.fixture
def calendar_name(request) -> str:
    """A calendar of its own for each test, on the shared server: named for its module and itself."""
    module = request.module.__name__.removeprefix("test_")
    return f"kw {module} {request.node.name[:40]}"
