"""What a plugin author imports: `from keepwarm.plugin import hookimpl, ...`."""

from . import PLUGIN_API_VERSION
from .engine.types import (
    AccountContext,
    ConfigSection,
    ContactContext,
    ContactStats,
    Member,
    Network,
    Proposal,
    Suggestion,
    Tip,
    Warning,
)
from .hookspecs import hookimpl

__all__ = [
    "PLUGIN_API_VERSION",
    "AccountContext",
    "ConfigSection",
    "ContactContext",
    "ContactStats",
    "Member",
    "Network",
    "Proposal",
    "Suggestion",
    "Tip",
    "Warning",
    "hookimpl",
]
