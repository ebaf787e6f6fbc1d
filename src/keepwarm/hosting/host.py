"""The plugin host: the one owner of pluggy's PluginManager.

Nothing else in keepwarm calls `pm.hook`. The host loads plugins in a fixed
order — keepwarm's own (entry points declared by the keepwarm distribution),
then other installed packages in the `keepwarm` entry-point group, then single
`.py` files from the user's plugins folder — each inside its own guard, and
calls every implementation separately so that one plugin's failure is
recorded against its name and skipped while the others' results still count.

Every hook call goes through one guarded path (`PluginHost._caller`), and
every convenience method is built on it. Hook-call monitors installed with
pluggy's own `PluginManager.add_hookcall_monitoring` (or `enable_tracing`;
`KEEPWARM_TRACE_PLUGINS` is one of them) see each of those calls.
"""

from __future__ import annotations

import functools
import importlib.util
import inspect
import itertools
import os
import re
import sys
import threading
import time
import traceback
import types
from collections.abc import Callable, Iterable, Mapping
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from importlib.metadata import EntryPoint, entry_points
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pluggy

from .. import PLUGIN_API_VERSION
from ..api import hookspecs
from ..api.checks import check as check_result
from ..api.types import AccountContext, ConfigSection, ContactContext, Proposal, Suggestion, Tip, Warning
from ..text.wording import plural
from . import budget as time_budget
from . import manifest as kept_manifest
from . import trust as plugin_trust

if TYPE_CHECKING:
    from ..api.address_books import AddressBookKind
    from ..api.sources import SourceKind

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


#: What pluggy takes as a hook implementation, when marked (see pluggy's `_static_hook_attr`).
_HOOKABLE = (types.FunctionType, types.MethodType, staticmethod, classmethod)


class _Manager(pluggy.PluginManager):
    """pluggy's manager, counting the hook-call monitors installed on it.

    With none, the host's call path calls each implementation itself (what
    pluggy's executor does for one plain implementation, without its ~0.6 µs of
    bookkeeping per call, some 200,000 calls per agenda of 10,000 people); with
    one or more, it hands each call to pluggy's executor so that the monitors
    see it. `enable_tracing` installs its monitor through this method too.
    """

    monitors = 0
    #: The plugin being registered and its marked attributes (see `marked`), or None.
    _marked: tuple[object, dict[str, Any]] | None = None

    def marked(self, plugin: object) -> dict[str, Any]:
        """The plugin's attributes pluggy takes as hook implementations (name -> options), found once.

        pluggy looks at every attribute of a plugin (a module holds all it
        imports) with `inspect.getattr_static`, and the host's own check looks
        first: the answers are kept for `register` of the same plugin, so each
        attribute is looked at once per load, not twice.
        """
        self._marked = None
        # A module's attributes are its namespace: only a function (or a method, a static or class method) can
        # be a hook there, so pluggy is asked about those alone, not about every class and module it imported.
        namespace = vars(plugin) if inspect.ismodule(plugin) else None
        marker = f"{self.project_name}_impl"
        found = {}
        for name in dir(plugin):
            if namespace is not None:
                value = namespace.get(name)
                if not isinstance(value, _HOOKABLE):
                    continue
                # A plain function is marked by an attribute of its own (what pluggy reads from it): the
                # helpers a module imports (`applies`, `first_name`, ...) are passed over without asking pluggy.
                if type(value) is types.FunctionType and marker not in value.__dict__:
                    continue
            opts = super().parse_hookimpl_opts(plugin, name)
            if opts is not None:
                found[name] = opts
        self._marked = (plugin, found)
        return found

    def forget_marked(self) -> None:
        self._marked = None

    def parse_hookimpl_opts(self, plugin: object, name: str) -> Any:
        if self._marked is not None and self._marked[0] is plugin:
            return self._marked[1].get(name)
        return super().parse_hookimpl_opts(plugin, name)

    def register(self, plugin: object, name: str | None = None) -> str | None:
        try:
            return super().register(plugin, name)
        finally:
            self._marked = None  # a plugin's module may change after it is registered: never answered from before

    def add_hookcall_monitoring(self, before: Callable[..., None], after: Callable[..., None]) -> Callable[[], None]:
        undo = super().add_hookcall_monitoring(before, after)
        self.monitors += 1
        undone = False

        def remove() -> None:
            nonlocal undone
            undo()
            if not undone:
                undone = True
                self.monitors -= 1

        return remove


