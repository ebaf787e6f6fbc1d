"""Talk to people the way they like to be talked to.

People lean towards one of four social styles: analytical (facts and care),
driver (results and pace), expressive (ideas and energy) or amiable (people
and safety). Meeting someone in their style makes the same message land
better. The tips are plain text in the rule pack, so a team can rewrite them
in its own voice.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from keepwarm.plugin import ContactContext, SocialStyle, applies, hookimpl, section

from ._tips_common import TipText, texts, tips

SECTION = "style_tips"
TOPIC = "style"


def _texts(default: list[str], description: str):
    return texts(default, description, at_most=10)


class Settings(BaseModel):
    """Tips for each social style; the source of rules/tips.toml (generated). `{name}` is the first name."""

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)

    enabled: bool = Field(True, description="Show tips for the contact's social style.")
    analytical: list[TipText] = _texts(
        [
            "Bring evidence: figures, sources and how you got them; {name} weighs facts over enthusiasm.",
            "Send material a day ahead and do not push for a decision in the room; {name} wants time to study it.",
            "Lay out the options in order, with the trade-offs and risks stated plainly.",
            "Be exact: if a number was wrong, correct it yourself before {name} finds it.",
        ],
        "Tips for an analytical contact: careful, precise, wants facts.",
    )
    driver: list[TipText] = _texts(
        [
            "Lead with the result and what you need from {name}; keep the detail for their questions.",
            "Offer two or three options with your recommendation, and let {name} make the call.",
            "Keep it short and on time, and end with one clear next step and who owns it.",
        ],
        "Tips for a driver: decisive, busy, wants results.",
    )
    expressive: list[TipText] = _texts(
        [
            "Start with the bigger picture: what could change for {name} and their team.",
            "Tell the story of a client who got there, rather than listing features.",
            "Shape ideas together with {name}, and credit their contributions where others can see it.",
        ],
        "Tips for an expressive contact: enthusiastic, visionary, wants to be heard.",
    )
    amiable: list[TipText] = _texts(
        [
            "Give the personal conversation time before business; {name} opens up as trust grows, not as pace rises.",
            "Show how the plan helps their team, and who else already supports it.",
            "Make it safe: references, a small first step, and a way back if it does not work out.",
            "Leave {name} room to consult colleagues; a rushed yes from an amiable person rarely holds.",
        ],
        "Tips for an amiable contact: warm, steady, wants safety and consensus.",
    )
    unknown: list[TipText] = _texts(
        [
            "You have not noted {name}'s style yet: watch whether they lead with facts, results, ideas or people, "
            "then record it (keepwarm contact edit --style).",
        ],
        "Shown when the contact's style is not known yet.",
    )


keepwarm_config_section = section(SECTION, Settings)


@hookimpl
def keepwarm_tips(ctx: ContactContext):
    cfg = applies(ctx, SECTION)
    if cfg is None:
        return None
    style = ctx.contact.style if isinstance(ctx.contact.style, SocialStyle) else SocialStyle.UNKNOWN
    return tips(getattr(cfg, style.value), ctx, TOPIC) or None
