"""Sports banter: small talk about the sports a contact follows, when they are in season.

A line about last weekend's game is the easiest opener there is with someone
who follows a sport, and a two-line note about it, asking for nothing, keeps a
relationship warm between business touches. The plugin reads the contact's
interests, knows from its TOML section when each sport is in season, and gives
a tip (how to open) and a suggestion (send a short note when you have been
quiet for a while). It stays out of the way when the relationship is in
trouble: banter is no answer to an urgent warning.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from keepwarm.model import Channel, Stage
from keepwarm.plugin import ConfigSection, ContactContext, Suggestion, Tip, hookimpl

__version__ = "0.1.0"

#: The keepwarm plugin API this plugin was written for (any 1.x).
KEEPWARM_API = "1.0"

SECTION = "sports_banter"

#: The shipped defaults, for users to copy into their rules folder.
DEFAULTS_TOML = Path(__file__).with_name("sports_banter.toml")

Month = Annotated[int, Field(ge=1, le=12)]
Word = Annotated[str, Field(min_length=1, max_length=60)]
Text = Annotated[str, Field(min_length=1, max_length=300)]


class Sport(BaseModel):
    """One sport: the interest words that mean it, and the months it is played."""

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)

    words: list[Word] = Field(min_length=1, description="Interest tags that mean this sport (any case).")
    season: list[Month] = Field(min_length=1, description="Months (1-12) in which the sport is in season.")


def _default_sports() -> dict[str, Sport]:
    return {
        "football": Sport(words=["football", "nfl"], season=[9, 10, 11, 12, 1, 2]),
        "basketball": Sport(words=["basketball", "nba"], season=[10, 11, 12, 1, 2, 3, 4, 5, 6]),
        "baseball": Sport(words=["baseball", "mlb"], season=[3, 4, 5, 6, 7, 8, 9, 10]),
        "soccer": Sport(words=["soccer", "premier league"], season=[8, 9, 10, 11, 12, 1, 2, 3, 4, 5]),
        "golf": Sport(words=["golf"], season=[4, 5, 6, 7, 8, 9]),
    }


class Settings(BaseModel):
    """The [sports_banter] section; defaults equal sports_banter.toml."""

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)

    enabled: bool = Field(True, description="Give sports tips and suggest sports notes.")
    sports: dict[str, Sport] = Field(default_factory=_default_sports, description="The sports, by name.")
    quiet_days: int = Field(
        21, ge=1, le=365, description="Suggest a note once you have not been in touch for this many days."
    )
    score: float = Field(0.4, ge=0, le=1, description="Rank (0-1) of the suggestion among the others.")
    channel: Channel = Field(Channel.TEXT, description="Channel suggested when the contact has no preferred one.")
    in_season_tip: Text = Field(
        "{name} follows {sport} and the season is on: the weekend's results make an easy opener.",
        description="Tip while the sport is in season; {name} and {sport} are filled in.",
    )
    off_season_tip: Text = Field(
        "{name} follows {sport}; it is the off-season, so ask what they expect from the next one.",
        description="Tip outside the season.",
    )
    suggestion: Text = Field(
        "Send {name} two lines about this week's {sport}, and say no reply is needed.",
        description="The suggested step.",
    )
    max_severity: int = Field(
        2, ge=1, le=3, description="Suggest nothing while the contact has a warning above this severity."
    )


@hookimpl
def keepwarm_config_section() -> ConfigSection:
    return ConfigSection(SECTION, Settings)


class _Sports:
    """The sports of one Settings object, ready to match: each one's words compiled into one pattern.

    keepwarm validates the rules once and hands every contact of a run the same
    Settings object, so whatever depends on the settings alone (patterns,
    lookups) is built once for that object, not once per contact: an agenda
    asks the plugin for thousands of contacts. The answer for one set of
    interests is kept too, since many contacts share the same few.
    """

    def __init__(self, cfg: Settings) -> None:
        self.patterns = [
            (name, re.compile("|".join(rf"\b{re.escape(w.lower())}\b" for w in sport.words)))
            for name, sport in cfg.sports.items()
        ]
        self.found: dict[str, list[str]] = {}

    def followed(self, interests: str) -> list[str]:
        found = self.found.get(interests)
        if found is None:
            found = self.found[interests] = [name for name, pattern in self.patterns if pattern.search(interests)]
        return found


#: The last Settings object seen and its prepared sports (held, so the object cannot be replaced unnoticed).
_prepared: tuple[Settings | None, _Sports | None] = (None, None)


def _sports(cfg: Settings) -> _Sports:
    global _prepared
    owner, sports = _prepared
    if owner is not cfg or sports is None:
        sports = _Sports(cfg)
        _prepared = (cfg, sports)
    return sports


def followed_sports(ctx: ContactContext, cfg: Settings) -> list[str]:
    """The configured sports whose words appear in the contact's interests (whole words, any case),
    in configuration order."""
    if not ctx.contact.interests:
        return []
    return list(_sports(cfg).followed(" | ".join(i.lower() for i in ctx.contact.interests)))


def _fill(text: str, ctx: ContactContext, sport: str) -> str:
    return text.replace("{name}", ctx.contact.name.split()[0]).replace("{sport}", sport)


def _settings(ctx: ContactContext) -> Settings | None:
    cfg = ctx.rules.get(SECTION)
    return cfg if cfg is not None and cfg.enabled else None


@hookimpl
def keepwarm_tips(ctx: ContactContext):
    cfg = _settings(ctx)
    if cfg is None or ctx.contact.do_not_contact:
        return None
    tips = []
    for sport in followed_sports(ctx, cfg):
        in_season = ctx.today.month in cfg.sports[sport].season
        tips.append(Tip(_fill(cfg.in_season_tip if in_season else cfg.off_season_tip, ctx, sport), topic="interests"))
    return tips


@hookimpl
def keepwarm_suggestions(ctx: ContactContext):
    cfg = _settings(ctx)
    contact = ctx.contact
    if cfg is None or contact.do_not_contact or contact.stage is Stage.FORMER:
        return None
    if any(w.severity > cfg.max_severity for w in ctx.warnings):
        return None
    in_season = [s for s in followed_sports(ctx, cfg) if ctx.today.month in cfg.sports[s].season]
    if not in_season:
        return None
    quiet = ctx.days_since_touch()
    if quiet is not None and quiet < cfg.quiet_days:
        return None
    sport = in_season[0]
    since = "you have not been in touch yet" if quiet is None else f"you last spoke {quiet} days ago"
    name = contact.name.split()[0]
    return [
        Suggestion(
            key=SECTION,
            text=_fill(cfg.suggestion, ctx, sport),
            why=f"{name} follows {sport}, it is in season, and {since}.",
            score=cfg.score,
            channel=contact.preferred_channel or cfg.channel,
        )
    ]
