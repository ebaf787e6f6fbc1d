"""Meet the other stakeholders of this person's account.

An account that hangs on one person is lost when that person leaves or cools.
The rule answers the single-threaded and untouched-stakeholder warnings, and
names the key roles nobody in your contacts covers yet.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from keepwarm.plugin import (
    Channel,
    ContactContext,
    Role,
    Suggestion,
    applies,
    first_name,
    hookimpl,
    joined,
    section,
    warnings_for,
)

from ._suggest_common import label

SECTION = "meet_stakeholders"


class Settings(BaseModel):
    """Parameters of the meet-other-stakeholders suggestion; the source of rules/suggestions.toml (generated)."""

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)

    enabled: bool = Field(True, description="Suggest meeting other stakeholders of the contact's account.")
    warnings: list[str] = Field(
        default_factory=lambda: ["single_threaded", "untouched_stakeholder"],
        description="Account warnings this suggestion answers (it then ranks higher).",
    )
    key_roles: list[Role] = Field(
        default_factory=lambda: [
            Role.EXECUTIVE_SPONSOR,
            Role.FINANCIAL_APPROVER,
            Role.DECISION_INFLUENCER,
            Role.TECHNICAL_EVALUATOR,
        ],
        description="Roles every account should have someone in; a gap is named in the suggestion.",
    )
    score: float = Field(0.4, ge=0, le=1, description="Rank (0-1) when only roles are missing.")
    warning_score: float = Field(0.65, ge=0, le=1, description="Rank (0-1) when it answers one of the warnings above.")


keepwarm_config_section = section(SECTION, Settings)


@hookimpl
def keepwarm_suggestions(ctx: ContactContext):
    cfg = applies(ctx, SECTION, reachable=True)
    if cfg is None or ctx.account is None:
        return None
    answered = warnings_for(ctx, cfg.warnings)
    covered = ctx.account.roles_covered()
    missing = [r.value.replace("_", " ") for r in cfg.key_roles if r not in covered]
    if not answered and not missing:
        return None
    name, account = first_name(ctx.contact.name), ctx.account.account.name
    if missing:
        text = f"Ask {name} to introduce you to the people at {account} in these roles: {', '.join(missing)}."
    else:
        text = f"Arrange to meet more of the stakeholders at {account} beyond {name}, ideally with {name}'s help."
    parts = []
    if answered:
        parts.append(f"{account} shows {joined(label(w.key) for w in answered)}")
    if missing:
        parts.append(
            f"none of your contacts there covers {'this role' if len(missing) == 1 else 'these roles'}: "
            + ", ".join(missing)
        )
    why = "; ".join(parts) + "."
    return [
        Suggestion(
            key=SECTION,
            text=text,
            why=why[0].upper() + why[1:],
            score=cfg.warning_score if answered else cfg.score,
            channel=Channel.MEETING,
        )
    ]
