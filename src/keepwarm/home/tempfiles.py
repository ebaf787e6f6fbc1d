"""The hidden temporary files keepwarm writes before renaming them into place, and their cleanup.

Exports and backups are written to `.<name>.keepwarm-XXXXXXXX.tmp` beside the
target and renamed when whole. A process killed half-way (SIGKILL, power
loss) cannot remove its own: the next run that writes into, or opens a
database in, that folder removes them. Only files that are unmistakably ours
are touched: our name pattern, owned by this user, and left alone for
`STALE_AFTER_S` (a copy in progress writes its file all the time, so its
modification time stays fresh).
"""

from __future__ import annotations

import os
import re
import tempfile
import time
from pathlib import Path

#: A temporary file untouched for this long belongs to a process that is gone.
STALE_AFTER_S = 15 * 60

MARK = ".keepwarm-"
_OURS = re.compile(r"^\..+\.keepwarm-[a-z0-9_]{8}\.tmp(?:-journal|-wal|-shm)?$")


def temp_beside(target: Path) -> tuple[int, str]:
    """A new private (0600) temporary file in `target`'s folder, named so `sweep` can recognise it."""
    return tempfile.mkstemp(prefix=f".{target.name}{MARK}", suffix=".tmp", dir=target.parent)


def leftovers(folder: Path, *, now: float | None = None) -> list[Path]:
    """Our stale temporary files in `folder`, oldest first."""
    now = time.time() if now is None else now
    found = []
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return []
    uid = os.getuid() if hasattr(os, "getuid") else None
    for entry in entries:
        if not _OURS.match(entry.name):
            continue
        try:
            info = entry.stat(follow_symlinks=False)
        except OSError:
            continue
        if not entry.is_file(follow_symlinks=False) or (uid is not None and info.st_uid != uid):
            continue
        if now - info.st_mtime >= STALE_AFTER_S:
            found.append((info.st_mtime, Path(entry.path)))
    return [path for _, path in sorted(found)]


def sweep(*folders: Path, now: float | None = None) -> list[Path]:
    """Remove our stale temporary files from these folders; returns what was removed (never raises)."""
    removed = []
    for folder in dict.fromkeys(Path(f) for f in folders):
        for path in leftovers(folder, now=now):
            try:
                path.unlink()
                removed.append(path)
            except OSError:
                pass
    return removed
