"""The agenda paints what the last engine run stored, says so, and swaps in the engine's rows when they come.

The engine's run is held back in these tests (its agenda waits on an event) so
that the stored rows can be looked at and acted on before it finishes.
"""

from __future__ import annotations

import datetime as dt
import threading
from contextlib import asynccontextmanager

from textual.widgets import Input, Static
from tui_support import build_history, settle, sync, use_test_rules

from keepwarm.engine.agenda import build_agenda
from keepwarm.model import Assessment
from keepwarm.store import activity, followups
from keepwarm.tui.app import KeepwarmApp
from keepwarm.tui.screens.agenda import AgendaScreen
from keepwarm.tui.views import AgendaRow
from keepwarm.tui.widgets.line_list import LineList
from keepwarm.tui.widgets.snooze import SnoozeScreen

from conftest import FIXED_NOW

SIZE = (110, 30)


def _summary(app) -> str:
    return str(app.screen.query_one("#agenda-summary", Static).content)


def _panel(app) -> str:
    return str(app.screen.query_one("#panel-body", Static).content)


def _health_cell(app, name: str) -> str:
    table = app.screen.query_one("#agenda-list", LineList)
    row = next(n for n, (kind, meta) in enumerate(app.screen.rows) if kind == "item" and meta.contact.name == name)
    return str(table.cells(row)[2])


async def _until(pilot, condition, rounds: int = 300) -> None:
    for _ in range(rounds):
        if condition():
            return
        await pilot.pause(0.02)


def _held_engine(app) -> threading.Event:
    """The engine's agenda waits until the returned event is set."""
    release = threading.Event()
    agenda = app.gate.agenda

    def held(*args, **kwargs):
        release.wait(30)
        return agenda(*args, **kwargs)

    app.gate.agenda = held
    return release


@asynccontextmanager
async def _on_stored_rows(session):
    """The app on a stored book, its engine's run held back, once the stored rows are painted."""
    app = KeepwarmApp(session)
    release = _held_engine(app)
    async with app.run_test(size=SIZE) as pilot:
        await _until(pilot, lambda: isinstance(app.screen, AgendaScreen) and app.screen.stored_painted)
        yield app, pilot, release


def _stored_book(session) -> dict[str, int]:
    """The history, one engine run (it stores its conclusions), then a write it has not seen."""
    ids = build_history(session)
    use_test_rules(session)
    build_agenda(session, advice=False)
    with session.store.write() as conn:
        activity.insert_assessment(conn, Assessment(contact_id=ids["charles"], on=dt.date(2026, 11, 21), trust=5,
                                                    communication=5, sharing=5, advocacy=5, conflict=5,
                                                    commitment=5), FIXED_NOW)
    return ids


@sync
async def test_the_stored_rows_come_first_then_the_engines_replace_them_under_the_cursor(session):
    _stored_book(session)
    async with _on_stored_rows(session) as (app, pilot, release):
        screen = app.screen
        assert screen.showing_stored and not screen.fresh_painted
        assert "as the last run left it earlier today, updating" in _summary(app)
        assert screen.items() == [
            ("section", "Overdue"), ("overdue", "Charles Babbage"),
            ("section", "Today"), ("today", "Grace Hopper"), ("today", "Ada Lovelace"),
            ("section", "This week"), ("upcoming", "Mary Somerville"),
        ]
        stored_health = _health_cell(app, "Charles Babbage")
        # The highlighted stored row: its stored warnings, then its own advice from a run over Charles
        # alone, while the engine's full run is still held back.
        assert "No touch for 82 days." in _panel(app)
        await _until(pilot, lambda: screen.stored_advice_shown)
        assert not screen.fresh_painted and screen.showing_stored
        assert "Ask Charles how the quarter went." in _panel(app)
        assert "No touch for 82 days." in _panel(app)
        assert "Health and warnings as the last run left them" in _panel(app)
        # Another stored row: no advice until the full run, and the panel says why.
        await pilot.press("down", "down")  # Grace, then Ada
        await pilot.pause()
        assert screen.current_item().contact.name == "Ada Lovelace"
        assert "tips and suggestions follow when the engine is done" in _panel(app)
        assert "Send Ada something about poetry." not in _panel(app)

        release.set()
        await _until(pilot, lambda: screen.fresh_painted)
        await settle(pilot)
        assert not screen.showing_stored
        assert "last run" not in _summary(app)
        assert screen.current_item().contact.name == "Ada Lovelace"  # the cursor stayed on her
        assert "Send Ada something about poetry." in _panel(app)  # fresh: with its advice
        assert _health_cell(app, "Charles Babbage") != stored_health  # the assessment counts now


