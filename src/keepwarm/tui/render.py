"""Small presentation helpers shared by the screens: colours, dates, lists.

Only formatting lives here; every value comes from a core function.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from rich import control as _rich_control
from rich.text import Text
from textual import content as _textual_content
from textual.content import Content

from ..text.controls import translation


def show_controls() -> None:
    """Make every control character that reaches a Rich `Text` or a Textual `Content` visible.

    Both libraries clean the text given to them with one translation table,
    which deletes BEL, BS, VT, FF and CR but lets ESC and the C1 controls
    through: a name holding OSC 52 would reach the terminal raw. Every cell,
    label and panel of the TUI is built from one of the two, so extending
    their tables (`\\x1b` for ESC, as the CLI prints it) covers every screen,
    the notifications and the widgets' own texts at once, with no call site
    to forget. Neither library offers a public hook for this; the test in
    tests/test_safety_terminal_tui.py fails if a new version renames the tables.
    """
    shown: dict[int, Any] = translation(multiline=True)  # their tables are typed for deletions (None) only
    for table in (_rich_control._CONTROL_STRIP_TRANSLATE, _textual_content._CONTROL_STRIP_TRANSLATE):
        table.update(shown)


show_controls()

BAND_STYLE = {"warm": "$success", "cooling": "$warning", "cold": "$error"}
#: DataTable cells are Rich renderables: plain colour names, readable on every theme.
BAND_RICH = {"warm": "green", "cooling": "yellow", "cold": "red"}
SEVERITY = {1: ("note", "$text-muted"), 2: ("warning", "$warning"), 3: ("urgent", "$error")}


def words(value: str | None) -> str:
    """`decision_influencer` -> `decision influencer`."""
    return (value or "").replace("_", " ")


def band_content(score: int | None, band: str | None) -> Content:
    if score is None:
        return Content("–")
    return Content.from_markup(f"[{BAND_STYLE.get(band or '', '$text')}]●[/] $score", score=str(score))


def band_text(score: int | None, band: str | None) -> Text:
    if score is None:
        return Text("–", style="dim")
    return Text.assemble(("● ", BAND_RICH.get(band or "", "")), (f"{score:>3}", ""))


def due_text(due: dt.date, overdue_days: int) -> str:
    if overdue_days > 0:
        return f"{overdue_days}d late"
    if overdue_days == 0:
        return "today"
    return due.strftime("%a %d")


def evidence(values: Mapping) -> str:
    return ", ".join(f"{words(str(k))} {v}" for k, v in values.items())


def heading(title: str) -> Content:
    return Content.from_markup("[b $accent]$title[/]", title=title)


def bullet_lines(items: Iterable[Content | str], empty: str = "") -> Content:
    lines = [item if isinstance(item, Content) else Content(item) for item in items]
    if not lines:
        return Content.from_markup("[dim]$empty[/]", empty=empty) if empty else Content("")
    return Content("\n").join(lines)


def short_path(path) -> str:
    """A path with the home folder written as ~, the way people type it."""
    text = str(path)
    try:
        home = str(Path.home())
    except RuntimeError:
        return text
    return "~" + text[len(home) :] if home and (text == home or text.startswith(home + "/")) else text


def plain(value) -> Text:
    """A DataTable cell that is never read as markup."""
    return Text("" if value is None else str(value))
