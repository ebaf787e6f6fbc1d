"""What one calendar item holds, independent of the library that writes it.

The export file, the CalDAV publisher and the export-state record all work
from `Entry` values; only `components.py` knows about `ics`. The fingerprint
covers what a calendar shows, so a change anywhere (a new date, a new tip, a
renamed contact) is noticed and SEQUENCE rises even when the follow-up's own
record did not change.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field, replace
from typing import Literal

Kind = Literal["VEVENT", "VTODO"]

#: Every UID keepwarm writes ends with this; the publisher only touches these.
UID_DOMAIN = "@keepwarm"
UID_PREFIX = "keepwarm-"

ACTIVE = {"VEVENT": "CONFIRMED", "VTODO": "NEEDS-ACTION"}
CANCELLED = "CANCELLED"
COMPLETED = "COMPLETED"


@dataclass(frozen=True)
class Entry:
    uid: str
    kind: Kind
    summary: str
    start: dt.date | dt.datetime  # a date (all day) or an aware UTC datetime
    description: str = ""
    end: dt.date | dt.datetime | None = None
    status: str = "CONFIRMED"
    categories: tuple[str, ...] = ()
    rrule: str | None = None
    alarm_minutes: int | None = None
    sequence: int = 0
    last_modified: dt.datetime | None = None
    completed: dt.datetime | None = None
    followup_id: int | None = None
    extra: tuple[tuple[str, str], ...] = field(default=())
    alarm_at: dt.time | None = None  # an all-day item's reminder: this time of its own day
    stamp: dt.datetime | None = None  # DTSTAMP: when this version was first written (None: the export's time)

    @property
    def all_day(self) -> bool:
        return not isinstance(self.start, dt.datetime)

    @property
    def active(self) -> bool:
        return self.status not in (CANCELLED, COMPLETED)

    def fingerprint(self) -> str:
        """A digest of what the calendar shows; SEQUENCE and stamps are left out on purpose.

        Kept on the (frozen) entry once computed: an export asks for it twice per entry.
        """
        digest = self.__dict__.get("_fingerprint")
        if digest is None:
            shown: tuple[object, ...] = (
                self.kind,
                self.summary,
                self.description,
                _iso(self.start),
                _iso(self.end),
                self.status,
                self.categories,
                self.rrule,
                self.alarm_minutes,
                _iso(self.completed),
                self.extra,
            )
            if self.alarm_at is not None:  # only all-day items have one: timed items keep their old digest
                shown += (self.alarm_at.isoformat(),)
            digest = hashlib.sha256(repr(shown).encode("utf-8")).hexdigest()[:20]
            object.__setattr__(self, "_fingerprint", digest)
        return digest

    def with_sequence(self, sequence: int) -> "Entry":
        return replace(self, sequence=sequence)


def _iso(value: dt.date | dt.datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def short_hash(*parts: object) -> str:
    return hashlib.sha256("\x1f".join(str(p) for p in parts).encode("utf-8")).hexdigest()[:12]


def is_ours(uid: str) -> bool:
    return uid.startswith(UID_PREFIX) and uid.endswith(UID_DOMAIN)
