"""What a calendar selection covers, made into entries a chunk at a time.

An export of every open follow-up at 50,000 contacts (62,000 events, 280 MB of text) held every
contact and follow-up as models, then every entry with its notes (about 6 KB each) in three lists
before the first byte was written: 1.5 GB. The file is written in date order, and what orders it
needs no notes: a first pass (`survey`) reads the book a few hundred contacts at a time and keeps,
for each entry, where it stands (its start, its UID) and what it is made from (a `Slot`, a few
hundred bytes). The entries are then made in that order a chunk at a time, each chunk's contacts,
follow-ups, warnings and advice read for it alone, and each entry settled against the target's
record (`state.settle_current`, `settle_gone`) as it is written. `calendar publish` lists the
same entries from the same slots, in the order they were found.

The entries are those `state.settle` and `components.build_calendar` would make of the whole list
(the same bytes, tests/test_calendar_stream.py): the follow-ups, the yearly dates, then what the
target had that is gone; of the entries sharing a UID (a date given twice), one of each equal
event and the first to-do is written, and the last one's record kept.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field, replace
from itertools import count, islice
from typing import NamedTuple, TypeVar

from ..errors import NotFound
from ..home.session import Session
from ..model import Contact, FollowUp, stored_id
from ..plan import daily
from ..store import contacts as people
from ..store import followups as plans
from ..store import snapshots
from . import description as words
from . import events
from .advice import NONE, Consultation
from .components import start_key
from .entries import CANCELLED, COMPLETED, Entry, Kind
from .state import Record, forgotten, settle_current, settle_gone, stub

#: Entries made, settled and written together (their contacts, follow-ups and advice read at once).
CHUNK = 500
#: Contacts read together while the entries are listed (under the contact loader's 900, past which it
#: reads every contact's child rows).
READ = 800

FOLLOWUP, DATE, GONE = 0, 1, 2
T = TypeVar("T")


class Slot(NamedTuple):
    """One entry before it is made: where it stands in the file, and what it is made from."""

    start: str  # `components.start_key`: with the UID, the entry's place in the file
    uid: str
    position: int  # the order it was found in: of two entries with one UID, which comes first
    origin: int  # FOLLOWUP, DATE or GONE
    contact_id: int = 0
    ref: int = 0  # the follow-up's id, or the date's place among its contact's


def batched(items: Iterable[T], size: int) -> Iterator[list[T]]:
    it = iter(items)
    while chunk := list(islice(it, size)):
        yield chunk


@dataclass
class Tally:
    """What one writing of the entries gave: each UID's record, and how many of each status."""

    records: dict[str, Record] = field(default_factory=dict)
    counts: Counter = field(default_factory=Counter)

    def add(self, entry: Entry) -> None:
        self.counts["active" if entry.active else "completed" if entry.status == COMPLETED else "cancelled"] += 1


