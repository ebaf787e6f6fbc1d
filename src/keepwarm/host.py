"""The plugin host: the one owner of pluggy's PluginManager.

Nothing else in keepwarm calls `pm.hook`. The host loads plugins in a fixed
order — keepwarm's own (entry points declared by the keepwarm distribution),
then other installed packages in the `keepwarm` entry-point group, then single
`.py` files from the user's plugins folder — each inside its own guard, and
calls every implementation separately so that one plugin's failure is
recorded against its name and skipped while the others' results still count.
"""

from __future__ import annotations

import difflib
import functools
import importlib.util
import inspect
import itertools
import os
import re
import sys
import time
import traceback
from collections.abc import Callable, Iterable, Mapping
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from importlib.metadata import EntryPoint, entry_points
from pathlib import Path
from typing import Any

import pluggy

from . import budget as time_budget
from . import hookspecs, plugin_trust
from .engine.checks import check as check_result
from .engine.types import AccountContext, ConfigSection, ContactContext, Proposal, Suggestion, Tip, Warning
from .sources.types import SourceKind
from .wording import plural

GROUP = "keepwarm"
OWN_DISTRIBUTION = "keepwarm"
MAX_PROBLEMS_PER_HOOK = 5
#: The most results one plugin's hook may give for one contact (or account); beyond, a flood.
MAX_RESULTS_PER_HOOK = 50


class PluginError(Exception):
    """Raised instead of recording a problem when KEEPWARM_STRICT_PLUGINS=1."""


class HookError(Exception):
    """A plugin implements a hook that does not exist, or with arguments the hook does not pass."""


@dataclass
class PluginProblem:
    plugin: str
    hook: str
    error: str
    contact_id: int | None = None
    count: int = 1
    detail: str = ""

    def __str__(self) -> str:
        where = f" for contact {self.contact_id}" if self.contact_id is not None else ""
        more = f" (and {plural(self.count - 1, 'more time')})" if self.count > 1 else ""
        return f"plugin {self.plugin}: {self.hook}{where}: {self.error}{more}"

    def to_json(self) -> dict:
        return {
            "plugin": self.plugin,
            "hook": self.hook,
            "contact_id": self.contact_id,
            "error": self.error,
            "count": self.count,
        }


@dataclass
class PluginInfo:
    name: str
    source: str  # built-in, package, file
    origin: str  # module path, distribution name or file path
    version: str = ""
    hooks: list[str] = field(default_factory=list)
    section: str | None = None
    error: str | None = None
    disabled: str | None = None  # why it does not run, when it does not
    refused: bool = False  # a file others can change: not run (see plugin_trust); the reason is in `error`

    @property
    def active(self) -> bool:
        return self.error is None and self.disabled is None

    def to_json(self) -> dict:
        return {
            "name": self.name,
            "source": self.source,
            "origin": self.origin,
            "version": self.version,
            "hooks": self.hooks,
            "section": self.section,
            "error": self.error,
            "disabled": self.disabled,
            "active": self.active,
        }


def _flag(name: str) -> bool:
    return os.environ.get(name, "").strip().lower() in ("1", "true", "yes", "on")


def _error_text(exc: BaseException) -> str:
    text = f"{type(exc).__name__}: {exc}".strip()
    return text.splitlines()[0] if text else type(exc).__name__


