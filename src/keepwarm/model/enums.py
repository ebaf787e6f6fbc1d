"""The closed vocabularies of the domain.

They are `StrEnum`s so that the value stored in the database, printed in JSON
and typed on the command line is one and the same lower-case word.
"""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    PRIMARY_CONTACT = "primary_contact"
    DECISION_INFLUENCER = "decision_influencer"
    END_USER = "end_user"
    TECHNICAL_EVALUATOR = "technical_evaluator"
    FINANCIAL_APPROVER = "financial_approver"
    IMPLEMENTATION_TEAM = "implementation_team"
    EXTERNAL_ADVISOR = "external_advisor"
    EXECUTIVE_SPONSOR = "executive_sponsor"
    CHAMPION = "champion"


class SocialStyle(StrEnum):
    ANALYTICAL = "analytical"
    DRIVER = "driver"
    EXPRESSIVE = "expressive"
    AMIABLE = "amiable"
    UNKNOWN = "unknown"


class Motivation(StrEnum):
    PROFESSIONAL_SUCCESS = "professional_success"
    SECURITY_STABILITY = "security_stability"
    ACHIEVEMENT = "achievement"
    AUTONOMY = "autonomy"
    SOCIAL_CONNECTION = "social_connection"
    LEARNING = "learning"
    LEGACY = "legacy"


class Channel(StrEnum):
    CALL = "call"
    EMAIL = "email"
    MEETING = "meeting"
    TEXT = "text"
    SOCIAL = "social"
    EVENT = "event"
    LETTER = "letter"
    GIFT = "gift"
    MEAL = "meal"


class Direction(StrEnum):
    OUTBOUND = "outbound"
    INBOUND = "inbound"


class Purpose(StrEnum):
    CHECK_IN = "check_in"
    VALUE_ARTICLE = "value_article"
    VALUE_INTRODUCTION = "value_introduction"
    VALUE_REVIEW = "value_review"
    VALUE_RESOURCE = "value_resource"
    FAVOR_ASKED = "favor_asked"
    FAVOR_RECEIVED = "favor_received"
    BUSINESS = "business"
    ENTERTAINMENT = "entertainment"
    CELEBRATION = "celebration"
    RECOVERY = "recovery"


class Outcome(StrEnum):
    """What became of a touch; declined or cancelled meetings are a cooling signal."""

    COMPLETED = "completed"
    DECLINED = "declined"
    CANCELLED = "cancelled"
    RESCHEDULED = "rescheduled"
    NO_SHOW = "no_show"


class Stage(StrEnum):
    PROSPECT = "prospect"
    NEW_CLIENT = "new_client"
    ACTIVE = "active"
    AT_RISK = "at_risk"
    DORMANT = "dormant"
    FORMER = "former"


class Tier(StrEnum):
    """A is the handful of relationships that matter most; C the wide network."""

    A = "a"
    B = "b"
    C = "c"


class DateKind(StrEnum):
    BIRTHDAY = "birthday"
    WORK_ANNIVERSARY = "work_anniversary"
    ANNIVERSARY = "anniversary"
    CUSTOM = "custom"


class Party(StrEnum):
    """Who made a promise."""

    ME = "me"
    THEM = "them"


class CommitmentStatus(StrEnum):
    OPEN = "open"
    DONE = "done"
    CANCELLED = "cancelled"


class FollowUpStatus(StrEnum):
    OPEN = "open"
    DONE = "done"
    SNOOZED = "snoozed"
    DISMISSED = "dismissed"


class LinkKind(StrEnum):
    """How two people are linked (`keepwarm link A B --as KIND`); any other word is a label of the user's
    own, kept as a link of kind `knows`."""

    REPORTS_TO = "reports-to"
    INTRODUCED_BY = "introduced-by"
    PARTNER = "partner"
    FORMER_COLLEAGUE = "former-colleague"
    MENTOR_OF = "mentor-of"
    KNOWS = "knows"


class NoteKind(StrEnum):
    """What a note on a person is about (`keepwarm note add --kind`): a closed set, so that "gift" and
    "gifts" are not two labels; free words belong in the note's text, or in tags and interests."""

    FAMILY = "family"
    PREFERENCE = "preference"
    GIFT = "gift"
    HOW_WE_MET = "how_we_met"
    OTHER = "other"


#: The six strength dimensions of an assessment, in the order the seeds give.
ASSESSMENT_DIMENSIONS: tuple[str, ...] = (
    "trust",
    "communication",
    "sharing",
    "advocacy",
    "conflict",
    "commitment",
)


def choices(enum: type[StrEnum]) -> list[str]:
    return [member.value for member in enum]


def normalize_word(text: str) -> str:
    """Users type `check-in`, `Check In` or `check_in`; all mean one value."""
    return "_".join(text.strip().lower().replace("-", " ").split())
