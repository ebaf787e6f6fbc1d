"""One pass of the engine over the contacts: store -> statistics -> plugins.

Statistics are computed once, in bulk, for every contact evaluated; then each
plugin family runs per contact (cadence, warnings) or per account (account
warnings); health follows from both. Tips and suggestions are only computed
for the contacts someone looks at (the agenda, a detail view), on demand.
"""

from __future__ import annotations

import datetime as dt
import gc
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping
from collections.abc import Set as AbstractSet
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from typing import Any

from pydantic import BaseModel

from ..api.types import (
    AccountContext,
    ContactContext,
    ContactStats,
    Linked,
    Member,
    Network,
    Proposal,
    Suggestion,
    Tip,
    Touch,
    Warning,
)
from ..home.session import Session
from ..hosting.host import PluginProblem
from ..hosting.runtime import Runtime
from ..model import Account, Commitment, CommitmentStatus, Contact, FollowUp, Stage, stored_id
from ..store import activity, followups, results, snapshots
from ..store import contacts as people
from ..store import marks as marks_store
from ..store import windows as window_store
from . import conclusions
from . import stats as statistics
from .health import Health, account_health, contact_health
from .network import Reads, StoredNetwork, TrackedNetwork, links_by_contact
from .readonly import Freezer
from .reconcile import reconcile
from .snooze import held
from .state import fingerprint
from .windows import Windows


@contextmanager
def collector_paused() -> Iterator[None]:
    """Python's cyclic garbage collector off for one engine run, and back on after it.

    A run allocates hundreds of thousands of small objects that all stay alive
    until it ends, and every full collection walks the whole heap again: on a
    large book that was a third of the run, for no garbage. Reference counting
    still frees everything that is not a cycle. Nested runs leave it to the
    outermost; if the collector was already off, it stays off.

    On the way out the run's objects are moved to the oldest generation (a
    freeze and thaw: constant time). Left in the youngest, the first allocation
    after `gc.enable()` would walk them all (0.2-0.4 s at 10,000 contacts);
    among the old they wait for the next full collection, cycles included.
    Objects someone else froze stay frozen: then this step is skipped.
    """
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        if not gc.get_freeze_count():
            gc.freeze()
            gc.unfreeze()
        gc.enable()


