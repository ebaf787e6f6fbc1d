"""Plugin files that sleep, for the tests of the time budget, and a fixture that wakes them.

A sleeping plugin naps in short steps until its test is over, so a run the
test abandoned stops with it instead of living on into the next test of the
worker (the collector's state, for one, is the whole process's).
"""

from __future__ import annotations

import threading

import pytest

NAP = """
import os as _os
import time as _time


def _nap(seconds, _release={release!r}):
    end = _time.monotonic() + seconds
    while _time.monotonic() < end and not _os.path.exists(_release):
        _time.sleep(0.05)
    return 0
"""

_release = {"path": ""}


def nap_prelude() -> str:
    """The `_nap(seconds)` a plugin file sleeps with: until `seconds` pass or its test is over."""
    return NAP.format(release=_release["path"])


@pytest.fixture(autouse=True)
def _released(tmp_path):
    """After each test: the sleeping plugins wake, and the threads the test started end."""
    _release["path"] = str(tmp_path / "test-over")
    before = set(threading.enumerate())
    yield
    (tmp_path / "test-over").touch()
    for thread in set(threading.enumerate()) - before:
        if thread.daemon and thread.name != "keepwarm-plugin-watchdog":
            thread.join(5)
