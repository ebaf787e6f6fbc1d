"""The Textual app. Only this package imports textual or rich."""

from __future__ import annotations

from ..home.session import Session


def run(session: Session) -> None:
    """The app on the session's database; again on another when the user changes books (the demo book, and back)."""
    from .app import KeepwarmApp  # lazy for start-up: textual loads when the app starts

    own = session.db_path
    while True:
        app = KeepwarmApp(session, own_book=own)
        app.run()
        if app.next_book is None:
            return
        following = session.for_database(app.next_book)
        session.close()
        session = following