@dataclass
class Evaluation:
    today: dt.date
    now: dt.datetime
    runtime: Runtime
    contacts: dict[int, Contact]
    accounts: dict[int, Account]
    account_of: dict[int, int]
    stats: dict[int, ContactStats]
    contexts: dict[int, ContactContext]
    proposals: dict[int, list[tuple[str, Proposal]]]
    warnings: dict[int, list[Warning]]
    account_warnings: dict[int, list[Warning]]
    health: dict[int, Health]
    account_contexts: dict[int, AccountContext] = field(default_factory=dict)
    changes: dict[str, int] = field(default_factory=dict)
    #: Every open follow-up as read before reconcile (whole-book runs only), ordered by due date and id.
    open_followups: list[FollowUp] | None = field(default=None, repr=False)
    _tips: dict[int, list[Tip]] = field(default_factory=dict)
    #: Each contact's context with its warnings, as tips and suggestions both read it.
    _advice_contexts: dict[int, ContactContext] = field(default_factory=dict, repr=False)
    _suggestions: dict[int, list[Suggestion]] = field(default_factory=dict)
    #: What each contact's tips and suggestions read of the network (engine/network.TrackedNetwork).
    _reads: dict[int, Reads] = field(default_factory=dict, repr=False)
    # Each hook's implementations, resolved on first use and kept for this run.
    _tip_caller: Callable | None = field(default=None, repr=False)
    _suggestion_caller: Callable | None = field(default=None, repr=False)
    _account_health: dict[int, Health] | None = field(default=None, repr=False)
    #: What makes this run's plugin inputs read-only (engine/readonly.py), with what it froze already.
    _freeze: Freezer = field(default_factory=Freezer, repr=False)
    #: The plugins that failed for each contact's cadence, and the contacts not to be contacted: for the reconcile.
    _failed: dict[int, AbstractSet[str]] = field(default_factory=dict, repr=False)
    _silenced: set[int] = field(default_factory=set, repr=False)
    #: The contacts the user snoozed, whose proposals the run held back (engine/snooze.py): for the reconcile.
    _held: set[int] = field(default_factory=set, repr=False)
    #: Whether a cadence or warning plugin read the network in this run.
    _read_network: bool = field(default=False, repr=False)
    #: Where to read the open follow-ups as this run's reconcile left them into the contexts, before the
    #: first advice (`_reconciled_followups`); None when nothing is left to read. Deferred: most runs give
    #: none. The session, not a function of this evaluation: a closure over it would make the whole run a
    #: cycle, kept until a full collection (one more run's worth of memory, the next run included).
    _reread_from: Session | None = field(default=None, repr=False)

    @property
    def account_health(self) -> dict[int, Health]:
        """Each evaluated account's health, worked out on first use (a contact's detail never shows it)."""
        if self._account_health is None:
            cfg, default_days = self.runtime.health, self.runtime.engine.default_interval_days
            out: dict[int, Health] = {}
            for aid, actx in self.account_contexts.items():
                member_health = [
                    (
                        self.health.get(stored_id(m.contact.id))
                        or contact_health(m.stats, [], self.today, default_days, cfg),
                        m.contact.tier.value,
                    )
                    for m in actx.members
                ]
                out[aid] = account_health(member_health, self.account_warnings.get(aid, []), cfg)
            self._account_health = out
        return self._account_health

    @property
    def problems(self) -> list[PluginProblem]:
        return self.runtime.host.problems

    def context(self, contact_id: int, followups_: Iterable[FollowUp] | None = None) -> ContactContext:
        if self._reread_from is not None:
            session, self._reread_from = self._reread_from, None
            with session.store.read() as conn:
                _reconciled_followups(conn, self, list(self.contacts))
        if followups_ is None:
            cached = self._advice_contexts.get(contact_id)
            if cached is not None:
                return cached
        c = self.contexts[contact_id]
        network: Any = c.network.target if isinstance(c.network, WatchedNetwork) else c.network
        if network is not None:  # each contact's own view, noting what its advice reads (`network_reads`)
            network = TrackedNetwork(network, self._reads.setdefault(contact_id, Reads()))
        ctx = self._freeze(
            ContactContext(
                c.contact,
                c.stats,
                c.today,
                c.now,
                c.rules,
                c.account,
                network,
                c.commitments,
                c.followups if followups_ is None else tuple(followups_),
                tuple(self.warnings.get(contact_id, ())),
                c.touch_source,
                c.links,
            )
        )
        if followups_ is None:
            self._advice_contexts[contact_id] = ctx
        return ctx

    def tips(self, contact_id: int) -> list[Tip]:
        if contact_id not in self._tips:
            if self._tip_caller is None:
                self._tip_caller = self.runtime.host.dispatcher("keepwarm_tips", Tip)
            found, _ = self._tip_caller(self.context(contact_id), contact_id)
            self._tips[contact_id] = sorted((tip for _, tip in found), key=_tip_rank)
        return self._tips[contact_id]

    def suggestions(self, contact_id: int) -> list[Suggestion]:
        if contact_id not in self._suggestions:
            if self._suggestion_caller is None:
                self._suggestion_caller = self.runtime.host.dispatcher("keepwarm_suggestions", Suggestion)
            found, _ = self._suggestion_caller(self.context(contact_id), contact_id)
            self._suggestions[contact_id] = sorted((s for _, s in found), key=lambda s: -s.score)
        return self._suggestions[contact_id]

    def network_reads(self, contact_id: int) -> Reads:
        """What this contact's tips and suggestions read of the network so far (nothing before they are asked)."""
        return self._reads.get(contact_id) or Reads()

    def interval_days(self, contact_id: int) -> int:
        intervals = [p.interval_days for _, p in self.proposals.get(contact_id, ()) if p.interval_days]
        return min(intervals) if intervals else self.runtime.engine.default_interval_days

    def figures(self, contact_id: int) -> results.Figures:
        """What the dashboard and the lists read of an evaluated contact besides its health (stored with it)."""
        s = self.stats[contact_id]
        return results.Figures(
            self.interval_days(contact_id),
            s.last_touch,
            s.touches_recent,
            s.inbound_recent,
            s.unprompted_inbound_recent,
            s.overdue_promises_mine,
            s.overdue_promises_theirs,
        )


def _tip_rank(tip: Tip) -> float:
    """Best first; a stable sort keeps equal ranks in the plugins' order."""
    return -tip.rank


