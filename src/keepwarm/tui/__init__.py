"""The Textual app. Only this package imports textual or rich."""

from __future__ import annotations

from ..session import Session


def run(session: Session) -> None:
    from .app import KeepwarmApp

    KeepwarmApp(session).run()
