"""A real IMAP server for the tests: pymap (from PyPI) with its in-memory `dict` backend, on 127.0.0.1.

`start(root)` runs this file as a subprocess and waits until it listens; the
subprocess is pymap itself (its `main()`, its IMAP protocol engine, its
mailboxes) with the listeners a real mail host offers, on free ports:

- `starttls_port`: pymap's own listener, STARTTLS offered and required before LOGIN;
- `tls_port`: implicit TLS (IMAPS), which pymap does not offer by itself;
- `plain_port`: no TLS at all, LOGIN allowed (for `security = "none"` on localhost).

The certificate comes from a throwaway CA made by `trustme`; `ca_file` is
its PEM, which a client must be given to trust the server. Mail is put there
with IMAP APPEND through `client()`. The server's output goes to a log file
that `fail()` shows when it cannot start: nothing is skipped silently.
"""

from __future__ import annotations

import os
import socket
import ssl
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from ports import free_port

USER, PASSWORD = "ada@example.org", "s3cret; with spaces & ünïcode"
STARTUP_SECONDS = 30
_PORTS_ENV = "KEEPWARM_TEST_IMAP_PORTS"


@dataclass
class ImapServer:
    host: str
    starttls_port: int
    tls_port: int
    plain_port: int
    ca_file: Path
    log: Path
    process: subprocess.Popen = field(repr=False)

    def client(self, password: str = PASSWORD):
        """A logged-in IMAPClient over implicit TLS, trusting the test CA (for APPEND and checks)."""
        import imapclient

        context = ssl.create_default_context(cafile=str(self.ca_file))
        client = imapclient.IMAPClient(self.host, port=self.tls_port, ssl=True, ssl_context=context, timeout=20)
        client.plain_login(USER, password)  # SASL PLAIN: LOGIN takes ASCII passwords only
        return client

    def output(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")

    def commands(self) -> list[str]:
        """The commands clients sent, as the server logged them (one line each, literals left out)."""
        found = []
        for line in self.output().splitlines():
            if " -->| " in line:
                found.append(line.split(" -->| ", 1)[1])
        return found

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)


def start(root: Path) -> ImapServer:
    """Starts the server under `root` (certificates, log); raises AssertionError with its output if it cannot."""
    import trustme

    root.mkdir(parents=True, exist_ok=True)
    ca = trustme.CA()
    cert = ca.issue_cert("127.0.0.1", "localhost")
    ca_file, cert_file, key_file = root / "ca.pem", root / "server.pem", root / "server.key"
    ca.cert_pem.write_to_path(str(ca_file))
    cert.private_key_pem.write_to_path(str(key_file))
    cert.cert_chain_pems[0].write_to_path(str(cert_file))
    for extra in cert.cert_chain_pems[1:]:
        with cert_file.open("ab") as out:
            out.write(extra.bytes())
    starttls_port, tls_port, plain_port = free_port(), free_port(), free_port()
    log = root / "pymap.log"
    env = {**os.environ, "FQDN": "localhost", _PORTS_ENV: f"{tls_port},{plain_port}"}
    argv = [sys.executable, __file__, "--debug", "--host", "127.0.0.1", "--port", str(starttls_port),
            "--cert", str(cert_file), "--key", str(key_file), "dict", "--demo-user", USER, "--demo-password", PASSWORD]
    with log.open("wb") as out:
        process = subprocess.Popen(argv, stdout=out, stderr=subprocess.STDOUT, env=env, cwd=root)
    server = ImapServer("127.0.0.1", starttls_port, tls_port, plain_port, ca_file, log, process)
    deadline = time.monotonic() + STARTUP_SECONDS
    for port in (starttls_port, tls_port, plain_port):
        while True:
            if process.poll() is not None:
                raise AssertionError(f"the IMAP server (pymap) exited early with status {process.returncode}:\n{server.output()}")
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    break
            except OSError:
                if time.monotonic() > deadline:
                    server.stop()
                    raise AssertionError(f"the IMAP server (pymap) did not listen on port {port} in time:\n{server.output()}")
                time.sleep(0.1)
    return server


def _serve() -> None:
    """Runs pymap's main() with two more listeners on the same mailboxes: implicit TLS, and plain."""
    import asyncio
    from contextlib import AsyncExitStack, closing

    from proxyprotocol.reader import ProxyProtocolReader
    from pymap.context import connection_exit
    from pymap.imap import IMAPConnection, IMAPService
    from pymap.imap.state import ConnectionState
    from pymap.main import main

    tls_port, plain_port = (int(p) for p in os.environ[_PORTS_ENV].split(","))
    pymap_start = IMAPService.start

    async def start(self, stack: AsyncExitStack) -> None:
        await pymap_start(self, stack)
        config, login = self.config, self.backend.login

        async def connection(reader, writer, sock_info) -> None:
            # Already private (implicit TLS) or knowingly plain: LOGIN is allowed at once, as after STARTTLS.
            conn = IMAPConnection(config.commands, config, reader, writer, sock_info)
            state = ConnectionState(login, config)
            state.auth = config.tls_auth
            async with AsyncExitStack() as inner:
                connection_exit.set(inner)
                inner.enter_context(closing(conn))
                await conn.run(state)

        callback = ProxyProtocolReader(config.proxy_protocol).get_callback(connection)
        for port, context in ((tls_port, config.ssl_context), (plain_port, None)):
            server = await asyncio.start_server(callback, host=config.host, port=port, ssl=context)
            await stack.enter_async_context(server)
            task = asyncio.create_task(server.serve_forever())
            stack.callback(task.cancel)

    IMAPService.start = start
    sys.argv[0] = "pymap"
    main()


if __name__ == "__main__":
    _serve()
