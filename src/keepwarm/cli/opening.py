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

from ..home.session import Session


def set_creation(session: Session, named_path: str | Path | None) -> None:
    """Called once per run: a path the user named is created only by the app (cli/home.py) or a command marked below."""
    session.may_create = named_path is None


def creates_database(command):
    """Mark a command that adds data, so that it may create the database (not under `--dry-run`)."""

    @functools.wraps(command)
    def marked(*args, **kwargs):
        session = click.get_current_context().find_object(Session)
        if session is None or kwargs.get("dry_run"):
            return command(*args, **kwargs)
        session.may_create = True
        missing = _missing_part(session.db_path) if isinstance(session.db_path, Path) else None
        try:
            return command(*args, **kwargs)
        except BaseException as exc:
            if missing is not None and not (isinstance(exc, SystemExit) and exc.code in (0, None)):
                _take_back(session, missing)
            raise

    return marked


def _missing_part(path: Path) -> Path | None:
    """The outermost part of `path` that does not exist yet (the file itself, or a folder above it)."""
    if path.exists():
        return None
    missing = path
    while not missing.parent.exists() and missing.parent != missing:
        missing = missing.parent
    return missing


def _take_back(session: Session, missing: Path) -> None:
    """A command that failed (`restore` of a wrong file, an import of a missing one) leaves no new, empty
    database and no new folders behind, as if it had not run; a database holding any row stays."""
    if "store" not in session.__dict__:
        return
    try:
        if not session.store.is_empty():
            return
        session.close()
    except Exception:  # noqa: BLE001 - the command's own error is the one to report; the file stays
        return
    path = session.db_path
    if not isinstance(path, Path):
        return  # a server's database stays: keepwarm did not create it
    for suffix in ("", "-wal", "-shm", "-journal"):
        try:
            path.with_name(path.name + suffix).unlink(missing_ok=True)
        except OSError:
            return
    folder = path.parent
    while missing != path and folder != folder.parent and (folder == missing or missing in folder.parents):
        try:
            folder.rmdir()  # only when empty: anything else put there stays
        except OSError:
            return
        folder = folder.parent
