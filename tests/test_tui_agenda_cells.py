"""The agenda's table measures none of its cells, through public means only.

Its columns get their widths when they are made (`AgendaScreen._set_columns`),
so DataTable's measuring of each new row's cells at idle is wasted work: for
10,000 rows, most of the UI thread's while the engine ran. The table used to
skip it by overriding DataTable's private `_update_dimensions`; its cells now
tell Rich no measure (`cells.Unmeasured`), which `textual.render.measure` takes
as one cell at no cost, and draw exactly what their text draws.
"""

from __future__ import annotations

import pytest
from rich.console import Console
from rich.text import Text
from textual.render import measure
from textual.widgets import DataTable
from tui_support import build_history, settle, sync

from keepwarm.tui.app import KeepwarmApp
from keepwarm.tui.cells import Unmeasured
from keepwarm.tui.screens.agenda import AgendaScreen


def _lines(console: Console, renderable, width: int) -> list[list]:
    return console.render_lines(renderable, console.options.update_width(width), pad=True)


def test_an_unmeasured_cell_draws_what_its_text_draws_and_is_measured_at_no_cost(monkeypatch):
    console = Console(width=80, color_system="truecolor")
    text = Text("Ada Lovelace", style="bold")
    text.stylize("red", 4)
    cell = Unmeasured(text)
    assert _lines(console, cell, 14) == _lines(console, text, 14)
    assert str(cell) == cell.plain == "Ada Lovelace"

    def no_options(_self):
        raise AssertionError("the console's options were built to measure a cell")

    monkeypatch.setattr(Console, "options", property(no_options))
    assert measure(console, cell, 1) == 1  # what DataTable does for each new cell: now nothing
    with pytest.raises(AssertionError, match="options were built"):
        measure(console, Text("x" * 9), 1)  # a Text costs the options, for every cell of every new row


@sync
async def test_every_cell_of_the_agenda_table_tells_no_measure(session):
    build_history(session)
    app = KeepwarmApp(session)
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, AgendaScreen)
        table = app.screen.query_one("#agenda-list", DataTable)
        cells = [cell for row in range(table.row_count) for cell in table.get_row_at(row)]
        assert table.row_count > 3 and len(cells) == 5 * table.row_count
        assert all(isinstance(cell, Unmeasured) for cell in cells)
        assert not any(hasattr(cell, "__rich_measure__") for cell in cells)
        # Every column has the width it was made with: none sizes itself to what was measured.
        assert not any(column.auto_width for column in table.columns.values())
