"""Text rules shared by every input and output: folding names for matching, and control characters.

Names, notes and tags come from other people's files and from plugins, so they
may hold terminal escape sequences (a vCard can set the window title, clear the
screen or write the clipboard with OSC 52). Every control character is shown
in one visible form, `\\x` and two hex digits (ESC as `\\x1b`, the 8-bit CSI
as `\\x9b`, a byte that was not UTF-8 as the byte itself, e.g. `\\xff`): plain
ASCII, so it can never act on a terminal and still says what was there. Tab
and newline stay as they are where a text may span lines (notes, whole
outputs); single-line fields show them too.
"""

from __future__ import annotations

import functools
import re
import unicodedata


def fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(stripped.casefold().split())


def _shown(code: int) -> str:
    if 0xDC80 <= code <= 0xDCFF:  # a byte that was not UTF-8, as Python's surrogateescape keeps it
        return f"\\x{code - 0xDC00:02x}"
    if code > 0xFF:  # any other lone surrogate: not text at all
        return f"\\u{code:04x}"
    return f"\\x{code:02x}"


def _shown_match(match: re.Match[str]) -> str:
    return _shown(ord(match.group()))


#: C0 controls, DEL and C1 controls, each mapped to its visible form (with and without tab and newline).
_C0_C1 = [*range(0x00, 0x20), 0x7F, *range(0x80, 0xA0)]
_SINGLE_LINE = {code: _shown(code) for code in _C0_C1}
_MULTI_LINE = {code: shown for code, shown in _SINGLE_LINE.items() if code not in (0x09, 0x0A)}
#: The same characters and lone surrogates as patterns: a search scans in C, so text without any (nearly all)
#: is not copied. The surrogates are not in the tables: 2,048 entries that every command built to print a
#: line, for text that holds one only when a file name or a byte was not UTF-8.
_ANY_SINGLE = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff]")
_ANY_MULTI = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]")


def translation(*, multiline: bool = True) -> dict[int, str]:
    """Each control character's code mapped to its visible form, for a library that cleans text with a table."""
    table = dict(_MULTI_LINE if multiline else _SINGLE_LINE)
    table.update((code, _shown(code)) for code in range(0xD800, 0xE000))
    return table


def visible(text: str, *, multiline: bool = True) -> str:
    """`text` with every control character made visible (tab and newline kept if `multiline`)."""
    pattern = _ANY_MULTI if multiline else _ANY_SINGLE
    if not pattern.search(text):
        return text
    text = text.translate(_MULTI_LINE if multiline else _SINGLE_LINE)
    # what the tables leave is a lone surrogate
    return pattern.sub(_shown_match, text) if pattern.search(text) else text


def first_control(text: str, *, multiline: bool = False) -> str | None:
    """The visible form of the first control character in `text`, or None when there is none."""
    found = (_ANY_MULTI if multiline else _ANY_SINGLE).search(text)
    return None if found is None else _shown(ord(found.group()))


def control_problem(text: str, *, multiline: bool = False) -> str | None:
    """Why `text` cannot be stored as typed, in the words of a one-line error; None when it can."""
    shown = first_control(text, multiline=multiline)
    if shown is None:
        return None
    allowed = "only newlines and tabs are allowed" if multiline else "expected one line of plain text"
    return f"contains the control character {shown} ({allowed})"


@functools.cache
def _json_raw() -> re.Pattern[str]:
    """What json leaves raw: DEL, C1 controls and lone surrogates (it escapes C0 controls itself).

    Compiled when a text first holds one of them (see `_json_clean`), which most commands never print.
    """
    return re.compile("[\x7f-\x9f\ud800-\udfff]")


def json_escaped(text: str) -> str:
    """JSON text with DEL, C1 controls and lone surrogates written as \\u0080 and so on.

    Still the same JSON value, so it reads back exactly; but printed to a
    terminal (`--json`, `export json` without -o) it cannot drive it.
    """
    if _json_clean(text):
        return text
    raw = _json_raw()
    return raw.sub(lambda m: f"\\u{ord(m.group()):04x}", text) if raw.search(text) else text


def _json_clean(text: str) -> bool:
    """True when `text` has none of what `json_escaped` escapes, found at C speed (a regex is ten times slower).

    In UTF-8 a C1 control is 0xC2 then 0x80-0x9F, and a lone surrogate does not
    encode at all; 0xC2 also starts U+00A0-U+00BF, which only costs the regex.
    """
    if text.isascii():
        return "\x7f" not in text
    try:
        data = text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return b"\xc2" not in data and b"\x7f" not in data
