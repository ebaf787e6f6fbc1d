"""The domain model: enumerations and validated records, and plain values as JSON (`jsonvalues`)."""

from .entities import Account, Assessment, Commitment, Contact, FollowUp, ImportantDate, Interaction
from .enums import (
    ASSESSMENT_DIMENSIONS,
    Channel,
    CommitmentStatus,
    DateKind,
    Direction,
    FollowUpStatus,
    LinkKind,
    Motivation,
    Outcome,
    Party,
    Purpose,
    Role,
    SocialStyle,
    Stage,
    Tier,
)
from .ids import stored_id

__all__ = [
    "ASSESSMENT_DIMENSIONS",
    "Account",
    "Assessment",
    "Channel",
    "Commitment",
    "CommitmentStatus",
    "Contact",
    "DateKind",
    "Direction",
    "FollowUp",
    "FollowUpStatus",
    "ImportantDate",
    "Interaction",
    "LinkKind",
    "Motivation",
    "Outcome",
    "Party",
    "Purpose",
    "Role",
    "SocialStyle",
    "Stage",
    "Tier",
    "stored_id",
]
