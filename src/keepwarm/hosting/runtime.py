"""The loaded plugins and validated rules for one session.

Built once per process (the TUI rebuilds it on "reload rules"). A broken rules
section disables only the plugin that owns it; a broken core section falls
back to the defaults. Both stay visible as problems.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..home import paths
from ..rules import kept
from ..rules.core import CORE_SECTIONS, EngineSettings, HealthSettings
from ..rules.loading import Problem, RuleSet
from .budget import DEFAULT_SECONDS
from .host import PluginHost


@dataclass
class Runtime:
    host: PluginHost
    rules: RuleSet

    @property
    def engine(self) -> EngineSettings:
        return self.rules.sections["engine"]  # type: ignore[return-value]

    @property
    def health(self) -> HealthSettings:
        return self.rules.sections["health"]  # type: ignore[return-value]

    @property
    def rule_problems(self) -> list[Problem]:
        return self.rules.problems

    def messages(self) -> list[str]:
        """Everything a user should see on stderr or in the TUI's problems panel."""
        out = [str(p) for p in self.rules.problems]
        out += [
            f"plugin {name}: disabled because {info.disabled}"
            for name, info in self.host.infos.items()
            if info.disabled and info.disabled.startswith("its rules")
        ]
        out += [str(p) for p in self.host.problems]
        return out


def build_runtime(
    *,
    safe_mode: bool = False,
    disabled: tuple[str, ...] | list[str] = (),
    plugins_dir: Path | None = None,
    default_rules: Path | None = None,
    user_rules: Path | None = None,
    host: PluginHost | None = None,
    budget: float | None = None,
    slow: dict[str, str] | None = None,
    cache_dir: Path | None = None,
) -> Runtime:
    """The plugins loaded and the rule packs validated (read back from `cache_dir` when nothing they come from
    changed: rules/kept.py; without it, validated every time). With `cache_dir` the host imports a plugin when one
    of its hooks is first called (hosting/manifest.py); without it, every plugin as it loads."""
    if host is None:
        host = PluginHost(
            safe_mode=safe_mode,
            disabled=disabled,
            plugins_dir=plugins_dir if plugins_dir is not None else paths.user_plugins_dir(),
            budget=DEFAULT_SECONDS if budget is None else budget,
            slow=slow,
            cache_dir=cache_dir,
        ).load()
    models = {**CORE_SECTIONS, **host.section_models()}
    ruleset = kept.validated(
        default_rules or paths.default_rules_dir(),
        user_rules if user_rules is not None else paths.user_rules_dir(),
        models,
        cache_dir,
    )
    for plugin, section in host.sections.items():
        if section.name in ruleset.broken:
            host.disable(plugin, f"its rules section [{section.name}] is invalid")
    for name, model in CORE_SECTIONS.items():
        if name in ruleset.broken:
            ruleset.sections[name] = model()
    return Runtime(host=host, rules=ruleset)