class PluginHost:
    def __init__(
        self,
        *,
        safe_mode: bool = False,
        disabled: Iterable[str] = (),
        plugins_dir: Path | None = None,
        strict: bool | None = None,
        trace: bool | None = None,
        eps: Iterable[EntryPoint] | None = None,
        packages: bool = True,
        owner_uid: int | None = None,
        budget: float = time_budget.DEFAULT_SECONDS,
        slow: dict[str, str] | None = None,
    ) -> None:
        self.pm = pluggy.PluginManager(hookspecs.PROJECT)
        self.pm.add_hookspecs(hookspecs)
        self.safe_mode = safe_mode
        self.disabled_names = set(disabled)
        self.plugins_dir = plugins_dir
        self.strict = _flag("KEEPWARM_STRICT_PLUGINS") if strict is None else strict
        self.trace = _flag("KEEPWARM_TRACE_PLUGINS") if trace is None else trace
        self._eps = eps
        self.packages = packages  # False: keepwarm's own entry points only (docs, tests), others not even listed
        self.owner_uid = owner_uid  # whose plugin files may run; None: the user running keepwarm
        self.budget = budget  # seconds one plugin call may take (0: no limit); read by keepwarm.budget's watchdog
        #: Plugins found too slow (name -> why), shared with the next host of the session: a plugin that hung
        #: while loading is not loaded again by the run that replaces the abandoned one.
        self.slow = {} if slow is None else slow
        self._slow_seen = 0  # bumped when a plugin is found slow: callers built before drop it
        if budget:
            time_budget.watch(budget)
        self.infos: dict[str, PluginInfo] = {}
        self.problems: list[PluginProblem] = []
        self._problem_index: dict[tuple[str, str], PluginProblem] = {}
        self.sections: dict[str, ConfigSection] = {}  # plugin name -> its section

    # ------------------------------------------------------------- loading

    def load(self) -> "PluginHost":
        eps = sorted(self._eps if self._eps is not None else entry_points(group=GROUP), key=lambda e: e.name)
        own = [ep for ep in eps if _dist_name(ep) == OWN_DISTRIBUTION]
        others = [ep for ep in eps if _dist_name(ep) != OWN_DISTRIBUTION] if self.packages else []
        for ep in own:
            self._load_entry_point(ep, "built-in")
        for ep in others:
            if self.safe_mode:
                self.infos[ep.name] = PluginInfo(
                    ep.name, "package", _dist_name(ep) or ep.value, _dist_version(ep), disabled="safe mode"
                )
                continue
            self._load_entry_point(ep, "package")
        if self.plugins_dir is not None and self.plugins_dir.is_dir():
            unsafe_folder = plugin_trust.folder_refusal(self.plugins_dir, self.owner_uid)
            for path in sorted(self.plugins_dir.glob("*.py")):
                if path.name.startswith("_"):
                    continue
                if self.safe_mode:
                    self.infos[path.stem] = PluginInfo(path.stem, "file", str(path), disabled="safe mode")
                    continue
                refusal = unsafe_folder or plugin_trust.file_refusal(path, self.owner_uid)
                if refusal is not None:
                    self._refuse(PluginInfo(path.stem, "file", str(path)), refusal)
                    continue
                self._load_file(path)
        self._collect_sections()
        return self

    def _refuse(self, info: PluginInfo, refusal: plugin_trust.Refusal) -> None:
        info.error, info.refused = str(refusal), True
        self.infos.setdefault(info.name, info)
        self._record(info.name, "load", info.error)

    def _load_entry_point(self, ep: EntryPoint, source: str) -> None:
        info = PluginInfo(
            ep.name, source, ep.value if source == "built-in" else (_dist_name(ep) or ep.value), _dist_version(ep)
        )
        self._guarded_register(info, ep.load)

    def _load_file(self, path: Path) -> None:
        info = PluginInfo(path.stem, "file", str(path))

        def load() -> Any:
            module_name = f"keepwarm_user_plugins.{path.stem}"
            spec = importlib.util.spec_from_file_location(module_name, path)
            if spec is None or spec.loader is None:
                raise ImportError(f"cannot load {path}")
            module = importlib.util.module_from_spec(spec)
            sys.modules[module_name] = module
            try:
                spec.loader.exec_module(module)
            except BaseException:
                sys.modules.pop(module_name, None)
                raise
            return module

        self._guarded_register(info, load)

    def _guarded_register(self, info: PluginInfo, load: Callable[[], Any]) -> None:
        if info.name in self.infos and self.infos[info.name].active:
            info.error = f"a plugin named {info.name!r} is loaded already ({self.infos[info.name].origin})"
            self._record(info.name, "load", info.error)
            self.infos[f"{info.name} ({info.origin})"] = info
            return
        self.infos[info.name] = info
        if info.name in self.disabled_names:
            info.disabled = "disabled in config"
            return
        if info.name in self.slow:
            info.disabled = self.slow[info.name]
            return
        started = time.perf_counter() if self.trace else 0.0
        lane = time_budget.lane()
        # keepwarm's own plugins load without a budget: a busy machine must not make one of them "slow"
        lane.where, lane.plugin = (self if info.source != "built-in" else None, "load", None), info.name
        error: Exception | None = None
        lane.calls += 1
        try:
            plugin = load()
        except Exception as exc:
            error = exc
        finally:
            lane.calls += 1
        if lane.tripped and self._tripped(lane):
            return
        try:
            if error is not None:
                raise error
            if self.trace:
                elapsed = (time.perf_counter() - started) * 1000
                print(f"keepwarm trace: {info.name} load {elapsed:.3f} ms", file=sys.stderr)
            _check_api_version(plugin)
            self._check_hooks(plugin)
            self.pm.register(plugin, name=info.name)
            try:
                self.pm.check_pending()
            except pluggy.PluginValidationError:
                self.pm.unregister(name=info.name)
                raise
        except pluggy.PluginValidationError as exc:  # pluggy's message spreads its cause over lines
            info.error = "; ".join(line.strip() for line in str(exc).splitlines() if line.strip())
            self._record(info.name, "load", info.error, exc=exc)
            return
        except Exception as exc:  # a broken plugin must never take the program down
            info.error = _error_text(exc)
            self._record(info.name, "load", info.error, exc=exc)
            return
        for name in _unmarked_hooks(plugin, self._hook_names()):
            self._record(
                info.name,
                "load",
                f"{name} is not marked @hookimpl, so keepwarm never calls it "
                "(add `@hookimpl` from keepwarm.plugin above it)",
            )
        info.hooks = sorted(
            h.name for h in self.pm.get_hookcallers(plugin) or () if h.name != "keepwarm_config_section"
        )
        info.version = info.version or str(getattr(plugin, "__version__", "") or "")

    def _hook_names(self) -> list[str]:
        return sorted(name for name in vars(hookspecs) if name.startswith("keepwarm_"))

    def _check_hooks(self, plugin: object) -> None:
        """Refuse an implementation of no hook, or with an argument no hook passes, saying which and why.

        pluggy would refuse both too, but naming the plugin object and spreading
        the cause over three lines; a misspelt hook name gets the one it resembles.
        """
        known = self._hook_names()
        for name in dir(plugin):
            if self.pm.parse_hookimpl_opts(plugin, name) is None:
                continue
            if name not in known:
                # Compared without the prefix every hook shares, which would make any name look close.
                words = {hook.removeprefix("keepwarm_"): hook for hook in known}
                close = difflib.get_close_matches(name.removeprefix("keepwarm_"), words, n=1, cutoff=0.6)
                hint = f"; did you mean {words[close[0]]}?" if close else f" (the hooks: {', '.join(known)})"
                raise HookError(f"{name} is not a keepwarm hook{hint}")
            function = getattr(plugin, name)
            accepted = list(inspect.signature(hookspecs.__dict__[name]).parameters)
            try:
                params = list(inspect.signature(function).parameters)
            except (TypeError, ValueError):
                continue  # no signature to read: pluggy's own check decides
            if params[:1] == ["self"] and "." in getattr(function, "__qualname__", ""):
                params = params[1:]  # a method of a class registered as it is: pluggy passes no self either
            wrong = [p for p in params if p not in accepted]
            if wrong:
                takes = ", ".join(accepted) if accepted else "no argument"
                close = [m for p in wrong for m in difflib.get_close_matches(p, accepted, n=1, cutoff=0.5)]
                hint = f"; did you mean {', '.join(close)}?" if close else ""
                raise HookError(
                    f"{name}({', '.join(params)}): {name} receives no argument "
                    f"{' or '.join(map(repr, wrong))} (it is given {takes}, by name){hint}"
                )

    def _collect_sections(self, only: str | None = None) -> None:
        """The config sections the plugins declare (only this plugin's, when one is added later)."""
        for impl in self.pm.hook.keepwarm_config_section.get_hookimpls():
            if only is not None and impl.plugin_name != only:
                continue
            result = self._invoke(impl, "keepwarm_config_section", {}, None)
            if result is None:
                continue
            if not isinstance(result, ConfigSection):
                self._record(
                    impl.plugin_name,
                    "keepwarm_config_section",
                    f"returned {type(result).__name__}, expected ConfigSection or None",
                )
                continue
            owner = next((p for p, s in self.sections.items() if s.name == result.name and p != impl.plugin_name), None)
            if owner is not None:
                self._record(
                    impl.plugin_name,
                    "keepwarm_config_section",
                    f"section [{result.name}] is declared by plugin {owner} already",
                )
                continue
            self.sections[impl.plugin_name] = result
            self.infos[impl.plugin_name].section = result.name

    def mark_slow(self, plugin: str, hook: str, contact_id: int | None) -> None:
        """A call of this plugin outlived the budget: a problem naming it, and no more calls to it."""
        reason = f"too slow: no answer within its {self.budget:g} s time budget"
        if plugin in self.infos and self.infos[plugin].disabled is None:
            self.infos[plugin].disabled = reason
        if plugin in self.slow:
            return
        self.slow[plugin] = reason
        self._slow_seen += 1
        error = (
            f"slow plugin: no answer within its {self.budget:g} s time budget; skipped for the rest of this run "
            "(raise [plugins] budget_seconds in config.toml if it needs longer)"
        )
        if self.strict:
            raise PluginError(f"plugin {plugin}: {hook}: {error}")
        problem = PluginProblem(plugin, hook, error, contact_id)
        self._problem_index[(plugin, f"{hook} (slow)")] = problem
        self.problems.append(problem)

    def _tripped(self, lane: time_budget.Lane) -> bool:
        """After a call the watchdog found slow: mark its plugin (True), or raise RunAbandoned in an abandoned run."""
        slow = time_budget.tripped(lane)
        if slow is None or slow[0] is None:  # a late trip, or one of keepwarm's own plugins loading
            return False
        host, plugin, hook, contact_id = slow
        host.mark_slow(plugin, hook, contact_id)
        return True

    def disable(self, plugin: str, reason: str) -> None:
        if plugin in self.infos and self.infos[plugin].disabled is None:
            self.infos[plugin].disabled = reason

    def section_models(self) -> dict[str, type]:
        return {s.name: s.model for p, s in self.sections.items() if self.infos[p].error is None}

    # ------------------------------------------------------------- calling

    def _record(
        self, plugin: str, hook: str, error: str, contact_id: int | None = None, exc: BaseException | None = None
    ) -> None:
        if self.strict:
            raise PluginError(f"plugin {plugin}: {hook}: {error}") from exc
        key = (plugin, hook)
        existing = self._problem_index.get(key)
        if existing is not None:
            existing.count += 1
            return
        detail = "".join(traceback.format_exception(exc)) if exc is not None else ""
        problem = PluginProblem(plugin, hook, error, contact_id, detail=detail)
        self._problem_index[key] = problem
        self.problems.append(problem)

    def _invoke(self, impl, hook: str, kwargs: Mapping[str, Any], contact_id: int | None) -> Any:
        """One call of one plugin, in its guard: errors recorded, a slow call cut off (None either way)."""
        started = time.perf_counter() if self.trace else 0.0
        lane = time_budget.lane()
        lane.where, lane.plugin = (self, hook, contact_id), impl.plugin_name
        error: Exception | None = None
        lane.calls += 1
        try:
            result = impl.function(*[kwargs[name] for name in impl.argnames])
        except Exception as exc:
            error = exc
        finally:
            lane.calls += 1
            if self.trace:
                elapsed = (time.perf_counter() - started) * 1000
                who = f" contact={contact_id}" if contact_id is not None else ""
                print(f"keepwarm trace: {impl.plugin_name} {hook}{who} {elapsed:.3f} ms", file=sys.stderr)
        if lane.tripped and self._tripped(lane):
            return None
        if error is not None:
            if self.strict:
                raise error
            self._record(impl.plugin_name, hook, _error_text(error), contact_id, error)
            return None
        return result

    def _collect_from(
        self, hook: str, kwargs: Mapping[str, Any], expected: type, contact_id: int | None
    ) -> tuple[list[tuple[str, Any]], set[str]]:
        """Every active plugin's results, each tagged with its plugin, and the plugins that failed."""
        out: list[tuple[str, Any]] = []
        failed: set[str] = set()
        for impl in getattr(self.pm.hook, hook).get_hookimpls():
            info = self.infos.get(impl.plugin_name)
            if info is not None and not info.active:
                continue
            before = len(self.problems), self._count(impl.plugin_name, hook)
            result = self._invoke(impl, hook, kwargs, contact_id)
            if (len(self.problems), self._count(impl.plugin_name, hook)) != before:
                failed.add(impl.plugin_name)
                continue
            if result is None:
                continue
            self._check_items(impl.plugin_name, hook, result, expected, contact_id, out, failed)
        return out, failed

    def dispatcher(
        self, hook: str, expected: type
    ) -> Callable[[Any, int | None], tuple[list[tuple[str, Any]], AbstractSet[str]]]:
        """A caller for one hook over many contexts: the active implementations are resolved once.

        Same results, problems and strictness as calling `_collect_from` for each
        context, without the per-call lookups; tracing takes the slow path so that
        every call is timed.
        """
        if self.trace:
            return lambda ctx, contact_id: self._collect_from(hook, {"ctx": ctx}, expected, contact_id)
        impls = []
        for impl in getattr(self.pm.hook, hook).get_hookimpls():
            info = self.infos.get(impl.plugin_name)
            if info is not None and not info.active:
                continue
            function = impl.function
            if tuple(impl.argnames) != ("ctx",):  # declared with no argument (or, wrongly, others): called by name
                function = _by_name(function, tuple(impl.argnames))
            impls.append((impl.plugin_name, function))
        strict, record, check, cap = self.strict, self._record, self._check_items, MAX_RESULTS_PER_HOOK
        no_failures: frozenset[str] = frozenset()
        lane_of, host = time_budget.lane, self
        current: list[Any] = [impls, self._slow_seen]  # the implementations still called: a slow one is dropped

        def call(ctx: Any, contact_id: int | None) -> tuple[list[tuple[str, Any]], AbstractSet[str]]:
            out: list[tuple[str, Any]] = []
            failed: set[str] | frozenset[str] = no_failures
            if current[1] != host._slow_seen:
                current[:] = [[(n, f) for n, f in current[0] if n not in host.slow], host._slow_seen]
            lane = lane_of()
            lane.where = (host, hook, contact_id)
            for name, function in current[0]:
                lane.plugin = name
                error = None
                lane.calls += 1  # odd while inside a plugin: what the watchdog watches
                try:
                    result = function(ctx)
                except Exception as exc:
                    error = exc
                finally:
                    lane.calls += 1
                if lane.tripped and host._tripped(lane):
                    if isinstance(failed, frozenset):  # the shared empty one: a set of this call's own
                        failed = set()
                    failed.add(name)
                    continue
                if error is not None:
                    if strict:
                        raise error
                    record(name, hook, _error_text(error), contact_id, error)
                    if isinstance(failed, frozenset):  # the shared empty one: a set of this call's own
                        failed = set()
                    failed.add(name)
                    continue
                if result is None:
                    continue
                if type(result) is list:
                    if len(result) <= cap:
                        for item in result:  # the usual answer: a short list of the expected results
                            if type(item) is not expected:
                                break
                        else:
                            for item in result:
                                out.append((name, item))
                            continue
                elif type(result) is expected:
                    out.append((name, result))
                    continue
                if isinstance(failed, frozenset):
                    failed = set()
                check(name, hook, result, expected, contact_id, out, failed)
            return out, failed

        return call

    def _check_items(
        self,
        plugin: str,
        hook: str,
        result: Any,
        expected: type,
        contact_id: int | None,
        out: list[tuple[str, Any]],
        failed: set[str],
    ) -> None:
        """The slow path of any answer but a short list of exact result objects: each item checked.

        A bare text or mapping is one problem (not one per character or key); a
        generator's own error is the plugin's problem; a subclass of a result type
        is checked again (it may have replaced the check); beyond `MAX_RESULTS_PER_HOOK`
        items the rest are dropped, unread, and the flood recorded.
        """
        if isinstance(result, expected):
            result = (result,)
        if isinstance(result, (str, bytes, Mapping)) or not isinstance(result, Iterable):
            self._record(
                plugin, hook, f"returned {type(result).__name__}, expected a list of {expected.__name__}", contact_id
            )
            failed.add(plugin)
            return
        try:
            items = list(itertools.islice(result, MAX_RESULTS_PER_HOOK + 1))
        except Exception as exc:
            if self.strict:
                raise
            self._record(plugin, hook, _error_text(exc), contact_id, exc)
            failed.add(plugin)
            return
        if len(items) > MAX_RESULTS_PER_HOOK:
            items = items[:MAX_RESULTS_PER_HOOK]
            self._record(
                plugin,
                hook,
                f"returned more than {MAX_RESULTS_PER_HOOK} {expected.__name__}s for one "
                f"{'contact' if contact_id is not None else 'account'}; only the first "
                f"{MAX_RESULTS_PER_HOOK} are kept",
                contact_id,
            )
        for item in items:
            if not isinstance(item, expected):
                failed.add(plugin)
                self._record(
                    plugin,
                    hook,
                    f"returned a {type(item).__name__} in its list, expected {expected.__name__}",
                    contact_id,
                )
                continue
            if type(item) is not expected:
                try:
                    check_result(item)
                except Exception as exc:  # ResultError, or a subclass whose own fields cannot be read
                    if self.strict:
                        raise
                    failed.add(plugin)
                    self._record(plugin, hook, _error_text(exc), contact_id, exc)
                    continue
            out.append((plugin, item))

    def _count(self, plugin: str, hook: str) -> int:
        problem = self._problem_index.get((plugin, hook))
        return problem.count if problem is not None else 0

    def _collect(self, hook: str, kwargs: Mapping[str, Any], expected: type, contact_id: int | None) -> list:
        return [item for _, item in self._collect_from(hook, kwargs, expected, contact_id)[0]]

    def note_signals(self, rules: Mapping[str, Any]) -> dict[str, list[str]]:
        signals: dict[str, list[str]] = {}
        for impl in self.pm.hook.keepwarm_note_signals.get_hookimpls():
            info = self.infos.get(impl.plugin_name)
            if info is not None and not info.active:
                continue
            result = self._invoke(impl, "keepwarm_note_signals", {"rules": rules}, None)
            if result is None:
                continue
            if not isinstance(result, Mapping):
                self._record(
                    impl.plugin_name,
                    "keepwarm_note_signals",
                    f"returned {type(result).__name__}, expected a mapping of signal to words",
                )
                continue
            for name, words in result.items():
                bucket = signals.setdefault(str(name), [])
                for word in words or ():
                    word = str(word).strip().lower()
                    if word and word not in bucket:
                        bucket.append(word)
        return signals

    def cadence(self, ctx: ContactContext) -> tuple[list[tuple[str, Proposal]], set[str]]:
        """Proposals tagged with the plugin that made them, and the plugins that failed for this contact."""
        return self._collect_from("keepwarm_cadence", {"ctx": ctx}, Proposal, ctx.contact.id)

    def tips(self, ctx: ContactContext) -> list[Tip]:
        return self._collect("keepwarm_tips", {"ctx": ctx}, Tip, ctx.contact.id)

    def warnings(self, ctx: ContactContext) -> list[Warning]:
        return self._collect("keepwarm_warnings", {"ctx": ctx}, Warning, ctx.contact.id)

    def account_warnings(self, ctx: AccountContext) -> list[Warning]:
        return self._collect("keepwarm_account_warnings", {"ctx": ctx}, Warning, None)

    def suggestions(self, ctx: ContactContext) -> list[Suggestion]:
        return self._collect("keepwarm_suggestions", {"ctx": ctx}, Suggestion, ctx.contact.id)

    def source_kinds(self) -> dict[str, tuple[str, SourceKind]]:
        """Every interaction-source kind offered, by name, with the plugin that offers it.

        A name offered a second time is the later plugin's problem: the first one loaded keeps it.
        """
        kinds: dict[str, tuple[str, SourceKind]] = {}
        for plugin, kind in self._collect_from("keepwarm_source_kinds", {}, SourceKind, None)[0]:
            if kind.name in kinds:
                self._record(
                    plugin,
                    "keepwarm_source_kinds",
                    f"offers the source kind {kind.name!r}, which {kinds[kind.name][0]} offers already",
                )
                continue
            kinds[kind.name] = (plugin, kind)
        return kinds

    def recall(self, stored: list[dict]) -> None:
        """Problems a run stored with its results (`PluginProblem.to_json()`), shown again while they are kept:
        a run that carries results over calls no plugin, yet what went wrong then still holds."""
        for item in stored:
            key = (item["plugin"], item["hook"])
            if key not in self._problem_index:
                problem = PluginProblem(item["plugin"], item["hook"], item["error"], item["contact_id"], item["count"])
                self._problem_index[key] = problem
                self.problems.append(problem)

    def register_for_test(self, plugin: object, name: str) -> None:
        """Add one plugin object after loading (keepwarm.testing uses this)."""
        info = PluginInfo(name, "test", repr(plugin))
        self._guarded_register(info, lambda: plugin)
        self._collect_sections(only=name)