class WatchedNetwork:
    """The network as cadence and warning plugins get it: it notes that one read it.

    A result that read the whole network may change with anyone's change, so the
    stored results say so, and the next run after any change evaluates the whole
    book (built-in cadence and warning rules never read it; suggesters do, through
    a `TrackedNetwork` per contact that notes what they read: engine/advisor.Advisor).
    """

    __slots__ = ("target", "_read")

    def __init__(self, target, read: list[bool]) -> None:
        self.target, self._read = target, read

    def __getattr__(self, name: str):
        self._read[0] = True
        return getattr(self.target, name)

    def __repr__(self) -> str:
        return repr(self.target)


class RecentTouches:
    """Every evaluated contact's latest touches, read in one query when a plugin first asks for any.

    No built-in rule reads them: a run whose plugins never ask costs nothing
    more, and one that does pays one query for all its contacts, not one each.
    """

    def __init__(self, session: Session, now: dt.datetime, contact_ids: list[int] | None) -> None:
        self._session, self._now, self._ids = session, now, contact_ids
        self._found: dict[int, tuple[Touch, ...]] | None = None

    def __call__(self, contact_id: int) -> tuple[Touch, ...]:
        found = self._found
        if found is None:
            with self._session.store.read() as conn:
                found = self._found = statistics.recent_touches(conn, self._now, contact_ids=self._ids)
        return found.get(contact_id, ())


def evaluate(
    session: Session,
    *,
    persist: bool = True,
    contact_ids: Iterable[int] | None = None,
    now: dt.datetime | None = None,
) -> Evaluation:
    """Run the engine. With `contact_ids`, only those contacts (and their accounts) are evaluated.

    `now` evaluates as of another moment than the session's clock (`agenda --on`):
    the statistics' windows end then and plugins see it as `ctx.now` and its day as `ctx.today`.
    """
    with collector_paused():
        if contact_ids is None and persist and now is None and not session.store.read_only:
            with session.store.read() as conn:
                groups = _groups(conn)
            if groups is not None:
                return _evaluate_in_groups(session, groups)
        return _evaluate(session, persist=persist, contact_ids=contact_ids, at=now)


#: A book larger than this many contacts is evaluated in groups of about this many, whole accounts each.
GROUP = 10_000


def _groups(conn, size: int | None = None) -> list[list[int]] | None:
    """The book's contacts in groups of about `size`, each account's members in one; None when the book
    is one group (`size`: `GROUP`). Account warnings read every member, so an account is never split."""
    size = GROUP if size is None else size
    members: dict[int | None, list[int]] = defaultdict(list)
    for cid, aid in people.contact_accounts(conn):
        members[aid].append(cid)
    if sum(len(ids) for ids in members.values()) <= size:
        return None
    groups: list[list[int]] = [[]]
    for aid, ids in members.items():
        for part in [ids] if aid is not None else [ids[n : n + size] for n in range(0, len(ids), size)]:
            if groups[-1] and len(groups[-1]) + len(part) > size:
                groups.append([])
            groups[-1].extend(part)
    return groups


def groups_among(session: Session, contact_ids: Iterable[int], size: int | None = None) -> list[list[int]]:
    """These contacts as the book's groups of about `size` hold them (`_groups`), in one group when the book is one.

    A run over a group's contacts reads their accounts' other members too: within
    a group of the book, no more than about `size` contacts, however many of its
    contacts are wanted. Contacts no longer in the book are left out.
    """
    wanted = set(contact_ids)
    with session.store.read() as conn:
        groups = _groups(conn, size) or [[cid for cid, _ in people.contact_accounts(conn)]]
    return [found for found in ([cid for cid in group if cid in wanted] for group in groups) if found]


def _evaluate_in_groups(session: Session, groups: list[list[int]]) -> Evaluation:
    """The whole book, a group of contacts at a time: each group's results are stored and let go before the
    next is read, so a large book never holds every contact's statistics and contexts at once. Then the
    stored results are marked whole, as a run over the whole book marks them. Returns the last group's run
    with the changes of all (a whole book's run in one piece would hold them all)."""
    with session.store.read() as conn:
        seen = marks_store.read(conn)
    changes: dict[str, int] = defaultdict(int)
    read_network = False
    last: Evaluation | None = None
    for group in groups:
        if last is not None:  # the previous group's run let go, its cycles too: young while the collector is paused
            last = None
            gc.collect(0)
        last = _evaluate(session, persist=True, contact_ids=group, at=None)
        for key, value in last.changes.items():
            changes[key] += value
        read_network = read_network or last._read_network
    assert last is not None  # there are groups
    with session.store.write() as conn:
        began = marks_store.highest(conn)
        snapshots.mark_whole(
            conn,
            session.today,
            snapshots.RunFacts(
                state=fingerprint(session.runtime, session.today),
                reads_network=read_network,
                problems=[p.to_json() for p in session.runtime.host.problems],
            ),
        )
        marks_store.clear(conn, seen, began, contacts=None, accounts=None)
    last.changes = dict(changes)
    return last


