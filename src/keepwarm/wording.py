"""Counts, names and cut text as a reader expects them: "1 day", "financial approver", "a long na…".

One helper per thing, so the CLI, the TUI and the plugins word them alike.
"""

from __future__ import annotations

#: English plurals that are not the word plus "s".
_IRREGULAR = {"person": "people", "reply": "replies", "company": "companies", "this": "these",
              "was": "were", "is": "are", "has": "have", "touch": "touches", "match": "matches"}


def noun(n: float, word: str, many: str | None = None) -> str:
    """`word` as it agrees with the count `n` (1 day, 2 days, 0 days, 1.5 days)."""
    if n == 1:
        return word
    return many or _IRREGULAR.get(word) or (word[:-1] + "ies" if word.endswith("y") and word[-2:-1] not in "aeiou"
                                            else word + "es" if word.endswith(("s", "x", "ch", "sh")) else word + "s")


def plural(n: float, word: str, many: str | None = None) -> str:
    """The count and the word: `plural(1, "day")` is "1 day", `plural(3, "touch")` is "3 touches"."""
    return f"{number(n)} {noun(n, word, many)}"


def number(n: float) -> str:
    """A count or a fractional plan without a useless ".0" and with at most one decimal: 2, 1.5."""
    if isinstance(n, int) or float(n).is_integer():
        return str(int(n))
    return f"{n:.1f}".rstrip("0").rstrip(".")


def spoken(value: object) -> str:
    """An enum member or a snake_case name as the user types and reads it: `financial_approver` -> "financial approver"."""
    text = str(getattr(value, "value", value))
    return text.replace("_", " ")


def cut(text: str, width: int) -> str:
    """`text` in at most `width` characters, cut at a word boundary with "…" when it does not fit."""
    if width <= 0:
        return ""
    if len(text) <= width:
        return text
    if width == 1:
        return "…"
    head = text[: width - 1]
    space = head.rfind(" ")
    if space >= (width - 1) // 2:  # a boundary in the second half: cut there rather than mid-word
        head = head[:space]
    return head.rstrip(" ,;:-·") + "…"