def _by_name(function: Callable, argnames: tuple[str, ...]) -> Callable[[Any], Any]:
    """A hook implementation that takes its arguments by name, called with the context alone."""
    return lambda ctx: function(*[{"ctx": ctx}[a] for a in argnames])


def _unmarked_hooks(plugin: object, known: list[str]) -> list[str]:
    """The plugin's own functions named after a hook but not marked: pluggy ignores them without a word."""
    module = getattr(plugin, "__name__", None) if inspect.ismodule(plugin) else None
    found = []
    for name in known:
        try:
            function = getattr(plugin, name, None)
        except Exception:  # a property that raises: not a function, and no reason to fail the load
            continue
        if function is None or not callable(function) or hasattr(function, f"{hookspecs.PROJECT}_impl"):
            continue
        if module is not None and getattr(function, "__module__", module) != module:
            continue  # imported from elsewhere, e.g. a helper module's
        found.append(name)
    return found


def _dist_name(ep: EntryPoint) -> str:
    return _dist_facts(getattr(ep, "dist", None))[0]


def _dist_version(ep: EntryPoint) -> str:
    return _dist_facts(getattr(ep, "dist", None))[1]


@functools.lru_cache(maxsize=64)
def _dist_facts(dist: Any) -> tuple[str, str]:
    """The distribution's normalized name and its version, from one reading of its metadata.

    `Distribution.name` and `.version` each parse the whole METADATA file again: asked for every
    entry point, that was three parses per plugin, a tenth of a second of every command that
    loads the plugins. The entry points of one `entry_points()` call share their distribution
    object, so this reads each distribution once.
    """
    if dist is None:
        return "", ""
    metadata = dist.metadata
    name = metadata["Name"] or ""
    return name.lower().replace("_", "-"), metadata["Version"] or ""


