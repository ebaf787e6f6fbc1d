"""Record ids as users type them: SQLite keeps integers of 64 bits, so a longer number is no id at all."""

from __future__ import annotations

MAX_ID = 2**63 - 1


def as_id(text: str) -> int | None:
    """The id `text` spells (ASCII digits, up to SQLite's largest integer), else None."""
    if not (text.isascii() and text.isdigit()):
        return None
    number = int(text)
    return number if number <= MAX_ID else None
