"""A champion gone, or new faces in an account.

The person who speaks for you inside an account is its most fragile asset:
when they leave, the account can slip quietly. New people joining an
evaluation shift it too, and they form their view of you whether or not you
have met them. The rule names both, so you can introduce yourself in time.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from keepwarm.plugin import AccountContext, Member, Role, Stage, Warning, applies, hookimpl, joined, section

from ._warn_common import role_label

SECTION = "stakeholder_change"


class Settings(BaseModel):
    """Parameters of the stakeholder change; the source of rules/warnings.toml (generated)."""

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)

    enabled: bool = Field(True, description="Warn when a champion leaves or new stakeholders appear in an account.")
    gone_stages: list[Stage] = Field(
        default_factory=lambda: [Stage.FORMER], description="Stages that mean a person has left the account."
    )
    new_days: int = Field(
        60,
        ge=1,
        le=730,
        description="Stakeholders added this many days ago or less, and never touched, count as new.",
    )
    warn_on_new: bool = Field(
        True,
        description="Also warn (as a note) when new people join an account you already knew, champion or not.",
    )


keepwarm_config_section = section(SECTION, Settings)


def _added_days(member: Member, today) -> int | None:
    seen = member.stats.first_seen
    return None if seen is None else (today - seen.date()).days


def _names(members: list[Member], with_role: bool = False) -> list[str]:
    out = sorted(members, key=lambda m: m.contact.name)
    return [
        f"{m.contact.name} ({role_label(m.contact.role)})" if with_role and m.contact.role else m.contact.name
        for m in out
    ]


@hookimpl
def keepwarm_account_warnings(ctx: AccountContext):
    cfg = applies(ctx, SECTION)
    if cfg is None:
        return None
    account, today = ctx.account.name, ctx.today
    champions = ctx.with_role(Role.CHAMPION)
    gone = [m for m in champions if m.contact.stage in cfg.gone_stages]
    active = [m for m in champions if m.contact.stage not in cfg.gone_stages]
    ages = {m.contact.id: _added_days(m, today) for m in ctx.members}
    new = [
        m
        for m in ctx.members
        if m.contact.stage not in cfg.gone_stages
        and not m.contact.do_not_contact
        and ages[m.contact.id] is not None
        and ages[m.contact.id] <= cfg.new_days
        and m.stats.touches_total == 0
    ]
    established = any(age is not None and age > cfg.new_days for age in ages.values())
    faces = joined(_names(new, True))
    meet = f" Introduce yourself to the new faces: {faces}." if new else ""
    evidence: dict = {}
    if gone:
        left, has = joined(_names(gone)), "has" if len(gone) == 1 else "have"
        if active:
            still = "champions" if len(active) == 1 else "champion"
            message = f"Your champion {left} {has} left {account}; {joined(_names(active))} still {still} you there."
        else:
            plural = "" if len(gone) == 1 else "s"
            message = (
                f"{account} has lost its champion{plural}: {left} {has} left and nobody there speaks up for you now."
            )
        severity = 2 if active else 3
        evidence |= {"former_champions": ", ".join(_names(gone)), "active_champions": len(active)}
    elif new and cfg.warn_on_new and established:
        message, meet = f"New people have joined {account} and you have not met them yet: {faces}.", ""
        severity = 1
    else:
        return None
    if new:
        evidence |= {"new_stakeholders": ", ".join(_names(new, True)), "new_days": cfg.new_days}
    return [Warning(key=SECTION, message=message + meet, severity=severity, evidence=evidence)]