def _check_api_version(plugin: object) -> None:
    """A plugin may declare `KEEPWARM_API = "1"` (or "1.1", or a list); refuse an incompatible one.

    "1" accepts any 1.x; "1.1" needs 1.1 or a later 1.x (the hooks it uses
    arrived in 1.1). A list accepts any one of its entries.
    """
    from . import PLUGIN_API_VERSION

    wanted = getattr(plugin, "KEEPWARM_API", None)
    if wanted is None:
        return
    accepted = [str(w).strip() for w in (wanted if isinstance(wanted, (list, tuple, set)) else [wanted])]
    provided = (*(_api_parts(PLUGIN_API_VERSION) or (0,)), 0)[:2]
    for entry in accepted:
        parts = _api_parts(entry)
        if parts is None:
            raise RuntimeError(
                f'KEEPWARM_API = {wanted!r}: expected a version such as "1" or "1.0" '
                f"(this keepwarm provides plugin API {PLUGIN_API_VERSION})"
            )
        if parts[0] == provided[0] and (len(parts) < 2 or parts[1] <= provided[1]):
            return
    raise RuntimeError(
        f"needs keepwarm plugin API {' or '.join(accepted)}, but this keepwarm provides {PLUGIN_API_VERSION}"
    )


def _api_parts(text: str) -> tuple[int, ...] | None:
    if not re.fullmatch(r"\d+(\.\d+)?", text):
        return None
    return tuple(int(p) for p in text.split("."))
