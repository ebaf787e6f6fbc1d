"""The agenda's list drawn line by line (`LineList`): only the rows in view are drawn, the cursor steps over
titles, and the keys, the mouse and a resize do what they did with the DataTable it replaces."""

from __future__ import annotations

from rich.text import Text
from textual import events
from textual.app import App, ComposeResult
from tui_support import build_history, settle, sync, use_test_rules

from keepwarm.tui.app import KeepwarmApp
from keepwarm.tui.screens.agenda import AgendaScreen
from keepwarm.tui.widgets.line_list import LineList

WIDTHS = [10, 20]


def _rows(sections: int, items: int) -> list[tuple[str, str]]:
    """("title", ...) rows, a gap between sections, ("item", ...) rows: the agenda's shape."""
    rows: list[tuple[str, str]] = []
    for s in range(sections):
        if rows:
            rows.append(("gap", ""))
        rows.append(("title", f"Section {s}"))
        rows.extend(("item", f"item {s}.{n}") for n in range(items))
    return rows


class ListApp(App):
    """A LineList alone, with what it posted."""

    def __init__(self, rows, cursor: int | None = 1) -> None:
        super().__init__()
        self.rows, self.cursor = rows, cursor
        self.drawn: list[int] = []
        self.heard: list[tuple[str, int]] = []

    def draw(self, row, widths):
        self.drawn.append(self.rows.index(row) if len(self.rows) < 1000 else -1)
        return [Text(row[1]), Text(row[0])]

    def compose(self) -> ComposeResult:
        yield LineList(self.draw, lambda row: row[0] == "item", id="list")

    def on_mount(self) -> None:
        self.query_one(LineList).set_rows(self.rows, WIDTHS, self.cursor)
        self.query_one(LineList).focus()

    def on_line_list_highlighted(self, message: LineList.Highlighted) -> None:
        self.heard.append(("highlighted", message.index))

    def on_line_list_selected(self, message: LineList.Selected) -> None:
        self.heard.append(("selected", message.index))


def _on(app: ListApp) -> str:
    table = app.query_one(LineList)
    return table.rows[table.cursor_row][1]


@sync
async def test_the_cursor_steps_over_titles_and_gaps_both_ways_and_home_and_end_go_to_the_first_and_last_item():
    app = ListApp(_rows(3, 2))  # 0 title, 1-2 items, 3 gap, 4 title, 5-6, 7 gap, 8 title, 9-10
    async with app.run_test(size=(40, 20)) as pilot:
        assert _on(app) == "item 0.0"
        await pilot.press("up")
        assert _on(app) == "item 0.0"  # nothing above but the title
        await pilot.press("down", "down")
        assert _on(app) == "item 1.0"  # over the gap and the title
        await pilot.press("up")
        assert _on(app) == "item 0.1"
        await pilot.press("end")
        assert _on(app) == "item 2.1"
        await pilot.press("down")
        assert _on(app) == "item 2.1"
        await pilot.press("home")
        assert _on(app) == "item 0.0"
        await pilot.press("ctrl+end", "ctrl+home")
        assert _on(app) == "item 0.0"
        await pilot.pause()
        assert [i for kind, i in app.heard if kind == "highlighted"] == [1, 2, 5, 2, 10, 1, 10, 1]


@sync
async def test_page_down_and_up_move_a_page_and_land_on_an_item_in_view():
    app = ListApp(_rows(4, 20))
    async with app.run_test(size=(40, 10)) as pilot:
        table = app.query_one(LineList)
        await pilot.press("pagedown")
        first = table.cursor_row
        assert first == 1 + table.size.height and table.rows[first][0] == "item"
        await pilot.press("pagedown", "pagedown")
        third = table.cursor_row
        assert table.rows[third][0] == "item" and third > first
        assert table.scroll_y <= third < table.scroll_y + table.size.height  # in view
        await pilot.press("pageup", "pageup", "pageup", "pageup")  # one more: the last page up lands on the title
        assert table.cursor_row == 1
        await pilot.press("end", "pagedown")
        assert _on(app) == "item 3.19"  # the last page: stays on the last item
        assert table.scroll_y == table.max_scroll_y > 0


