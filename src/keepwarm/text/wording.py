"""Counts, names and cut text as a reader expects them: "1 day", "financial approver", "a long na…".

One helper per thing, so the CLI, the TUI and the plugins word them alike.
"""

from __future__ import annotations

import functools
import re

#: English plurals that are not the word plus "s".
_IRREGULAR = {
    "person": "people",
    "reply": "replies",
    "company": "companies",
    "this": "these",
    "was": "were",
    "is": "are",
    "has": "have",
    "touch": "touches",
    "match": "matches",
}


def noun(n: float, word: str, many: str | None = None) -> str:
    """`word` as it agrees with the count `n` (1 day, 2 days, 0 days, 1.5 days)."""
    if n == 1:
        return word
    return (
        many
        or _IRREGULAR.get(word)
        or (
            word[:-1] + "ies"
            if word.endswith("y") and word[-2:-1] not in "aeiou"
            else word + "es"
            if word.endswith(("s", "x", "ch", "sh"))
            else word + "s"
        )
    )


@functools.lru_cache(maxsize=4096)  # every contact's rules word the same few counts ("90 days", "2 notes")
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


def typed(value: object) -> str:
    """An enum member as it is typed on a command line, without quotes: `financial_approver` -> `financial-approver`."""
    return str(getattr(value, "value", value)).replace("_", "-")


@functools.lru_cache(maxsize=4096)  # called for every piece of advice, with the same few thousand names
def first_name(name: str) -> str:
    """How the advice calls someone: the first word of the name, or the whole name when that word
    is no name at all (a contact named after its phone, "+1 555 0199", was called "+1")."""
    words = name.split()
    if not words:
        return name
    return words[0] if any(ch.isalpha() for ch in words[0]) else " ".join(words)


def one_line(text: str) -> str:
    """`text` on one line: a row of a list or of the agenda is one line, whatever a note or promise holds.

    Promises, follow-up reasons and notes may span lines (typed, imported or
    written by a plugin); printed raw inside a row, their second line would
    start at the left margin and read as a row of its own.
    """
    return " ".join(text.split()) if _BREAKS.search(text) else text


_BREAKS = re.compile(r"[\t\n\r\x0b\x0c\x1c-\x1e\x85\u2028\u2029]")


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


_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def day_of_year(month: int, day: int, year: int | None = None) -> str:
    """A date as people write it, with or without its year: "10 Dec", "10 Dec 1985" (never vCard's `--12-10`)."""
    return f"{day} {_MONTHS[month - 1]}" + (f" {year}" if year else "")


def about(n: float) -> str:
    """A planned number of touches: "2", or "about 2" for 1.5 (half a touch cannot be made)."""
    if float(n).is_integer():
        return str(int(n))
    whole = int(n + 0.5)
    return f"about {whole}" if whole >= 1 else "less than 1"


def with_channel(action: str, channel: str | None) -> str:
    """What to do, and the channel, as one readable line ("… for them. Channel: email.")."""
    action = " ".join((action or "").split())
    if not channel:
        return action
    if not action:
        return f"Channel: {spoken(channel)}."
    end = "" if action.endswith((".", "!", "?")) else "."
    return f"{action}{end} Channel: {spoken(channel)}."


def nothing_due(until) -> str:
    """An empty agenda. "Nothing due until 2026-12-14" read as "something is due on the 14th",
    while the agenda had looked up to and including that day and found nothing."""
    return f"Nothing due up to and including {until}."