@sync
async def test_a_stored_row_can_be_snoozed_before_the_engine_is_done(session):
    ids = _stored_book(session)
    async with _on_stored_rows(session) as (app, pilot, release):
        screen = app.screen
        await pilot.press("down", "down")
        await pilot.pause()
        assert screen.showing_stored and screen.current_item().contact.name == "Ada Lovelace"
        await pilot.press("s")
        await _until(pilot, lambda: isinstance(app.screen, SnoozeScreen))
        app.screen.query_one("#in-until", Input).value = "friday"
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        release.set()  # the write waits for the engine's turn, as every write does
        await settle(pilot)
        with session.store.read() as conn:
            [item] = followups.list_followups(conn, ids["ada"], statuses=followups.OPEN_STATES)
        assert (item.status.value, item.snoozed_until) == ("snoozed", dt.date(2026, 11, 27))
        await _until(pilot, lambda: not app.screen.showing_stored)
        await settle(pilot)
        rows = app.screen.items()
        assert ("today", "Ada Lovelace") not in rows and ("upcoming", "Ada Lovelace") in rows


@sync
async def test_without_a_stored_run_the_agenda_waits_for_the_engine_as_before(session):
    build_history(session)
    use_test_rules(session)
    app = KeepwarmApp(session)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.screen
        assert not screen.stored_painted and screen.fresh_painted
        assert not screen.showing_stored and "last run" not in _summary(app)
        assert ("overdue", "Charles Babbage") in screen.items()


@sync
async def test_the_stored_rows_are_all_in_the_list_at_the_first_paint_and_the_fresh_ones_replace_them(session):
    _stored_book(session)
    async with _on_stored_rows(session) as (app, pilot, release):
        screen = app.screen
        table = screen.query_one("#agenda-list", LineList)
        assert screen.stored_painted and not screen.fresh_painted  # the engine is still held
        assert table.row_count == len(screen.rows) == 9  # three titles, two gaps, four items
        assert [str(table.cells(n)[1]) for n in range(table.row_count)
                if screen.rows[n][0] == "item"] == ["Charles Babbage", "Grace Hopper", "Ada Lovelace",
                                                    "Mary Somerville"]
        # The rows are held as their views only: the stored JSON they were made from is let go.
        assert screen.data.stored.items == []
        assert all(isinstance(item, AgendaRow) for kind, item in table.rows if kind == "item")
        stored = table.rows
        release.set()
        await _until(pilot, lambda: screen.fresh_painted)
        assert table.rows is not stored and table.row_count == len(screen.rows) == 9


@sync
async def test_the_agenda_table_is_as_tall_and_wide_as_its_rows_and_columns_and_scrolls_to_the_last(session):
    """The agenda's list measures nothing (its columns have their widths): its size must still be the rows'
    and columns', or the last rows could not be scrolled to."""
    _stored_book(session)
    app = KeepwarmApp(session)
    async with app.run_test(size=(110, 11)) as pilot:  # fewer lines than the agenda has rows
        await _until(pilot, lambda: isinstance(app.screen, AgendaScreen) and app.screen.fresh_painted)
        await settle(pilot)
        screen = app.screen
        table = screen.query_one("#agenda-list", LineList)

        def widths_laid_out() -> bool:  # a loaded machine may lay the table out a few frames later
            return table.virtual_size.width == sum(w + 2 * table.cell_padding for w in table.widths) > 0

        await _until(pilot, widths_laid_out)
        assert table.row_count == len(screen.rows) == 9
        assert table.virtual_size.height == 9 > table.size.height
        assert widths_laid_out()
        await pilot.press("down", "down", "down")  # Grace, Ada, then over a gap and a title to Mary
        await settle(pilot)
        await _until(pilot, lambda: table.scroll_y == table.max_scroll_y > 0)
        assert screen.current_item().contact.name == "Mary Somerville"
        assert table.scroll_y == table.max_scroll_y > 0
