"""Choosing what goes into the calendar, and turning it into iCalendar text.

Shared by `keepwarm export ics` and `keepwarm calendar publish`: both see the
same entries for the same options. Open follow-ups due within the horizon are
in; so is any open follow-up this target received before, even if it has
since been snoozed past the horizon (the calendar must see it move, not
linger on the old day).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from .. import __version__
from ..errors import NotFound
from ..home import paths
from ..home.session import Session
from ..model import Contact, FollowUp, stored_id
from ..store import contacts as people
from ..store import followups as plans
from . import description as words
from . import events
from .advice import NONE, Advice, AdviceFor, consult
from .components import build_calendar
from .entries import CANCELLED, COMPLETED, Entry, Kind
from .serialize import chunks
from .state import ExportState, Record, settle

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


@dataclass
class Gathered:
    """Everything the selection covers, read in one transaction after the engine ran."""

    contacts: dict[int, Contact]
    open_items: list[FollowUp]
    runtime: Runtime | None = None
    advice_for: AdviceFor = field(default=lambda _cid: NONE)


def resolve(session: Session, selection: Selection) -> Resolved:
    with session.store.read() as conn:
        contact_id = people.resolve_contact(conn, selection.contact) if selection.contact else None
        account_id = people.resolve_account(conn, selection.account) if selection.account else None
    return Resolved(contact_id, account_id)


def gather(session: Session, selection: Selection, resolved: Resolved, *, with_advice: bool = True) -> Gathered:
    """The engine's run, then the contacts and open follow-ups as they stand after it.

    Read with the store's loaders, as the engine reads them (`list_contacts`,
    `list_followups`, which do not validate every row again).
    """
    focus: list[int] | None = None
    if resolved.contact_id is not None or resolved.account_id is not None:
        with session.store.read() as conn:
            chosen = people.list_contacts(
                conn,
                account_id=resolved.account_id,
                ids=[resolved.contact_id] if resolved.contact_id is not None else None,
            )
        focus = [stored_id(c.id) for c in chosen]
    consultation = consult(session, focus, persist=selection.persist) if with_advice else None
    with session.store.read() as conn:
        if focus is None:
            contacts = {stored_id(c.id): c for c in people.list_contacts(conn)}
        else:
            contacts = {stored_id(c.id): c for c in people.list_contacts(conn, ids=focus)} if focus else {}
        items = [f for f in plans.list_followups(conn, statuses=plans.OPEN_STATES) if f.contact_id in contacts]
    allowed = {cid: c for cid, c in contacts.items() if not c.do_not_contact}
    if consultation is not None:
        consultation.prepare(f.contact_id for f in items if f.contact_id in allowed)
    return Gathered(
        contacts=allowed,
        open_items=[f for f in items if f.contact_id in allowed],
        runtime=consultation.runtime if consultation else None,
        advice_for=consultation.advice_for if consultation else (lambda _cid: NONE),
    )


def _followup_entry(session: Session, selection: Selection, item: FollowUp, contact: Contact, advice: Advice) -> Entry:
    notes = words.describe(item, contact, advice.tips, advice.warnings, advice.suggestions)
    return events.followup_entry(
        item,
        contact,
        notes,
        tz=session.tz,
        kind=selection.kind,
        alarm_minutes=selection.alarm_minutes,
        today=session.today,
        alarm_at=selection.alarm_time,
    )


def current_entries(
    session: Session, selection: Selection, gathered: Gathered, keep: AbstractSet[str] = frozenset()
) -> list[Entry]:
    """Open follow-ups due by the horizon (or already on this target), then yearly dates."""
    until = session.today + dt.timedelta(days=selection.days)
    out: list[Entry] = []
    for item in gathered.open_items:
        contact = gathered.contacts[item.contact_id]
        uid = events.followup_uid(item, contact, selection.kind)
        if plans.effective_due(item) > until and uid not in keep:
            continue
        out.append(_followup_entry(session, selection, item, contact, gathered.advice_for(item.contact_id)))
    if selection.dates and selection.kind == "VEVENT":
        for contact in gathered.contacts.values():
            for date in contact.dates:
                out.append(
                    events.date_entry(
                        date,
                        contact,
                        alarm_minutes=selection.alarm_minutes,
                        alarm_at=selection.alarm_time,
                    )
                )
    return out


def closing_entries(
    session: Session, selection: Selection, previous: dict[str, Record], current: set[str]
) -> dict[str, Entry]:
    """Follow-ups this target had that are gone now, as they stand in the database (done, dismissed...)."""
    wanted = {
        uid: r.followup_id
        for uid, r in previous.items()
        if uid not in current and r.followup_id is not None and r.cancelled_at is None
    }
    out: dict[str, Entry] = {}
    if not wanted:
        return out
    with session.store.read() as conn:
        for uid, followup_id in wanted.items():
            try:
                item = plans.get_followup(conn, followup_id)
                contact = people.get_contact(conn, item.contact_id)
            except NotFound:  # deleted since: the record's own stub will do
                continue
            entry = events.followup_entry(item, contact, "", tz=session.tz, kind=selection.kind)
            if entry.uid != uid:
                continue
            if entry.active:  # still open, but no longer selected (e.g. do-not-contact now)
                entry = _as_cancelled(entry)
            out[uid] = entry
    return out


def _as_cancelled(entry: Entry) -> Entry:
    return replace(entry, status=CANCELLED, alarm_minutes=None, alarm_at=None, completed=None)


def render_chunks(
    session: Session, entries: list[Entry], *, method: str | None = "PUBLISH", name: str | None = None
) -> Iterator[bytes]:
    """A whole file (METHOD:PUBLISH, the calendar's name) or, for CalDAV, one bare object, as UTF-8 pieces."""
    calendar = build_calendar(
        entries,
        stamp=session.now,
        tz=session.tz,
        name=session.settings.calendar.name if name is None else name,
        prodid=PRODID,
        method=method,
    )
    return chunks(calendar)


def render(session: Session, entries: list[Entry], *, method: str | None = "PUBLISH", name: str | None = None) -> str:
    return b"".join(render_chunks(session, entries, method=method, name=name)).decode("utf-8")


def render_object(session: Session, entry: Entry) -> str:
    return render(session, [entry], method=None, name="")


@dataclass
class Export:
    """What an export will write; the text is made as it is written (`chunks`), never held whole."""

    session: Session
    entries: list[Entry]
    state: ExportState
    key: str
    records: dict[str, Record]
    runtime: Runtime | None

    def chunks(self) -> Iterator[bytes]:
        return render_chunks(self.session, self.entries)

    @property
    def text(self) -> str:
        return b"".join(self.chunks()).decode("utf-8")

    @property
    def counts(self) -> dict[str, int]:
        active = sum(1 for e in self.entries if e.active)
        completed = sum(1 for e in self.entries if e.status == COMPLETED)
        return {"active": active, "cancelled": len(self.entries) - active - completed, "completed": completed}

    def commit(self, now: dt.datetime) -> None:
        """Remember what was written; call only once the file is safely in place."""
        self.state.update(self.key, self.records, now)
        self.state.save()


def state_path():
    return paths.data_dir() / STATE_FILE


def build_export(session: Session, selection: Selection, target: str) -> Export:
    resolved = resolve(session, selection)
    state = ExportState.load(state_path())
    key = f"{session.db_path.expanduser().resolve()}|{target}|{resolved.key(selection)}"
    previous = state.previous(key)
    gathered = gather(session, selection, resolved)
    keep = {uid for uid, r in previous.items() if r.cancelled_at is None}
    current = current_entries(session, selection, gathered, keep)
    closing = closing_entries(session, selection, previous, {e.uid for e in current})
    entries, records = settle(previous, current, closing, session.now)
    return Export(session, entries, state, key, records, gathered.runtime)


def publish_entries(
    session: Session, selection: Selection, remote_uids: set[str]
) -> tuple[list[Entry], Runtime | None]:
    """What the server should hold: the same entries as an export, minus cancellations."""
    resolved = resolve(session, selection)
    gathered = gather(session, selection, resolved)
    return current_entries(session, selection, gathered, remote_uids), gathered.runtime
