"""The domain model: enumerations and validated records, and plain values as JSON (`jsonvalues`).

The records (`entities`) are pydantic models and load on first use, with pydantic: a
command that stops before it reads a record (`contact show` of an id that is not there,
`--help` of a subcommand) imports the enumerations and ids only, and never pydantic.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

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

if TYPE_CHECKING:
    from .entities import Account, Assessment, Commitment, Contact, FollowUp, ImportantDate, Interaction

#: The records, imported from `entities` when one is first asked for (PEP 562).
_RECORDS = frozenset({"Account", "Assessment", "Commitment", "Contact", "FollowUp", "ImportantDate", "Interaction"})


def __getattr__(name: str) -> Any:
    if name in _RECORDS:
        from . import entities  # lazy for start-up: pydantic loads with the first record a command uses

        return getattr(entities, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


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
