"""The records of a JSON backup: the domain models plus what the store adds.

A backup keeps ids (so `contact 12` is still contact 12 after a restore) and
the store's own timestamps, and every record is validated by the same models
the CLI and the TUI use, so a hand-edited backup meets the same rules.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal, overload

from pydantic import BaseModel, ConfigDict, Field, SerializerFunctionWrapHandler, field_validator, model_serializer

from ..model import Account, Assessment, Channel, Commitment, Contact, FollowUp, Interaction, Outcome, Purpose
from ..model.entities import Link, Note, as_utc
from ..store.captures import LONGEST
from ..store.followups import NO_REASON
from ..text.wording import plural

FORMAT = "keepwarm-backup"
#: 2 added what the interaction sources captured (captures, ignored_addresses, source_state, and
#: capture_id/in_reply on interactions); a file of version 1 lacks them and restores with them empty.
#: 3 added the notes on people (`notes`); a file of version 1 or 2 has none and restores without them.
#: 4 added who knows whom (`links`); a file of an earlier version has none and restores without them.
#: 5 added whose hold a person's `snoozed_until` is (`held_by` on a contact: "import" for the first touch an
#: import planned, written only then); a file of an earlier version has none: its holds restore as snoozes.
VERSION = 5

RecordId = Annotated[int, Field(ge=1, le=2**63 - 1)]  # SQLite keeps integers of 64 bits


@overload
def utc(value: dt.datetime) -> dt.datetime: ...
@overload
def utc(value: None) -> None: ...
def utc(value: dt.datetime | None) -> dt.datetime | None:
    """Stored times are UTC; a time without a zone is taken as UTC."""
    if value is None:
        return None
    if value.tzinfo is None:
        return value.replace(tzinfo=dt.timezone.utc)
    return as_utc(value)


class _Stamped(BaseModel):
    @field_validator("created_at", "updated_at", "done_at", "closed_at", check_fields=False)
    @classmethod
    def _utc(cls, value: dt.datetime | None) -> dt.datetime | None:
        return utc(value)


class AccountRecord(Account, _Stamped):
    id: RecordId
    created_at: dt.datetime
    updated_at: dt.datetime


#: Contact fields added within version 2 (each person's own rhythm and snooze): written only when set, so
#: that a book using none of them is the file version 2 always wrote, and an earlier keepwarm restores it.
WHEN_SET = ("rhythm_days", "snoozed_until")


class ContactRecord(Contact, _Stamped):
    id: RecordId
    uid: Annotated[str, Field(min_length=1, max_length=500)]
    created_at: dt.datetime
    updated_at: dt.datetime

    @model_serializer(mode="wrap")
    def _unset_left_out(self, handler: SerializerFunctionWrapHandler) -> dict:
        out = handler(self)
        for key in WHEN_SET:
            if out.get(key, 0) is None:
                del out[key]
        if out.get("held_by") == "":  # version 5: only an import's hold says whose it is
            del out["held_by"]
        return out


class InteractionRecord(Interaction, _Stamped):
    id: RecordId
    created_at: dt.datetime
    #: The captured message or event it was made from (None: typed or imported, or a version 1 backup).
    capture_id: RecordId | None = None
    #: An inbound message that answered one of mine.
    in_reply: bool | None = None


class PromiseRecord(Commitment, _Stamped):
    id: RecordId
    created_at: dt.datetime


class FollowUpRecord(FollowUp, _Stamped):
    id: RecordId
    created_at: dt.datetime
    updated_at: dt.datetime

    @field_validator("reason", mode="before")
    @classmethod
    def _usable_reason(cls, value: object) -> object:
        # A blank reason is what a plugin could store before its results were checked: a backup
        # holding one is restored with the reason the app shows for it, not refused.
        return NO_REASON if isinstance(value, str) and not value.strip() else value


class AssessmentRecord(Assessment, _Stamped):
    id: RecordId
    created_at: dt.datetime


class NoteRecord(Note, _Stamped):
    id: RecordId
    created_at: dt.datetime


class LinkRecord(Link, _Stamped):
    id: RecordId
    created_at: dt.datetime


Kept = Annotated[str, Field(max_length=LONGEST)]  # what the store keeps of a header, at most
Address = Annotated[str, Field(min_length=1, max_length=LONGEST)]


def _fold(value: object) -> object:
    """Addresses are kept folded (store.captures.fold): a hand-edited one still matches."""
    return value.strip().lower() if isinstance(value, str) else value


class _Captured(BaseModel):
    model_config = ConfigDict(extra="forbid")


class CapturedPerson(_Captured):
    address: Address
    name: Kept = ""
    role: Literal["from", "to", "cc", "organizer", "attendee"]
    status: Annotated[str, Field(max_length=40)] = ""

    @field_validator("address", mode="before")
    @classmethod
    def _folded(cls, value: object) -> object:
        return _fold(value)


class CaptureRecord(_Captured):
    """A message or event a source read, with its people and the ids it replies to (in their stored order)."""

    id: RecordId
    source: Annotated[str, Field(min_length=1, max_length=LONGEST)]
    external_id: Annotated[str, Field(min_length=1, max_length=LONGEST)]
    at: dt.datetime
    channel: Channel
    purpose: Purpose | None = None
    outcome: Outcome = Outcome.COMPLETED
    from_me: bool
    message_id: Kept | None = None
    sequence: Annotated[int, Field(ge=0, le=2**63 - 1)] = 0
    subject: Kept | None = None
    moved: bool = False
    #: What the source last gave for it: a re-sync compares it, so an unchanged item stays as it is.
    digest: Annotated[str, Field(min_length=1, max_length=200)]
    people: list[CapturedPerson] = Field(default_factory=list)
    refs: list[Annotated[str, Field(min_length=1, max_length=LONGEST)]] = Field(default_factory=list)

    @field_validator("at")
    @classmethod
    def _utc(cls, value: dt.datetime) -> dt.datetime:
        return utc(value)


class IgnoredAddressRecord(_Captured):
    address: Address
    ignored_at: dt.datetime

    @field_validator("address", mode="before")
    @classmethod
    def _folded(cls, value: object) -> object:
        return _fold(value)

    @field_validator("ignored_at")
    @classmethod
    def _utc(cls, value: dt.datetime) -> dt.datetime:
        return utc(value)


class SourceStateRecord(_Captured):
    """Where a source's reader stopped (its own cursor) and what its last sync did."""

    name: Annotated[str, Field(min_length=1, max_length=LONGEST)]
    kind: Annotated[str, Field(min_length=1, max_length=LONGEST)]
    cursor: dict[str, Any] = Field(default_factory=dict)
    synced_at: dt.datetime | None = None
    summary: dict[str, Any] = Field(default_factory=dict)

    @field_validator("synced_at")
    @classmethod
    def _utc(cls, value: dt.datetime | None) -> dt.datetime | None:
        return utc(value)


