"""The one place where the CLI's text meets the terminal.

Names, notes and import reports can carry escape sequences from other
people's files; rather than remember to clean each of the hundreds of
`click.echo` calls (and click's own prompts and error messages), the CLI runs
with its standard streams wrapped so that every control character but tab and
newline comes out in its visible form (see `keepwarm.text.controls`). JSON output is
already escaped by `output.json_chunks`, so it is written to the stream unwrapped (`raw_stdout`); binary
writes (`.buffer`, used by the .ics and backup streams, whose formats escape
their own text) are not touched.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager

from ..errors import UserError
from ..text.controls import visible


class VisibleText:
    """A text stream proxy whose `write` shows control characters instead of sending them."""

    def __init__(self, stream) -> None:
        self._stream = stream

    def write(self, text):
        return self._stream.write(visible(text) if isinstance(text, str) else text)

    def writelines(self, lines) -> None:
        for line in lines:
            self.write(line)

    def __getattr__(self, name):
        return getattr(self._stream, name)


def raw_stderr():
    """Standard error unwrapped, for the one writer that needs a carriage return: a progress line, whose text
    is numbers and a source's name (letters, digits, - and _ only, as config.toml allows)."""
    return _unwrapped(sys.stderr)


def raw_stdout():
    """Standard output unwrapped, for JSON, whose encoding already escapes every control character
    (`output.emit_json`): looking for them again cost a tenth of a large `--json` listing."""
    return _unwrapped(sys.stdout)


def _unwrapped(stream):
    return stream._stream if isinstance(stream, VisibleText) else stream


class ProgressLine:
    """Progress on stderr (`keepwarm sync`, `import interactions`), only when stderr is a terminal: a script
    sees the summary alone. One line, rewritten in place: "  NAME [####......] 1,200 of 5,000"."""

    def __init__(self) -> None:
        self.stream = raw_stderr()
        self.shown = self.stream.isatty()
        self.width = 0

    def __call__(self, name: str, done: int, total: int | None) -> None:
        if not self.shown:
            return
        if total:
            filled = int(30 * min(done, total) / total)
            text = f"  {name} [{'#' * filled}{'.' * (30 - filled)}] {done:,} of {total:,}"
        else:
            text = f"  {name}: {done:,} read"
        self.width = max(self.width, len(text))
        self.stream.write("\r" + visible(text, multiline=False).ljust(self.width))
        self.stream.flush()

    def close(self) -> None:
        if self.shown and self.width:
            self.stream.write("\r" + " " * self.width + "\r")
            self.stream.flush()
            self.width = 0


@contextmanager
def visible_controls() -> Iterator[None]:
    """Wrap stdout and stderr for the duration of one command (also under click's CliRunner)."""
    saved = sys.stdout, sys.stderr
    if saved[0] is not None and not isinstance(saved[0], VisibleText):
        sys.stdout = VisibleText(saved[0])
    if saved[1] is not None and not isinstance(saved[1], VisibleText):
        sys.stderr = VisibleText(saved[1])
    try:
        yield
    finally:
        sys.stdout, sys.stderr = saved


def refuse_undecodable(args) -> None:
    """A command line byte that is not UTF-8 (kept by Python as a lone surrogate) is a user error, not a crash."""
    for number, arg in enumerate(args, start=1):
        if not isinstance(arg, str):
            continue
        for ch in arg:
            if 0xD800 <= ord(ch) <= 0xDFFF:
                shown = visible(arg, multiline=False)
                raise UserError(
                    f"argument {number} ({shown}) is not valid UTF-8 text (expected UTF-8, check the terminal's encoding)"
                )
