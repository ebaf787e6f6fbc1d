"""The sync action (`y`): the user's mail and calendars read into touches, address books synced both ways,
the app answering all along.

`keepwarm.sources.sync.sync` (what `keepwarm sync` runs) works in a thread
worker; its progress reaches the line under the header as messages, and its
summary, one line per source, comes as a notice when it is done, the screens
then recomputing as after any write. One sync at a time: a second `y` says one
is running.

A reader can sit in a call that does not come back soon (an IMAP server that
stopped answering): the sync runs in a daemon thread the worker waits on, so
that quitting sets the cancel event, stops waiting and leaves at once. The core
checks the event between items and saves at checkpoints in one transaction, so
a sync left that way has written nothing half; the next one resumes there.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING

from textual import work
from textual.message import Message
from textual.reactive import reactive

from ..errors import UserError

if TYPE_CHECKING:
    from textual.app import App

    from ..home.session import Session
    from ..sources.address_book import BookSummary
    from ..sources.sync import SourceSummary
    from .workers import EngineGate

    # To the type checker the mixin is the app it is mixed into; at run time it adds to KeepwarmApp's bases.
    _App = App[None]
else:
    _App = object

#: What to type to connect a first source (the same words as `keepwarm source add --help`).
FIRST_SOURCE = "keepwarm source add maildir ~/Mail/work"


def progress_line(name: str, done: int, total: int | None) -> str:
    return f"Syncing {name}: {done:,} of {total:,}" if total else f"Syncing {name}: {done:,} read"


class SyncProgress(Message):
    """How far the sync is, posted from the syncing thread (`post_message` is thread-safe)."""

    def __init__(self, name: str, done: int, total: int | None) -> None:
        super().__init__()
        self.name, self.done, self.total = name, done, total


@dataclass
class _Outcome:
    """What the sync thread leaves for the worker waiting on it: the summaries, or what stopped it."""

    summaries: list[SourceSummary | BookSummary] | None = None
    problem: str | None = None


class Syncing(_App):
    """The sync action, mixed into `KeepwarmApp` (its gate, session, notices and `data_changed`)."""

    if TYPE_CHECKING:  # what KeepwarmApp gives the mixin
        session: Session
        gate: EngineGate

        def data_changed(self) -> None: ...

    #: What the line under the header says about the sync ("" when none runs); every NavBar shows it.
    sync_line: reactive[str] = reactive("")

    #: The running sync's cancel event (None when none runs), and the event its worker waits on.
    _sync_cancel: threading.Event | None = None
    _sync_over: threading.Event | None = None

    @property
    def syncing(self) -> bool:
        return self._sync_cancel is not None

    def action_sync(self) -> None:
        if self.syncing:
            self.notify("A sync is running: its summary comes when it is done.", severity="warning")
            return
        self._sync_cancel, self._sync_over = threading.Event(), threading.Event()
        self.sync_line = "Syncing…"
        self._sync(self._sync_cancel, self._sync_over)

    def stop_sync(self) -> None:
        """The app is leaving: the sync stops at its next item and nobody waits for it."""
        if self._sync_cancel is not None and self._sync_over is not None:  # both are set together
            self._sync_cancel.set()
            self._sync_over.set()

    def exit(self, *args, **kwargs) -> None:
        self.stop_sync()
        super().exit(*args, **kwargs)

    @work(thread=True, exclusive=True, group="sync")
    def _sync(self, cancel: threading.Event, over: threading.Event) -> None:
        try:
            configured = self._sources_configured()
        except UserError as exc:
            self.call_from_thread(self._sync_ended, None, exc.message)
            return
        if not configured:
            self.call_from_thread(self._sync_ended, None, None)
            return
        outcome = _Outcome()

        def run() -> None:
            from ..sources.sync import sync  # lazy for start-up: the sync and its readers load with the first sync

            try:
                outcome.summaries = sync(self.session, progress=self._progress, cancel=cancel, engine=self.gate.run)
            except UserError as exc:
                outcome.problem = exc.message
            except BaseException as exc:  # noqa: BLE001 - said in the notice; the thread must end quietly
                outcome.problem = f"the sync stopped: {exc}" if not cancel.is_set() else ""
            finally:
                over.set()

        threading.Thread(target=run, name="keepwarm-sync", daemon=True).start()
        over.wait()
        if cancel.is_set():
            return  # quitting: the app is gone or going
        self.call_from_thread(self._sync_ended, outcome.summaries, outcome.problem)

    def _sources_configured(self) -> bool:
        """Whether config.toml names a source, read afresh: the user may have added one in another terminal
        after being told how (`session.settings` is read once per session otherwise)."""
        self.session.__dict__.pop("settings", None)  # the settings given to the session, if any, stay as they are
        return bool(self.session.settings.sources)

    def _progress(self, name: str, done: int, total: int | None) -> None:
        """Called from the syncing thread: handed to the app's own thread as a message, never waited on."""
        try:
            self.post_message(SyncProgress(name, done, total))
        except RuntimeError:  # the app's loop is closed: it has quit
            pass

    def on_sync_progress(self, message: SyncProgress) -> None:
        if self.syncing:
            self.sync_line = progress_line(message.name, message.done, message.total)

    def _sync_ended(self, summaries: list[SourceSummary | BookSummary] | None, problem: str | None) -> None:
        self._sync_cancel = self._sync_over = None
        self.sync_line = ""
        if summaries is None:
            if problem:
                self.notify(problem, title="Not synced", severity="error", markup=False)
            else:
                self.notify(
                    f"No mail or calendar source yet. Connect one in a terminal, e.g. `{FIRST_SOURCE}`, "
                    "then press y again.",
                    title="Nothing to sync",
                    severity="warning",
                    markup=False,
                    timeout=15,
                )
            return
        lines = [s.line() for s in summaries]  # the words of `keepwarm sync`
        unknown = sum(s.unknown for s in summaries)
        if unknown:
            lines.append("People you talk to who are not contacts yet: press n on the agenda.")
        if any(getattr(s, "waiting", None) for s in summaries):
            lines.append(
                "Address book cards waiting for you: press Y to see them side by side and keep mine or theirs."
            )
        # An address book's conflicts and cards it could not read wait for the user: said as a warning too.
        failed = any(s.problem or getattr(s, "unreadable", None) or getattr(s, "waiting", None) for s in summaries)
        self.notify(
            "\n".join(lines) or "Nothing to sync.",
            title="Synced" if not failed else "Synced, with problems",
            severity="warning" if failed else "information",
            markup=False,
            timeout=15,
        )
        self.data_changed()