class _Tracer:
    """KEEPWARM_TRACE_PLUGINS: a line on stderr per plugin call, written by a pluggy hook-call monitor.

    Loading a plugin is no hook call, so the host times loads itself and writes them here too.
    """

    def __init__(self) -> None:
        self._local = threading.local()  # each thread's calls in progress (the TUI calls from a worker too)

    def before(self, hook: str, impls: Any, kwargs: Mapping[str, Any]) -> None:
        started = self._local.__dict__.setdefault("started", [])
        started.append(time.perf_counter())

    def after(self, outcome: pluggy.Result, hook: str, impls: Any, kwargs: Mapping[str, Any]) -> None:
        elapsed = (time.perf_counter() - self._local.started.pop()) * 1000
        plugins = ",".join(impl.plugin_name for impl in impls) or "-"
        error = outcome.exception
        self.line(plugins, hook, _traced_target(kwargs), elapsed, "" if error is None else type(error).__name__)

    def line(self, plugin: str, what: str, target: str, elapsed_ms: float, raised: str = "") -> None:
        tail = f" raised {raised}" if raised else ""
        print(f"keepwarm trace: {plugin} {what}{target} {elapsed_ms:.3f} ms{tail}", file=sys.stderr)


def _traced_target(kwargs: Mapping[str, Any]) -> str:
    """Whom a hook call was about: its contact, or its account."""
    ctx = kwargs.get("ctx")
    if isinstance(ctx, ContactContext):
        return f" contact={ctx.contact.id}"
    if isinstance(ctx, AccountContext):
        return f" account={ctx.account.id}"
    return ""


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
        cache_dir: Path | None = None,
    ) -> None:
        self.pm = _Manager(hookspecs.PROJECT)
        self.pm.add_hookspecs(hookspecs)
        self.safe_mode = safe_mode
        self.disabled_names = set(disabled)
        self.plugins_dir = plugins_dir
        self.strict = _flag("KEEPWARM_STRICT_PLUGINS") if strict is None else strict
        self.trace = _flag("KEEPWARM_TRACE_PLUGINS") if trace is None else trace
        self._eps = eps
        self.packages = packages  # False: keepwarm's own entry points only (docs, tests), others not even listed
        self.owner_uid = owner_uid  # whose plugin files may run; None: the user running keepwarm
        self.budget = budget  # seconds one plugin call may take (0: no limit); read by budget.py's watchdog
        #: Plugins found too slow (name -> why), shared with the next host of the session: a plugin that hung
        #: while loading is not loaded again by the run that replaces the abandoned one.
        self.slow = {} if slow is None else slow
        self._changes = 0  # bumped when a plugin is registered, disabled or found slow: callers resolve again
        self._callers: dict[tuple[str, type], Callable[[Any, int | None], tuple[list, AbstractSet[str]]]] = {}
        self._tracer = _Tracer() if self.trace else None
        if self._tracer is not None:
            self.pm.add_hookcall_monitoring(self._tracer.before, self._tracer.after)
        if budget:
            time_budget.watch(budget)
        self.infos: dict[str, PluginInfo] = {}
        self.problems: list[PluginProblem] = []
        self._problem_index: dict[tuple[str, str], PluginProblem] = {}
        self.sections: dict[str, ConfigSection] = {}  # plugin name -> its section
        #: What each plugin implements, kept between runs in `cache_dir` (hosting/manifest.py); None: every plugin
        #: is imported when the host loads.
        self._manifest = kept_manifest.Manifest(cache_dir) if cache_dir is not None else None
        #: Plugins known from the manifest and not imported yet (name -> info, loader, key, kept entry), in the
        #: order of loading: imported when a hook they implement is first called (`_import_pending`).
        self._pending: dict[str, tuple[PluginInfo, Callable[[], Any], str, dict[str, Any]]] = {}
        self._pending_lock = threading.Lock()
        #: Each plugin's place in the order of loading: calls follow it, whenever a plugin was imported.
        self._rank: dict[str, int] = {}

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
        if self._manifest is not None:
            self._manifest.save()
        return self

    def _refuse(self, info: PluginInfo, refusal: plugin_trust.Refusal) -> None:
        info.error, info.refused = str(refusal), True
        self.infos.setdefault(info.name, info)
        self._record(info.name, "load", info.error)

    def _load_entry_point(self, ep: EntryPoint, source: str) -> None:
        info = PluginInfo(
            ep.name, source, ep.value if source == "built-in" else (_dist_name(ep) or ep.value), _dist_version(ep)
        )
        self._guarded_register(info, ep.load, kept_manifest.entry_point_key(ep, _dist_name(ep), _dist_version(ep)))

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

        self._guarded_register(info, load, kept_manifest.file_key(path))

    def _guarded_register(self, info: PluginInfo, load: Callable[[], Any], key: str | None = None) -> None:
        """The plugin imported and registered, each step in a guard; or, when the manifest knows what it implements
        (`key`), taken as known and imported when one of its hooks is first called."""
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
        self._rank.setdefault(info.name, len(self._rank))
        entry = self._manifest.known(key) if self._manifest is not None and key is not None else None
        if key is not None and entry is not None:
            info.hooks = [hook for hook in entry["hooks"] if hook != "keepwarm_config_section"]
            info.version = info.version or entry["version"]
            self._pending[info.name] = (info, load, key, entry)
            return
        self._import(info, load, key)

    def _import(self, info: PluginInfo, load: Callable[[], Any], key: str | None) -> None:
        started = time.perf_counter()
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
            if self._tracer is not None:
                self._tracer.line(info.name, "load", "", (time.perf_counter() - started) * 1000)
            _check_api_version(plugin)
            self._check_hooks(plugin)
            self.pm.register(plugin, name=info.name)
            self._changes += 1
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
        implemented = sorted(h.name for h in self.pm.get_hookcallers(plugin) or ())
        info.hooks = [hook for hook in implemented if hook != "keepwarm_config_section"]
        info.version = info.version or str(getattr(plugin, "__version__", "") or "")
        if self._manifest is not None and key is not None and (info.name, "load") not in self._problem_index:
            self._manifest.note(key, implemented, info.version, _module_file(plugin))

    def _import_pending(self, hook: str) -> None:
        """The plugins known from the manifest to implement `hook`, imported and registered (in their order)."""
        if not self._pending:
            return
        with self._pending_lock:  # the app calls from a worker thread too: each plugin is imported once
            for name in [name for name, pending in self._pending.items() if hook in pending[3]["hooks"]]:
                info, load, key, _ = self._pending.pop(name)
                self._import(info, load, key)

    def code_file(self, name: str) -> str | None:
        """The file a plugin's code is in (None when it has none), known without importing it."""
        pending = self._pending.get(name)
        if pending is not None:
            return pending[3]["file"]
        plugin = self.pm.get_plugin(name)
        return _module_file(plugin) if plugin is not None else None

    def _hook_names(self) -> list[str]:
        return sorted(name for name in vars(hookspecs) if name.startswith("keepwarm_"))

    def _check_hooks(self, plugin: object) -> None:
        """Refuse an implementation of no hook, or with an argument no hook passes, saying which and why.

        pluggy would refuse both too, but naming the plugin object and spreading
        the cause over three lines; a misspelt hook name gets the one it resembles.
        """
        try:
            self._check_marked_hooks(plugin, self.pm.marked(plugin))
        except BaseException:
            self.pm.forget_marked()  # not registered: nothing may be answered from this look later
            raise

    def _check_marked_hooks(self, plugin: object, marked: dict[str, Any]) -> None:
        known = self._hook_names()
        for name, opts in marked.items():
            if name not in known:
                import difflib  # lazy for start-up: hints are worked out for mistakes only

                # Compared without the prefix every hook shares, which would make any name look close.
                words = {hook.removeprefix("keepwarm_"): hook for hook in known}
                close = difflib.get_close_matches(name.removeprefix("keepwarm_"), words, n=1, cutoff=0.6)
                hint = f"; did you mean {words[close[0]]}?" if close else f" (the hooks: {', '.join(known)})"
                raise HookError(f"{name} is not a keepwarm hook{hint}")
            if opts.get("wrapper") or opts.get("hookwrapper"):
                raise HookError(
                    f"{name} is marked as a wrapper: keepwarm calls each plugin's {name} on its own, "
                    "so there is no call of the others to wrap (drop wrapper=True)"
                )
            function = getattr(plugin, name)
            accepted = _spec_parameters(name)
            try:
                params = list(inspect.signature(function).parameters)
            except (TypeError, ValueError):
                continue  # no signature to read: pluggy's own check decides
            if params[:1] == ["self"] and "." in getattr(function, "__qualname__", ""):
                params = params[1:]  # a method of a class registered as it is: pluggy passes no self either
            wrong = [p for p in params if p not in accepted]
            if wrong:
                takes = ", ".join(accepted) if accepted else "no argument"
                import difflib  # lazy for start-up: hints are worked out for mistakes only

                close = [m for p in wrong for m in difflib.get_close_matches(p, accepted, n=1, cutoff=0.5)]
                hint = f"; did you mean {', '.join(close)}?" if close else ""
                raise HookError(
                    f"{name}({', '.join(params)}): {name} receives no argument "
                    f"{' or '.join(map(repr, wrong))} (it is given {takes}, by name){hint}"
                )

    def _collect_sections(self, only: str | None = None) -> None:
        """The config sections the plugins declare (only this plugin's, when one is added later)."""
        found, _ = self._caller("keepwarm_config_section", ConfigSection, only=only)(None, None)
        for plugin, section in found:
            owner = next((p for p, s in self.sections.items() if s.name == section.name and p != plugin), None)
            if owner is not None:
                self._record(
                    plugin, "keepwarm_config_section", f"section [{section.name}] is declared by plugin {owner} already"
                )
                continue
            self.sections[plugin] = section
            self.infos[plugin].section = section.name

    def mark_slow(self, plugin: str, hook: str, contact_id: int | None) -> None:
        """A call of this plugin outlived the budget: a problem naming it, and no more calls to it."""
        reason = f"too slow: no answer within its {self.budget:g} s time budget"
        if plugin in self.infos and self.infos[plugin].disabled is None:
            self.infos[plugin].disabled = reason
        if plugin in self.slow:
            return
        self.slow[plugin] = reason
        self._changes += 1
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
            self._changes += 1

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

    def dispatcher(
        self, hook: str, expected: type
    ) -> Callable[[Any, int | None], tuple[list[tuple[str, Any]], AbstractSet[str]]]:
        """`call(ctx, contact_id)` -> (each result tagged with its plugin, the plugins that failed): the hook's one
        guarded call path (see `_caller`), shared by every caller of the same hook and result type."""
        key = (hook, expected)
        caller = self._callers.get(key)
        if caller is None:
            caller = self._callers[key] = self._caller(hook, expected)
        return caller

    def _caller(
        self, hook: str, expected: type, *, only: str | None = None
    ) -> Callable[[Any, int | None], tuple[list[tuple[str, Any]], AbstractSet[str]]]:
        """The one path by which keepwarm calls plugins: `call(value, contact_id)` gives every active implementation
        of `hook` the hook's one argument (None for a hook without one), each in its own guard.

        A raising implementation is a problem tagged with its plugin, the hook and the contact (or raises, in
        strict mode); an answer of the wrong shape is a problem; a call that outlives the time budget marks its
        plugin slow (`budget.Lane` counts each call in and out); disabled and slow plugins are not called. The
        implementations are resolved once through pluggy's `get_hookimpls()` and again only when a plugin is
        registered, disabled or found slow. While a pluggy hook-call monitor is installed each implementation
        runs through pluggy's executor, so the monitor sees every call; otherwise it is called as that executor
        would call it (see `_Manager`). Results of hooks answering a list come back in registration order; a
        short list of exact result objects is taken as it is, any other answer is checked item by item.
        """
        self._import_pending(hook)
        single = _SINGLE_ANSWER.get(hook)
        argname = _hook_argument(hook)
        host, pm, lane_of, cap = self, self.pm, time_budget.lane, MAX_RESULTS_PER_HOOK
        check = self._check_items if single is None else self._check_one
        no_failures: frozenset[str] = frozenset()
        current: list[Any] = [self._resolve(hook, argname, only), self._changes]

        def call(value: Any, contact_id: int | None) -> tuple[list[tuple[str, Any]], AbstractSet[str]]:
            if current[1] != host._changes:
                current[:] = [host._resolve(hook, argname, only), host._changes]
            out: list[tuple[str, Any]] = []
            failed: set[str] | frozenset[str] = no_failures
            monitored = pm.monitors
            lane = lane_of()
            lane.where = (host, hook, contact_id)
            for name, impl, function in current[0]:
                lane.plugin = name
                error = None
                lane.calls += 1  # odd while inside a plugin: what the watchdog watches
                try:
                    result = _through_pluggy(pm, hook, impl, argname, value) if monitored else function(value)
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
                    if host.strict:
                        raise error
                    host._record(name, hook, _error_text(error), contact_id, error)
                    if isinstance(failed, frozenset):
                        failed = set()
                    failed.add(name)
                    continue
                if result is None:
                    continue
                if single is None and type(result) is list:
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

    def _resolve(self, hook: str, argname: str | None, only: str | None) -> list[tuple[str, Any, Callable[[Any], Any]]]:
        """The implementations to call, in pluggy's order (`trylast` ones first, `tryfirst` ones last) and, within
        each, in the order of loading, whenever each plugin was imported: (plugin, pluggy's HookImpl, its function of
        the hook's one argument)."""
        resolved = []
        rank, last = self._rank, len(self._rank)
        impls = sorted(
            getattr(self.pm.hook, hook).get_hookimpls(),
            key=lambda impl: (0 if impl.trylast else 2 if impl.tryfirst else 1, rank.get(impl.plugin_name, last)),
        )
        for impl in impls:
            name = impl.plugin_name
            info = self.infos.get(name)
            if (only is not None and name != only) or (info is not None and not info.active) or name in self.slow:
                continue
            resolved.append((name, impl, _one_argument(impl, argname)))
        return resolved

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

    def _check_one(
        self,
        plugin: str,
        hook: str,
        result: Any,
        expected: type,
        contact_id: int | None,
        out: list[tuple[str, Any]],
        failed: set[str],
    ) -> None:
        """The answer of a hook that answers one object (`_SINGLE_ANSWER`), not a list."""
        if isinstance(result, expected):
            out.append((plugin, result))
            return
        self._record(plugin, hook, f"returned {type(result).__name__}, expected {_SINGLE_ANSWER[hook]}", contact_id)
        failed.add(plugin)

    def note_signals(self, rules: Mapping[str, Any]) -> dict[str, list[str]]:
        signals: dict[str, list[str]] = {}
        for _, found in self._caller("keepwarm_note_signals", Mapping)(rules, None)[0]:
            for name, words in found.items():
                bucket = signals.setdefault(str(name), [])
                for word in words or ():
                    word = str(word).strip().lower()
                    if word and word not in bucket:
                        bucket.append(word)
        return signals

    def cadence(self, ctx: ContactContext) -> tuple[list[tuple[str, Proposal]], AbstractSet[str]]:
        """Proposals tagged with the plugin that made them, and the plugins that failed for this contact."""
        return self.dispatcher("keepwarm_cadence", Proposal)(ctx, ctx.contact.id)

    def tips(self, ctx: ContactContext) -> list[Tip]:
        return [tip for _, tip in self.dispatcher("keepwarm_tips", Tip)(ctx, ctx.contact.id)[0]]

    def warnings(self, ctx: ContactContext) -> list[Warning]:
        return [warning for _, warning in self.dispatcher("keepwarm_warnings", Warning)(ctx, ctx.contact.id)[0]]

    def account_warnings(self, ctx: AccountContext) -> list[Warning]:
        return [warning for _, warning in self.dispatcher("keepwarm_account_warnings", Warning)(ctx, None)[0]]

    def suggestions(self, ctx: ContactContext) -> list[Suggestion]:
        return [s for _, s in self.dispatcher("keepwarm_suggestions", Suggestion)(ctx, ctx.contact.id)[0]]

    def source_kinds(self) -> dict[str, tuple[str, SourceKind]]:
        """Every interaction-source kind offered, by name, with the plugin that offers it.

        A name offered a second time is the later plugin's problem: the first one loaded keeps it.
        """
        from ..api.sources import SourceKind  # lazy for start-up: loaded with the plugins that offer sources

        kinds: dict[str, tuple[str, SourceKind]] = {}
        for plugin, kind in self.dispatcher("keepwarm_source_kinds", SourceKind)(None, None)[0]:
            if kind.name in kinds:
                self._record(
                    plugin,
                    "keepwarm_source_kinds",
                    f"offers the source kind {kind.name!r}, which {kinds[kind.name][0]} offers already",
                )
                continue
            kinds[kind.name] = (plugin, kind)
        return kinds

    def address_book_kinds(self, taken: AbstractSet[str] = frozenset()) -> dict[str, tuple[str, AddressBookKind]]:
        """Every address-book kind offered, by name, with the plugin that offers it.

        `taken` are the names the source kinds hold already: kinds of both share one namespace, and a name
        offered a second time (here or there) is the later plugin's problem.
        """
        from ..api.address_books import AddressBookKind  # lazy for start-up: as SourceKind in source_kinds

        kinds: dict[str, tuple[str, AddressBookKind]] = {}
        hook = "keepwarm_address_book_kinds"
        for plugin, kind in self.dispatcher(hook, AddressBookKind)(None, None)[0]:
            if kind.name in kinds or kind.name in taken:
                first = kinds[kind.name][0] if kind.name in kinds else "a source kind"
                self._record(plugin, hook, f"offers the kind {kind.name!r}, which {first} offers already")
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


