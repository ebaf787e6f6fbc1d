"""A real PostgreSQL server for the tests: one per test process, on 127.0.0.1, from the `pgserver` wheel.

The wheel ships PostgreSQL's own binaries (initdb, pg_ctl, postgres), so the
tests need no system package, no network and no root: the server's data
folder is a new temporary folder, it listens on TCP on 127.0.0.1 at a free
port (no unix socket), trusts local connections, and is stopped and deleted
at the end of the session. PostgreSQL refuses to run as root: when the tests
run as root (CI here), the server runs as the unprivileged `nobody` (from a copy
of the binaries in its own folder when `nobody` cannot reach the installed ones,
e.g. a checkout under /root).

Wired from tests/conftest.py (`pytest_plugins`). A test asks for `pg_url`
(a new, empty database of its own on that server, as a `postgresql://` URL)
or for `backend` (its body runs twice: once on a new SQLite file, once on a
new PostgreSQL database; `backend.db` is what `--db` is given).

pgserver's own `get_server` is not used: it listens on a unix socket only
and, as root, adds a system user with useradd.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from ports import free_port

from keepwarm.store import migrate

#: The real schema upgrade: tests/conftest.py replaces `migrate.upgrade` with the replay of a SQLite dump,
#: which a PostgreSQL database cannot take; a test on the server runs Alembic for real.
_REAL_UPGRADE = migrate.upgrade
START_SECONDS = 60
USER = "postgres"


@dataclass
class Server:
    port: int
    folder: Path
    #: Seconds from initdb to a server taking connections (reported in docs/postgresql.md).
    start_seconds: float
    _count: int = field(default=0)

    def url(self, database: str = "postgres", user: str = USER) -> str:
        return f"postgresql://{user}@127.0.0.1:{self.port}/{database}"

    def new_database(self, hint: str) -> str:
        """A new, empty database, named for the test that asked (`hint`), as a URL."""
        import psycopg

        self._count += 1
        name = "t{}_{}".format(self._count, "".join(c for c in hint.lower() if c.isalnum())[:40])
        with psycopg.connect(self.url(), autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)


def _as_user() -> dict:
    """Run the server's binaries as `nobody` when the tests run as root (PostgreSQL refuses root)."""
    if os.geteuid() != 0:
        return {}
    return {"user": "nobody", "group": "nogroup" if _group_exists("nogroup") else "nobody"}


def _group_exists(name: str) -> bool:
    import grp

    try:
        grp.getgrnam(name)
    except KeyError:
        return False
    return True


def _binaries() -> Path:
    """The wheel's bin folder, found without importing pgserver (whose import makes a lock file in the user's
    runtime folder)."""
    import importlib.util

    spec = importlib.util.find_spec("pgserver")
    if spec is None or not spec.submodule_search_locations:
        raise AssertionError("the pgserver package is not installed (pip install -e '.[test]')")
    return Path(spec.submodule_search_locations[0]) / "pginstall" / "bin"


def _reachable_by_others(path: Path) -> bool:
    """Whether a user other than the owner may walk down to `path` and read and run what it holds."""
    import stat

    folders = [path, *path.parents]
    return all(folder.stat().st_mode & stat.S_IXOTH for folder in folders) and bool(
        (path / "postgres").stat().st_mode & stat.S_IXOTH
    )


def _binaries_for(as_user: dict, folder: Path) -> Path:
    """The wheel's binaries, copied into the server's own folder when `nobody` cannot reach them where pip put
    them (a checkout under /root, mode 0700): no folder of the machine has its mode changed."""
    bin_dir = _binaries()
    if not as_user or _reachable_by_others(bin_dir):
        return bin_dir
    # The binaries find their libraries at $ORIGIN/../../../pgserver.libs (the wheel's layout): kept as it is.
    package = bin_dir.parent.parent
    copy = folder / "wheel"
    for part in ("bin", "lib", "share"):
        shutil.copytree(bin_dir.parent / part, copy / "pgserver" / "pginstall" / part, symlinks=True)
    shutil.copytree(package.parent / "pgserver.libs", copy / "pgserver.libs", symlinks=True)
    subprocess.run(["chown", "-R", f"{as_user['user']}:{as_user['group']}", str(copy)], check=True)
    return copy / "pgserver" / "pginstall" / "bin"


def start() -> tuple[Server, callable]:
    """Init a data folder, start the server on 127.0.0.1, wait until it takes connections; returns it and its stop."""
    began = time.monotonic()
    folder = Path(tempfile.mkdtemp(prefix="keepwarm-pg-"))
    data = folder / "data"
    as_user = _as_user()
    if as_user:
        shutil.chown(folder, as_user["user"], as_user["group"])
        folder.chmod(0o700)
    env = {**os.environ, "LC_ALL": "C", "TZ": "UTC"}
    binaries = _binaries_for(as_user, folder)

    def pg(binary: str, *args: str) -> None:
        done = subprocess.run(
            [str(binaries / binary), *args],
            capture_output=True,
            text=True,
            env=env,
            timeout=START_SECONDS,
            **as_user,
        )
        if done.returncode:
            log = folder / "log"
            tail = log.read_text()[-2000:] if log.exists() else ""
            raise AssertionError(f"{binary} {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}\n{tail}")

    pg("initdb", "-D", str(data), "-U", USER, "--auth=trust", "--encoding=UTF8", "--no-sync", "-N")
    port = free_port()
    options = f"-h 127.0.0.1 -p {port} -k '' -c fsync=off -c full_page_writes=off -c synchronous_commit=off"
    pg("pg_ctl", "-D", str(data), "-l", str(folder / "log"), "-o", options, "-w", "-t", str(START_SECONDS), "start")
    server = Server(port=port, folder=folder, start_seconds=time.monotonic() - began)

    def stop() -> None:
        try:
            pg("pg_ctl", "-D", str(data), "-m", "immediate", "-w", "stop")
        finally:
            shutil.rmtree(folder, ignore_errors=True)

    return server, stop


@pytest.fixture(scope="session")
def pg_server(request) -> Server:
    """One PostgreSQL server per test process, started on first use and stopped at the end."""
    try:
        server, stop = start()
    except (AssertionError, OSError, subprocess.TimeoutExpired) as exc:
        pytest.fail(f"the test PostgreSQL server did not start: {exc}", pytrace=False)
    request.addfinalizer(stop)
    return server


@pytest.fixture
def pg_url(pg_server, request, monkeypatch) -> str:
    """A new, empty PostgreSQL database for this test alone (its URL); the schema is made by Alembic itself."""
    monkeypatch.setattr(migrate, "upgrade", _REAL_UPGRADE)
    return pg_server.new_database(request.node.name)


@dataclass(frozen=True)
class Backend:
    name: str
    #: What `--db`, KEEPWARM_DB or `Store.open` is given: a file path or a server URL.
    db: str


@pytest.fixture(params=["sqlite", "postgresql"])
def backend(request, tmp_path) -> Backend:
    """Each test asking for it runs on both stores: a new SQLite file, then a new PostgreSQL database."""
    if request.param == "sqlite":
        return Backend("sqlite", str(tmp_path / "book.db"))
    return Backend("postgresql", request.getfixturevalue("pg_url"))
