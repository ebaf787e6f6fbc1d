"""The bridge between worker threads and the core.

Every screen loads its data in a thread worker. Engine runs share the
session's runtime (the plugin host records problems as it goes), so they take
turns under one lock; one evaluation is kept per version of the data and
reused by the screens until a write bumps the version.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

from ..session import Session

if TYPE_CHECKING:  # the engine (plugins, rule packs) loads in the first worker that runs it, not at start-up
    from ..engine.agenda import Agenda, AgendaItem
    from ..engine.evaluate import Evaluation


class EngineGate:
    def __init__(self, session: Session) -> None:
        self.session = session
        self.lock = threading.RLock()
        self.version = 0
        self._evaluation: Evaluation | None = None
        self._evaluated_at = -1
        self._persisted = False
        #: Set by the app: told about the gate's own writes, so that they are not taken for news.
        self.watcher = None

    def changed(self) -> int:
        """The data (or the rules) changed: later loads run the engine again."""
        with self.lock:
            self.version += 1
            return self.version

    def evaluation(self) -> Evaluation:
        from ..engine.evaluate import evaluate

        with self.lock:
            if self._evaluation is None or self._evaluated_at != self.version:
                version = self.version
                self._evaluation = evaluate(self.session, persist=False)
                self._evaluated_at, self._persisted = version, False
            return self._evaluation

    def agenda(self, days: int = 7, *, advice: bool = True) -> Agenda:
        """The agenda; its engine run stores the follow-ups the rules propose.

        Without `advice`, items get their tips and suggestions through `advice()`, as they are looked at.
        """
        from ..engine.agenda import build_agenda

        with self.lock:
            version = self.version
            reuse = self._evaluation if (self._persisted and self._evaluated_at == version) else None
            agenda = build_agenda(self.session, days=days, evaluation=reuse, advice=advice)
            if self.watcher is not None:
                self.watcher.changed()  # the follow-ups this run stored are our own
            self._evaluation, self._evaluated_at, self._persisted = agenda.evaluation, version, True
            return agenda

    def advice(self, item: AgendaItem, *, wait: bool = True) -> tuple[dict, list[str]] | None:
        """One agenda item's tips and suggestions (JSON), and the run's problems once they are known.

        Plugins run under the lock like any engine work. With `wait` false (the UI
        thread), None when another run holds it, rather than freezing the screen.
        """
        if not self.lock.acquire(blocking=wait):
            return None
        try:
            return item.advice_json(), item.evaluation.runtime.messages()
        finally:
            self.lock.release()

    def contact_advice(self, contact_id: int) -> tuple[dict, list[str]]:
        """A contact's agenda advice from a run over it alone (`engine.agenda.contact_advice`), under the lock."""
        from ..engine.agenda import contact_advice

        with self.lock:
            return contact_advice(self.session, contact_id)

    def run(self, func, *args, **kwargs):
        """Anything else that touches the runtime (writes that reschedule, reloads)."""
        with self.lock:
            return func(*args, **kwargs)

    def reload_rules(self) -> None:
        with self.lock:
            self.session.reload_runtime()
            self.session.runtime  # noqa: B018 - load now, inside the worker, not later on the UI thread
            self.version += 1
