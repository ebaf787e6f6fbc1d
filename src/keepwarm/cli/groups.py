"""Command groups that several modules add commands to."""

from . import cli


@cli.group("import")
def import_() -> None:
    """Bring contacts and history in (vCard, CSV)."""


@cli.group()
def export() -> None:
    """Take everything out (JSON backup, vCard, iCalendar)."""
