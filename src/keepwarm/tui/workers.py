"""The bridge between worker threads and the core.

Every screen loads its data in a thread worker. Engine runs share the
session's runtime (the plugin host records problems as it goes), so they take
turns under one lock; the stored results, brought up to date, are read once
per version of the data and shared by the screens until a write bumps the version.

Plugins run under a time budget (`keepwarm.hosting.budget`): each engine call runs
through `budget.guarded`, in a daemon thread the worker waits on, so a plugin
that hangs is left behind and skipped -- the worker, the lock and quitting
never wait for it. (Textual's thread workers run in asyncio's default
executor, whose threads are joined when the app's loop ends: a worker stuck in
a plugin would hold the exit until the plugin returned. On quitting, the app
calls `budget.abandon_all()`, which releases every worker waiting on one.)
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, overload

from ..home.session import Session
from ..hosting import budget

if TYPE_CHECKING:  # the engine (plugins, rule packs) loads in the first worker that runs it, not at start-up
    from ..engine.agenda import Agenda, AgendaItem
    from ..services.results import Results
    from ..store.watch import ChangeWatcher


class EngineGate:
    def __init__(self, session: Session) -> None:
        self.session = session
        self.lock = threading.RLock()
        self.version = 0
        self._results: Results | None = None
        self._read_at = -1
        #: Set by the app: told about the gate's own writes, so that they are not taken for news.
        self.watcher: ChangeWatcher | None = None  # the app's, once it is mounted
        self._holder: int | None = None  # the thread that holds the lock for the current engine work
        #: Set when the app quits: work still queued for the lock is given up rather than started.
        self.closed = False

    def close(self) -> None:
        """The app is quitting. A worker waiting for its turn behind a run stuck in a plugin got the
        lock once `budget.abandon_all()` let that run go, started afresh, met the plugin again and
        held the exit until it returned; from now on every turn is refused (RunAbandoned)."""
        self.closed = True

    @contextmanager
    def _turn(self, blocking: bool = True) -> Iterator[bool]:
        """The lock, taken once per piece of work: also by the guarded thread working for its holder."""
        if self._holder is not None and self._holder in (threading.get_ident(), budget.acting_for()):
            yield True
            return
        if self.closed:
            raise budget.RunAbandoned()
        if not self.lock.acquire(blocking=blocking):
            yield False
            return
        if self.closed:
            self.lock.release()
            raise budget.RunAbandoned()
        self._holder = threading.get_ident()
        try:
            yield True
        finally:
            self._holder = None
            self.lock.release()

    def changed(self) -> int:
        """The data (or the rules) changed: later loads run the engine again."""
        with self._turn():
            self.version += 1
            return self.version

    def results(self) -> Results:
        """Every contact's stored result, brought up to date (`services.results.current`): what the
        dashboard and the lists of contacts and accounts show."""
        with self._turn():
            return budget.guarded(self._read_results)

    def _read_results(self) -> Results:
        # lazy for start-up: the engine loads in the worker, after the first paint
        from ..services.results import current

        with self._turn():
            if self._results is None or self._read_at != self.version:
                version = self.version
                try:
                    self._results = current(self.session)
                finally:
                    self._own_writes()  # the results the refresh stored are our own
                self._read_at = version
            return self._results

    def agenda(self, days: int = 7, *, advice: bool = True) -> Agenda:
        """The agenda; its engine run stores the follow-ups the rules propose.

        Without `advice`, items get their tips and suggestions through `advice()`, as they are looked at.
        """
        with self._turn():
            return budget.guarded(self._agenda, days, advice)

    def _agenda(self, days: int, advice: bool) -> Agenda:
        # lazy for start-up: the engine loads in the worker, after the first paint
        from ..engine.agenda import build_agenda

        with self._turn():
            agenda = build_agenda(self.session, days=days, advice=advice)
            if self.watcher is not None:
                self.watcher.changed()  # the follow-ups this run stored are our own
            return agenda

    @overload
    def advice(self, item: AgendaItem) -> tuple[dict, list[str]]: ...
    @overload
    def advice(self, item: AgendaItem, *, wait: bool) -> tuple[dict, list[str]] | None: ...
    def advice(self, item: AgendaItem, *, wait: bool = True) -> tuple[dict, list[str]] | None:
        """One agenda item's tips and suggestions (JSON), and the run's problems once they are known.

        Plugins run under the lock like any engine work. With `wait` false (the UI
        thread), None when another run holds it, rather than freezing the screen.
        """
        with self._turn(blocking=wait) as mine:
            if not mine:
                return None
            try:
                return budget.guarded(lambda: (item.advice_json(), self.session.runtime.messages()))
            finally:
                self._own_writes()

    def prepare_advice(self, agenda: Agenda, contact_ids: list[int]) -> None:
        """These contacts' advice worked out (or found kept) at once, under the lock."""
        with self._turn():
            try:
                budget.guarded(agenda.advisor.prepare, contact_ids)
            finally:
                self._own_writes()

    def contact_advice(self, contact_id: int) -> tuple[dict, list[str]]:
        """A contact's agenda advice (`engine.agenda.contact_advice`), under the lock."""
        # lazy for start-up: the engine loads in the worker, after the first paint
        from ..engine.agenda import contact_advice

        with self._turn():
            try:
                return budget.guarded(contact_advice, self.session, contact_id)
            finally:
                self._own_writes()

    def _own_writes(self) -> None:
        """Advice worked out is kept in the database: that write is ours, not another process's to reload for."""
        if self.watcher is not None:
            self.watcher.changed()

    def run(self, func, *args, **kwargs):
        """Anything else that touches the runtime (writes that reschedule, reloads)."""
        with self._turn():
            return budget.guarded(func, *args, **kwargs)

    def reload_rules(self) -> None:
        with self._turn():
            self.session.reload_runtime()
            budget.guarded(lambda: self.session.runtime)  # load now, inside the worker, not later on the UI thread
            self.version += 1