@dataclass
class Source:
    """The entries of a selection for one target: the open follow-ups due by the horizon (or on the
    target already: `keep`), yearly dates with `dates`, and, for an export, what the target had that
    is gone (`previous`, the target's record)."""

    session: Session
    kind: Kind
    days: int
    alarm_minutes: int | None
    alarm_at: dt.time
    dates: bool
    contact_ids: list[int] | None  # None: every contact
    consultation: Consultation | None
    keep: AbstractSet[str] = frozenset()
    previous: dict[str, Record] | None = None  # None: no record (publish): nothing gone is listed
    slots: dict[str, list[Slot]] = field(default_factory=dict)
    #: The daily plan of the follow-ups within the horizon (`_plan`): each one's day (None: later than the
    #: horizon, left out) and why it is not its own day. One not in it is not planned (on its own day).
    planned: dict[int, tuple[dt.date | None, str | None]] = field(default_factory=dict)
    #: UIDs found more than once: their first and last positions.
    repeated: dict[str, tuple[int, int]] = field(default_factory=dict)

    def survey(self) -> None:
        """Lists the slots (see the module): the book read `READ` contacts at a time, nothing kept of it."""
        session, kind, tz = self.session, self.kind, self.session.tz
        today = session.today
        until = today + dt.timedelta(days=self.days)
        position = count()
        found: list[Slot] = []
        self.planned = self._plan(until)
        for chunk in batched(self._contact_ids(), READ):
            with session.store.read() as conn:
                chosen = people.list_contacts(conn, ids=chunk)
                items = plans.list_followups(conn, contact_ids=chunk, statuses=plans.OPEN_STATES)
            allowed = {stored_id(c.id): c for c in chosen if not c.do_not_contact}
            for item in items:
                contact = allowed.get(item.contact_id)
                if contact is None:
                    continue
                uid = events.followup_uid(item, contact, kind)
                if plans.effective_due(item) > until and uid not in self.keep:
                    continue
                day = self.planned.get(stored_id(item.id), (None, None))[0]
                if day is None and stored_id(item.id) in self.planned:
                    continue  # later than the horizon (the daily capacity): a calendar that had it sees it go
                start = events.when(item, kind, tz=tz, today=today, planned=day)[0]
                found.append(
                    Slot(start_key(start, tz), uid, next(position), FOLLOWUP, item.contact_id, stored_id(item.id))
                )
            if self.dates and kind == "VEVENT":
                for cid, contact in allowed.items():
                    for index, date in enumerate(contact.dates):
                        start_text = start_key(events.anchor(date), tz)
                        found.append(Slot(start_text, events.date_uid(date, contact), next(position), DATE, cid, index))
        by_kind: dict[str, list[Slot]] = {kind: found}
        if self.previous:
            seen = {slot.uid for slot in found}
            gone = [uid for uid, r in self.previous.items() if uid not in seen and not forgotten(r, session.now)]
            with session.store.read() as conn:
                for uid in gone:
                    entry = self._gone(conn, uid, self.previous[uid]) or stub(uid, self.previous[uid])
                    by_kind.setdefault(entry.kind, []).append(
                        Slot(start_key(entry.start, tz), uid, next(position), GONE)
                    )
        times = Counter(slot.uid for slots in by_kind.values() for slot in slots)
        for slots in by_kind.values():
            slots.sort()  # by start, UID, then as found
            for slot in slots:
                if times[slot.uid] > 1:
                    first, _last = self.repeated.get(slot.uid, (slot.position, slot.position))
                    self.repeated[slot.uid] = (min(first, slot.position), max(_last, slot.position))
        self.slots = by_kind

    def _plan(self, until: dt.date) -> dict[int, tuple[dt.date | None, str | None]]:
        """The agenda's daily plan up to the horizon (plan/daily.py over the stored rows), so that the
        calendar shows each day what the agenda shows: nothing when no run stored results."""
        session = self.session
        if session.settings.agenda.capacity <= 0:
            return {}
        with session.store.read() as conn:
            stored = snapshots.stored_agenda(conn, session.today, days=(until - session.today).days)
        if stored is None:
            return {}
        rows = daily.plan(stored.items, on=stored.on, until=stored.until, capacity=session.settings.agenda.capacity)
        return {
            row["followup"]["id"]: (dt.date.fromisoformat(row["planned"]) if row["planned"] else None, row["plan_note"])
            for row in rows
        }

    def _contact_ids(self) -> list[int]:
        if self.contact_ids is not None:
            return sorted(self.contact_ids)
        with self.session.store.read() as conn:
            return [cid for cid, _account in people.contact_accounts(conn)]

    def contacts_in_order(self, kind: str) -> list[int]:
        """The contacts whose follow-ups' advice will be asked for, in the order it will be."""
        return list(dict.fromkeys(s.contact_id for s in self.slots.get(kind, ()) if s.origin == FOLLOWUP))

    # ------------------------------------------------------------ making the entries

    def entries(self, kind: str, tally: Tally) -> Iterator[Entry]:
        """The export's entries of `kind` in date order, settled, each distinct: a chunk made at a time."""
        previous = self.previous or {}
        now = self.session.now
        written: dict[str, list[Entry]] = {}  # the entries of a repeated UID written so far
        for chunk in batched(self.slots.get(kind, ()), CHUNK):
            for slot, entry, gone in self._made(chunk):
                before = previous.get(slot.uid)
                if gone:
                    if before is None:  # gone before it was ever written here: nothing to say
                        continue
                    final, record = settle_gone(slot.uid, before, entry, now)
                else:
                    assert entry is not None
                    final, record = settle_current(entry, before, now)
                tally.add(final)
                repeated = self.repeated.get(slot.uid)
                if repeated is None:
                    tally.records[slot.uid] = record
                    yield final
                    continue
                if slot.position == repeated[1]:
                    tally.records[slot.uid] = record
                same = written.setdefault(slot.uid, [])
                if (kind == "VTODO" and slot.position != repeated[0]) or final in same:
                    continue  # what the library's sets kept: one to-do per UID, one of each equal event
                same.append(final)
                yield final

    def current(self) -> Iterator[Entry]:
        """The selected entries (nothing gone, nothing settled) in the order they were found: for publish."""
        slots = sorted((s for s in self.slots.get(self.kind, ()) if s.origin != GONE), key=lambda s: s.position)
        for chunk in batched(slots, CHUNK):
            for _slot, entry, gone in self._made(chunk):
                if not gone:
                    assert entry is not None
                    yield entry

    def _made(self, chunk: Sequence[Slot]) -> Iterator[tuple[Slot, Entry | None, bool]]:
        """Each slot's entry, and whether it is gone: a gone one's entry is as the database holds it now,
        or None for its record's stub. An entry listed by the survey but closed or changed since (another
        process wrote in between) is gone too, so that a calendar that had it sees it cancelled."""
        session, previous = self.session, self.previous or {}
        advised = list(dict.fromkeys(s.contact_id for s in chunk if s.origin == FOLLOWUP))
        needed = sorted({s.contact_id for s in chunk if s.origin != GONE})
        with session.store.read() as conn:
            contacts = {stored_id(c.id): c for c in people.list_contacts(conn, ids=needed)} if needed else {}
            items = {}
            if advised:
                items = {
                    stored_id(f.id): f
                    for f in plans.list_followups(conn, contact_ids=advised, statuses=plans.OPEN_STATES)
                }
            gone = {s.uid: self._gone(conn, s.uid, previous[s.uid]) for s in chunk if s.origin == GONE}
        if self.consultation is not None and advised:
            self.consultation.prepare(advised)
        for slot in chunk:
            if slot.origin == GONE:
                yield slot, gone[slot.uid], True
                continue
            entry = self._entry(slot, contacts.get(slot.contact_id), items)
            if entry is not None and entry.uid == slot.uid:
                yield slot, entry, False
            elif slot.uid in previous:
                with session.store.read() as conn:
                    closing = self._gone(conn, slot.uid, previous[slot.uid])
                yield slot, closing, True

    def _entry(self, slot: Slot, contact: Contact | None, items: dict[int, FollowUp]) -> Entry | None:
        if contact is None:
            return None
        if slot.origin == DATE:
            if slot.ref >= len(contact.dates):
                return None
            date = contact.dates[slot.ref]
            return events.date_entry(date, contact, alarm_minutes=self.alarm_minutes, alarm_at=self.alarm_at)
        item = items.get(slot.ref)
        return self._followup_entry(item, contact) if item is not None else None

    def _followup_entry(self, item: FollowUp, contact: Contact) -> Entry:
        advice = self.consultation.advice_for(item.contact_id) if self.consultation is not None else NONE
        notes = words.describe(item, contact, advice.tips, advice.warnings, advice.suggestions)
        session = self.session
        planned, note = self.planned.get(stored_id(item.id), (None, None))
        return events.followup_entry(
            item,
            contact,
            notes,
            tz=session.tz,
            kind=self.kind,
            alarm_minutes=self.alarm_minutes,
            today=session.today,
            alarm_at=self.alarm_at,
            planned=planned,
            plan_note=note,
        )

    def _gone(self, conn, uid: str, record: Record) -> Entry | None:
        """A follow-up this target had, as the database holds it now (done, dismissed...; cancelled if
        still open but no longer selected); None when it is deleted, or was cancelled already."""
        if record.followup_id is None or record.cancelled_at is not None:
            return None
        try:
            item = plans.get_followup(conn, record.followup_id)
            contact = people.get_contact(conn, item.contact_id)
        except NotFound:  # deleted since: the record's own stub will do
            return None
        entry = events.followup_entry(item, contact, "", tz=self.session.tz, kind=self.kind)
        if entry.uid != uid:
            return None
        if entry.active:  # still open, but no longer selected (e.g. do-not-contact now)
            entry = replace(entry, status=CANCELLED, alarm_minutes=None, alarm_at=None, completed=None)
        return entry
