"""The domain records, validated at the edge.

Every record that enters the store passes through one of these models, so the
CLI, the TUI, the importers and the restore all reject the same bad values with
the same messages. `id` is None until the store has assigned one.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from .bounds import RESPONSE_HOURS_MAX
from .enums import (
    Channel,
    CommitmentStatus,
    DateKind,
    Direction,
    FollowUpStatus,
    LinkKind,
    Motivation,
    NoteKind,
    Outcome,
    Party,
    Purpose,
    Role,
    SocialStyle,
    Stage,
    Tier,
)

Rating = Annotated[int, Field(ge=1, le=5)]
#: A reference to a stored record: SQLite's integers stop at 2**63 - 1.
RowId = Annotated[int, Field(le=2**63 - 1)]
Sentiment = Annotated[int, Field(ge=-2, le=2)]
NonEmpty = Annotated[str, Field(min_length=1, max_length=10_000)]
#: Free text has a bound too, as names do: a note is a page of words, not a dumped file.
NOTES_MAX = 100_000
TAG_MAX = 200
Notes = Annotated[str, Field(max_length=NOTES_MAX)]
#: A rhythm of one's own, in days: at least daily, at most every two years (as the cadence rules' intervals).
RHYTHM_DAYS_MAX = 730
Tag = Annotated[str, Field(max_length=TAG_MAX)]


def as_utc(value: dt.datetime) -> dt.datetime:
    """`value` in UTC; a time that UTC cannot hold (0001-01-01T00:00+14:00) is a ValueError, as bad input is."""
    try:
        return value.astimezone(dt.timezone.utc)
    except OverflowError:
        raise ValueError(f"{value.isoformat()} is at the end of the calendar, where it has no time in UTC") from None


class Record(BaseModel):
    model_config = ConfigDict(extra="forbid", validate_assignment=True, use_enum_values=False, defer_build=True)


def _empty() -> list:
    """A new empty list, the default of every list field.

    Not `default_factory=list`: pydantic reads a factory's signature (does it take the validated data?) when
    it builds a model's validator, and a built-in type's signature is parsed from text by the tokenizer,
    whose patterns every command that built a record compiled for that alone.
    """
    return []


def _strip(value: object) -> object:
    return value.strip() if isinstance(value, str) else value


class ImportantDate(Record):
    """A yearly date; the year is optional because people share birthdays without one."""

    kind: DateKind = DateKind.CUSTOM
    month: Annotated[int, Field(ge=1, le=12)]
    day: Annotated[int, Field(ge=1, le=31)]
    year: Annotated[int, Field(ge=1000, le=2200)] | None = None  # a firm founded in 1837 has a custom date too
    label: str = ""

    @model_validator(mode="after")
    def _real_day(self) -> "ImportantDate":
        # 29 February is valid without a year (leap-year birthdays exist).
        probe_year = self.year if self.year is not None else 2000
        try:
            dt.date(probe_year, self.month, self.day)
        except ValueError as exc:
            if self.year is None:
                raise ValueError(f"{self.month:02d}-{self.day:02d} is not a day of the year") from exc
            raise ValueError(f"{self.as_text()} is not a day of {self.year} (expected a real date)") from exc
        return self

    def as_text(self) -> str:
        if self.year is None:
            return f"--{self.month:02d}-{self.day:02d}"
        return f"{self.year:04d}-{self.month:02d}-{self.day:02d}"

    def next_occurrence(self, on_or_after: dt.date) -> dt.date:
        """The next date this falls on; 29 February is kept on 28 February in common years."""
        for year in (on_or_after.year, on_or_after.year + 1):
            day = self.day
            if self.month == 2 and day == 29:
                leap = year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)
                day = 29 if leap else 28
            candidate = dt.date(year, self.month, day)
            if candidate >= on_or_after:
                return candidate
        raise AssertionError("unreachable: a yearly date recurs within two years")


class Account(Record):
    id: int | None = None
    name: NonEmpty
    industry: str = ""
    culture: str = ""
    decision_making: str = ""
    risk_tolerance: str = ""
    budget_cycle: str = ""
    notes: Notes = ""

    _strip_name = field_validator("name", mode="before")(_strip)


def email_problem(value: str) -> str | None:
    """Why a text is not an email address, or None (importers drop such a value and keep the rest)."""
    local, sep, domain = value.strip().partition("@")
    labels = domain.split(".")
    if (
        not sep
        or not local
        or "@" in domain
        or len(labels) < 2
        or not all(labels)
        or any(c.isspace() for c in value.strip())
    ):
        return f"{value.strip()!r} is not an email address (expected name@example.com)"
    return None


class Contact(Record):
    id: int | None = None
    uid: str | None = None
    name: NonEmpty
    account: NonEmpty | None = None  # the account's name, bounded as that name is
    title: str = ""
    emails: list[str] = Field(default_factory=_empty)
    phones: list[str] = Field(default_factory=_empty)
    addresses: list[str] = Field(default_factory=_empty)
    urls: list[str] = Field(default_factory=_empty)
    role: Role | None = None
    style: SocialStyle = SocialStyle.UNKNOWN
    motivations: list[Motivation] = Field(default_factory=_empty)
    interests: list[str] = Field(default_factory=_empty)
    preferred_channel: Channel | None = None
    best_time: str = ""
    do_not_contact: bool = False
    dates: list[ImportantDate] = Field(default_factory=_empty)
    tier: Tier = Tier.B
    stage: Stage = Stage.ACTIVE
    tags: list[Tag] = Field(default_factory=_empty)
    notes: Notes = ""
    owner: str = ""
    #: The user's own keep-in-touch interval, in days: the routine rhythm uses it in place of tier, role and stage.
    rhythm_days: Annotated[int, Field(ge=1, le=RHYTHM_DAYS_MAX)] | None = None
    #: No touch is due before this day (the user snoozed the person); past days are harmless.
    snoozed_until: dt.date | None = None
    #: Whose hold `snoozed_until` is: "" the user's snooze, "import" the first touch an import planned (io/spread.py).
    held_by: Literal["", "import"] = ""

    _strip_name = field_validator("name", mode="before")(_strip)

    @field_validator("account", mode="before")
    @classmethod
    def _account(cls, value: object) -> object:
        # A blank account means none, not an account called "".
        if isinstance(value, str):
            value = value.strip()
            return value or None
        return value

    @field_validator("emails")
    @classmethod
    def _emails(cls, values: list[str]) -> list[str]:
        cleaned: list[str] = []
        for value in values:
            value = value.strip()
            problem = email_problem(value)
            if problem:
                raise ValueError(problem)
            if value.lower() not in (c.lower() for c in cleaned):
                cleaned.append(value)
        return cleaned

    @field_validator("tags", "interests")
    @classmethod
    def _words(cls, values: list[str]) -> list[str]:
        seen: list[str] = []
        for value in values:
            value = " ".join(value.split())
            if value and value.lower() not in (s.lower() for s in seen):
                seen.append(value)
        return seen

    @field_validator("motivations")
    @classmethod
    def _unique_motivations(cls, values: list[Motivation]) -> list[Motivation]:
        return list(dict.fromkeys(values))

    def birthday(self) -> ImportantDate | None:
        return next((d for d in self.dates if d.kind == DateKind.BIRTHDAY), None)


class Interaction(Record):
    """One touch with one contact.

    A meeting with three people is logged as three interactions sharing a
    `group_key`, so that every statistic is a plain scan grouped by contact.
    """

    id: int | None = None
    contact_id: RowId
    at: dt.datetime
    channel: Channel
    direction: Direction = Direction.OUTBOUND
    purpose: Purpose = Purpose.CHECK_IN
    outcome: Outcome = Outcome.COMPLETED
    sentiment: Sentiment | None = None
    responded: bool | None = None
    response_hours: Annotated[float, Field(ge=0, le=RESPONSE_HOURS_MAX, allow_inf_nan=False)] | None = None
    notes: Notes = ""
    group_key: str | None = None

    @field_validator("at")
    @classmethod
    def _aware(cls, value: dt.datetime) -> dt.datetime:
        if value.tzinfo is None:
            raise ValueError("a time needs its time zone")
        return as_utc(value)


class Commitment(Record):
    id: int | None = None
    contact_id: RowId
    by: Party = Party.ME
    text: NonEmpty
    due: dt.date | None = None
    status: CommitmentStatus = CommitmentStatus.OPEN
    created_at: dt.datetime | None = None
    done_at: dt.datetime | None = None


class FollowUp(Record):
    """A scheduled touch.

    `rule_key` names what produced it (`cadence.interval`, `manual`, ...) and,
    together with the contact and the due date, makes proposals idempotent.
    """

    id: int | None = None
    contact_id: RowId
    due: dt.date
    due_time: dt.time | None = None
    reason: NonEmpty
    source: str = "manual"
    rule_key: str = "manual"
    channel: Channel | None = None
    action: str = ""
    status: FollowUpStatus = FollowUpStatus.OPEN
    snoozed_until: dt.date | None = None
    sequence: int = 0
    satisfied_by_touch: bool = True
    created_at: dt.datetime | None = None
    updated_at: dt.datetime | None = None
    closed_at: dt.datetime | None = None

    @model_validator(mode="after")
    def _snooze_has_date(self) -> "FollowUp":
        if self.status == FollowUpStatus.SNOOZED and self.snoozed_until is None:
            raise ValueError("snoozed_until: a snoozed follow-up needs the date it wakes up")
        return self


class Assessment(Record):
    id: int | None = None
    contact_id: RowId
    on: dt.date
    trust: Rating
    communication: Rating
    sharing: Rating
    advocacy: Rating
    conflict: Rating
    commitment: Rating
    note: Notes = ""

    def mean(self) -> float:
        return (self.trust + self.communication + self.sharing + self.advocacy + self.conflict + self.commitment) / 6


class Note(Record):
    """Something to remember about a person (family, what they like, a gift idea, how we met), dated.

    Not a touch: nothing the engine reads (see `keepwarm.store.notes`).
    """

    id: int | None = None
    contact_id: RowId
    on: dt.date
    kind: NoteKind = NoteKind.OTHER
    text: Annotated[str, Field(min_length=1, max_length=NOTES_MAX)]
    created_at: dt.datetime | None = None

    @field_validator("text", mode="before")
    @classmethod
    def _trimmed(cls, value: object) -> object:
        # Blank lines around a note are no part of it; a note of nothing but spaces is empty.
        return value.strip() if isinstance(value, str) else value


class Link(Record):
    """Who knows whom: `contact_id` reports to, was introduced by, mentors... `other_id`, or knows them as the
    user's own `label` says (kind `knows`). Read from either side (store/links.py words both)."""

    id: int | None = None
    contact_id: RowId
    other_id: RowId
    kind: LinkKind
    label: Annotated[str, Field(max_length=60)] = ""
    created_at: dt.datetime | None = None

    @field_validator("label", mode="before")
    @classmethod
    def _one_line(cls, value: object) -> object:
        return " ".join(value.split()) if isinstance(value, str) else value

    @model_validator(mode="after")
    def _two_people(self) -> Link:
        if self.contact_id == self.other_id:
            raise ValueError("a link joins two people (expected another contact than the first)")
        if self.label and self.kind is not LinkKind.KNOWS:
            raise ValueError(f"label: only a link of kind knows has a label (this one is {self.kind.value})")
        return self
