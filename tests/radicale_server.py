"""A real CalDAV server for the tests: Radicale on 127.0.0.1, started by a module-scoped fixture.

The server runs as a subprocess with its own storage under a temporary
folder and plain htpasswd users; it is stopped by the fixture's finalizer.
Shared by the publish tests and the CalDAV source tests.
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

USER, PASSWORD = "ada", "s3cret; with spaces & ünïcode"
STARTUP_SECONDS = 30


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


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


@pytest.fixture(scope="module")
def radicale(tmp_path_factory, request) -> Server:
    root = tmp_path_factory.mktemp("radicale")
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

    request.addfinalizer(stop)
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


@pytest.fixture
def calendar_name(request) -> str:
    """A calendar of its own for each test, on the shared server."""
    return f"kw {request.node.name[:40]}"
