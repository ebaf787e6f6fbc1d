"""Writing files the user asked for: private, and whole or not at all.

Exports hold a whole address book, so they are created readable by the user
only (0600), written to a temporary file beside the target and renamed over
it, so a crash or a full disk never leaves half a backup under the real name.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

from ..errors import UserError


@contextmanager
def private_file(target: Path) -> Iterator[BinaryIO]:
    """A binary file to write in pieces; it replaces `target` only once the block ends without an error."""
    target = Path(target).expanduser()
    if target.is_dir():
        raise UserError(f"{target}: is a folder (expected a file name)")
    try:
        target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd, temp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
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


def write_private(target: Path, text: str) -> None:
    with private_file(target) as fh:
        fh.write(text.encode("utf-8"))
