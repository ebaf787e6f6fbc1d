"""What a source plugin hands to keepwarm: kinds, and the items a reader yields.

A reader sees only its own settings and where it stopped last time; it never
sees the book. It turns the store it reads (a Maildir, an IMAP folder, a
calendar) into plain items: `Capture` (a message or an event, with the people
on it by address), `Skip` (an item it could not or should not turn into a
touch, with the reason), `Gone` (an item that no longer exists), `Progress`
(for the progress bar) and `Checkpoint` (everything yielded so far may be
saved, with the cursor to resume from). The core decides everything else:
which addresses are contacts, the direction (from the user's own addresses),
replies and unanswered mail, follow-ups met. So a third-party source needs to
know nothing about keepwarm's rules, and a reader cannot write half a sync.

Frozen, slotted dataclasses that check their own fields when built (as the
engine's results do): a reader yields tens of thousands of them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from pydantic import BaseModel

from ..model import Channel, Direction, Outcome, Purpose

#: What a person was on an item: the sender and recipients of a message, the organizer and attendees of an event.
ROLES = ("from", "to", "cc", "organizer", "attendee")
#: The longest text field kept (subjects, names, ids); longer ones are cut by the core, not refused.
MAX_FIELD = 998


class CaptureError(ValueError):
    """A reader built an item that breaks the rules below: the item is skipped and counted."""


def _text(name: str, value: Any, *, empty: bool = True) -> None:
    if not isinstance(value, str):
        raise CaptureError(f"{name} must be text, not {type(value).__name__}")
    if not empty and not value.strip():
        raise CaptureError(f"{name} must not be empty")


def _moment(name: str, value: Any) -> None:
    if not isinstance(value, dt.datetime) or value.tzinfo is None or value.utcoffset() is None:
        raise CaptureError(f"{name} must be a datetime with its time zone")


@dataclass(frozen=True, slots=True)
class Person:
    """Someone on a message or event, by address (`name` as the header or calendar gave it)."""

    address: str
    role: Literal["from", "to", "cc", "organizer", "attendee"]
    name: str = ""
    #: An attendee's answer, as iCalendar's PARTSTAT spells it (ACCEPTED, DECLINED, TENTATIVE, NEEDS-ACTION); "" for mail.
    status: str = ""

    def __post_init__(self) -> None:
        _text("address", self.address, empty=False)
        _text("name", self.name)
        _text("status", self.status)
        if self.role not in ROLES:
            raise CaptureError(f"role must be one of {', '.join(ROLES)}, not {self.role!r}")


@dataclass(frozen=True, slots=True)
class Capture:
    """One message or event, as the source holds it.

    `external_id` is stable within the source and names this item forever
    (a Message-ID, "UIDVALIDITY:UID" of an IMAP folder, an event's UID and
    RECURRENCE-ID): syncing it again updates the touches it made, never adds
    them twice. `at` is when it happened (a message's Date, an event's start).
    `direction` None lets the core decide it: an item whose "from" or
    "organizer" is one of the user's own addresses is outbound, any other is
    inbound. `message_id` is what replies name in `replies_to` (In-Reply-To
    first, then References). `outcome` is CANCELLED for a cancelled event; an
    attendee who declined says so in their `status`. `sequence` is iCalendar's
    SEQUENCE: a later one with another start is a rescheduled meeting.
    `subject` is kept only when the user turns that on; bodies never reach here.
    """

    external_id: str
    at: dt.datetime
    channel: Channel
    people: tuple[Person, ...]
    direction: Direction | None = None
    purpose: Purpose | None = None
    outcome: Outcome = Outcome.COMPLETED
    message_id: str = ""
    replies_to: tuple[str, ...] = ()
    subject: str = ""
    sequence: int = 0

    def __post_init__(self) -> None:
        _text("external_id", self.external_id, empty=False)
        _moment("at", self.at)
        for name, kind, value in (("channel", Channel, self.channel), ("outcome", Outcome, self.outcome)):
            if not isinstance(value, kind):
                raise CaptureError(f"{name} must be a {kind.__name__}, not {value!r}")
        if self.direction is not None and not isinstance(self.direction, Direction):
            raise CaptureError(f"direction must be a Direction or None, not {self.direction!r}")
        if self.purpose is not None and not isinstance(self.purpose, Purpose):
            raise CaptureError(f"purpose must be a Purpose or None, not {self.purpose!r}")
        if not isinstance(self.people, tuple) or not all(isinstance(p, Person) for p in self.people):
            raise CaptureError("people must be a tuple of Person")
        if not isinstance(self.replies_to, tuple) or not all(isinstance(r, str) for r in self.replies_to):
            raise CaptureError("replies_to must be a tuple of text")
        _text("message_id", self.message_id)
        _text("subject", self.subject)
        if not isinstance(self.sequence, int) or isinstance(self.sequence, bool) or self.sequence < 0:
            raise CaptureError(f"sequence must be a whole number >= 0, not {self.sequence!r}")


@dataclass(frozen=True, slots=True)
class Skip:
    """An item not turned into a touch, and why ("mailing list", "no Date header", "header larger than 256 KB")."""

    external_id: str
    reason: str

    def __post_init__(self) -> None:
        _text("external_id", self.external_id)
        _text("reason", self.reason, empty=False)


@dataclass(frozen=True, slots=True)
class Gone:
    """An item the source no longer holds (a deleted event): its touches are removed."""

    external_id: str

    def __post_init__(self) -> None:
        _text("external_id", self.external_id, empty=False)


@dataclass(frozen=True, slots=True)
class Progress:
    """How far the reader is, for the progress bar: `done` of `total` (None while unknown)."""

    done: int
    total: int | None = None


@dataclass(frozen=True, slots=True)
class Checkpoint:
    """Everything yielded before this may be saved, with the cursor the next read starts from.

    The core saves the items and the cursor in one transaction, so a sync
    killed at any point resumes from the last checkpoint with nothing
    half-written. `cursor` holds plain JSON values. A reader should yield one
    every thousand items or so: the core holds the items between two in memory.
    `complete=True` (at the end of a reader that reads its whole store each
    time, like a calendar file) says every item the source still holds was
    yielded in this read: the items of earlier reads not seen again are gone.
    """

    cursor: Mapping[str, Any] = field(default_factory=dict)
    complete: bool = False


Item = Capture | Skip | Gone | Progress | Checkpoint


@dataclass(frozen=True, slots=True)
class ReadRequest:
    """What a reader is given: the source's name and validated settings, where it stopped, and the clock.

    `cursor` is the mapping of the last `Checkpoint` saved (empty on the first
    sync). A calendar reader expands recurring events between `since` and
    `until`; a mail reader may skip messages older than `since`.
    """

    name: str
    options: BaseModel
    cursor: Mapping[str, Any]
    now: dt.datetime
    since: dt.datetime
    until: dt.datetime


@dataclass(frozen=True, slots=True)
class SourceKind:
    """A kind of source a plugin provides (`keepwarm source add KIND TARGET`).

    `options` is the pydantic model of the source's table in config.toml
    (`[sources.NAME]`, besides `kind`); give it `extra="forbid"`. `target` names
    its field that `source add KIND TARGET` fills (a path, a URL, a host).
    `family` ("mail" or "calendar") groups kinds in help and lists. `read`
    turns a `ReadRequest` into the items above.
    """

    name: str
    family: Literal["mail", "calendar", "other"]
    summary: str
    options: type[BaseModel]
    target: str
    read: Callable[[ReadRequest], Iterator[Item]]

    def __post_init__(self) -> None:
        _text("name", self.name, empty=False)
        if not self.name.replace("-", "").replace("_", "").isalnum() or not self.name.isascii():
            raise CaptureError(f"a source kind's name is a plain word, not {self.name!r}")
        _text("summary", self.summary, empty=False)
        if not (isinstance(self.options, type) and issubclass(self.options, BaseModel)):
            raise CaptureError("options must be a pydantic model class")
        if self.target not in self.options.model_fields:
            raise CaptureError(f"target {self.target!r} is not a field of {self.options.__name__}")
        if not callable(self.read):
            raise CaptureError("read must be callable")
