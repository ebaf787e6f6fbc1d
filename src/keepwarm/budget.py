"""Time budgets for plugin calls: a slow plugin is skipped, never waited for.

Python cannot kill a thread, so a call that outlives its budget is left in one
of three ways, by where it runs:

* on the main thread (the CLI, and the TUI's own thread) a signal interrupts
  it: the handler raises `PluginTimeout` inside the plugin's code, even in the
  middle of a `time.sleep`;
* in a thread started by `guarded()` (the TUI's engine work) the run is
  abandoned: the waiting caller is woken, the plugin is marked slow and the
  work runs again without it, while the stuck thread (a daemon) stops with
  `RunAbandoned` at its next plugin call and is refused any write
  (`check_may_write`), so an abandoned run never stores anything;
* in any other thread the call's result is thrown away when it returns.

The host's hot path only counts: each plugin call bumps its thread's `Lane`
counter on entry and on exit (odd while inside a call). One watchdog thread
looks at the counters a few times per budget; a counter that stays odd and
unchanged for a whole budget is a slow call. No clock is read and no thread
started per call.
"""

from __future__ import annotations

import signal
import threading
import time
import weakref
from typing import Any, Callable

DEFAULT_SECONDS = 3.0
MAX_RERUNS = 50  # each rerun has one slow plugin fewer: more would mean something else is wrong
_SIGNAL = getattr(signal, "SIGUSR1", None)


class PluginTimeout(Exception):
    """Raised inside a plugin call on the main thread when it outlived its budget."""


class RunAbandoned(BaseException):
    """Raised in a thread whose run was given up (a slow plugin, or the app quitting): never handled as an error
    of a plugin, never written."""


class Lane:
    """One thread's plugin calls, as the watchdog sees them."""

    __slots__ = (
        "calls",
        "plugin",
        "where",
        "tripped",
        "cancelled",
        "slow",
        "thread",
        "main",
        "on_trip",
        "lock",
        "pending",
        "seen",
        "since",
        "slow_call",
        "epoch",
        "__weakref__",
    )

    def __init__(self, thread: threading.Thread, main: bool) -> None:
        self.calls = 0  # odd while a plugin call is in progress
        self.plugin = ""  # the plugin being called
        self.where: tuple[Any, str, int | None] | None = None  # (host, hook, contact id) of the calls
        self.tripped = False  # the watchdog found the current call too slow
        self.cancelled = False  # the run in this thread was abandoned: it must stop and not write
        self.slow: tuple[Any, str, str, int | None] | None = None  # (host, plugin, hook, contact) that tripped
        self.thread = thread
        self.main = main
        self.on_trip: Callable[[], None] | None = None  # set by guarded(): wakes the caller
        self.lock = threading.Lock()
        self.pending = -1  # the call a signal was sent for
        self.seen = -1
        self.since = 0.0
        self.slow_call = -1  # the call (its odd count) that tripped
        self.epoch = 0  # guarded runs started before the last abandon_all() are given up


_local = threading.local()
_lanes: "weakref.WeakSet[Lane]" = weakref.WeakSet()
_lanes_lock = threading.Lock()
_watchdog: threading.Thread | None = None
_interval = [0.5]  # seconds between the watchdog's looks: a quarter of the smallest budget in use
_epoch = [0]  # bumped by abandon_all()
_main_lane: Lane | None = None


def lane() -> Lane:
    """This thread's lane, made on its first plugin call."""
    try:
        return _local.lane
    except AttributeError:
        return _new_lane()


def _new_lane() -> Lane:
    global _main_lane
    thread = threading.current_thread()
    is_main = thread is threading.main_thread() and _install_handler()
    made = Lane(thread, is_main)
    _local.lane = made
    if is_main:
        _main_lane = made
    with _lanes_lock:
        _lanes.add(made)
    _start_watchdog()
    return made


def watch(seconds: float) -> None:
    """A host with this budget exists: look often enough to notice it."""
    _interval[0] = max(0.005, min(_interval[0], seconds / 4))


def _install_handler() -> bool:
    """The main thread's interrupt, unless the signal belongs to someone else already."""
    if _SIGNAL is None or not hasattr(signal, "pthread_kill"):
        return False
    try:
        current = signal.getsignal(_SIGNAL)
        if current is _interrupt:
            return True
        if current not in (signal.SIG_DFL, None):
            return False
        signal.signal(_SIGNAL, _interrupt)
    except (ValueError, OSError):
        return False
    return True


def _interrupt(signum, frame) -> None:
    found = _main_lane
    if found is not None and found.pending == found.calls:  # still inside the call it was sent for
        found.pending = -1
        raise PluginTimeout()


def _start_watchdog() -> None:
    global _watchdog
    with _lanes_lock:
        if _watchdog is not None and _watchdog.is_alive():
            return
        _watchdog = threading.Thread(target=_watch, name="keepwarm-plugin-watchdog", daemon=True)
        _watchdog.start()


