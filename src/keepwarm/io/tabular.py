"""Reading a CSV file into rows that remember their line numbers.

Shared by the contact and the interaction importers. The delimiter is taken
from the header line (comma, semicolon or tab: Outlook writes semicolons in
some countries and tabs in its Unicode export); the header may follow a few
lines of preamble (LinkedIn starts its file with notes), so the importer says
which line is the header.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from ..errors import UserError
from ..text.controls import fold
from ..text.wording import plural

DELIMITERS = (",", ";", "\t")
PREAMBLE_LINES = 20


@dataclass
class Row:
    line: int
    cells: dict[str, str]
    problem: str | None = None

    def get(self, column: str) -> str:
        return (self.cells.get(column) or "").strip()


@dataclass
class Table:
    header: list[str]
    header_line: int
    delimiter: str
    rows: list[Row]


def _cells(line: str, delimiter: str) -> list[str]:
    try:
        return next(csv.reader([line], delimiter=delimiter), [])
    except csv.Error:
        return []


def _delimiter(line: str) -> str:
    counts = {d: len(_cells(line, d)) for d in DELIMITERS}
    return max(DELIMITERS, key=lambda d: (counts[d], -DELIMITERS.index(d)))


def find_header(lines: list[str], accept: Callable[[list[str]], bool]) -> tuple[int, str]:
    """The header's index and delimiter: the first line `accept` likes, else the first non-blank line."""
    first: tuple[int, str] | None = None
    for index, line in enumerate(lines[:PREAMBLE_LINES]):
        if not line.strip():
            continue
        delimiter = _delimiter(line)
        names = [c.strip() for c in _cells(line, delimiter)]
        if accept(names):
            return index, delimiter
        if first is None:
            first = (index, delimiter)
    if first is None:
        raise UserError("is empty (expected a header line naming the columns)")
    return first


class Lines:
    """The lines of a text, one at a time and with their ends, as `csv.reader` wants them.

    A million-row file is walked without a list of its lines or a second copy
    of its text (io.StringIO keeps four bytes a character). Text with old Mac
    line ends (a lone CR) goes through io.StringIO, which knows them.
    """

    def __init__(self, text: str) -> None:
        self.text, self.pos = text, 0
        self._old_mac = "\r" in text and re.search(r"\r(?!\n)", text) is not None
        self._lines = io.StringIO(text, newline="") if self._old_mac else None

    def __iter__(self) -> "Lines":
        return self

    def __next__(self) -> str:
        if self._lines is not None:
            line = self._lines.readline()
            if not line:
                raise StopIteration
            self.pos += len(line)
            return line
        text, pos = self.text, self.pos
        if pos >= len(text):
            raise StopIteration
        end = text.find("\n", pos)
        end = len(text) if end < 0 else end + 1
        self.pos = end
        return text[pos:end]


def _head(text: str) -> list[str]:
    """The first lines, enough to find the header in (without splitting the whole text)."""
    out, pos = [], 0
    for match in re.finditer(r"\r\n|\r|\n", text):
        out.append(text[pos : match.start()])
        pos = match.end()
        if len(out) >= PREAMBLE_LINES:
            return out
    return out + [text[pos:]]


@dataclass
class Stream:
    """A table whose rows are read as they are walked (`rows`), once per walk."""

    header: list[str]
    header_line: int
    delimiter: str
    lines: Lines
    rows: Iterator[Row]


def stream(text: str, file: str, accept: Callable[[list[str]], bool] = lambda names: False) -> Stream:
    """The header read now (its errors raised here); the rows as they are walked."""
    try:
        index, delimiter = find_header(_head(text), accept)
    except UserError as exc:
        raise UserError(f"{file}: {exc.message}") from None
    lines = Lines(text)
    reader = csv.reader(lines, delimiter=delimiter, strict=True)
    header: list[str] | None = None
    previous = 0
    try:
        for cells in reader:
            start, previous = previous + 1, reader.line_num
            if start > index:
                header = [c.strip().lstrip("\ufeff") for c in cells]
                _check_header(header, file, start)
                break
    except csv.Error:
        header = None
    if header is None:
        raise UserError(f"{file}: is empty (expected a header line naming the columns)")
    return Stream(header, index + 1, delimiter, lines, _rows(reader, header, previous))


def _rows(reader, header: list[str], previous: int) -> Iterator[Row]:
    try:
        for cells in reader:
            start, previous = previous + 1, reader.line_num
            if not any(c.strip() for c in cells):
                continue
            yield _row(header, cells, start)
    except csv.Error as exc:
        yield Row(previous + 1, {}, f"cannot be read as CSV ({exc}); is a quote left open?")


def read(text: str, file: str, accept: Callable[[list[str]], bool] = lambda names: False) -> Table:
    table = stream(text, file, accept)
    return Table(table.header, table.header_line, table.delimiter, list(table.rows))


def _check_header(header: list[str], file: str, line: int) -> None:
    seen: set[str] = set()
    for name in header:
        if name and fold(name) in seen:
            raise UserError(f"{file}: line {line}: the column {name!r} appears twice (expected each column once)")
        seen.add(fold(name))


def _row(header: list[str], cells: list[str], line: int) -> Row:
    if len(cells) > len(header) and any(c.strip() for c in cells[len(header) :]):
        return Row(
            line,
            {},
            f"{len(cells)} cells, but the header names {plural(len(header), 'column')} "
            "(is a value with a comma or semicolon not in quotes?)",
        )
    values = dict(zip(header, cells + [""] * (len(header) - len(cells))))
    return Row(line, values)


def by_fold(header: list[str]) -> dict[str, str]:
    """Folded column name -> the column as written."""
    return {fold(name): name for name in header if name}


def iter_values(cell: str, separators: str = ";,") -> Iterator[str]:
    """Several values in one cell: Google's ' ::: ', or any of `separators`."""
    text = cell.replace(":::", "\x00")
    for sep in separators:
        text = text.replace(sep, "\x00")
    for part in text.split("\x00"):
        part = part.strip()
        if part:
            yield part


def parse_map(pairs: tuple[str, ...], header: list[str], file: str, fields: dict[str, str]) -> dict[str, str]:
    """`--map COLUMN=FIELD` options as column -> field, checked against the file and the known fields."""
    columns = by_fold(header)
    out: dict[str, str] = {}
    for pair in pairs:
        column, sep, field = pair.rpartition("=")
        if not sep or not column.strip() or not field.strip():
            raise UserError(f"--map: {pair!r} is not COLUMN=FIELD (expected e.g. 'Full name=name')")
        key = fold(field).replace(" ", "_").replace("-", "_")
        if key not in fields:
            raise UserError(
                f"--map: {field.strip()!r} is not a field (expected one of: {', '.join(sorted(set(fields)))})"
            )
        found = columns.get(fold(column))
        if found is None:
            raise UserError(
                f"--map: {file} has no column {column.strip()!r} (its columns: {', '.join(h for h in header if h)})"
            )
        out[found] = fields[key]
    return out
