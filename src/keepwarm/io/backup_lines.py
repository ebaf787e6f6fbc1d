"""Reading a JSON backup in the layout `backup.write_json` gives it: one record per line.

Parsing a backup whole holds the file's text, its JSON tree and the models at
once: about 2 GB for a million interactions (a 330 MB file), which is why such
a file was refused. In our own layout every record sits on a line of its own,
so it can be read a line at a time. `scan` reads the file once, without
parsing the records, to check that it is in that layout and to collect what
lies around the records (format, version, the rule files); `records` then
reads it again, handing out one parsed record at a time with its line number.

A file in any other layout (hand-edited, written by another tool, on one
line) is not ours to stream: `scan` says so, and it is parsed whole.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import UserError
from .encoding import unreadable

_BOM = b"\xef\xbb\xbf"
_KEY = json.JSONDecoder()


class NotOurLayout(Exception):
    """The file is not laid out as `keepwarm export json` writes it (line `line`: `reason`)."""

    def __init__(self, line: int, reason: str) -> None:
        super().__init__(f"line {line}: {reason}")
        self.line, self.reason = line, reason


@dataclass
class Layout:
    #: Top-level keys with a value on their own line, and `{...}` blocks (the rule files), parsed.
    values: dict[str, object] = field(default_factory=dict)
    #: Top-level keys whose value is a non-empty list, one record per line, in file order.
    lists: list[str] = field(default_factory=list)

    def envelope(self) -> dict:
        """The document without its records: what the envelope checks are made on."""
        return {**self.values, **{key: [] for key in self.lists}}


def _open(path: Path):
    try:
        return open(path, "rb")
    except OSError as exc:
        raise unreadable(path, exc) from None


def _lines(path: Path) -> Iterator[tuple[int, bytes]]:
    """The file's lines, numbered from 1, without their line ends; only LF ends a line."""
    with _open(path) as fh:
        try:
            for number, raw in enumerate(fh, 1):
                if number == 1 and raw.startswith(_BOM):
                    raw = raw[len(_BOM) :]
                if raw.endswith(b"\n"):
                    raw = raw[:-1]
                if raw.endswith(b"\r"):
                    raw = raw[:-1]
                yield number, raw
        except OSError as exc:
            raise UserError(f"{path}: cannot be read ({exc.strerror})") from None


def _text(raw: bytes, number: int) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        raise NotOurLayout(number, "is not UTF-8") from None


def _entry(raw: bytes, indent: int, number: int) -> tuple[str, str, bool]:
    """`<indent>"key": value[,]` as (key, value text, whether a comma ends it)."""
    text = _text(raw, number)
    if not text.startswith(" " * indent + '"'):
        raise NotOurLayout(number, f'expected "key": value indented by {indent}')
    try:
        key, end = _KEY.raw_decode(text, indent)
    except json.JSONDecodeError:
        raise NotOurLayout(number, "expected a quoted key") from None
    if not text.startswith(": ", end) or not isinstance(key, str):
        raise NotOurLayout(number, 'expected ": " after the key')
    value = text[end + 2 :]
    comma = value.endswith(",")  # no JSON value ends with a comma: it separates entries
    return key, value[:-1] if comma else value, comma


def _value(text: str, number: int) -> object:
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise NotOurLayout(number, f"not valid JSON ({exc.msg})") from None
    except RecursionError:
        raise NotOurLayout(number, "nested too deeply (expected records a few levels deep)") from None


def scan(path: Path) -> Layout:
    """Check the layout and read what surrounds the records; raises NotOurLayout where it departs."""
    layout = Layout()
    seen: set[str] = set()
    lines = _lines(path)
    number, text = next(lines, (1, b""))
    if text != b"{":
        raise NotOurLayout(number, 'expected "{" alone on the first line')
    more = True  # another top-level entry must follow (none read yet, or the last ended with a comma)
    for number, text in lines:
        if text == b"}":
            if more and seen:
                raise NotOurLayout(number, "a comma before the closing brace")
            break
        if not more:
            raise NotOurLayout(number, "expected a comma after the previous entry")
        key, value, more = _entry(text, 2, number)
        if key in seen:
            raise NotOurLayout(number, f"{key!r} appears twice")
        seen.add(key)
        if value in ("[]", "{}"):
            layout.values[key] = [] if value == "[]" else {}
        elif value == "[":
            layout.lists.append(key)
            more = _skip_records(lines, number)
        elif value == "{":
            layout.values[key], more = _read_block(lines, number)
        else:
            layout.values[key] = _value(value, number)
    else:
        raise NotOurLayout(number, 'the file ends before its closing "}"')
    for number, text in lines:
        if text.strip():
            raise NotOurLayout(number, 'text after the closing "}"')
    if not seen:
        raise NotOurLayout(number, "no entries")
    return layout


