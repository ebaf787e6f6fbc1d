"""Choosing what goes into the calendar, and turning it into iCalendar text.

Shared by `keepwarm export ics` and `keepwarm calendar publish`: both see the
same entries for the same options. Open follow-ups due within the horizon are
in; so is any open follow-up this target received before, even if it has
since been snoozed past the horizon (the calendar must see it move, not
linger on the old day).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from .. import __version__
from ..home import paths
from ..home.session import Session
from ..model import stored_id
from ..store import contacts as people
from .advice import consult
from .components import build_calendar
from .entries import Entry, Kind
from .serialize import chunks
from .source import Source, Tally
from .state import ExportState, Record

if TYPE_CHECKING:
    from ..hosting.runtime import Runtime

PRODID = f"-//keepwarm//keepwarm {__version__}//EN"
STATE_FILE = "calendar-exports.json"


@dataclass(frozen=True)
class Selection:
    days: int
    alarm_minutes: int | None
    alarm_time: dt.time = dt.time(9, 0)  # all-day items remind on their own day, at this time
    contact: str | None = None
    account: str | None = None
    todo: bool = False
    dates: bool = False
    persist: bool = True

    @property
    def kind(self) -> Kind:
        return "VTODO" if self.todo else "VEVENT"


@dataclass
class Resolved:
    contact_id: int | None
    account_id: int | None

    def key(self, selection: Selection) -> str:
        parts = [selection.kind.lower()]
        if self.contact_id is not None:
            parts.append(f"contact={self.contact_id}")
        if self.account_id is not None:
            parts.append(f"account={self.account_id}")
        if selection.dates:
            parts.append("dates")
        return ",".join(parts)


def resolve(session: Session, selection: Selection) -> Resolved:
    with session.store.read() as conn:
        contact_id = people.resolve_contact(conn, selection.contact) if selection.contact else None
        account_id = people.resolve_account(conn, selection.account) if selection.account else None
    return Resolved(contact_id, account_id)


def focus_of(session: Session, resolved: Resolved) -> list[int] | None:
    """The contacts a --contact or --account selection covers (None: every contact)."""
    if resolved.contact_id is None and resolved.account_id is None:
        return None
    with session.store.read() as conn:
        chosen = people.list_contacts(
            conn,
            account_id=resolved.account_id,
            ids=[resolved.contact_id] if resolved.contact_id is not None else None,
        )
    return [stored_id(c.id) for c in chosen]


def source(
    session: Session,
    selection: Selection,
    resolved: Resolved,
    *,
    keep: AbstractSet[str] = frozenset(),
    previous: dict[str, Record] | None = None,
) -> Source:
    """The engine's run (the stored results brought up to date: `consult`), then the entries it leaves
    listed (`Source.survey`), to be made a chunk at a time as they are written."""
    focus = focus_of(session, resolved)
    consultation = consult(session, persist=selection.persist)
    found = Source(
        session,
        kind=selection.kind,
        days=selection.days,
        alarm_minutes=selection.alarm_minutes,
        alarm_at=selection.alarm_time,
        dates=selection.dates,
        contact_ids=focus,
        consultation=consultation,
        keep=keep,
        previous=previous,
    )
    found.survey()
    return found


def render_chunks(
    session: Session,
    entries: list[Entry],
    *,
    method: str | None = "PUBLISH",
    name: str | None = None,
    ordered: Callable[[str], Iterable[Entry]] | None = None,
) -> Iterator[bytes]:
    """A whole file (METHOD:PUBLISH, the calendar's name) or, for CalDAV, one bare object, as UTF-8 pieces.

    `entries` are sorted and made distinct first; `ordered` gives them in order as they are written.
    """
    calendar = build_calendar(
        entries,
        stamp=session.now,
        tz=session.tz,
        name=session.settings.calendar.name if name is None else name,
        prodid=PRODID,
        method=method,
        ordered=ordered,
    )
    return chunks(calendar)


def render(session: Session, entries: list[Entry], *, method: str | None = "PUBLISH", name: str | None = None) -> str:
    return b"".join(render_chunks(session, entries, method=method, name=name)).decode("utf-8")


def render_object(session: Session, entry: Entry) -> str:
    return render(session, [entry], method=None, name="")


@dataclass
class Export:
    """What an export will write; the entries are made as they are written (`chunks`), never held all."""

    session: Session
    source: Source
    state: ExportState
    key: str
    runtime: Runtime | None
    #: What the last writing gave (each UID's record, how many of each status): complete once `chunks` is.
    tally: Tally = field(default_factory=Tally)

    def chunks(self) -> Iterator[bytes]:
        tally = self.tally = Tally()
        if self.source.consultation is not None:
            self.source.consultation.expect(self.source.contacts_in_order(self.source.kind))
        return render_chunks(self.session, [], ordered=lambda kind: self.source.entries(kind, tally))

    @property
    def text(self) -> str:
        return b"".join(self.chunks()).decode("utf-8")

    @property
    def records(self) -> dict[str, Record]:
        return self.tally.records

    @property
    def counts(self) -> dict[str, int]:
        """How many of each status were written (once `chunks` has been)."""
        return {name: self.tally.counts[name] for name in ("active", "cancelled", "completed")}

    def commit(self, now: dt.datetime) -> None:
        """Remember what was written; call only once the file is safely in place."""
        self.state.update(self.key, self.records, now)
        self.state.save()


def state_path():
    return paths.data_dir() / STATE_FILE


def build_export(session: Session, selection: Selection, target: str) -> Export:
    resolved = resolve(session, selection)
    state = ExportState.load(state_path())
    book = session.db_path
    key = f"{book.expanduser().resolve() if isinstance(book, Path) else book}|{target}|{resolved.key(selection)}"
    previous = state.previous(key)
    keep = {uid for uid, r in previous.items() if r.cancelled_at is None}
    found = source(session, selection, resolved, keep=keep, previous=previous)
    runtime = found.consultation.runtime if found.consultation is not None else None
    return Export(session, found, state, key, runtime)


def publish_entries(
    session: Session, selection: Selection, remote_uids: set[str]
) -> tuple[Iterator[Entry], Runtime | None]:
    """What the server should hold: the same entries as an export, minus cancellations, made as they are read."""
    resolved = resolve(session, selection)
    found = source(session, selection, resolved, keep=remote_uids)
    if found.consultation is not None:
        found.consultation.expect(found.contacts_in_order(found.kind))
    runtime = found.consultation.runtime if found.consultation is not None else None
    return found.current(), runtime