#: Section name in the file -> the record model, in the order they are restored (what a record
#: refers to comes first: captures before the interactions made from them).
SECTIONS: dict[str, type[BaseModel]] = {
    "accounts": AccountRecord,
    "contacts": ContactRecord,
    "captures": CaptureRecord,
    "interactions": InteractionRecord,
    "promises": PromiseRecord,
    "followups": FollowUpRecord,
    "assessments": AssessmentRecord,
    "notes": NoteRecord,
    "links": LinkRecord,
    "ignored_addresses": IgnoredAddressRecord,
    "source_state": SourceStateRecord,
}
#: The sections as people are told what a book holds (its people first), how one record of each is called,
#: and the sections not worth a "0 ..." of their own.
_TOLD = (
    "contacts",
    "accounts",
    "interactions",
    "promises",
    "followups",
    "assessments",
    "notes",
    "links",
    "captures",
    "ignored_addresses",
    "source_state",
    "rules",
)
_ONE = {
    "followups": "follow-up",
    "captures": "captured message or event",
    "ignored_addresses": "ignored address",
    "source_state": "source",
    "rules": "rule file",
}
_MANY = {"captures": "captured messages and events", "ignored_addresses": "ignored addresses"}
_QUIET_WHEN_NONE = frozenset({"captures", "ignored_addresses", "source_state", "notes", "links"})


def described(counts: dict[str, int], *, zeros: bool = True) -> str:
    """`2 contacts, 1 account, 0 interactions, ...`: what a backup, a restore or the example data holds
    (`zeros=False`: only what there is)."""
    return ", ".join(
        plural(counts[k], _ONE.get(k, k[:-1]), _MANY.get(k))
        for k in _TOLD
        if k in counts and (counts[k] or zeros and k not in _QUIET_WHEN_NONE)
    )


#: A record of one section, read by its section's fields: which model it is follows from the section's
#: name (SECTIONS), which the type system cannot see through a dict keyed by strings.
Record = Any
#: The field that names a record of a section uniquely (the rest: `id`).
KEYS = {"ignored_addresses": "address", "source_state": "name"}


class Envelope(BaseModel):
    """The file around the records; the records are validated one by one for precise messages."""

    model_config = ConfigDict(extra="forbid")

    format: Literal["keepwarm-backup"]
    version: Literal[1, 2, 3, 4, 5]
    anchor: dt.date | None = None  # the example data: the day its dates are written relative to
    accounts: list[dict] = Field(default_factory=list)
    contacts: list[dict] = Field(default_factory=list)
    interactions: list[dict] = Field(default_factory=list)
    promises: list[dict] = Field(default_factory=list)
    followups: list[dict] = Field(default_factory=list)
    assessments: list[dict] = Field(default_factory=list)
    notes: list[dict] = Field(default_factory=list)
    links: list[dict] = Field(default_factory=list)
    captures: list[dict] = Field(default_factory=list)
    ignored_addresses: list[dict] = Field(default_factory=list)
    source_state: list[dict] = Field(default_factory=list)
    rules: dict[str, str] = Field(default_factory=dict)