@sync
async def test_enter_and_a_click_on_the_cursors_row_select_it_a_click_on_another_item_moves_to_it():
    app = ListApp(_rows(2, 3))  # 0 title, 1-3 items, 4 gap, 5 title, 6-8 items
    async with app.run_test(size=(40, 20)) as pilot:
        await pilot.press("enter")
        await pilot.click(LineList, offset=(2, 3))  # row 3: another item, the cursor goes there
        await pilot.click(LineList, offset=(2, 3))  # the cursor's row: selected
        await pilot.click(LineList, offset=(2, 5))  # a title: nothing
        await pilot.pause()
        assert _on(app) == "item 0.2"
        assert [h for h in app.heard if h[0] == "selected" or h[1] != 1] == [
            ("selected", 1), ("highlighted", 3), ("selected", 3)]


@sync
async def test_the_mouse_wheel_scrolls_the_rows_and_leaves_the_cursor():
    app = ListApp(_rows(2, 30))
    async with app.run_test(size=(40, 10)) as pilot:
        table = app.query_one(LineList)
        await pilot.pause()
        for _ in range(3):  # the wheel turned over the list
            table.post_message(events.MouseScrollDown(table, 1, 1, 0, 1, 0, False, False, False))
        await pilot.pause()
        assert table.scroll_y > 0 and table.cursor_row == 1


@sync
async def test_only_the_rows_in_view_are_drawn_even_with_25000_rows():
    rows = _rows(3, 8333)
    app = ListApp(rows)
    async with app.run_test(size=(40, 12)) as pilot:
        await pilot.pause()
        table = app.query_one(LineList)
        assert table.virtual_size.height == len(rows) > 25_000
        assert 0 < len(app.drawn) <= 2 * table.size.height  # the lines in view (each drawn once or twice)
        app.drawn.clear()
        await pilot.press("end")
        await pilot.pause()
        assert table.scroll_y == table.max_scroll_y and 0 < len(app.drawn) <= 2 * table.size.height


@sync
async def test_rows_shown_before_the_first_layout_come_with_the_first_title_in_view():
    """Rows can arrive when the list has no height yet: the cursor is brought into view, with its title,
    once it has one (scrolled against a height of zero, the title "Overdue" went out of sight for good)."""
    app = ListApp(_rows(2, 3))
    async with app.run_test(size=(40, 20)) as pilot:
        await pilot.pause()
        table = app.query_one(LineList)
        assert table.scroll_y == 0 and _on(app) == "item 0.0"
        await pilot.resize_terminal(40, 3)
        await pilot.press("down", "down", "down")  # to "item 1.0", three lines down
        await pilot.press("up", "up", "up")  # back to the first item: its title comes into view with it
        await pilot.pause()
        assert _on(app) == "item 0.0" and table.scroll_y == 0


@sync
async def test_the_agenda_builds_the_cells_of_the_rows_in_view_only(session, monkeypatch):
    """The agenda's rows are held as its typed views; a row's cells are made when its line is drawn."""
    build_history(session)
    use_test_rules(session)
    built: list[str] = []
    cells = AgendaScreen._cells.__func__

    def counted(cls, item, widths):
        built.append(item.contact.name)
        return cells(cls, item, widths)

    monkeypatch.setattr(AgendaScreen, "_cells", classmethod(counted))
    app = KeepwarmApp(session)
    async with app.run_test(size=(110, 10)) as pilot:  # room for the first rows only
        await settle(pilot)
        screen = app.screen
        table = screen.query_one("#agenda-list", LineList)
        in_view = {item.contact.name for kind, item in screen.rows[int(table.scroll_y): int(table.scroll_y) + table.size.height]
                   if kind == "item"}
        assert table.size.height < len(screen.rows)
        assert in_view and set(built) == in_view  # Mary, below the fold, is not drawn
        assert "Mary Somerville" not in built


@sync
async def test_the_agendas_list_has_the_keys_and_descriptions_the_datatable_had(session):
    """The moves have no id (the `?` panel lists them after keepwarm's own keys); keepwarm's keep theirs."""
    build_history(session)
    use_test_rules(session)
    app = KeepwarmApp(session)
    async with app.run_test(size=(110, 30)) as pilot:
        await settle(pilot)
        found = {key: (b.binding.description, b.binding.id, b.binding.show, type(b.node).__name__)
                 for key, b in app.screen.active_bindings.items()}
        moves = {"enter": "Select", "up": "Cursor up", "down": "Cursor down", "pageup": "Page up",
                 "pagedown": "Page down", "home": "First item", "ctrl+home": "First item", "end": "Last item",
                 "ctrl+end": "Last item"}
        assert {key: found[key] for key in moves} == {
            key: (description, None, False, "LineList") for key, description in moves.items()}
        assert found["d"][:2] == ("Done", "agenda.done") and found["s"][:2] == ("Snooze", "agenda.snooze")
