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
"""

from . import PLUGIN_API_VERSION
from .api import dav
from .api.address_books import (
    AddressBook,
    AddressBookError,
    AddressBookKind,
    BookRequest,
    CardChanged,
    CardRef,
)
from .api.hookspecs import hookimpl
from .api.kit import ago, applies, day_text, full_date, in_play, joined, per_settings, section, warnings_for
from .api.sources import Capture, Checkpoint, Gone, Person, Progress, ReadRequest, Skip, SourceKind
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
