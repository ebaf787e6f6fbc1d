"""RFC 5545 line folding, applied to text that `ics` 0.7.3 leaves unfolded.

A content line longer than 75 octets is split into a first line of at most
75 octets and continuation lines of a space plus at most 74 octets, joined
with CRLF. A cut never falls inside a UTF-8 character (an emoji stays whole)
nor between a backslash and the character it escapes, because some clients
unescape before they unfold. Work is done on the encoded bytes: at 10,000
events this runs over some 200,000 lines.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

LIMIT = 75
CRLF = "\r\n"
_BACKSLASH = ord("\\")


def _cut_points(line: bytes, limit: int) -> list[bytes]:
    """The physical pieces of one long encoded line (without the leading spaces)."""
    pieces: list[bytes] = []
    end, start, cut = len(line), 0, limit
    plain = line.isascii()  # no UTF-8 continuation byte to step back over
    while cut < end:
        if not plain:
            while line[cut] & 0xC0 == 0x80:  # inside a multi-byte character
                cut -= 1
        if cut > start and line[cut - 1] == _BACKSLASH:
            before = cut - 2
            while before >= start and line[before] == _BACKSLASH:
                before -= 1
            if (cut - 1 - before) % 2:
                cut -= 1  # keep an escape pair such as \n or \, on one line
        pieces.append(line[start:cut])
        start = cut
        cut = start + limit - 1
    pieces.append(line[start:])
    return pieces


def fold_bytes(line: bytes, limit: int = LIMIT) -> list[bytes]:
    if len(line) <= limit:
        return [line]
    pieces = _cut_points(line, limit)
    return [pieces[0], *(b" " + piece for piece in pieces[1:])]


def _folded(line: bytes, limit: int) -> bytes:
    """The folded line, its pieces joined by CRLF and a space, as `fold_bytes` gives them."""
    return b"\r\n ".join(_cut_points(line, limit))


def fold_line(line: str, limit: int = LIMIT) -> list[str]:
    """One logical line as its physical lines (without line endings)."""
    if len(line) * 4 <= limit:
        return [line]
    return [p.decode("utf-8") for p in fold_bytes(line.encode("utf-8"), limit)]


def fold_lines(lines: Iterable[str], limit: int = LIMIT) -> str:
    """Logical lines as one folded text, every physical line ending in CRLF."""
    out: list[bytes] = []
    for line in lines:
        data = line.encode("utf-8")
        if len(data) <= limit:
            out.append(data)
        else:
            out.extend(fold_bytes(data, limit))
    return (b"\r\n".join(out) + b"\r\n").decode("utf-8")


def fold_text(text: str, limit: int = LIMIT) -> str:
    """Folds serialized iCalendar text whose logical lines end with CRLF or LF.

    Values reach here already escaped, so a bare line break can only be a line end.
    """
    return fold_encoded(text, limit).decode("utf-8")


def fold_encoded(text: str, limit: int = LIMIT) -> bytes:
    """`fold_text` as UTF-8 bytes (what a file gets), without decoding them again."""
    data = text.encode("utf-8")
    crlf = data.count(b"\r\n")
    if (
        data.count(b"\n") == crlf
        and data.count(b"\r") == crlf
        and b"\r\n\r\n" not in data
        and (not data.startswith(b"\r\n"))
    ):
        # Every line break is a CRLF and no line is empty (what `ics` writes): only the long lines change.
        lines = data.split(b"\r\n")
        if not lines[-1]:
            lines.pop()
        lines = [line if len(line) <= limit else _folded(line, limit) for line in lines]
        return b"\r\n".join(lines) + b"\r\n"
    return fold_lines((line for line in re.split(r"\r\n|\n|\r", text) if line), limit).encode("utf-8")
