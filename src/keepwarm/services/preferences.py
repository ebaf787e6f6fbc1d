"""Settings the user sets from the app: the daily capacity, asked on the first run (the welcome screen).

Written to the user's config.toml (its comments and order kept, sources/config_file.py) and checked
by the settings' own model first, so the app cannot write what `keepwarm` would then refuse to read.
"""

from __future__ import annotations

from pydantic import ValidationError

from ..errors import UserError, describe_validation_error
from ..home.session import Session
from ..home.settings import AgendaSettings
from ..sources import config_file


def set_capacity(session: Session, text: str) -> int:
    """Set the daily capacity (touches a day) from what the user typed; the session reads it from now on."""
    typed: object = text.strip()
    if isinstance(typed, str) and typed.lstrip("-").isdigit():
        typed = int(typed)  # the number itself in the message ("900 is too large"), as in the settings file
    try:
        capacity = AgendaSettings.model_validate({"capacity": typed}).capacity
    except ValidationError as exc:
        raise UserError(describe_validation_error(exc, prefix="agenda.")) from None
    if capacity != session.settings.agenda.capacity:
        config_file.set_value("agenda", "capacity", capacity)
        session.settings_changed()
    return capacity
