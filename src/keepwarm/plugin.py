"""What a plugin author imports: `from keepwarm.plugin import hookimpl, ...`.

Everything a hook receives or returns is here, with the vocabularies its
fields use (`ctx.contact.role == Role.CHAMPION`, `Proposal(channel=Channel.CALL)`),
so that a plugin needs no import from keepwarm's internals. `dav` helps a
plugin that talks to a CalDAV server (a client, the URL with its password
masked, one line for any failure), as keepwarm's own CalDAV source does. The wording helpers
(`plural`, `noun`, `first_name`, `rhythm`) let advice say "1 day", "3 touches" and
"every 2 weeks", and call people as keepwarm's own rules do. The rule helpers (`section`, `applies`,
`in_play`, `warnings_for`, `joined`, `ago`, `day_text`, `full_date`, `per_settings`) are the
ones keepwarm's own rules use: they import nothing else from keepwarm.

The parts for sources and address books (`dav`, `SourceKind`, `Capture`, `AddressBookKind`, ...) are imported
when a plugin first asks for one (PEP 562): a command that calls no source plugin (keepwarm imports only the
plugins whose hooks a command calls: hosting/manifest.py) does not build their types.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from . import PLUGIN_API_VERSION
from .api.hookspecs import hookimpl
from .api.kit import ago, applies, day_text, full_date, in_play, joined, per_settings, section, warnings_for
from .api.types import (
    RECENT_TOUCHES,
    AccountContext,
    ConfigSection,
    ContactContext,
    ContactStats,
    Linked,
    Member,
    Network,
    Proposal,
    Suggestion,
    Tip,
    Touch,
    Warning,
)
from .model import (
    Assessment,
    Channel,
    Commitment,
    CommitmentStatus,
    Contact,
    DateKind,
    Direction,
    FollowUp,
    FollowUpStatus,
    ImportantDate,
    Motivation,
    Outcome,
    Party,
    Purpose,
    Role,
    SocialStyle,
    Stage,
    Tier,
)
from .text.rhythms import rhythm
from .text.wording import first_name, noun, plural

if TYPE_CHECKING:
    from .api import dav
    from .api.address_books import (
        AddressBook,
        AddressBookError,
        AddressBookKind,
        BookRequest,
        CardChanged,
        CardRef,
    )
    from .api.sources import Capture, Checkpoint, Gone, Person, Progress, ReadRequest, Skip, SourceKind

_ADDRESS_BOOKS = frozenset(
    {"AddressBook", "AddressBookError", "AddressBookKind", "BookRequest", "CardChanged", "CardRef"}
)
_SOURCES = frozenset({"Capture", "Checkpoint", "Gone", "Person", "Progress", "ReadRequest", "Skip", "SourceKind"})


def __getattr__(name: str) -> Any:
    """The parts for sources and address books, imported when a plugin first asks for one (see the docstring)."""
    if name == "dav":
        from .api import dav  # lazy for start-up: only a plugin talking to a CalDAV server asks for it

        return dav
    if name in _ADDRESS_BOOKS:
        from .api import address_books  # lazy for start-up: loaded with the plugins offering address books

        return getattr(address_books, name)
    if name in _SOURCES:
        from .api import sources  # lazy for start-up: loaded with the plugins offering sources

        return getattr(sources, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "PLUGIN_API_VERSION",
    "dav",
    "AddressBook",
    "AddressBookError",
    "AddressBookKind",
    "BookRequest",
    "CardChanged",
    "CardRef",
    "Capture",
    "Checkpoint",
    "Gone",
    "Person",
    "Progress",
    "ReadRequest",
    "Skip",
    "SourceKind",
    "first_name",
    "noun",
    "plural",
    "rhythm",
    "ago",
    "applies",
    "day_text",
    "full_date",
    "in_play",
    "joined",
    "per_settings",
    "section",
    "warnings_for",
    "RECENT_TOUCHES",
    "Linked",
    "AccountContext",
    "Assessment",
    "Channel",
    "Commitment",
    "CommitmentStatus",
    "ConfigSection",
    "Contact",
    "ContactContext",
    "ContactStats",
    "DateKind",
    "Direction",
    "FollowUp",
    "FollowUpStatus",
    "ImportantDate",
    "Member",
    "Motivation",
    "Network",
    "Outcome",
    "Party",
    "Proposal",
    "Purpose",
    "Role",
    "SocialStyle",
    "Stage",
    "Suggestion",
    "Tier",
    "Tip",
    "Touch",
    "Warning",
    "hookimpl",
]