#: Hooks that answer one object rather than a list, with what a wrong answer is told was expected.
_SINGLE_ANSWER = {
    "keepwarm_config_section": "ConfigSection or None",
    "keepwarm_note_signals": "a mapping of signal to words",
}


@functools.cache
def _hook_argument(hook: str) -> str | None:
    """The one argument the hook passes (every keepwarm hook passes one or none)."""
    params = list(inspect.signature(getattr(hookspecs, hook)).parameters)
    assert len(params) <= 1, f"{hook}: the host's call path passes one argument at most"
    return params[0] if params else None


def _one_argument(impl: Any, argname: str | None) -> Callable[[Any], Any]:
    """The implementation as a function of the hook's one argument, passed as pluggy's executor passes it:
    by position to a function naming it plainly, by keyword to one giving it a default, not at all to one
    without it."""
    function = impl.function
    if argname is not None and argname in impl.argnames:
        return function  # `_check_hooks` let through no other argument, so this is the only one
    if argname is not None and argname in impl.kwargnames:
        return lambda value: function(**{argname: value})
    return lambda value: function()


def _through_pluggy(pm: pluggy.PluginManager, hook: str, impl: Any, argname: str | None, value: Any) -> Any:
    """One implementation run by pluggy's own executor, as a `HookCaller` runs it (through
    `PluginManager._hookexec`, which the hook-call monitors wrap), so that the monitors see the call."""
    results = pm._hookexec(hook, (impl,), {} if argname is None else {argname: value}, False)
    assert isinstance(results, list)  # what pluggy answers for a hook without firstresult
    return results[0] if results else None


@functools.cache
def _spec_parameters(hook: str) -> tuple[str, ...]:
    """The arguments a hook passes, read once per process (not once per plugin implementing it)."""
    return tuple(inspect.signature(hookspecs.__dict__[hook]).parameters)


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


def _module_file(plugin: object) -> str | None:
    """The file of the module a plugin's code is in."""
    module = inspect.getmodule(plugin)
    return getattr(module, "__file__", None)


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
