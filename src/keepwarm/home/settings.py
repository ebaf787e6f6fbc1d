"""The user's own settings file (`config.toml` in the config folder).

Rule parameters live in the rule packs, not here; this file holds what is
about the person and the installation.

Every model is built on first use (`defer_build`): without a settings file the
defaults are taken as they are declared (`model_construct`), with no validator
built, since nothing outside wrote them; a file that exists is validated whole,
and its mistakes reported, as before.

An empty list or table is declared as the default itself (pydantic gives each
instance its own copy), not as `default_factory=list`: pydantic asks whether a
factory takes the validated data by reading its signature, and a built-in
type's signature is parsed from text with the tokenizer, whose patterns every
command that read the settings compiled for it.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from ..errors import UserError, describe_validation_error
from ..text.dates import zone
from . import paths


class PluginSettings(BaseModel):
    model_config = ConfigDict(extra="forbid", defer_build=True)

    safe_mode: bool = False
    disabled: list[str] = []
    #: Seconds one plugin call may take before the plugin is skipped for the rest of the run (0: no limit).
    budget_seconds: float = Field(default=3.0, ge=0, le=3600)


class CalendarSettings(BaseModel):
    model_config = ConfigDict(extra="forbid", defer_build=True)

    alarm_minutes: int = Field(default=30, ge=0, le=7 * 24 * 60)
    #: When an all-day item reminds you, on its own day (an alarm minutes before midnight came the evening before).
    alarm_time: dt.time = dt.time(9, 0)
    days: int = Field(default=90, ge=1, le=3650)
    name: str = "keepwarm follow-ups"
    url: str = ""
    username: str = ""
    password: str = ""

    @field_validator("alarm_time", mode="before")
    @classmethod
    def _time_of_day(cls, value):
        if isinstance(value, str):
            try:
                return dt.time.fromisoformat(value.strip())
            except ValueError:
                raise ValueError(f"{value!r} is not a time of day (expected HH:MM, e.g. 09:00)") from None
        return value


#: Touches a day unless the settings say otherwise: see docs/agenda.md ("A humane daily list") for why five.
DEFAULT_CAPACITY = 5


class AgendaSettings(BaseModel):
    """How much of the agenda is today's list (plan/daily.py)."""

    model_config = ConfigDict(extra="forbid", defer_build=True)

    #: Touches a day: today holds the best this many, the rest spread over the days after (0: no limit).
    capacity: int = Field(default=DEFAULT_CAPACITY, ge=0, le=500)


class SyncSettings(BaseModel):
    """How mail and calendar sources become touches (`keepwarm sync`)."""

    model_config = ConfigDict(extra="forbid", defer_build=True)

    #: Keep the subject of captured mail and the title of meetings as the touch's note (off: only time,
    #: addresses, direction, channel, thread ids and outcome are kept).
    keep_subjects: bool = False
    #: An e-mail of mine with no reply from that person after this many days counts as unanswered.
    unanswered_days: int = Field(default=5, ge=1, le=365)
    #: How far back a first sync reads, and how far back recurring meetings are expanded.
    history_days: int = Field(default=365, ge=1, le=36500)
    #: How far ahead meetings are read (a future meeting becomes a touch once it has taken place).
    ahead_days: int = Field(default=60, ge=0, le=3650)


class SourceSettings(BaseModel):
    """One `[sources.NAME]` table: its kind, and the kind's own options (checked by the kind's plugin)."""

    model_config = ConfigDict(extra="allow", defer_build=True)

    kind: str = Field(min_length=1)


class Settings(BaseModel):
    model_config = ConfigDict(extra="forbid", defer_build=True)

    timezone: str | None = None
    #: The book's user keepwarm acts as (`keepwarm user list`): new contacts and accounts are theirs. On a
    #: PostgreSQL book it must be the user of the database role in the URL. KEEPWARM_USER overrides it.
    user: str | None = None
    #: The user's own e-mail addresses (aliases included): mail from them is outbound, to them inbound.
    me: list[str] = []
    plugins: PluginSettings = Field(default_factory=PluginSettings.model_construct)
    calendar: CalendarSettings = Field(default_factory=CalendarSettings.model_construct)
    sync: SyncSettings = Field(default_factory=SyncSettings.model_construct)
    agenda: AgendaSettings = Field(default_factory=AgendaSettings.model_construct)
    sources: dict[str, SourceSettings] = {}

    @field_validator("me", mode="before")
    @classmethod
    def _addresses(cls, value):
        if isinstance(value, str):
            value = [value] if value.strip() else []
        if isinstance(value, list):
            for item in value:
                if isinstance(item, str) and item.strip() and "@" not in item:
                    raise ValueError(f'{item!r} is not an e-mail address (expected me = ["you@example.org", ...])')
            return [item.strip() for item in value if not isinstance(item, str) or item.strip()]
        return value

    @field_validator("user")
    @classmethod
    def _user(cls, value: str | None) -> str | None:
        if value is not None and (not value.strip() or not value.isprintable()):
            raise ValueError(f'{value!r} is not a user\'s name (expected user = "NAME", as keepwarm user list shows)')
        return value.strip() if value is not None else None

    @field_validator("sources")
    @classmethod
    def _names(cls, value: dict):
        for name in value:
            if not name or not all(ch.isalnum() or ch in "-_" for ch in name) or not name.isascii():
                raise ValueError(f"source name {name!r}: use letters, digits, - and _ only")
        return value

    def my_addresses(self) -> frozenset[str]:
        return frozenset(address.strip().lower() for address in self.me)

    @field_validator("timezone")
    @classmethod
    def _zone(cls, value: str | None) -> str | None:
        if value:
            try:
                zone(value)
            except UserError as exc:
                raise ValueError(exc.message) from None
        return value


def defaults() -> Settings:
    """The settings of an installation without a settings file: the declared defaults, trusted as they are."""
    return Settings.model_construct()


def load(path: Path | None = None) -> Settings:
    path = path or paths.config_file()
    if not path.exists():
        return defaults()
    import tomllib  # lazy for start-up: only a settings file that exists is parsed

    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise UserError(f"{path}: {exc}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise UserError(f"{path}: cannot be read ({exc})") from None
    try:
        return Settings.model_validate(data)
    except ValidationError as exc:
        raise UserError(f"{path}: {describe_validation_error(exc)}") from None