def _close(text: bytes, bracket: bytes, number: int) -> bool | None:
    """For `  ]` / `  ],` (or braces): whether a comma follows; None if the line is not a closing one."""
    if text == b"  " + bracket or text == b"  " + bracket + b",":
        return text.endswith(b",")
    if text.strip() in (bracket, bracket + b","):
        raise NotOurLayout(number, f"expected {bracket.decode()!r} indented by 2")
    return None


def _skip_records(lines: Iterator[tuple[int, bytes]], opened: int) -> bool:
    """Past a `[` block of record lines; checks only the layout and the commas between records."""
    comma, count = True, 0
    for number, text in lines:
        closing = _close(text, b"]", number)
        if closing is not None:
            if count and comma:
                raise NotOurLayout(number - 1, "a comma after the last record")
            if not count:
                raise NotOurLayout(number, "an empty block (expected [] on the key's line)")
            return closing
        if not text.startswith(b"    ") or not text.strip():
            raise NotOurLayout(number, "expected one record per line, indented by 4")
        if not comma:
            raise NotOurLayout(number - 1, "expected a comma after the record")
        comma = text.endswith(b",")
        count += 1
    raise NotOurLayout(opened, "the block is never closed")


def _read_block(lines: Iterator[tuple[int, bytes]], opened: int) -> tuple[dict, bool]:
    """A `{` block of `"name": value` lines (the rule files), parsed."""
    out: dict = {}
    comma = True
    for number, text in lines:
        closing = _close(text, b"}", number)
        if closing is not None:
            if out and comma:
                raise NotOurLayout(number - 1, "a comma after the last entry")
            if not out:
                raise NotOurLayout(number, "an empty block (expected {} on the key's line)")
            return out, closing
        if not comma:
            raise NotOurLayout(number - 1, "expected a comma after the entry")
        key, value, comma = _entry(text, 4, number)
        out[key] = _value(value, number)  # a repeated name keeps the last value, as json.loads does
    raise NotOurLayout(opened, "the block is never closed")


def records(path: Path) -> Iterator[tuple[str, Iterator[tuple[int, int, object]]]]:
    """Each non-empty list in file order, as (key, its records as (index, line number, parsed value)).

    Read the records of one list before asking for the next. A record that is
    not valid JSON is a user error naming its line.
    """
    lines = _checked(path)
    for number, text in lines:
        if text.startswith(b'  "') and text.endswith(b"["):
            key, value, _ = _entry(text, 2, number)
            if value == "[":
                yield key, _block(path, lines)


def _checked(path: Path) -> Iterator[tuple[int, bytes]]:
    try:
        yield from _lines(path)
    except NotOurLayout as exc:  # the file changed since it was scanned
        raise UserError(f"{path}: {exc}") from None


def _block(path: Path, lines: Iterator[tuple[int, bytes]]) -> Iterator[tuple[int, int, object]]:
    for index, (number, text) in enumerate(lines):
        if text == b"  ]" or text == b"  ],":
            return
        body = text[:-1] if text.endswith(b",") else text
        try:
            value = json.loads(body.decode("utf-8"))
        except UnicodeDecodeError as exc:
            raise UserError(f"{path}: line {number}: is not valid UTF-8 (byte 0x{body[exc.start]:02x})") from None
        except json.JSONDecodeError as exc:
            raise UserError(f"{path}: line {number}: not valid JSON ({exc.msg})") from None
        except RecursionError:
            raise UserError(f"{path}: line {number}: nested too deeply (expected records a few levels deep)") from None
        yield index, number, value