def refresh(session: Session) -> Evaluation | None:
    """Bring the stored results up to date, evaluating only what changed since they were stored.

    Nothing changed: nothing runs (None). Some contacts or accounts changed (the
    marks): those contacts, and every member of their accounts, are evaluated
    again. Another day, other rules, other plugins (the state), nothing stored
    yet, a change while a plugin's result read the whole network, or plugin calls
    being traced: the whole book. Results stored by a run, its problems included,
    are what the agenda shows. A database that cannot be written has nothing brought
    up to date (None): what looks at it takes the results of runs that store nothing
    (engine/unstored.py).
    """
    if session.store.read_only:
        return None
    if session.runtime.host.trace:  # a plugin's author tracing its calls sees every one, not the few that changed
        return evaluate(session)
    with session.store.read() as conn:
        stored = snapshots.run_facts(conn)
        scope: set[int] | None = None
        if stored is not None and stored.state == fingerprint(session.runtime, session.today):
            marks = marks_store.read(conn)
            if not (stored.reads_network and (marks.contacts or marks.accounts)):
                accounts = set(marks.accounts) | people.account_ids_of(conn, marks.contacts)
                scope = set(marks.contacts) | people.member_ids(conn, accounts)
                if len(scope) > min(_MOST, people.count_contacts(conn) // 2):  # most of the book: read it whole
                    scope = None
    if scope is None:
        return evaluate(session)
    session.runtime.host.recall(stored.problems if stored is not None else [])
    if not scope:
        return None
    return evaluate(session, contact_ids=scope)


#: The most contacts a run evaluates by their ids; above it (or above half the book), the whole book.
_MOST = 20_000


@dataclass
class _Run:
    """What one run works with: the clock, the settings, and the freezer every plugin input passes through."""

    session: Session
    runtime: Runtime
    now: dt.datetime
    today: dt.date
    rules: Mapping[str, BaseModel]  # frozen by the run's Freezer
    #: What the results are worked out under (engine/state.py); None for a run as of another moment.
    state: str | None = None
    freeze: Freezer = field(default_factory=Freezer)  # every plugin reads what the others read: none may change it
    signals: dict[str, list[str]] = field(default_factory=dict)
    #: Whether a cadence or warning plugin read the network (then its result may follow anyone's change).
    read_network: list[bool] = field(default_factory=lambda: [False])

    @property
    def window_end(self) -> dt.datetime:
        """Where the statistics' windows end: the end of the run's day, so that a result holds all day
        (the stored results are kept for the day: engine/state.py) and windows are whole days."""
        tz = self.session.tz
        return dt.datetime.combine(self.today + dt.timedelta(days=1), dt.time(), tzinfo=tz)

    def stats(self, conn, ids: list[int] | None) -> dict[int, ContactStats]:
        return self.stats_begun(conn, ids)()

    def stats_begun(self, conn, ids: list[int] | None) -> statistics.Begun:
        """The statistics begun (`statistics.begin`): what is read before the returned function is called is
        read while the windows are scanned."""
        cfg = self.runtime.engine
        return statistics.begin(
            conn,
            self.window_end,
            self.today,
            recent_days=cfg.recent_days,
            baseline_days=cfg.baseline_days,
            signals=self.signals,
            contact_ids=ids,
        )

    def stats_later(self, ids: list[int]) -> dict[int, ContactStats]:
        with self.session.store.read() as conn:
            return self.stats(conn, ids)


@dataclass
class _Inputs:
    """Everything a run reads from the store, in one read transaction."""

    wanted: set[int] | None  # None: the whole book
    in_scope: dict[int, Contact]
    accounts: dict[int, Account]
    stats: dict[int, ContactStats]
    open_promises: dict[int, list[Commitment]]
    open_followups: dict[int, list[FollowUp]]
    all_open: list[FollowUp] | None  # every open follow-up (whole-book runs only)
    network_contacts: list[Contact] | None = None
    marks: marks_store.Marks | None = None  # what had changed when the inputs were read
    #: The links of the contacts in scope (of everyone, for the whole book), by contact: read in one statement.
    links: dict[int, tuple[Linked, ...]] = field(default_factory=dict)
    #: The windowed figures read anew and carried (engine/windows.py): kept by the run that stores its results.
    windows: Windows | None = None


def _evaluate(
    session: Session, *, persist: bool, contact_ids: Iterable[int] | None, at: dt.datetime | None = None
) -> Evaluation:
    runtime: Runtime = session.runtime
    now = session.now if at is None else at
    today = session.today if at is None else now.astimezone(session.tz).date()
    run = _Run(session, runtime, now, today, Freezer(copy=True)(runtime.rules.sections))  # the runtime's own stay
    if at is None:
        run.state = fingerprint(runtime, today)
    with session.store.read() as conn:
        run.signals = runtime.host.note_signals(run.rules)
        inputs = _read_inputs(run, conn, None if contact_ids is None else set(contact_ids))
    evaluation = _run_hooks(run, inputs)
    evaluation._read_network = run.read_network[0]
    if persist and not session.store.read_only:  # a read-only database: advice from what it holds, nothing stored
        _persist(run, evaluation, inputs)
    return evaluation


def _read_inputs(run: _Run, conn, wanted: set[int] | None) -> _Inputs:
    """The contacts in scope (the wanted ones and their accounts' other members), their statistics and what is open.

    The statistics are begun first and finished last: the contacts and what is open
    are read while their windows are scanned (`statistics.begin`).
    """
    stats_of = run.stats_begun(conn, None if wanted is None else sorted(wanted))
    network_contacts = None
    if wanted is not None:
        account_ids = people.account_ids_of(conn, wanted)
        in_scope = {
            stored_id(c.id): c for c in people.list_contacts(conn, ids=people.member_ids(conn, account_ids) | wanted)
        }
        accounts = {stored_id(a.id): a for a in people.list_accounts(conn, ids=account_ids)}
    else:
        network_contacts = people.list_contacts(conn)
        in_scope = {stored_id(c.id): c for c in network_contacts}
        accounts = {stored_id(a.id): a for a in people.list_accounts(conn)}
    open_promises, open_followups, all_open = _open_items(conn, wanted)
    stats = stats_of()
    if wanted is not None:  # the accounts' other members: what account rules read now, the rest on first use
        cfg = run.runtime.engine
        stats.update(
            statistics.compute_members(
                conn,
                run.window_end,
                recent_days=cfg.recent_days,
                baseline_days=cfg.baseline_days,
                contact_ids=[cid for cid in in_scope if cid not in wanted],
                complete=run.stats_later,
            )
        )
        stats = {cid: stats[cid] for cid in sorted(stats)}
    return _Inputs(
        wanted,
        in_scope,
        accounts,
        stats,
        open_promises,
        open_followups,
        all_open,
        network_contacts,
        marks_store.read(conn),
        links_by_contact(conn, None if wanted is None else in_scope),
        stats_of.windows,
    )


def _open_items(
    conn, wanted: set[int] | None
) -> tuple[dict[int, list[Commitment]], dict[int, list[FollowUp]], list[FollowUp] | None]:
    """The open promises and follow-ups of the wanted contacts (of all, with every open follow-up, for None)."""
    open_promises: dict[int, list[Commitment]] = defaultdict(list)
    open_followups: dict[int, list[FollowUp]] = defaultdict(list)
    all_open: list[FollowUp] | None = None
    if wanted is None:
        for promise in activity.list_commitments(conn, status=CommitmentStatus.OPEN.value):
            open_promises[promise.contact_id].append(promise)
        all_open = followups.list_followups(conn, statuses=followups.OPEN_STATES)
        for item in all_open:
            open_followups[item.contact_id].append(item)
    else:  # the wanted contacts' in one statement each (one each per contact cost a third of a one-touch run)
        for promise in activity.list_commitments(conn, status=CommitmentStatus.OPEN.value, contact_ids=wanted):
            open_promises[promise.contact_id].append(promise)
        for item in followups.list_followups(conn, statuses=followups.OPEN_STATES, contact_ids=wanted):
            open_followups[item.contact_id].append(item)
    return open_promises, open_followups, all_open


def _run_hooks(run: _Run, inputs: _Inputs) -> Evaluation:
    """Cadence and warnings per contact, account warnings per account, then health: the run's conclusions."""
    host, freeze, wanted, stats, in_scope = run.runtime.host, run.freeze, inputs.wanted, inputs.stats, inputs.in_scope
    if wanted is None:
        assert inputs.network_contacts is not None  # a whole-book run reads every contact
        network = freeze(Network(contacts=tuple(inputs.network_contacts), stats=stats, links=inputs.links))
    else:
        network = StoredNetwork(run.session.store, stats, run.stats)
    account_by_name = {a.name: stored_id(a.id) for a in inputs.accounts.values()}
    account_of = {cid: account_by_name[c.account] for cid, c in in_scope.items() if c.account in account_by_name}
    by_account: dict[int, list[Member]] = defaultdict(list)
    for cid, aid in account_of.items():
        by_account[aid].append(Member(in_scope[cid], stats[cid]))
    account_contexts = {
        aid: freeze(
            AccountContext(
                account=inputs.accounts[aid], members=tuple(ms), today=run.today, now=run.now, rules=run.rules
            )
        )
        for aid, ms in by_account.items()
    }
    targets = list(in_scope) if wanted is None else [cid for cid in in_scope if cid in wanted]
    per_contact = _PerContact(run, network, account_contexts, account_of, None if wanted is None else targets)
    for cid in targets:
        per_contact(in_scope[cid], stats[cid], inputs)
    contexts, proposals, failed, warnings = (
        per_contact.contexts,
        per_contact.proposals,
        per_contact.failed,
        per_contact.warnings,
    )
    silenced = per_contact.silenced

    account_warn = host.dispatcher("keepwarm_account_warnings", Warning)
    account_warnings = {aid: [w for _, w in account_warn(actx, None)[0]] for aid, actx in account_contexts.items()}
    for cid in targets:
        account_id = account_of.get(cid)
        extra = None if account_id is None else account_warnings.get(account_id)
        if extra:
            warnings[cid] = warnings[cid] + extra

    evaluation = Evaluation(
        today=run.today,
        now=run.now,
        runtime=run.runtime,
        contacts={cid: in_scope[cid] for cid in targets},
        accounts=inputs.accounts,
        account_of=account_of,
        stats=stats,
        contexts=contexts,
        proposals=proposals,
        warnings=warnings,
        account_warnings=account_warnings,
        health={},
        account_contexts=account_contexts,
        open_followups=inputs.all_open,
        _freeze=freeze,
    )
    evaluation._failed, evaluation._silenced, evaluation._held = failed, silenced, per_contact.held
    for cid in targets:
        evaluation.health[cid] = contact_health(
            stats[cid], warnings[cid], run.today, evaluation.interval_days(cid), run.runtime.health
        )
    return evaluation


class _PerContact:
    """Each contact's context, then its cadence proposals and its own warnings (none for a former contact)."""

    def __init__(
        self,
        run: _Run,
        network,
        account_contexts: dict[int, AccountContext],
        account_of: dict[int, int],
        targets: list[int] | None,
    ) -> None:
        self.run, self.account_contexts, self.account_of = run, account_contexts, account_of
        self.network: Any = WatchedNetwork(network, run.read_network)  # read as the Network it wraps
        self.touches = RecentTouches(run.session, run.window_end, targets)  # None: every contact's, in one query
        self.cadence = run.runtime.host.dispatcher("keepwarm_cadence", Proposal)
        self.warn = run.runtime.host.dispatcher("keepwarm_warnings", Warning)
        self.contexts: dict[int, ContactContext] = {}
        self.proposals: dict[int, list[tuple[str, Proposal]]] = {}
        self.failed: dict[int, AbstractSet[str]] = {}
        self.warnings: dict[int, list[Warning]] = {}
        self.silenced: set[int] = set()
        self.held: set[int] = set()

    def __call__(self, contact: Contact, stats: ContactStats, inputs: _Inputs) -> None:
        run, cid = self.run, stored_id(contact.id)
        aid = self.account_of.get(cid)
        promises, plans = inputs.open_promises.get(cid), inputs.open_followups.get(cid)
        ctx = run.freeze(
            ContactContext(
                contact,
                stats,
                run.today,
                run.now,
                run.rules,
                None if aid is None else self.account_contexts.get(aid),
                self.network,
                tuple(promises) if promises else (),
                tuple(plans) if plans else (),
                (),
                self.touches,
                inputs.links.get(cid, ()),
            )
        )
        self.contexts[cid] = ctx
        if contact.do_not_contact:
            self.silenced.add(cid)
            self.proposals[cid], self.failed[cid] = [], set()
        else:
            proposals, self.failed[cid] = self.cadence(ctx, cid)
            if contact.snoozed_until is not None:
                proposals = held(proposals, contact.snoozed_until, contact.name, contact.held_by)
                self.held.add(cid)
            self.proposals[cid] = proposals
        self.warnings[cid] = [w for _, w in self.warn(ctx, cid)[0]] if contact.stage != Stage.FORMER else []


def _persist(run: _Run, evaluation: Evaluation, inputs: _Inputs) -> None:
    """The follow-ups the cadence proposed, reconciled, and what the run concluded, stored in one transaction."""
    host, cfg = run.runtime.host, run.runtime.engine
    targets = list(evaluation.contacts)
    active = {name for name, info in host.infos.items() if info.active}
    with run.session.store.write() as conn:
        began = marks_store.highest(conn)
        evaluation.changes = reconcile(
            conn,
            evaluation.proposals,
            evaluation._failed,
            active,
            targets,
            today=run.today,
            now=run.now,
            horizon_days=cfg.horizon_days,
            silenced=evaluation._silenced,
            held=evaluation._held,
        )
        if any(evaluation.changes.values()):  # advice, if any is asked for, reads them as the reconcile left them
            evaluation._reread_from = run.session
        whole = inputs.wanted is None
        conclusions.store(
            conn,
            evaluation,
            run=snapshots.RunFacts(
                state=run.state if whole else None,
                reads_network=run.read_network[0],
                problems=[p.to_json() for p in host.problems],
            ),
        )
        assert inputs.marks is not None  # read with the inputs
        # A run over some contacts evaluated an account whole when it evaluated every member: its mark goes.
        # The others' members read what changed here: their accounts are marked for a later run.
        done = set(targets)
        partial = {aid for cid, aid in evaluation.account_of.items() if cid not in done}
        marks_store.clear(
            conn,
            inputs.marks,
            began,
            contacts=None if whole else done | (inputs.wanted or set()),  # a wanted contact since deleted too
            accounts=None if whole else set(evaluation.account_of.values()) - partial,
        )
        marks_store.mark_accounts(conn, partial)
        if inputs.windows is not None:
            _keep_windows(conn, inputs.windows, None if whole else done)


def _keep_windows(conn, windows: Windows, done: set[int] | None) -> None:
    """What the run read of the windows, kept for the next run, for the contacts whose marks it cleared (`done`;
    None: all). A contact marked while the run read keeps its mark, so what is kept for it is not used."""
    fresh, moved = windows.fresh, windows.moved
    if done is not None:
        fresh, moved = [(cid, f) for cid, f in fresh if cid in done], [cid for cid in moved if cid in done]
    window_store.put(conn, windows.key, fresh, moved)


def _reconciled_followups(conn, evaluation: Evaluation, targets: list[int]) -> None:
    """The open follow-ups as the reconcile left them, in the contexts that advice is given from.

    Cadence and warning rules read the follow-ups as the run found them (their
    proposals are what the reconcile stores); tips and suggestions come after it,
    and must see the follow-up just proposed -- as the next run, and a run over the
    contact alone, will -- or a contact's first advice would differ from every later one.
    """
    if evaluation.open_followups is not None:  # the whole book: read once, as the run did
        evaluation.open_followups = followups.list_followups(conn, statuses=followups.OPEN_STATES)
        now_open: dict[int, list[FollowUp]] = defaultdict(list)
        for item in evaluation.open_followups:
            now_open[item.contact_id].append(item)
    else:
        now_open = {cid: followups.list_followups(conn, cid, statuses=followups.OPEN_STATES) for cid in targets}
    for cid in targets:
        ctx = evaluation.contexts[cid]
        found = tuple(now_open.get(cid, ()))
        if found != ctx.followups:
            evaluation.contexts[cid] = evaluation._freeze(replace(ctx, followups=found))
