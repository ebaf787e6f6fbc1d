"""A source's password, from a command the user names (`pass show mail`, `secret-tool lookup ...`).

keepwarm never stores a password: config.toml names the command that prints
it, which is run without a shell (the words split as a shell would, so
quotes work) and with a time limit, each time the source is read. The first
line it prints is the password.

Nothing the command prints is ever shown, not even its error output: a
failing `pass` or a script may print the secret, or part of it, there. An
error names the command and its exit status, and that is all. Each source
(imap, caldav) puts its own words around PasswordCommandError.
"""

from __future__ import annotations

import shlex
import subprocess

#: How long the command may take (a GPG agent asking for a passphrase needs a moment).
TIMEOUT_SECONDS = 60


class PasswordCommandError(RuntimeError):
    """The command could not give a password: one line naming it and saying why."""


def check_command(value: str | None) -> str | None:
    """The options' check of password_command (a pydantic validator's body): it must split into words."""
    if value:
        try:
            words = shlex.split(value)
        except ValueError as exc:  # unbalanced quotes
            raise ValueError(f'a command such as "pass show mail" ({exc})') from None
        if not words:
            raise ValueError('a command such as "pass show mail", not an empty one')
    return value


def run_password_command(command: str, *, timeout: float = TIMEOUT_SECONDS) -> str:
    """The first line the command prints; PasswordCommandError when it fails or prints nothing."""
    try:
        argv = shlex.split(command)
    except ValueError as exc:
        raise PasswordCommandError(f"password_command {command!r} cannot be read ({exc}): check its quotes") from None
    if not argv:
        raise PasswordCommandError("password_command is empty: name a command that prints the password")
    try:
        done = subprocess.run(argv, stdin=subprocess.DEVNULL, capture_output=True, timeout=timeout, check=False)
    except FileNotFoundError:
        raise PasswordCommandError(f"password_command {command!r}: command not found") from None
    except PermissionError:
        raise PasswordCommandError(f"password_command {command!r}: not allowed to run it") from None
    except subprocess.TimeoutExpired:
        raise PasswordCommandError(f"password_command {command!r} gave no answer within {timeout:g} s") from None
    except OSError as exc:
        raise PasswordCommandError(
            f"password_command {command!r} could not run: {exc.strerror or type(exc).__name__}"
        ) from None
    if done.returncode != 0:
        raise PasswordCommandError(f"password_command {command!r} failed with exit status {done.returncode}")
    lines = done.stdout.decode("utf-8", "replace").splitlines()
    if not lines or not lines[0]:
        raise PasswordCommandError(f"password_command {command!r} printed no password on its first line")
    return lines[0]
