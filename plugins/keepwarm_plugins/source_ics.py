"""Touches from one .ics file: a calendar exported or kept by hand (khal's single-file calendars, a download).

The whole file is read each sync, its recurring events expanded over the sync
window; an unchanged file (same modification time and size, same window) is
not read again.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import cast

from pydantic import Field

from keepwarm.plugin import ReadRequest, SourceKind, hookimpl

from ._calendar_read import CalendarOptions, CalendarSourceError, read_whole


class Options(CalendarOptions):
    """`[sources.NAME]` with `kind = "ics"`."""

    path: str = Field(description="The .ics file to read (~ is your home folder).")


def read(request: ReadRequest) -> Iterator:
    path = Path(cast(Options, request.options).path).expanduser()  # the host builds them with `options=`
    try:
        status = path.stat()
    except FileNotFoundError:
        raise CalendarSourceError(f"{path}: no such calendar file (check the source's path)") from None
    except OSError as exc:
        raise CalendarSourceError(f"{path}: cannot read the calendar file ({exc.strerror})") from None
    if not path.is_file():
        raise CalendarSourceError(f"{path}: not a file (an ics source reads one .ics file; for a folder use vdir)")
    state = {"path": str(path), "mtime_ns": status.st_mtime_ns, "size": status.st_size}
    yield from read_whole(request, state, lambda: [(path.name, path.read_bytes)])


KIND = SourceKind(
    name="ics",
    family="calendar",
    summary="events of one .ics calendar file",
    options=Options,
    target="path",
    read=read,
)


@hookimpl
def keepwarm_source_kinds():
    return [KIND]
