"""Table cells cut to their column with "…", once, when the rows are built.

A DataTable does not wrap: a row wider than its pane ran past the edge and was
cut there, mid-word and with no sign that anything was left out ("decision i").
Every table fits its columns to the pane instead, narrowing the least useful
ones first, and cuts each cell with `wording.cut` (the one way keepwarm shortens
text) when its row is built -- never per keystroke or per paint.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.cells import cell_len
from rich.text import Text
from textual import events
from textual.message import Message
from textual.widgets import DataTable

from ..text.wording import cut
from .keys import LIST_MOVES


def cut_cell(text: str, width: int) -> str:
    """`wording.cut` in terminal cells (a CJK character takes two)."""
    if len(text) <= width and (text.isascii() or cell_len(text) <= width):
        return text
    room = width
    while room > 0 and cell_len(shown := cut(text, room)) > width:
        room -= 1
    return shown if room > 0 else ""


def cut_text(cell: Text, width: int) -> Text:
    """A styled cell cut like `cut_cell`, keeping its styles on what is left."""
    text = cell.plain
    shown = cut_cell(text, width)
    if shown == text:
        return cell
    if not shown:
        return Text("")
    kept = cell[: len(shown) - 1]  # `cut` keeps a prefix and adds "…"
    kept.append("…", style=cell.style)
    return kept


def natural_widths(labels: Sequence[str], rows: Sequence[Sequence[str]]) -> list[int]:
    """Each column as wide as its label or its widest cell, in terminal cells."""
    widths = [cell_len(label) for label in labels]
    for row in rows:
        for n, text in enumerate(row):
            size = len(text) if text.isascii() else cell_len(text)
            if size > widths[n]:
                widths[n] = size
    return widths


def give_way(widths: list[int], available: int, padding: int, order: Sequence[tuple[int, int]]) -> list[int]:
    """Column widths no wider together than `available` cells (each column also takes `padding` on each side):
    the columns in `order` give way in turn, each down to its floor."""
    out = list(widths)
    over = sum(w + 2 * padding for w in out) - available
    for column, floor in order:
        if over <= 0:
            break
        give = min(over, max(0, out[column] - floor))
        out[column] -= give
        over -= give
    return out


class FittedTable(DataTable):
    """A DataTable whose columns fit its pane and whose cells are cut with "…" rather than at the edge.

    `fill(rows, keys)` does it all; a screen that shows a changing subset of its rows (the contacts search)
    calls `fit` once over all of them and `cut_row` for the rows it adds. When the pane is resized, a filled
    table fits itself again; otherwise it posts `Refit` for its screen to build its rows again.
    """

    BINDINGS = [*LIST_MOVES]

    class Refit(Message):
        """The pane changed width: the rows need building again."""

        def __init__(self, table: FittedTable) -> None:
            super().__init__()
            self.table = table

        @property
        def control(self) -> FittedTable:
            return self.table

    def __init__(self, columns: Sequence[tuple[str, str]], order: Sequence[tuple[int, int]], **kwargs) -> None:
        super().__init__(**kwargs)
        self.spec = tuple(columns)
        self.order = tuple(order)
        self.widths: list[int] = []
        self._fitted_to = 0
        self._filled: tuple[list[list[Text]], Sequence[str | None]] | None = None

    def on_mount(self) -> None:
        for key, label in self.spec:
            self.add_column(label, key=key)

    def pane_width(self) -> int:
        """The cells a row can take (before the first layout, the app's width: refitted once laid out)."""
        width = self.size.width or self.app.size.width
        return max(1, width - self.styles.scrollbar_size_vertical)

    def fit(self, texts: Sequence[Sequence[str]]) -> None:
        """Columns rebuilt (a DataTable keeps the widest width it ever saw) as wide as their widest text, narrowed
        to the pane; `texts` are the plain texts of every row that may be shown."""
        natural = natural_widths([label for _, label in self.spec], texts)
        self._fitted_to = self.pane_width()
        self.widths = give_way(natural, self._fitted_to, self.cell_padding, self.order)
        self.clear(columns=True)
        for (key, label), width in zip(self.spec, self.widths):
            self.add_column(cut_cell(label, width), key=key, width=width)

    def cut_row(self, cells: Sequence[Text]) -> list[Text]:
        if not self.widths:  # not fitted yet
            return list(cells)
        return [cut_text(cell, width) for cell, width in zip(cells, self.widths)]

    def fill(self, rows: list[list[Text]], keys: Sequence[str | None]) -> None:
        self._filled = (rows, keys)
        self.fit([[cell.plain for cell in row] for row in rows])
        for cells, key in zip(rows, keys):
            self.add_row(*self.cut_row(cells), key=key)

    def on_resize(self, event: events.Resize) -> None:
        if not self._fitted_to or self.pane_width() == self._fitted_to:
            return
        if self._filled is None:
            self.post_message(self.Refit(self))
            return
        where = self.cursor_coordinate
        self.fill(*self._filled)
        if self.row_count:
            self.move_cursor(row=min(where.row, self.row_count - 1), animate=False)
