"""Key stakeholders nobody has been in touch with.

The sponsor, the person who signs, the one who shapes the decision and your
champion decide an account's future together; one of them left alone for
months makes up their mind without you. The rule names each key-role holder
not touched for longer than the limit (counted from when they were added if
they were never touched).
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from keepwarm.plugin import AccountContext, Role, Warning, applies, hookimpl, in_play, plural, section

from ._warn_common import KEY_ROLES, days_quiet, role_label

SECTION = "untouched_stakeholder"
#: How many of the people left alone are named (the longest waiting first); the others are counted. An account
#: of a thousand stakeholders made a message longer than any result may hold, and the rule failed on it.
NAMED = 10


class Settings(BaseModel):
    """Parameters of the untouched key stakeholder; the source of rules/warnings.toml (generated)."""

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)

    enabled: bool = Field(True, description="Warn when a key stakeholder of an account has not been touched for long.")
    roles: list[Role] = Field(
        default_factory=lambda: list(KEY_ROLES), description="The roles whose holders must not be left alone."
    )
    days: int = Field(
        60,
        ge=1,
        le=3650,
        description="Warn when such a person has not been touched for more than this many days.",
    )
    urgent_days: int = Field(
        180, ge=1, le=3650, description="Urgent when one of them has waited more than this many days."
    )


keepwarm_config_section = section(SECTION, Settings)


@hookimpl
def keepwarm_account_warnings(ctx: AccountContext):
    cfg = applies(ctx, SECTION)
    if cfg is None:
        return None
    waiting = []
    for member in in_play(ctx.members):
        quiet = days_quiet(member, ctx.today)
        if member.contact.role in cfg.roles and quiet is not None and quiet > cfg.days:
            waiting.append((quiet, member))
    if not waiting:
        return None
    waiting.sort(key=lambda item: (-item[0], item[1].contact.name))
    spoken, days_text = [], []
    for quiet, m in waiting[:NAMED]:
        who = f"{m.contact.name} ({role_label(m.contact.role)})"
        if m.stats.last_touch is not None:
            spoken.append(f"{who} for {plural(quiet, 'day')}")
            days_text.append(f"{m.contact.name}: {quiet}")
        else:
            spoken.append(f"{who} never since you added them {plural(quiet, 'day')} ago")
            days_text.append(f"{m.contact.name}: never (added {plural(quiet, 'day')} ago)")
    if len(waiting) > NAMED:
        spoken.append(f"and {len(waiting) - NAMED} more")
        days_text.append(f"and {len(waiting) - NAMED} more")
    longest = waiting[0][0]
    return [
        Warning(
            key=SECTION,
            message=f"Key people at {ctx.account.name} have been left alone: {'; '.join(spoken)}.",
            severity=3 if longest > cfg.urgent_days else 2,
            evidence={
                "who": ", ".join(f"{m.contact.name} ({role_label(m.contact.role)})" for _, m in waiting[:NAMED])
                + (f", and {len(waiting) - NAMED} more" if len(waiting) > NAMED else ""),
                "days_since_touch": ", ".join(days_text),
                "longest_days": longest,
                "limit_days": cfg.days,
            },
        )
    ]
