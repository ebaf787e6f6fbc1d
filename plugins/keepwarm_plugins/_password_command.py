"""A source's password, from a command the user names (`pass show mail`, `secret-tool lookup ...`).

keepwarm never stores a password: config.toml names the command that prints
it, which is run without a shell (the words split as a shell would, so
quotes work) and with a time limit, each time the source is read. The first
line it prints is the password. Nothing it prints is ever shown, except the
first line of its error output when it fails.
"""

from __future__ import annotations

import re
import shlex
import subprocess

TIMEOUT_SECONDS = 60
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


class PasswordCommandError(RuntimeError):
    """The command could not give a password: one line saying which and why."""


def _said(data: bytes) -> str:
    line = next((part for part in data.decode("utf-8", "replace").splitlines() if part.strip()), "")
    return _CONTROL.sub("", line).strip()[:160]


def run_password_command(command: str, *, timeout: float = TIMEOUT_SECONDS) -> str:
    """The first line the command prints; PasswordCommandError when it fails or prints nothing."""
    try:
        argv = shlex.split(command)
    except ValueError as exc:
        raise PasswordCommandError(f"password_command cannot be read ({exc}): check its quotes") from None
    if not argv:
        raise PasswordCommandError("password_command is empty: name a command that prints the password")
    name = _CONTROL.sub("", argv[0])
    try:
        done = subprocess.run(argv, stdin=subprocess.DEVNULL, capture_output=True, timeout=timeout, check=False)
    except FileNotFoundError:
        raise PasswordCommandError(f"password_command: no program {name!r} (install it or fix the command)") from None
    except subprocess.TimeoutExpired:
        raise PasswordCommandError(f"password_command {name!r} gave no password within {timeout:g} s") from None
    except OSError as exc:
        raise PasswordCommandError(f"password_command {name!r} cannot be run ({exc.strerror})") from None
    if done.returncode != 0:
        why = _said(done.stderr)
        raise PasswordCommandError(
            f"password_command {name!r} failed with status {done.returncode}" + (f": {why}" if why else "")
        )
    lines = done.stdout.decode("utf-8", "replace").splitlines()
    password = lines[0].rstrip("\r") if lines else ""
    if not password:
        raise PasswordCommandError(f"password_command {name!r} printed no password")
    return password
