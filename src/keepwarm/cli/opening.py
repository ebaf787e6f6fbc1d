"""Which commands may start a new database at a path the user named.

A mistyped `--db` (or KEEPWARM_DB) must not leave a new, empty database and
its folders behind after a command that only reads: such a command says in
one line that there is no database there. Only the commands that add data
(and the app itself) may create one, as `keepwarm --db new.db contact add
NAME` does; `import --dry-run` adds nothing, so it does not either. The
default database is created on first use as before.
"""

from __future__ import annotations

import functools
from pathlib import Path

import click

from ..session import Session


def set_creation(session: Session, named_path: Path | None) -> None:
    """Called once per run: a path the user named is created only by the app (cli/home.py) or a command marked below."""
    session.may_create = named_path is None


def creates_database(command):
    """Mark a command that adds data, so that it may create the database (not under `--dry-run`)."""

    @functools.wraps(command)
    def marked(*args, **kwargs):
        session = click.get_current_context().find_object(Session)
        if session is not None and not kwargs.get("dry_run"):
            session.may_create = True
        return command(*args, **kwargs)

    return marked
