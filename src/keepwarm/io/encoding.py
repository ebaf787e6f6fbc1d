"""Reading an input file's bytes as text.

Address books and spreadsheets arrive in whatever their program wrote: UTF-8
(with or without a byte-order mark), UTF-16 from Outlook's "Unicode" export,
Windows-1252 from older tools. A byte-order mark decides; otherwise UTF-8 is
tried strictly and a file that is not UTF-8 is read as Windows-1252 (Latin-1
for the five bytes cp1252 leaves undefined), and the report says so.
"""

from __future__ import annotations

import codecs
from dataclasses import dataclass
from pathlib import Path

from ..errors import UserError

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le", "UTF-32"),
    (codecs.BOM_UTF32_BE, "utf-32-be", "UTF-32"),
    (codecs.BOM_UTF8, "utf-8", "UTF-8 with a byte-order mark"),
    (codecs.BOM_UTF16_LE, "utf-16-le", "UTF-16"),
    (codecs.BOM_UTF16_BE, "utf-16-be", "UTF-16"),
)

MAX_BYTES = 200 * 1024 * 1024


@dataclass(frozen=True)
class Text:
    """A decoded file: its text, the codec used, and a note when that was a guess."""

    text: str
    encoding: str
    note: str = ""


def unreadable(path: Path, exc: OSError) -> UserError:
    """The one-line error for a file that cannot be opened, for every reader of user files."""
    if isinstance(exc, IsADirectoryError):
        return UserError(f"{path}: is a folder (expected a file)")
    if isinstance(exc, FileNotFoundError):
        return UserError(f"{path}: no such file")
    return UserError(f"{path}: cannot be read ({exc.strerror})")


def read_bytes(path: Path) -> bytes:
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise UserError(
                f"{path}: is {size // (1024 * 1024)} MB (expected a file under {MAX_BYTES // (1024 * 1024)} MB)"
            )
        return path.read_bytes()
    except OSError as exc:
        raise unreadable(path, exc) from None


def _strict(data: bytes, codec: str, path: Path, label: str) -> str:
    try:
        return data.decode(codec)
    except UnicodeDecodeError as exc:
        raise UserError(
            f"{path}: is not valid {label} (byte 0x{data[exc.start]:02x} at offset {exc.start}); "
            "save it as UTF-8 or name its encoding with --encoding"
        ) from None
    except LookupError:
        raise UserError(
            f"--encoding: {codec!r} is not an encoding Python knows (expected e.g. utf-8, cp1252, utf-16)"
        ) from None


def _utf16_without_bom(data: bytes) -> str | None:
    """UTF-16 saved without a mark: every other byte of ASCII text is zero."""
    if len(data) < 4 or len(data) % 2:
        return None
    even, odd = data[0::2], data[1::2]
    if odd.count(0) > len(odd) * 0.3 and even.count(0) < len(even) * 0.05:
        return "utf-16-le"
    if even.count(0) > len(even) * 0.3 and odd.count(0) < len(odd) * 0.05:
        return "utf-16-be"
    return None


def decode(data: bytes, path: Path, encoding: str | None = None, *, expected: str = "a .vcf or .csv file") -> Text:
    if encoding:
        text = _strict(data, encoding, path, encoding)
        return Text(text.removeprefix("\ufeff"), encoding)
    for bom, codec, label in _BOMS:
        if data.startswith(bom):
            return Text(_strict(data[len(bom) :], codec, path, label), codec)
    guess = _utf16_without_bom(data)
    if guess:
        return Text(_strict(data, guess, path, "UTF-16"), guess, f"no byte-order mark; read as {guess.upper()}")
    if b"\x00" in data:
        raise UserError(f"{path}: looks like a binary file (expected text: {expected})")
    try:
        return Text(data.decode("utf-8"), "utf-8")
    except UnicodeDecodeError as exc:
        offset = exc.start
    try:
        text, codec, name = data.decode("cp1252"), "cp1252", "Windows-1252"
    except UnicodeDecodeError:
        text, codec, name = data.decode("latin-1"), "latin-1", "Latin-1"
    line = data.count(b"\n", 0, offset) + 1
    return Text(
        text,
        codec,
        f"not UTF-8 (line {line}); read as {name}: if names look wrong, import again with --encoding",
    )


def read_text(path: Path, encoding: str | None = None, *, expected: str = "a .vcf or .csv file") -> Text:
    """The file's text; `expected` names what the command reads, for the error on a binary file."""
    return decode(read_bytes(path), path, encoding, expected=expected)
