"""Source kind "mbox": one mbox file (what mutt, Thunderbird, Google Takeout and `mail` keep).

The file is streamed, never loaded: the standard `mailbox.mbox` would hand
each message over whole (a 50 MB attachment in memory), so this reader walks
the lines itself, reads each message's header block (`_mail_headers`) and
passes over its body. A message starts at a line beginning "From " that
opens the file or follows a blank line (bodies quote their own "From " lines
as ">From ", and the blank line guards against files that did not).

Incremental: an mbox only grows while mail is delivered to it, and is
rewritten when mail is deleted or moved out. The cursor keeps the size, a
hash of the first KB, the offset read up to and a hash of the KB before it;
when the file still starts and reads the same up to that offset and is no
smaller, only what lies after the offset is read. Otherwise the whole file
is read again, which adds nothing twice: the core knows each message by its
Message-ID.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterator
from typing import BinaryIO, cast

from pydantic import BaseModel, ConfigDict, Field

from keepwarm.plugin import Checkpoint, Progress, ReadRequest, Skip, SourceKind, hookimpl

PROGRESS_EVERY = 500
CHECKPOINT_EVERY = 1000
#: The longest piece of a line read at once: a body without line breaks is passed over in pieces.
PIECE = 64 * 1024
#: How much of the file's start (and of what precedes the offset) the cursor's hashes cover.
PROBE = 1024


class MboxOptions(BaseModel):
    """[sources.NAME] of kind "mbox" in config.toml."""

    # Built when a source of this kind is checked, not when the plugins load (`contact show` loads them too).
    model_config = ConfigDict(extra="forbid", defer_build=True)

    path: str = Field(description="The mbox file; ~ is your home folder.", min_length=1)


class NotAnMbox(OSError):
    """The path is not an mbox file."""


def read(request: ReadRequest) -> Iterator:
    options = cast(MboxOptions, request.options)  # the host builds them with `options=`
    path = os.path.expanduser(options.path)
    try:
        stream = open(path, "rb")
    except FileNotFoundError:
        raise NotAnMbox(f"{path}: no such file (expected an mbox file)") from None
    except IsADirectoryError:
        raise NotAnMbox(f'{path}: a folder, not an mbox file (a Maildir is kind "maildir")') from None
    except OSError as exc:
        raise NotAnMbox(f"{path}: cannot be read ({exc.strerror or type(exc).__name__})") from None
    with stream:
        yield from _read(stream, path, request)


def _read(stream: BinaryIO, path: str, request: ReadRequest) -> Iterator:
    # lazy for start-up: every command that runs the rules loads this plugin; only a sync reads mail
    from ._mail_headers import HEADER_TOO_LARGE, HeaderTooLarge, capture, read_header_block

    size = os.fstat(stream.fileno()).st_size
    start = _resume_at(stream, size, request.cursor or {})
    if start == 0 and size and not _opens_mbox(stream):
        raise NotAnMbox(f'{path}: not an mbox file: it does not start with a "From " line')
    if start == size:
        yield Checkpoint(_cursor(stream, size, start))
        return
    stream.seek(start)
    position, messages, since_checkpoint = start, 0, 0
    line_start, previous_blank = True, True  # the start (or the resume offset) may open a message
    while True:
        line = stream.readline(PIECE)
        if not line:
            break
        opens = line_start and previous_blank and line.startswith(b"From ")
        previous_blank = line_start and line in (b"\n", b"\r\n")
        line_start = line.endswith(b"\n")
        if not opens:
            position += len(line)
            continue
        if since_checkpoint >= CHECKPOINT_EVERY:
            yield Checkpoint(_cursor(stream, max(size, position), position))
            since_checkpoint = 0
        try:
            item = capture(read_header_block(stream), now=request.now)
            previous_blank = line_start = True  # the blank line that ends the headers was read
        except HeaderTooLarge:
            item = Skip(f"offset:{position}", HEADER_TOO_LARGE)
            previous_blank = line_start = False  # stopped inside a line
        position = stream.tell()
        messages += 1
        since_checkpoint += 1
        yield item
        if messages % PROGRESS_EVERY == 0:
            yield Progress(messages, None)
    yield Progress(messages, messages)
    yield Checkpoint(_cursor(stream, max(size, position), position))


def _resume_at(stream: BinaryIO, size: int, cursor) -> int:
    """Where reading starts: the cursor's offset if the file only grew since, else 0 (read it all again)."""
    try:
        offset, old_size = int(cursor["offset"]), int(cursor["size"])
        if not 0 <= offset <= old_size <= size:
            return 0
        same = cursor["head"] == _head(stream, offset) and cursor["edge"] == _edge(stream, offset)
    except (KeyError, TypeError, ValueError):
        return 0
    return offset if same else 0


def _opens_mbox(stream: BinaryIO) -> bool:
    stream.seek(0)
    return stream.read(5) == b"From "


def _head(stream: BinaryIO, offset: int) -> str:
    """A hash of the file's first KB, or of all that was read if less (the stream's position is kept)."""
    here = stream.tell()
    stream.seek(0)
    data = stream.read(min(offset, PROBE))
    stream.seek(here)
    return _hash(data)


def _edge(stream: BinaryIO, offset: int) -> str:
    """A hash of the KB before offset (the stream's position is left where it was)."""
    here = stream.tell()
    stream.seek(max(0, offset - PROBE))
    data = stream.read(min(offset, PROBE))
    stream.seek(here)
    return _hash(data)


def _cursor(stream: BinaryIO, size: int, offset: int) -> dict:
    return {"size": size, "head": _head(stream, offset), "offset": offset, "edge": _edge(stream, offset)}


def _hash(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


KIND = SourceKind(
    name="mbox",
    family="mail",
    summary="An mbox file (mutt, Thunderbird, Google Takeout): its messages' headers, never bodies",
    options=MboxOptions,
    target="path",
    read=read,
)


@hookimpl
def keepwarm_source_kinds():
    return [KIND]
