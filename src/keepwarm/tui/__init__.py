"""The Textual app. Only this package imports textual or rich."""

from __future__ import annotations

import gc

from ..home.session import Session


def run(session: Session) -> None:
    """The app on the session's database; again on another when the user changes books (the demo book, and back)."""
    held = pause_collector()
    from .app import KeepwarmApp  # lazy for start-up: textual loads when the app starts

    if held:
        resume_collector()
    own = session.db_path
    while True:
        app = KeepwarmApp(session, own_book=own)
        app.run()
        if app.next_book is None:
            return
        following = session.for_database(app.next_book)
        session.close()
        session = following


def pause_collector() -> bool:
    """Python's cyclic garbage collector off while the app starts; True when this turned it off.

    The start-up makes long-lived objects only (Textual's modules and classes, the
    stylesheet, the agenda's thousands of rows, then the engine and its plugins), and
    the collector walked them again and again as they were made: about a sixth of the
    time to the first paint. The caller turns it back on (`resume_collector`): the app
    once the engine's rows are painted (`KeepwarmApp.start_up_done`).
    """
    if not gc.isenabled():
        return False
    gc.disable()
    return True


def resume_collector() -> None:
    """The collector back on, what the start-up made moved to the oldest generation first (a freeze and
    thaw, constant time, as the engine does after a run): left in the youngest, the first allocation
    after `gc.enable()` would walk it all. Objects someone else froze stay frozen: then that step is skipped."""
    if not gc.get_freeze_count():
        gc.freeze()
        gc.unfreeze()
    gc.enable()
