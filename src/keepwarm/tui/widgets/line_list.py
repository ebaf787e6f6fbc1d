"""A list of one-line rows, drawn line by line: a backlog of 25,000 rows costs its list, not its renderables.

Textual's DataTable makes, caches and measures every row's cells as the rows are
added (a quarter of a second per thousand five-cell rows on the 2-core machine,
and tens of megabytes at 50,000 contacts); skipping its measuring took overriding
one of its private methods. This widget uses Textual's Line API instead
(`ScrollView.render_line`, `Strip`, `virtual_size`): it keeps the rows as the
screen hands them over (typed views), sizes itself from their count and the
columns' widths it is given, and builds the cells of the lines in view only, when
they are drawn.

It draws like the row-cursor DataTable it replaces (same padding, cursor and hover
styles), and the cursor steps over the rows that are not selectable (the agenda's
section titles and the gaps between them), bringing those above a row into view
with it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, ClassVar

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import Binding, BindingType
from textual.geometry import Region, Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from ..keys import LIST_MOVES

#: A row's cells, cut to the columns' widths (the list pads them; it never measures them).
Draw = Callable[[Any, Sequence[int]], Sequence[Text]]


class LineList(ScrollView, can_focus=True):
    """Rows of cells in columns of given widths, with a row cursor that only lands on selectable rows."""

    ALLOW_SELECT = False

    DEFAULT_CSS = """
    LineList {
        background: $surface;
        color: $foreground;
        height: auto;
        max-height: 100%;
        &:focus {
            background-tint: $foreground 5%;
            & > .line-list--cursor {
                background: $block-cursor-background;
                color: $block-cursor-foreground;
                text-style: $block-cursor-text-style;
            }
        }
        & > .line-list--cursor {
            background: $block-cursor-blurred-background;
            color: $block-cursor-blurred-foreground;
            text-style: $block-cursor-blurred-text-style;
        }
        & > .line-list--hover {
            background: $block-hover-background;
        }
    }
    """
    COMPONENT_CLASSES: ClassVar[set[str]] = {"line-list--cursor", "line-list--hover"}

    # A list of people, not a spreadsheet: Home and End go to the first and last selectable row. No ids:
    # the `?` panel lists them with Textual's moves, after the screen's own keys (`keys.OwnKeysFirst`).
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "select_cursor", "Select", show=False),
        Binding("up", "cursor_up", "Cursor up", show=False),
        Binding("down", "cursor_down", "Cursor down", show=False),
        *LIST_MOVES,
        Binding("pageup", "page_up", "Page up", show=False),
        Binding("pagedown", "page_down", "Page down", show=False),
        Binding("home,ctrl+home", "first_item", "First item", show=False),
        Binding("end,ctrl+end", "last_item", "Last item", show=False),
    ]

    class _RowMessage(Message):
        """A message about one row: its place in the list and the row as the screen handed it over."""

        def __init__(self, line_list: LineList, index: int, row: Any) -> None:
            super().__init__()
            self.line_list = line_list
            self.index = index
            self.row = row

        @property
        def control(self) -> LineList:
            return self.line_list

    class Highlighted(_RowMessage):
        """The cursor is on another row (or on new rows)."""

    class Selected(_RowMessage):
        """Enter, or a click on the row the cursor is on."""

    class Resized(Message):
        """The list changed size: rows fitted to its width may need fitting again."""

        def __init__(self, line_list: LineList) -> None:
            super().__init__()
            self.line_list = line_list

        @property
        def control(self) -> LineList:
            return self.line_list

    #: Cells on each side of every cell (as DataTable's default `cell_padding`).
    cell_padding = 1

    def __init__(self, draw: Draw, selectable: Callable[[Any], bool], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.draw = draw
        self.selectable = selectable
        self.rows: Sequence[Any] = ()
        self.widths: list[int] = []
        self.cursor_row: int | None = None
        #: The row under the mouse, drawn in the hover style until a key moves the cursor.
        self.hover_row: int | None = None
        #: Lines drawn, by (row, cursor, hover, width, base style); emptied when the rows change.
        self.drawn: dict[tuple, Strip] = {}

    # ------------------------------------------------------------- rows

    @property
    def row_count(self) -> int:
        return len(self.rows)

    def set_rows(self, rows: Sequence[Any], widths: Sequence[int], cursor: int | None) -> None:
        """Show `rows` in columns of `widths`, the cursor on row `cursor` (posts `Highlighted`)."""
        self.rows = rows
        self.widths = list(widths)
        self.drawn.clear()
        pad = 2 * self.cell_padding
        self.virtual_size = Size(sum(w + pad for w in self.widths), len(rows))
        self.cursor_row = None
        self.hover_row = None
        self.refresh()
        if cursor is not None:
            self.move_cursor(cursor)

    def cells(self, index: int) -> Sequence[Text]:
        """Row `index`'s cells as drawn."""
        return self.draw(self.rows[index], self.widths)

    def move_cursor(self, index: int, *, scroll: bool = True) -> None:
        """The cursor to row `index` (clamped to the rows; a row that is not selectable is left as it is)."""
        if not self.rows:
            return
        index = max(0, min(index, len(self.rows) - 1))
        if not self.selectable(self.rows[index]):
            return
        old, self.cursor_row = self.cursor_row, index
        if old is not None:
            self.refresh_line(old)
        self.refresh_line(index)
        if scroll:
            self.scroll_to_cursor()
        self.post_message(self.Highlighted(self, index, self.rows[index]))

    def scroll_to_cursor(self) -> None:
        """The cursor's row in view, with the titles just above it when they fit."""
        index = self.cursor_row
        height = self.scrollable_content_region.height
        if index is None or not height:
            return  # not laid out yet: `on_resize` brings it into view
        top = index
        while top > 0 and not self.selectable(self.rows[top - 1]) and index - top + 1 < height:
            top -= 1
        self.scroll_to_region(Region(0, top, 1, index - top + 1), animate=False, force=True, immediate=True)

    def _step(self, start: int, step: int) -> int | None:
        """The first selectable row from `start` on, going by `step`."""
        rows, selectable = self.rows, self.selectable
        index = start
        while 0 <= index < len(rows):
            if selectable(rows[index]):
                return index
            index += step
        return None

    def _move(self, start: int, step: int) -> None:
        self._unhover()
        found = self._step(start, step)
        if found is None:  # nothing further that way: the other way from the same place (the page keys)
            found = self._step(start, -step)
        if found is not None and found != self.cursor_row:
            self.move_cursor(found)
        elif found is not None:
            self.scroll_to_cursor()

    # ---------------------------------------------------------- actions

    def action_cursor_up(self) -> None:
        if self.cursor_row is not None:
            found = self._step(self.cursor_row - 1, -1)
            if found is not None:
                self._unhover()
                self.move_cursor(found)
            else:
                self.scroll_to_cursor()  # the first row: its title back in view

    def action_cursor_down(self) -> None:
        if self.cursor_row is not None:
            found = self._step(self.cursor_row + 1, 1)
            if found is not None:
                self._unhover()
                self.move_cursor(found)

    def action_page_down(self) -> None:
        if self.cursor_row is not None:
            height = self.scrollable_content_region.height
            self.scroll_to(y=min(self.scroll_y + height, self.max_scroll_y), animate=False, immediate=True)
            self._move(min(self.cursor_row + height, len(self.rows) - 1), 1)

    def action_page_up(self) -> None:
        if self.cursor_row is not None:
            height = self.scrollable_content_region.height
            self.scroll_to(y=max(self.scroll_y - height, 0), animate=False, immediate=True)
            self._move(max(self.cursor_row - height, 0), -1)

    def action_first_item(self) -> None:
        self._move(0, 1)
        self.scroll_to(y=0, animate=False, immediate=True)  # the first title too, even on a short pane

    def action_last_item(self) -> None:
        self._move(len(self.rows) - 1, -1)

    def action_select_cursor(self) -> None:
        self._unhover()
        if self.cursor_row is not None:
            self.post_message(self.Selected(self, self.cursor_row, self.rows[self.cursor_row]))

    # ------------------------------------------------------------ mouse

    def _row_at(self, event: events.MouseEvent) -> int | None:
        offset = event.get_content_offset(self)
        if offset is None:
            return None
        index = offset.y + self.scroll_offset.y
        return index if 0 <= index < len(self.rows) else None

    def on_click(self, event: events.Click) -> None:
        index = self._row_at(event)
        if index is None or not self.selectable(self.rows[index]):
            return
        event.stop()
        if index == self.cursor_row:
            self.post_message(self.Selected(self, index, self.rows[index]))
        else:
            self.move_cursor(index)

    def on_mouse_move(self, event: events.MouseMove) -> None:
        self._hover(self._row_at(event))

    def on_leave(self, event: events.Leave) -> None:
        self._unhover()

    def _hover(self, index: int | None) -> None:
        if index != self.hover_row:
            for line in (self.hover_row, index):
                if line is not None:
                    self.refresh_line(line)
            self.hover_row = index

    def _unhover(self) -> None:
        self._hover(None)

    def on_resize(self, event: events.Resize) -> None:
        self.scroll_to_cursor()
        self.post_message(self.Resized(self))

    # ------------------------------------------------------------ lines

    def render_line(self, y: int) -> Strip:
        scroll_x, scroll_y = self.scroll_offset
        index = scroll_y + y
        width = self.size.width
        base = self.rich_style
        if not 0 <= index < len(self.rows):
            return Strip.blank(width, base)
        key = (index, index == self.cursor_row, index == self.hover_row, width, base, scroll_x)
        strip = self.drawn.get(key)
        if strip is None:
            if len(self.drawn) > 4 * max(self.size.height, 25):
                self.drawn.clear()  # lines scrolled past: drawn again if they come back
            strip = self.drawn[key] = self._line(index, key[1], key[2], base).crop_extend(
                scroll_x, scroll_x + width, base
            )
        return strip

    def _line(self, index: int, cursor: bool, hover: bool, base: Style) -> Strip:
        """Each cell padded to its column (`cell_padding` on either side), then the row's style to the edge."""
        component = Style()
        if hover:
            component += self.get_component_rich_style("line-list--hover")
        if cursor:
            component += self.get_component_rich_style("line-list--cursor")
        # The cursor's colour over the cells' own (DataTable's `cursor_foreground_priority="css"`).
        post = Style.from_color(color=component.color) if component.color else None
        console = self.app.console
        pad = " " * self.cell_padding
        segments: list[Segment] = []
        for column, (cell, width) in enumerate(zip(self.draw(self.rows[index], self.widths), self.widths)):
            # Each cell's place in its style (as DataTable's cells have): the screen keeps the cells' segments
            # apart, so that a screen is drawn, and exported, as it was with the DataTable.
            pre = base + component + Style.from_meta({"row": index, "column": column})
            blank = pre + post if post else pre
            # `Text.render` leaves the text's own style out when it has no spans (Rich adds it when printing).
            parts = cell.render(console) if cell.spans else [Segment(cell.plain, console.get_style(cell.style))]
            drawn = [Segment(s.text, pre + s.style + post if post else pre + s.style) for s in parts]
            segments.append(Segment(pad, blank))
            segments.extend(s for s in Segment.adjust_line_length(drawn, width, blank) if s.text)
            segments.append(Segment(pad, blank))
        used = sum(w + 2 * self.cell_padding for w in self.widths)
        if used < self.size.width:
            rest = base + component + Style.from_meta({"row": index, "column": 0, "out_of_bounds": True})
            segments.append(Segment(" " * (self.size.width - used), rest))
        return Strip(segments).simplify()
        return Strip(segments)
