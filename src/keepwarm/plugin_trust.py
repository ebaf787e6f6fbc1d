"""Whether a `.py` file in the user's plugins folder may run, judged as ssh judges its keys.

A plugin file runs with all of the user's rights. Anyone who can change it, or
put a new file beside it, runs code as that user the next time keepwarm
starts. So a file is refused when it, its folder or a folder above can be
changed by someone else: written by every user, or owned by another user than
the one running keepwarm (root is trusted as owner, as ssh trusts it). The
plugins folder itself gets no sticky-bit excuse: the sticky bit stops others
from replacing a file, not from adding a new one, and every new file runs.
Folders above it may be sticky (`/tmp`), since no one can then rename ours.

The expected owner is a parameter so the check can be tested as root.
"""

from __future__ import annotations

import os
import shlex
import stat
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Refusal:
    path: Path  # the file or folder at fault
    reason: str
    fix: str

    def __str__(self) -> str:
        return f"refused: {self.reason} (fix: {self.fix})"


def _user(uid: int) -> str:
    try:
        import pwd

        return f"{pwd.getpwuid(uid).pw_name} (uid {uid})"
    except (ImportError, KeyError):
        return f"uid {uid}"


def _me(uid: int) -> str:
    try:
        import pwd

        return pwd.getpwuid(uid).pw_name
    except (ImportError, KeyError):
        return str(uid)


def expected_uid() -> int | None:
    """The user whose plugins these are: the one running keepwarm (None where there are no uids)."""
    return os.geteuid() if hasattr(os, "geteuid") else None


def _judge(path: Path, uid: int, *, kind: str, sticky_ok: bool) -> Refusal | None:
    try:
        info = path.stat()
    except OSError as exc:
        return Refusal(path, f"{kind} {path} cannot be examined ({exc.strerror})", f"check {shlex.quote(str(path))}")
    quoted = shlex.quote(str(path))
    if info.st_uid not in (uid, 0):
        return Refusal(
            path,
            f"{kind} {path} belongs to {_user(info.st_uid)}, not to you",
            f"chown {_me(uid)} {quoted}, or remove it if you did not put it there",
        )
    mode = stat.S_IMODE(info.st_mode)
    if mode & stat.S_IWOTH and not (sticky_ok and mode & stat.S_ISVTX):
        return Refusal(path, f"{kind} {path} can be changed by every user (mode {mode:04o})", f"chmod o-w {quoted}")
    return None


def folder_refusal(folder: Path, uid: int | None = None) -> Refusal | None:
    """Why no file of `folder` may run, or None: the folder itself, then every folder above it."""
    uid = expected_uid() if uid is None else uid
    if uid is None:
        return None
    folder = Path(os.path.abspath(folder))
    found = _judge(folder, uid, kind="the plugins folder", sticky_ok=False)
    if found is not None:
        return found
    for parent in folder.parents:
        found = _judge(parent, uid, kind="the folder", sticky_ok=True)
        if found is not None:
            return found
    return None


def file_refusal(path: Path, uid: int | None = None) -> Refusal | None:
    """Why this one file may not run (its folders aside), or None."""
    uid = expected_uid() if uid is None else uid
    if uid is None:
        return None
    return _judge(path, uid, kind="the file", sticky_ok=False)
