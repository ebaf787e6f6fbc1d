"""Printing: JSON for scripts, aligned plain text for people.

The core never imports rich; this module sticks to click.echo so that piping
and `--json` stay byte-stable.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
import textwrap
from collections.abc import Iterable, Iterator, Mapping, Sequence
from enum import Enum

import click

from ..text.controls import json_escaped
from ..text.wording import one_line
from .terminal import raw_stdout


def _default(value):
    if hasattr(value, "model_dump"):  # a record (pydantic, loaded only by the commands that read one)
        return value.model_dump(mode="json")
    if isinstance(value, (dt.date, dt.datetime, dt.time)):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    if hasattr(value, "to_json"):
        return value.to_json()
    raise TypeError(f"cannot serialise {type(value).__name__}")


#: One encoder for every value: without `indent` it runs in C (the `default` hook is called from C too);
#: `indent` would send every value through the pure-Python encoder, several times slower.
_ENCODER = json.JSONEncoder(default=_default, ensure_ascii=False)


def _encoded(value) -> str:
    return json_escaped(_ENCODER.encode(value))


def _is_list(value) -> bool:
    return isinstance(value, (list, tuple, Iterator))


def json_chunks(data) -> Iterator[str]:
    """The JSON text of `data`, piece by piece, one element of a list per line.

    A list at the top, or under a key of the top-level object, is written one
    element to a line, each element encoded compactly when it is reached: such a
    list may be an iterator (a generator working each element out as it is
    asked for), so the first line is out before the last element exists and
    memory holds one element at a time. Everything else is written on one line.
    """
    if isinstance(data, Mapping):
        if not data:
            yield "{}"
            return
        comma = "{\n"
        for key, value in data.items():
            head = f"{comma}  {_encoded(str(key))}: "
            if _is_list(value):
                yield from _elements(value, head, "  ")
            else:
                yield head + _encoded(value)
            comma = ",\n"
        yield "\n}"
    elif _is_list(data):
        yield from _elements(data, "", "")
    else:
        yield _encoded(data)


def _elements(values: Iterable, head: str, indent: str) -> Iterator[str]:
    before, empty = head + "[\n", True
    for value in values:
        yield f"{before}{indent}  {_encoded(value)}"
        before, empty = ",\n", False
    yield head + "[]" if empty else f"\n{indent}]"


def to_json(data) -> str:
    return "".join(json_chunks(data))


#: Pieces are printed in writes of up to about this many characters: fewer writes, the same start.
WRITE_SIZE = 1 << 16


def emit_json(data) -> None:
    """Print `data` as JSON as it is encoded (see `json_chunks`).

    The first pieces go out one by one, then in writes growing to WRITE_SIZE:
    the beginning is on screen at once, the rest costs few writes. The text
    goes to standard output as it is (`terminal.raw_stdout`): the encoding
    escaped every control character already, and it holds no ANSI style.
    """
    stream = raw_stdout()
    if stream is None:  # no standard output at all (pythonw)
        return
    pending: list[str] = []
    size = 0
    wanted = 1
    for chunk in json_chunks(data):
        pending.append(chunk)
        size += len(chunk)
        if size >= wanted:
            stream.write("".join(pending))
            stream.flush()
            pending.clear()
            size, wanted = 0, min(WRITE_SIZE, wanted * 8)
    pending.append("\n")
    stream.write("".join(pending))
    stream.flush()


def table(rows: Sequence[Sequence[object]], headers: Sequence[str]) -> None:
    """Columns padded to their widest cell; the last column is left ragged; every row is one line."""
    cells = [[("" if c is None else one_line(str(c))) for c in row] for row in rows]
    widths = [len(h) for h in headers]
    for row in cells:
        for i, cell in enumerate(row[:-1]):
            widths[i] = max(widths[i], len(cell))

    def line(values: Sequence[str]) -> str:
        parts = [v.ljust(widths[i]) for i, v in enumerate(values[:-1])]
        return "  ".join([*parts, values[-1]]).rstrip()

    click.echo(line(list(headers)))
    for row in cells:
        click.echo(line(row))


def terminal_width() -> int:
    """The terminal's width (or $COLUMNS); 100 when the output is not a terminal."""
    return max(40, shutil.get_terminal_size(fallback=(100, 24)).columns)


def wrapped_table(rows: Sequence[Sequence[object]], headers: Sequence[str], wrap: int, width: int) -> None:
    """Like `table`, but column `wrap` is wrapped so no line is wider than `width` (nothing is cut).

    The other columns keep their widest cell; the wrapped one gets what is left
    (at least 10 characters), and its continuation lines leave the others blank.
    """
    cells = [[("" if c is None else str(c)) for c in row] for row in rows]
    widths = [max([len(h)] + [len(row[i]) for row in cells]) for i, h in enumerate(headers)]
    others = sum(w for i, w in enumerate(widths) if i != wrap) + 2 * (len(headers) - 1)
    widths[wrap] = min(widths[wrap], max(10, width - others))

    def lines(values: Sequence[str]) -> list[str]:
        chunks = textwrap.wrap(values[wrap], widths[wrap], break_long_words=True, break_on_hyphens=False) or [""]
        out = []
        for n, chunk in enumerate(chunks):
            parts = [chunk if i == wrap else (v if n == 0 else "") for i, v in enumerate(values)]
            out.append("  ".join(p.ljust(widths[i]) for i, p in enumerate(parts)).rstrip())
        return out

    for line in lines(list(headers)):
        click.echo(line)
    for row in cells:
        for line in lines(row):
            click.echo(line)


def warn(message: str) -> None:
    click.echo(f"keepwarm: {message}", err=True)
