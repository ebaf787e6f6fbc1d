"""What every data screen shares: load in a worker, show on the UI thread, reload when stale.

A screen implements `fetch()` (runs in a thread, calls core functions, returns
plain data) and `show(data)` (runs on the UI thread, only renders). The
screen reloads when it comes back into view after the data changed.
"""

from __future__ import annotations

import inspect
from collections.abc import Awaitable
from typing import TYPE_CHECKING

from textual import work
from textual.screen import Screen
from textual.widget import Widget
from textual.worker import get_current_worker

from ...errors import NotFound, UserError
from ..keys import OwnKeysFirst

if TYPE_CHECKING:
    from textual import getters

    from ..app import KeepwarmApp


class DataScreen(OwnKeysFirst, Screen):
    if TYPE_CHECKING:  # the app these screens run in, as the type checker sees `self.app`
        app = getters.app(KeepwarmApp)
    #: The widget that shows the loading indicator during the first load.
    LOADING_TARGET = "#body"

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.loaded_version = -1
        self.loaded_once = False

    # The app's current contact for `l` (log) and the palette; screens override.
    def selected_contact(self) -> tuple[int, str] | None:
        return None

    def on_screen_resume(self) -> None:
        if self.loaded_version != self.app.gate.version:
            self.reload()

    def reload(self) -> None:
        if not self.loaded_once:
            target = self._loading_target()
            if target is not None:
                target.loading = True
        self._load(self.app)

    def _loading_target(self) -> Widget | None:
        try:
            return self.query_one(self.LOADING_TARGET)
        except Exception:
            return None

    @work(thread=True, exclusive=True, group="load")
    def _load(self, app) -> None:
        """`app` is taken on the UI thread: a worker that starts as the app closes has no active app to ask for."""
        worker = get_current_worker()
        version = app.gate.version
        try:
            data = self.fetch()
        except NotFound as exc:  # what the screen shows is gone (undone, deleted by another window)
            if not worker.is_cancelled:
                self._hand_back(app, self._left_the_book, exc.message)
            return
        except UserError as exc:
            if not worker.is_cancelled:
                self._hand_back(app, self._failed, exc.message)
            return
        if not worker.is_cancelled:
            self._hand_back(app, self._loaded, data, version)

    @staticmethod
    def _hand_back(app, callback, *args) -> None:
        try:
            app.call_from_thread(callback, *args)
        except RuntimeError:  # the app closed meanwhile: nobody is left to show it to
            pass

    async def _loaded(self, data, version: int) -> None:
        target = self._loading_target()
        if target is not None:
            target.loading = False
        self.loaded_version = version
        self.loaded_once = True
        result = self.show(data)
        if inspect.isawaitable(result):
            await result

    def _failed(self, message: str) -> None:
        target = self._loading_target()
        if target is not None:
            target.loading = False
        self.notify(message, title="Could not load", severity="error")

    def _left_the_book(self, message: str) -> None:
        """What the screen shows is no longer in the book; a screen of one record closes instead (ContactScreen)."""
        self._failed(message)

    def fetch(self):  # pragma: no cover - each screen defines it
        raise NotImplementedError

    def show(self, data) -> Awaitable[None] | None:  # pragma: no cover - each screen defines it (sync or async)
        raise NotImplementedError
