"""Speak to what drives the person.

Two people with the same title can want very different things from their
work: recognition, safety, impact, freedom, belonging, growth or a lasting
mark. Framing your help around their own driver makes it matter to them.
The tips are plain text in the rule pack so a team can rewrite them.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from keepwarm.plugin import ContactContext, applies, hookimpl, section

from ._tips_common import TipText, texts, tips

SECTION = "motivation_tips"
TOPIC = "motivation"


def _texts(default: list[str], description: str):
    return texts(default, description, at_most=5)


class Settings(BaseModel):
    """Tips for each motivation driver; the source of rules/tips.toml (generated). `{name}` is the first name."""

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)

    enabled: bool = Field(True, description="Show tips for the contact's motivation drivers.")
    professional_success: list[TipText] = _texts(
        [
            "Help {name} shine inside their company: give them material they can take to their leadership.",
            "Ask where {name} wants their career to go, and notice when your work can help them get there.",
        ],
        "Tips when career success and recognition drive them.",
    )
    security_stability: list[TipText] = _texts(
        [
            "Lower the risk for {name}: proven approaches, references and a clear fallback.",
            "No surprises: tell {name} early about any change or delay, before they hear it elsewhere.",
        ],
        "Tips when security and predictability drive them.",
    )
    achievement: list[TipText] = _texts(
        [
            "Frame ideas by the problem they solve and the result {name} will be able to point to.",
            "Mark the milestones you reach together, with the numbers.",
        ],
        "Tips when making a difference and solving problems drive them.",
    )
    autonomy: list[TipText] = _texts(
        [
            "Offer {name} choices rather than one path, and leave the decision with them.",
            "Never go around {name}; ask how they want to be involved.",
        ],
        "Tips when independence and control drive them.",
    )
    social_connection: list[TipText] = _texts(
        [
            "Include {name}'s team, and make time for the person as well as the project.",
            "Invite {name} to gatherings where they can meet peers they would enjoy.",
        ],
        "Tips when relationships and belonging drive them.",
    )
    learning: list[TipText] = _texts(
        [
            "Bring {name} something new to learn: a study, a talk or a tool worth their time.",
            "Ask what {name} is learning at the moment, and come back to it next time.",
        ],
        "Tips when growth and new experiences drive them.",
    )
    legacy: list[TipText] = _texts(
        [
            "Tie your work to the lasting difference {name} wants to make in their organization.",
            "Talk about purpose and the long run, not only this quarter's numbers.",
        ],
        "Tips when long-term impact and meaning drive them.",
    )
    unknown: list[TipText] = _texts(
        [
            "You do not know yet what drives {name}: ask what a good year would look like for them, and note it.",
        ],
        "Shown when no motivation driver is recorded; an empty list shows nothing.",
    )


keepwarm_config_section = section(SECTION, Settings)


@hookimpl
def keepwarm_tips(ctx: ContactContext):
    cfg = applies(ctx, SECTION)
    if cfg is None:
        return None
    drivers = [m.value for m in ctx.contact.motivations] or ["unknown"]
    return [tip for driver in drivers for tip in tips(getattr(cfg, driver, []), ctx, TOPIC)] or None
