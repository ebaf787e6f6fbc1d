"""Every contact's result as of now, for the screens that show the whole book: dashboard, contacts, accounts.

They read what engine runs stored (`store/results.py`), brought up to date first by `refresh`,
which evaluates only what changed since the last run (nothing, after an agenda): no screen runs
the engine over the whole book in one piece. A book that cannot be written stores nothing: runs
as of now that store nothing, a group of the book at a time (engine/unstored.py), give the same
rows in place of the stored ones (one way of building a row, as the agenda's). Account health is the engine's (`health.account_health`), from the
members' scores and the account's warnings.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ..api.types import Warning
from ..home.session import Session
from ..store import contacts as people
from ..store import results as stored
from ..store.results import ContactResult

if TYPE_CHECKING:  # the engine loads on first use: the TUI paints its first screen without it
    from ..engine.evaluate import Evaluation
    from ..engine.health import Health
    from ..hosting.runtime import Runtime


@dataclass
class Results:
    """Every contact with its result, and every account's warnings (JSON), as of one refresh."""

    today: dt.date
    runtime: Runtime
    contacts: list[ContactResult]
    account_warnings: dict[int, list[dict]]
    #: The run that brought the stored results up to date (None: nothing had changed, no plugin ran).
    evaluation: Evaluation | None = None
    _account_health: dict[int, Health] | None = field(default=None, repr=False)

    def interval_days(self, contact: ContactResult) -> int:
        """The contact's rhythm; the default for one no run has evaluated."""
        if contact.result is None:
            return self.runtime.engine.default_interval_days
        return contact.result.figures.interval_days

    def account_health(self) -> dict[int, Health]:
        """Each account with members: its health from theirs, as the engine works it out (once)."""
        if self._account_health is not None:
            return self._account_health
        # lazy for start-up: the engine loads on first use
        from ..engine.health import Health, account_health

        members: dict[int, list[tuple[Health, str]]] = {}
        for c in self.contacts:
            if c.account_id is not None and c.result is not None:
                members.setdefault(c.account_id, []).append((Health(c.result.score, c.result.band), c.tier))
        cfg = self.runtime.health
        self._account_health = {
            aid: account_health(found, [Warning(**w) for w in self.account_warnings.get(aid, ())], cfg)
            for aid, found in members.items()
        }
        return self._account_health


def current(session: Session) -> Results:
    """The stored results brought up to date (`refresh`), read for every contact; for a book that cannot be
    written, the results of runs as of now that store nothing, a group of the book at a time."""
    # lazy for start-up: the engine and its plugins load only when a run is needed
    from ..engine.evaluate import refresh
    from ..engine.unstored import as_of  # lazy for start-up, as the engine's run

    if session.store.read_only:
        with session.store.read() as conn:
            everyone = [cid for cid, _ in people.contact_accounts(conn)]
        given = as_of(session, session.now, everyone, words=False)
        with session.store.read() as conn:
            contacts = stored.contact_results(conn, results=given.result)
        given.close()
        return Results(session.today, session.runtime, contacts, given.account_warnings)
    evaluation = refresh(session)
    with session.store.read() as conn:
        contacts = stored.contact_results(conn)
        shared = stored.account_warnings(conn)
    return Results(session.today, session.runtime, contacts, shared, evaluation)
