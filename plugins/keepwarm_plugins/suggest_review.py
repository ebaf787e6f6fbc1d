"""Offer to review something this person is preparing.

Careful comments on a deck, a plan or a draft are worth a lot to people who
weigh facts, want results, or want to grow, and they cost you only attention.
The rule offers it to those people, and not too often.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from keepwarm.plugin import (
    Channel,
    ContactContext,
    Motivation,
    Role,
    SocialStyle,
    Suggestion,
    applies,
    first_name,
    hookimpl,
    joined,
    section,
)

SECTION = "offer_review"


class Settings(BaseModel):
    """Parameters of the offer-a-review suggestion; the source of rules/suggestions.toml (generated)."""

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)

    enabled: bool = Field(True, description="Suggest offering to review the contact's work.")
    styles: list[SocialStyle] = Field(
        default_factory=lambda: [SocialStyle.ANALYTICAL, SocialStyle.DRIVER],
        description="Social styles for whom a review is a welcome gift.",
    )
    motivations: list[Motivation] = Field(
        default_factory=lambda: [Motivation.LEARNING, Motivation.PROFESSIONAL_SUCCESS],
        description="Motivation drivers for whom a review is a welcome gift.",
    )
    roles: list[Role] = Field(
        default_factory=lambda: [Role.TECHNICAL_EVALUATOR, Role.IMPLEMENTATION_TEAM],
        description="Stakeholder roles whose work often benefits from a second pair of eyes.",
    )
    min_days_between: int = Field(
        45,
        ge=1,
        le=3650,
        description="Stay quiet when something of value (article, introduction, review, resource) was sent this many days ago or less.",
    )
    score: float = Field(0.4, ge=0, le=1, description="How high this suggestion ranks (0-1); a routine idea.")


keepwarm_config_section = section(SECTION, Settings)


@hookimpl
def keepwarm_suggestions(ctx: ContactContext):
    cfg = applies(ctx, SECTION, reachable=True)
    if cfg is None:
        return None
    person, name = ctx.contact, first_name(ctx.contact.name)
    reasons = []
    if person.style in cfg.styles:
        reasons.append(f"{name}'s style is {person.style.value}")
    drivers = [m.value.replace("_", " ") for m in person.motivations if m in cfg.motivations]
    if drivers:
        reasons.append(f"{name} is driven by {joined(drivers)}")
    if person.role is not None and person.role in cfg.roles:
        reasons.append(f"{name} is the {person.role.value.replace('_', ' ')}")
    if not reasons:
        return None
    last = ctx.stats.last_value_add
    if last is not None and (ctx.today - last.date()).days < cfg.min_days_between:
        return None
    return [
        Suggestion(
            key=SECTION,
            text=f"Offer to read something {name} is working on (a deck, a plan, a draft) and give honest, "
            "specific comments, free of charge and with no strings attached.",
            why="; ".join(reasons) + ": careful feedback on their own work is worth a lot to them.",
            score=cfg.score,
            channel=Channel.EMAIL,
        )
    ]
