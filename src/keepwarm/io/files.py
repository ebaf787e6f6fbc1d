"""Writing files the user asked for: private, and whole or not at all.

Exports hold a whole address book, so they are created readable by the user
only (0600), written to a temporary file beside the target and renamed over
it, so a crash or a full disk never leaves half a backup under the real name.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

from ..errors import UserError
from ..home import paths, tempfiles


def is_special(target: Path) -> bool:
    """Whether `target` is a device, a pipe or a socket (`/dev/stdout`, a FIFO, `/dev/null`), not a file.

    Such a target is written into, as `cp` does: the temporary file and the
    rename that keep a regular file whole would replace the device or the
    pipe itself with a file (and as root, /dev/null with a backup).
    """
    try:
        mode = os.stat(target).st_mode
    except OSError:
        return False
    return not stat.S_ISREG(mode) and not stat.S_ISDIR(mode)


@contextmanager
def special_file(target: Path) -> Iterator[BinaryIO]:
    """`target` (see `is_special`) opened for writing; a failed write (a full device) is one line."""
    try:
        with open(target, "wb") as fh:
            yield fh
            fh.flush()
    except OSError as exc:
        raise UserError(f"{target}: cannot be written ({exc.strerror})") from None


@contextmanager
def private_file(target: Path) -> Iterator[BinaryIO]:
    """A binary file to write in pieces; it replaces `target` only once the block ends without an error."""
    target = Path(target).expanduser()
    if target.is_dir():
        raise UserError(f"{target}: is a folder (expected a file name)")
    if is_special(target):
        with special_file(target) as fh:
            yield fh
        return
    try:
        paths.ensure_private_dir(target.parent)
        tempfiles.sweep(target.parent)  # what a killed export left here
        fd, temp = tempfiles.temp_beside(target)
    except OSError as exc:
        raise UserError(f"{target}: cannot be written ({exc.strerror})") from None
    try:
        with os.fdopen(fd, "wb") as fh:
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(temp, 0o600)
        os.replace(temp, target)
    except OSError as exc:
        try:
            os.unlink(temp)
        except OSError:
            pass
        raise UserError(f"{target}: cannot be written ({exc.strerror})") from None
    except BaseException:
        try:
            os.unlink(temp)
        except OSError:
            pass
        raise


def write_private(target: Path, text: str | Iterable[str]) -> None:
    """`text` whole, or in pieces written as they come."""
    with private_file(target) as fh:
        for piece in [text] if isinstance(text, str) else text:
            fh.write(piece.encode("utf-8"))
