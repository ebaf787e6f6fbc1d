"""Writing files so that a reader sees the old one or the new one, never half.

The bytes go to a temporary file in the target's own folder (same file
system, so the rename is atomic), created 0600 because follow-ups name
people and carry private notes; it is flushed to disk, then renamed over
the target.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

from ..errors import UserError
from ..home import paths, tempfiles
from ..io.files import is_special, special_file


def check_writable(path: Path) -> None:
    """Fail before any work is done if `path` cannot be written."""
    if path.is_dir():
        raise UserError(f"{path}: is a folder (expected a file name to write)")
    folder = path.parent
    if not folder.is_dir():
        raise UserError(f"{path}: folder {folder} does not exist")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise UserError(f"{path}: cannot write in folder {folder} (permission denied)")
    if path.exists() and not os.access(path, os.W_OK):
        raise UserError(f"{path}: cannot be overwritten (permission denied)")


def write_atomic(path: Path, data: bytes | Iterable[bytes]) -> None:
    """`data` whole, or as pieces written as they come (a large calendar is never held whole)."""
    if is_special(path):  # /dev/stdout, a pipe: written into, never replaced by a file
        with special_file(path) as fh:
            for piece in [data] if isinstance(data, (bytes, bytearray, memoryview)) else data:
                fh.write(piece)
        return
    folder = path.parent
    try:
        paths.ensure_private_dir(folder)
        tempfiles.sweep(folder)
        fd, tmp = tempfiles.temp_beside(path)  # named so a killed export's file is cleaned up (see tempfiles)
    except OSError as exc:
        raise UserError(f"{path}: cannot be written ({exc.strerror})") from None
    try:
        with os.fdopen(fd, "wb") as fh:
            os.fchmod(fh.fileno(), 0o600)
            if isinstance(data, (bytes, bytearray, memoryview)):
                fh.write(data)
            else:
                for piece in data:
                    fh.write(piece)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException as exc:  # the pieces may fail while being made: no temporary file is left behind
        try:
            os.unlink(tmp)
        except OSError:
            pass
        if isinstance(exc, OSError):
            raise UserError(f"{path}: cannot be written ({exc.strerror})") from None
        raise
