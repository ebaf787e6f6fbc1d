"""Copies of the database: on demand (`keepwarm backup`) and before the writes we cannot take back.

Both kinds go through SQLite's online backup API, so a copy taken while
another process writes is a consistent snapshot that includes what still sits
in the WAL. Each copy is written under a temporary name, made private (0600),
synced and then renamed, so a crash never leaves half a backup under a real
name. Automatic copies (before a migration, a restore, a large import) rotate:
the newest `KEEP` per database stay. Copies the user asked for are never
deleted by keepwarm.
"""

from __future__ import annotations

import os
import re
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from ..errors import UserError
from ..home import clock, paths, tempfiles
from . import readonly

#: Automatic copies kept per database (the oldest beyond this are deleted).
KEEP = 10
#: An import of at least this many records is "large": an automatic copy is taken first.
LARGE_IMPORT = 500
BUSY_TIMEOUT_S = 15.0

_AUTO = re.compile(r"^(?P<db>.+)\.before-(?P<reason>[a-z0-9-]+)\.(?P<stamp>\d{8}T\d{6}Z)(?:-(?P<seq>\d+))?\.bak$")


def _stamp() -> str:
    return clock.now().strftime("%Y%m%dT%H%M%SZ")


def _free_name(folder: Path, stem: str) -> Path:
    """`stem.bak`, or `stem-N.bak` (N above any taken) when copies are taken within the same second."""
    pattern = re.compile(re.escape(stem) + r"(?:-(\d+))?\.bak$")
    taken = [int(m[1] or 1) for p in folder.iterdir() if (m := pattern.match(p.name))] if folder.is_dir() else []
    return folder / (f"{stem}-{max(taken) + 1}.bak" if taken else f"{stem}.bak")


def _fsync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def copy_database(source: Path, target: Path) -> Path:
    """A consistent, self-contained (no WAL) copy of `source` at `target`, private, all or nothing.

    Raises OSError or sqlite3.Error; callers say what failed in their own terms.
    """
    target = Path(target)
    paths.ensure_private_dir(target.parent)
    tempfiles.sweep(target.parent)
    fd, temp = tempfiles.temp_beside(target)
    os.close(fd)  # mkstemp creates it 0600
    try:
        src = readonly.connect_source(source, BUSY_TIMEOUT_S)
        try:
            dst = sqlite3.connect(temp)
            try:
                src.backup(dst)
                # The copy is one file: a backup must not depend on a -wal beside it.
                dst.execute("PRAGMA journal_mode = DELETE")
            finally:
                dst.close()
        finally:
            src.close()
        with open(temp, "rb+") as fh:
            os.fsync(fh.fileno())
        os.chmod(temp, 0o600)
        os.replace(temp, target)
    except BaseException:
        for leftover in (temp, temp + "-journal"):
            try:
                os.unlink(leftover)
            except OSError:
                pass
        raise
    _fsync_dir(target.parent)
    return target


@dataclass(frozen=True)
class AutoCopy:
    path: Path
    reason: str
    stamp: str
    seq: int
    mtime_ns: int

    @property
    def order(self) -> tuple[str, int, int]:
        return (self.stamp, self.mtime_ns, self.seq)


def automatic_copies(folder: Path, db_name: str) -> list[AutoCopy]:
    """The automatic copies of one database in a folder, oldest first."""
    if not folder.is_dir():
        return []
    found = []
    for path in folder.iterdir():
        m = _AUTO.match(path.name)
        if m and m["db"] == db_name and path.is_file():
            found.append(AutoCopy(path, m["reason"], m["stamp"], int(m["seq"] or 1), path.stat().st_mtime_ns))
    return sorted(found, key=lambda c: c.order)


def rotate(folder: Path, db_name: str, keep: int = KEEP) -> list[Path]:
    """Delete the oldest automatic copies beyond `keep`; returns what was deleted."""
    copies = automatic_copies(folder, db_name)
    gone = []
    for old in copies[: max(0, len(copies) - keep)]:
        try:
            old.path.unlink()
            gone.append(old.path)
        except OSError:
            pass
    return gone


class BackupFailed(UserError):
    def __init__(self, message: str, reason: str) -> None:
        super().__init__(message)
        self.reason = reason


def automatic(db_path: Path, folder: Path, reason: str, *, keep: int = KEEP) -> Path:
    """Copy the database aside before a risky write (`reason`: e.g. `migration-0001`, `restore`, `import`).

    Raises BackupFailed when the copy cannot be made: the caller must then not go on.
    """
    db_path = Path(db_path)
    try:
        target = _free_name(folder, f"{db_path.name}.before-{reason}.{_stamp()}")
        copy_database(db_path, target)
    except (OSError, sqlite3.Error) as exc:
        what = reason.split("-")[0]
        raise BackupFailed(
            f"{db_path}: nothing was changed, because the automatic copy before the {what} could not be made "
            f"in {folder} ({exc})",
            str(exc),
        ) from None
    rotate(folder, db_path.name, keep)
    return target


def default_target(db_path: Path, folder: Path) -> Path:
    return _free_name(folder, f"{Path(db_path).name}.{_stamp()}")


def backup_to(db_path: Path, target: Path | None, folder: Path, *, force: bool = False) -> Path:
    """`keepwarm backup [FILE]`: a copy where the user asked (or in the backups folder), never over the database."""
    if not isinstance(db_path, (str, Path)):  # a book on a server (store/location.ServerBook): no file to copy
        raise UserError(
            f"{db_path}: a backup copies a SQLite file, and this book is on a PostgreSQL server; nothing was "
            "written (use `keepwarm export json -o FILE`, or the server's own pg_dump)"
        )
    db_path = Path(db_path)
    if target is None:
        target = default_target(db_path, folder)
    target = Path(target).expanduser()
    if target.is_dir():
        raise UserError(f"{target}: is a folder (expected a file name for the backup)")
    if target.exists() and not target.is_file():  # --force would replace the device or pipe itself with a file
        raise UserError(f"{target}: is a device or a pipe, not a file (expected a file name for the backup)")
    if target.exists():
        if target.resolve() == db_path.resolve():
            raise UserError(f"{target}: is the database itself (expected another file name)")
        if not force:
            raise UserError(f"{target}: exists already (choose another name, or use --force to replace it)")
    try:
        return copy_database(db_path, target)
    except (OSError, sqlite3.Error) as exc:
        raise UserError(f"{target}: the backup could not be written ({exc}); nothing was written") from None


def counts(copy: Path) -> dict[str, int]:
    """How many contacts and interactions a copy holds (read-only), for the message after a backup."""
    conn = sqlite3.connect(f"file:{quote(str(Path(copy).resolve()))}?mode=ro&immutable=1", uri=True)
    try:
        return {
            table: conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0] for table in ("contacts", "interactions")
        }
    finally:
        conn.close()
