"""Textual's OptionList with the app's list keys: `j` and `k` move it as they move every other list."""

from __future__ import annotations

from textual.widgets import OptionList

from ..keys import LIST_MOVES


class PickList(OptionList):
    BINDINGS = [*LIST_MOVES]
