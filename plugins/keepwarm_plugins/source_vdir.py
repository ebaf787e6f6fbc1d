"""Touches from a vdir: a folder of .ics files, one event each, as khal and vdirsyncer keep calendars.

`path` is either one calendar (a folder holding .ics files) or a folder of
calendars (vdirsyncer's layout: one sub-folder per collection, each holding
.ics files); both are read, one level of sub-folders deep, hidden folders
(.git, vdirsyncer's status) aside. Every file is read each sync; when no
file was added, removed or changed (names, modification times and sizes,
and the same window), nothing is read again.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path
from typing import cast

from pydantic import Field

from keepwarm.plugin import ReadRequest, SourceKind, hookimpl

from ._calendar_read import CalendarOptions, CalendarSourceError, read_whole


class Options(CalendarOptions):
    """`[sources.NAME]` with `kind = "vdir"`."""

    path: str = Field(
        description="The vdir folder: one calendar (a folder of .ics files) or a folder of calendars, "
        "one sub-folder each (~ is your home folder)."
    )


def _items(root: Path) -> list[Path]:
    """The .ics files of the calendar at `root`, or of the calendars just under it."""
    found: list[Path] = []
    for folder in [root, *sorted(p for p in root.iterdir() if p.is_dir() and not p.name.startswith("."))]:
        found += sorted(
            p for p in folder.iterdir() if p.suffix.lower() == ".ics" and p.is_file() and not p.name.startswith(".")
        )
    return found


def _digest(root: Path, files: list[Path]) -> str:
    digest = hashlib.sha256()
    for file in files:
        try:
            status = file.stat()
        except OSError:  # gone while listing: the read will say so
            continue
        line = f"{file.relative_to(root)}\0{status.st_mtime_ns}\0{status.st_size}\n"
        digest.update(line.encode("utf-8", "surrogateescape"))
    return digest.hexdigest()


def read(request: ReadRequest) -> Iterator:
    root = Path(cast(Options, request.options).path).expanduser()  # the host builds them with `options=`
    if not root.exists():
        raise CalendarSourceError(f"{root}: no such folder (check the source's path; a vdir is a folder of .ics files)")
    if not root.is_dir():
        raise CalendarSourceError(
            f"{root}: not a folder (a vdir source reads a folder of .ics files; for one file use ics)"
        )
    try:
        files = _items(root)
    except OSError as exc:
        raise CalendarSourceError(f"{root}: cannot list the folder ({exc.strerror})") from None
    state = {"path": str(root), "files": len(files), "digest": _digest(root, files)}

    def texts():
        return [(str(file.relative_to(root)), file.read_bytes) for file in files]

    yield from read_whole(request, state, texts, total=len(files))


KIND = SourceKind(
    name="vdir",
    family="calendar",
    summary="events of a vdir: a folder of .ics files (khal, vdirsyncer)",
    options=Options,
    target="path",
    read=read,
)


@hookimpl
def keepwarm_source_kinds():
    return [KIND]
