"""Running the engine with hand-picked plugins, for the engine's own tests."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, ConfigDict

from keepwarm.hosting.host import PluginHost
from keepwarm.hosting.runtime import build_runtime
from keepwarm.plugin import ConfigSection, Proposal, hookimpl


def use_plugins(session, *plugins, user_rules=None, strict=False):
    """Give `session` a runtime with only these plugins (name, object) pairs, no built-ins."""
    host = PluginHost(eps=[], plugins_dir=None, strict=strict).load()
    for name, plugin in plugins:
        host.register_for_test(plugin, name)
    session.__dict__["runtime"] = build_runtime(host=host, user_rules=user_rules)
    return session.runtime


class MonthlySettings(BaseModel):
    model_config = ConfigDict(extra="forbid")
    days: int = 30


class Monthly:
    """A cadence rule: last touch + `days`, or today when never touched."""

    @hookimpl
    def keepwarm_config_section(self):
        return ConfigSection("monthly", MonthlySettings)

    @hookimpl
    def keepwarm_cadence(self, ctx):
        days = ctx.rules["monthly"].days
        last = ctx.stats.last_touch
        due = ctx.today if last is None else last.date() + dt.timedelta(days=days)
        return [Proposal(rule_key="monthly", due=due, reason="monthly check-in", interval_days=days)]
