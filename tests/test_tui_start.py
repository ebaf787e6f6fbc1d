"""The app's start: the first paint loads only what it shows; the garbage collector waits for the engine's rows.

Which modules are loaded is asked of a fresh interpreter (this test process has
loaded everything already), on a book an engine run has stored results in.
"""

from __future__ import annotations

import gc
import json
import subprocess
import sys
import threading

from keepwarm.engine.agenda import build_agenda
from keepwarm.errors import UserError
from keepwarm.tui.app import KeepwarmApp
from keepwarm.tui.screens.agenda import AgendaScreen
from keepwarm.tui.screens.welcome import WelcomeScreen
from tui_support import build_history, settle, settle_until, sync

#: What the stored agenda's first paint does without: the engine and its plugins, the contact
#: queries and the write layer, the import/export modules, the palette, the charts.
NOT_BEFORE_THE_PAINT = (
    "keepwarm.engine",
    "keepwarm.hosting.runtime",
    "keepwarm.hosting.host",
    "keepwarm.services.queries",
    "keepwarm.services.operations",
    "keepwarm.services.actions",
    "keepwarm.store.contacts",
    "keepwarm.io",
    "keepwarm.calendar",
    "keepwarm.tui.palette",
    "keepwarm.tui.screen_views",
    "pluggy",
    "keepwarm.tui.widgets.charts",  # the charts and plotext load with the first chart shown
    "textual_plotext",
    "plotext",
)

_START = """
import asyncio, gc, json, sys, threading

from keepwarm.home.session import Session
from keepwarm.tui.app import KeepwarmApp
from keepwarm.tui.screens.agenda import AgendaScreen
from keepwarm.tui.workers import EngineGate

WATCHED = tuple(json.loads(sys.argv[2]))
seen = {}
painted = threading.Event()


def held(original):
    # The engine's work waits until the stored paint has been heard (the hook hears a message after it is sent).
    def wait_then_run(*args, **kwargs):
        painted.wait(60)
        return original(*args, **kwargs)

    return wait_then_run


for name in ("contact_advice", "agenda"):
    setattr(EngineGate, name, held(getattr(EngineGate, name)))


def heard(message):
    if isinstance(message, AgendaScreen.Painted):
        loaded = sorted(m for m in sys.modules if m.startswith(WATCHED))
        seen.setdefault("stored" if message.stored else "fresh", {"loaded": loaded, "collector": gc.isenabled()})
        painted.set()


async def main():
    imported = sorted(m for m in sys.modules if m.startswith(WATCHED))
    app = KeepwarmApp(Session(sys.argv[1]))
    async with app.run_test(size=(120, 30), message_hook=heard) as pilot:
        for _ in range(3000):
            if "fresh" in seen:
                break
            await asyncio.sleep(0.01)
        await pilot.pause()
    seen["imported"] = imported
    seen["after"] = gc.isenabled()
    print(json.dumps(seen))


asyncio.run(main())
"""


def _start(db) -> dict:
    """The app started in a fresh interpreter on `db`, until the engine's rows are painted."""
    out = subprocess.run(
        [sys.executable, "-c", _START, str(db), json.dumps(NOT_BEFORE_THE_PAINT)],
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def _stored_book(session):
    build_history(session)
    build_agenda(session, advice=False)  # stores its conclusions: the next start paints them first
    session.close()
    return session.db_path


def test_the_stored_agenda_is_painted_before_the_engine_the_queries_and_the_palette_load(session):
    seen = _start(_stored_book(session))
    assert seen["imported"] == []  # importing the app loads none of them
    assert seen["stored"]["loaded"] == []  # nor does its first paint
    fresh = seen["fresh"]["loaded"]
    assert "keepwarm.engine.agenda" in fresh and "keepwarm.hosting.runtime" in fresh  # the engine's run, after


def test_the_collector_is_off_until_the_engines_rows_are_painted_then_on_again(session):
    seen = _start(_stored_book(session))
    assert seen["stored"]["collector"] is False
    assert seen["fresh"]["collector"] is True
    assert seen["after"] is True


@sync
async def test_an_app_closed_before_the_engines_rows_turns_the_collector_back_on(session):
    _stored_book(session)
    app = KeepwarmApp(session.for_database(session.db_path))
    release = threading.Event()

    def held(*args, **kwargs):
        # The engine never runs here: a run let go as the app closes would hold the collector off itself
        # (engine.evaluate.collector_paused) for as long as it runs on, in its daemon thread.
        release.wait(30)
        raise UserError("held back")

    app.gate.agenda = app.gate.contact_advice = held  # type: ignore[method-assign]
    async with app.run_test(size=(120, 30)) as pilot:
        await settle_until(pilot, lambda: isinstance(app.screen, AgendaScreen) and app.screen.stored_painted)
        assert app.screen.stored_painted and not app.screen.fresh_painted
        assert not gc.isenabled()  # the start-up's objects are not walked while they are made
        app.exit()  # while the engine's run is still held
        release.set()
    assert gc.isenabled()


@sync
async def test_a_book_without_contacts_still_opens_on_the_welcome_screen_and_one_with_stored_rows_on_the_agenda(
    session,
):
    app = KeepwarmApp(session)
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, WelcomeScreen)
    _stored_book(session)
    app = KeepwarmApp(session.for_database(session.db_path))
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, AgendaScreen) and app.screen.items()
