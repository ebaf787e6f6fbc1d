"""A session's lazy attributes are worked out without a lock shared by every session.

On Python 3.11 `functools.cached_property` holds one lock per class while it
computes: a session opening its store (which may wait on a busy database, or run a
migration) in one thread held up every other session's settings, time zone and
store in every other thread. The app's plugins screen then waited on an engine
run stuck in a slow plugin, which the time budget was there to prevent.
"""

from __future__ import annotations

import threading

from keepwarm.home import session as session_module
from keepwarm.home.session import Session


def test_one_session_opening_its_store_does_not_hold_up_another_sessions_settings(tmp_path, monkeypatch, home):
    opening, release = threading.Event(), threading.Event()
    real_open = session_module.Store.open

    def slow_open(path, **kwargs):
        if path.name == "slow.db":
            opening.set()
            release.wait(30)
        return real_open(path, **kwargs)

    monkeypatch.setattr(session_module.Store, "open", staticmethod(slow_open))
    slow, other = Session(tmp_path / "slow.db"), Session(tmp_path / "other.db")
    worker = threading.Thread(target=lambda: slow.store, daemon=True)
    worker.start()
    try:
        assert opening.wait(10)
        done = threading.Event()
        reader = threading.Thread(target=lambda: (other.settings, other.tz, other.store, done.set()), daemon=True)
        reader.start()
        assert done.wait(10), "another session's attributes waited for the first session's store"
    finally:
        release.set()
        worker.join(10)
    slow.close()
    other.close()