def _watch() -> None:
    while True:
        time.sleep(_interval[0])
        now = time.monotonic()
        with _lanes_lock:
            lanes = list(_lanes)
        for found in lanes:
            if not found.thread.is_alive():
                with _lanes_lock:
                    _lanes.discard(found)
                continue
            calls = found.calls
            if not calls & 1:
                found.seen = -1
                continue
            closing = found.on_trip is not None and found.epoch != _epoch[0]
            if calls != found.seen:
                found.seen, found.since = calls, now
                if not closing:
                    continue
            where = found.where
            budget = getattr(where[0], "budget", DEFAULT_SECONDS) if where else DEFAULT_SECONDS
            if where is not None and where[0] is None:
                budget = 0  # a call without a host (keepwarm's own plugins loading): no budget
            if closing or (budget and now - found.since >= budget):
                found.since = now  # a plugin that swallows the interrupt gets it again one budget later
                _trip(found, calls)


def _trip(found: Lane, calls: int) -> None:
    where = found.where
    with found.lock:
        if found.calls != calls:
            return  # it returned meanwhile
        if found.on_trip is not None:
            found.cancelled = True
        if found.slow is None and where is not None:
            found.slow = (where[0], found.plugin, where[1], where[2])
            found.slow_call = calls
        found.tripped = True
    if found.on_trip is not None:
        found.on_trip()
    elif found.main:
        found.pending = calls
        # A main lane exists only with the handler installed (so the signal exists), for a running thread.
        assert _SIGNAL is not None and found.thread.ident is not None
        signal.pthread_kill(found.thread.ident, _SIGNAL)


def check_may_write() -> None:
    """Before any write: a run that was abandoned stops here, so it never stores anything."""
    found = getattr(_local, "lane", None)
    if found is not None and found.on_trip is not None:
        with found.lock:
            if found.cancelled:
                raise RunAbandoned()


def tripped(found: Lane) -> tuple[Any, str, str, int | None] | None:
    """After a call that the watchdog found slow: (host, plugin, hook, contact), or raise if the run is abandoned.

    None when the trip was for an earlier call that returned just as it was judged.
    """
    with found.lock:
        found.tripped = False
        if found.cancelled:
            raise RunAbandoned()
        slow, found.slow = found.slow, None
        return slow if found.slow_call == found.calls - 1 else None


def guarded(func: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """`func(*args, **kwargs)`, never waiting on a slow plugin: for work started from a worker thread.

    The work runs in a daemon thread. When one of its plugin calls outlives
    its budget, that thread is left behind (see the module docstring), the
    plugin is marked slow on its host, and the work runs again without it.
    On the main thread, or inside guarded work already, it simply calls.
    """
    here = getattr(_local, "lane", None)
    if threading.current_thread() is threading.main_thread() or (here is not None and here.on_trip is not None):
        return func(*args, **kwargs)
    caller, epoch = threading.get_ident(), _epoch[0]
    for _ in range(MAX_RERUNS):
        if epoch != _epoch[0]:
            raise RunAbandoned()
        done = threading.Event()
        box: dict[str, Any] = {}

        def work(done: threading.Event = done, box: dict[str, Any] = box) -> None:
            # This attempt's own event and box: a thread abandoned by an earlier attempt must not fill the next one's.
            _local.acting_for = caller
            own = lane()
            own.epoch = epoch
            own.on_trip = done.set
            box["lane"] = own
            try:
                box["value"] = func(*args, **kwargs)
            except BaseException as exc:  # handed over to the caller as is
                box["error"] = exc
            finally:
                done.set()

        threading.Thread(target=work, name="keepwarm-engine", daemon=True).start()
        done.wait()
        if "value" in box:
            return box["value"]
        error = box.get("error")
        if error is not None and not isinstance(error, RunAbandoned):
            raise error
        own = box["lane"]
        if epoch != _epoch[0]:
            raise RunAbandoned()
        with own.lock:
            slow = own.slow
        if slow is not None and slow[0] is not None:
            host, plugin, hook, contact_id = slow
            host.mark_slow(plugin, hook, contact_id)
    raise RuntimeError(f"gave up after {MAX_RERUNS} runs, each stopped by a slow plugin")


def acting_for() -> int | None:
    """The thread that `guarded()` runs this thread's work for (and waits on it), if any."""
    return getattr(_local, "acting_for", None)


def abandon_all() -> None:
    """The app is quitting: every guarded run started so far is given up if it is (or gets) inside a plugin call.

    Its caller raises RunAbandoned at once; runs writing or reading meanwhile
    are let finish (a write is never cut short). Later guarded runs are normal.
    """
    _epoch[0] += 1
    with _lanes_lock:
        lanes = list(_lanes)
    for found in lanes:
        if found.on_trip is not None and found.calls & 1:
            _trip(found, found.calls)


def in_progress(host: Any) -> dict[str, str]:
    """The plugins of `host` inside a call right now (plugin -> hook), read from the lanes without any lock that
    engine work holds: a screen can say "running" while a run waits on a plugin. Abandoned runs are left out."""
    with _lanes_lock:
        lanes = list(_lanes)
    out: dict[str, str] = {}
    for found in lanes:
        where = found.where
        if found.calls & 1 and not found.cancelled and where is not None and where[0] is host:
            out[found.plugin] = where[1]
    return out
