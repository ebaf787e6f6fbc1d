"""The TUI tells, it does not time: the agenda's paints are Textual messages anyone can listen to.

The benchmark stamps these messages from outside (benchmarks/measures.py); the app
keeps no clock of its own for them.
"""

from __future__ import annotations

from tui_support import build_history, settle_until, sync, use_test_rules

from keepwarm.engine.agenda import build_agenda
from keepwarm.model import Assessment
from keepwarm.store import activity
from keepwarm.tui.app import KeepwarmApp
from keepwarm.tui.screens.agenda import AgendaScreen

from conftest import FIXED_NOW

import datetime as dt

SIZE = (110, 30)


def _listen(heard: list[str]):
    """A hook that notes the agenda's messages in the order they come (as the benchmark's does)."""
    seen: list[object] = []  # each message is dispatched by the screen, then by the app it bubbles to

    def hook(message) -> None:
        if isinstance(message, AgendaScreen.Painted):
            entry = "stored rows" if message.stored else "fresh rows"
        elif isinstance(message, AgendaScreen.StoredAdviceShown):
            entry = "stored advice"
        else:
            return
        if not any(m is message for m in seen):
            seen.append(message)
            heard.append(entry)

    return hook


@sync
async def test_the_agenda_says_when_its_stored_rows_their_advice_and_the_fresh_rows_are_on_screen(session):
    ids = build_history(session)
    use_test_rules(session)
    build_agenda(session, advice=False)  # a run that stores its conclusions
    with session.store.write() as conn:  # and a write it has not seen
        activity.insert_assessment(conn, Assessment(contact_id=ids["charles"], on=dt.date(2026, 11, 21), trust=5,
                                                    communication=5, sharing=5, advocacy=5, conflict=5,
                                                    commitment=5), FIXED_NOW)
    app, heard = KeepwarmApp(session), []
    async with app.run_test(size=SIZE, message_hook=_listen(heard)) as pilot:
        await settle_until(pilot, lambda: "fresh rows" in heard)
        await pilot.pause()
        assert heard == ["stored rows", "stored advice", "fresh rows"]  # each once, in that order
        assert isinstance(app.screen, AgendaScreen) and not app.screen.showing_stored


@sync
async def test_without_a_stored_run_only_the_fresh_rows_are_announced(session):
    build_history(session)
    use_test_rules(session)
    app, heard = KeepwarmApp(session), []
    async with app.run_test(size=SIZE, message_hook=_listen(heard)) as pilot:
        await settle_until(pilot, lambda: "fresh rows" in heard)
        await pilot.press("r")  # a refresh paints again but the first paint was announced already
        await settle_until(pilot, lambda: app.screen.loaded_version == app.gate.version)
        assert heard == ["fresh rows"]
