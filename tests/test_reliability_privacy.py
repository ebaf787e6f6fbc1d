"""Privacy: what keepwarm writes is readable by its owner only, and nothing connects anywhere."""

from __future__ import annotations

import os
import socket
import stat

import pytest

from keepwarm.home import paths


def mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


@pytest.fixture
def no_network(monkeypatch):
    """Every way out through the socket module raises, and is recorded."""
    attempts: list[object] = []

    def refuse(*args, **kwargs):
        attempts.append(args[1:] if args else kwargs)
        raise OSError("network blocked by the test")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket.socket, "sendto", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    return attempts


def test_a_full_session_opens_no_connection_and_writes_only_private_files(run, home, tmp_path, no_network):
    old = os.umask(0o022)  # a permissive umask: keepwarm must not rely on the user's
    try:
        out = tmp_path / "exports"
        steps = [
            ("contact", "add", "Ada Lovelace", "--account", "Engines", "--email", "ada@engines.example",
             "--birthday", "12-10", "--tier", "a"),
            ("contact", "add", "Charles Babbage", "--phone", "+44 20 1234"),
            ("log", "Ada", "-c", "call", "--notes", "private notes"),
            ("promise", "add", "Ada", "Send the table", "--due", "2026-11-25"),
            ("agenda",),
            ("export", "json", "-o", str(out / "all.json")),
            ("export", "vcard", "-o", str(out / "all.vcf")),
            ("export", "ics", "-o", str(out / "followups.ics")),
            ("backup",),
            ("backup", str(out / "copy.db")),
            ("doctor",),
        ]
        for step in steps:
            result = run(*step)
            assert result.exit_code == 0, (step, result.stderr)
    finally:
        os.umask(old)
    assert no_network == []
    written = [p for p in (home / "data").rglob("*") if p.is_file()] + [p for p in out.iterdir()]
    assert {p.name for p in out.iterdir()} == {"all.json", "all.vcf", "followups.ics", "copy.db"}
    for path in written:
        assert mode(path) == 0o600, path
    for folder in (home / "data", paths.backups_dir(), out):
        assert mode(folder) == 0o700, folder


def test_the_network_block_is_real(no_network):
    """The fixture would catch a connection (so the test above can fail)."""
    with pytest.raises(OSError, match="blocked"):
        socket.create_connection(("127.0.0.1", 9))
    assert len(no_network) == 1
