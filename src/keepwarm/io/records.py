"""The records of a JSON backup: the domain models plus what the store adds.

A backup keeps ids (so `contact 12` is still contact 12 after a restore) and
the store's own timestamps, and every record is validated by the same models
the CLI and the TUI use, so a hand-edited backup meets the same rules.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from ..model import Account, Assessment, Commitment, Contact, FollowUp, Interaction
from ..model.entities import as_utc

FORMAT = "keepwarm-backup"
VERSION = 1

RecordId = Annotated[int, Field(ge=1, le=2**63 - 1)]  # SQLite keeps integers of 64 bits


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


class ContactRecord(Contact, _Stamped):
    id: RecordId
    uid: Annotated[str, Field(min_length=1, max_length=500)]
    created_at: dt.datetime
    updated_at: dt.datetime


class InteractionRecord(Interaction, _Stamped):
    id: RecordId
    created_at: dt.datetime


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
        from ..store.followups import NO_REASON

        return NO_REASON if isinstance(value, str) and not value.strip() else value


class AssessmentRecord(Assessment, _Stamped):
    id: RecordId
    created_at: dt.datetime


#: Section name in the file -> the record model, in the order they are restored.
SECTIONS: dict[str, type[BaseModel]] = {
    "accounts": AccountRecord,
    "contacts": ContactRecord,
    "interactions": InteractionRecord,
    "promises": PromiseRecord,
    "followups": FollowUpRecord,
    "assessments": AssessmentRecord,
}


class Envelope(BaseModel):
    """The file around the records; the records are validated one by one for precise messages."""

    model_config = ConfigDict(extra="forbid")

    format: Literal["keepwarm-backup"]
    version: Literal[1]
    anchor: dt.date | None = None  # the example data: the day its dates are written relative to
    accounts: list[dict] = Field(default_factory=list)
    contacts: list[dict] = Field(default_factory=list)
    interactions: list[dict] = Field(default_factory=list)
    promises: list[dict] = Field(default_factory=list)
    followups: list[dict] = Field(default_factory=list)
    assessments: list[dict] = Field(default_factory=list)
    rules: dict[str, str] = Field(default_factory=dict)
