"""The agenda screen paints its rows before any advice, then works out the highlighted item's.

Tips and suggestions come from `Evaluation.tips` / `.suggestions` per item as
the cursor reaches it; a row whose follow-up names no action still shows the
best suggestion; and a plugin problem met on the way joins the count under the date.
"""

from __future__ import annotations

from textual.widgets import Static
from tui_support import build_history, settle, sync, use_test_rules

from keepwarm.plugin import Proposal, hookimpl
from keepwarm.tui.app import KeepwarmApp
from keepwarm.tui.screens.agenda import AgendaScreen, cut_cell
from keepwarm.tui.views import AgendaRow
from keepwarm.tui.widgets.line_list import LineList

SIZE = (100, 30)


def _items(app) -> dict[str, AgendaRow]:
    return {meta.contact.name: meta for kind, meta in app.screen.rows if kind == "item"}


def _panel(app) -> str:
    return str(app.screen.query_one("#panel-body", Static).content)


class _BareForMary:
    @hookimpl
    def keepwarm_cadence(self, ctx):
        if ctx.contact.name.startswith("Mary"):
            return [Proposal(rule_key="bare", due=ctx.today, reason="a reason without an action")]
        return []


@sync
async def test_advice_comes_per_highlighted_item_and_rows_without_an_action_show_a_suggestion(session):
    build_history(session)
    use_test_rules(session).host.register_for_test(_BareForMary(), "bare_for_mary")
    app = KeepwarmApp(session)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, AgendaScreen)
        items = _items(app)
        assert items["Charles Babbage"].advice is not None  # highlighted: its advice followed the rows
        assert "Ask Charles how the quarter went." in _panel(app)
        assert items["Grace Hopper"].advice is None and items["Ada Lovelace"].advice is None
        table = app.screen.query_one("#agenda-list", LineList)
        row, bare = next((n, meta) for n, (kind, meta) in enumerate(app.screen.rows)
                         if kind == "item" and meta.followup.rule_key == "bare")
        assert bare.advice is not None  # her row shows the best suggestion in place of an action
        action = bare.advice.suggestions[0].text
        assert action == "Send Mary something about astronomy."
        width = table.widths[4]  # the row is wider than the pane: cut with "…"
        assert str(table.cells(row)[4]) == cut_cell(action, width) == "Send Mary…"
        await pilot.press("down")  # past the "Today" title to Grace
        await pilot.pause()
        assert items["Grace Hopper"].advice is not None and "Grace Hopper" in _panel(app)
        assert items["Ada Lovelace"].advice is None


class _FailsForAda:
    @hookimpl
    def keepwarm_tips(self, ctx):
        if ctx.contact.name.startswith("Ada"):
            raise RuntimeError("no tips for Ada")
        return []


@sync
async def test_a_problem_met_on_a_later_item_joins_the_count(session):
    build_history(session)
    runtime = use_test_rules(session)
    runtime.host.register_for_test(_FailsForAda(), "fails_for_ada")
    app = KeepwarmApp(session)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        summary = app.screen.query_one("#agenda-summary", Static)
        assert "problems" not in str(summary.content)
        await pilot.press("down", "down")  # Grace, then Ada
        await settle(pilot)
        assert "Ada Lovelace" in _panel(app)
        assert "1 rule or plugin problem:" in str(summary.content)
