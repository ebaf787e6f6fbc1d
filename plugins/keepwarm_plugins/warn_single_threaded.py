"""An account that hangs on a single person.

If everything you know about an account passes through one contact, the
account leaves when they do, or cools when they cool. The rule warns when only
one stakeholder (or a few) was touched in the recent window while others are
known there, or key roles have nobody in your contacts at all.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from keepwarm.plugin import AccountContext, Role, Warning, applies, hookimpl, in_play, joined, plural, section

from ._warn_common import KEY_ROLES, role_label

SECTION = "single_threaded"


class Settings(BaseModel):
    """Parameters of the single-threaded account; the source of rules/warnings.toml (generated)."""

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)

    enabled: bool = Field(True, description="Warn when an account rests on one person.")
    max_threads: int = Field(
        1, ge=1, le=20, description="Warn when at most this many stakeholders were touched in the recent window."
    )
    key_roles: list[Role] = Field(
        default_factory=lambda: list(KEY_ROLES),
        description="Roles an account needs; a gap counts even when you know nobody else there.",
    )


keepwarm_config_section = section(SECTION, Settings)


@hookimpl
def keepwarm_account_warnings(ctx: AccountContext):
    cfg = applies(ctx, SECTION)
    if cfg is None:
        return None
    people = in_play(ctx.members)
    touched = sorted((m for m in people if m.stats.touches_recent > 0), key=lambda m: m.contact.name)
    if not touched or len(touched) > cfg.max_threads:
        return None
    covered = {m.contact.role for m in people}
    missing = [role_label(r) for r in cfg.key_roles if r not in covered]
    if len(people) <= len(touched) and not missing:
        return None
    account, days = ctx.account.name, touched[0].stats.recent_days
    names = joined(m.contact.name for m in touched)
    alone, was = ("alone", "was") if len(touched) == 1 else ("and nobody else", "were")
    if len(people) > len(touched):
        how = f"only {len(touched)} of {len(people)} people there {was} touched in the last {plural(days, 'day')}"
    else:
        how = "you know nobody else there"
    message = f"{account} hangs on {names} {alone}: {how}"
    message += f"; no one you know there is its {joined(missing, 'or')}." if missing else "."
    evidence: dict = {
        "touched": len(touched),
        "members": len(people),
        "threads": ", ".join(m.contact.name for m in touched),
        "recent_days": days,
    }
    if missing:
        evidence["missing_roles"] = ", ".join(missing)
    return [Warning(key=SECTION, message=message, severity=2, evidence=evidence)]
