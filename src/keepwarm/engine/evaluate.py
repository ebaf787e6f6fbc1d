"""One pass of the engine over the contacts: store -> statistics -> plugins.

Statistics are computed once, in bulk, for every contact evaluated; then each
plugin family runs per contact (cadence, warnings) or per account (account
warnings); health follows from both. Tips and suggestions are only computed
for the contacts someone looks at (the agenda, a detail view), on demand.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from ..host import PluginProblem
from ..model import Account, Commitment, CommitmentStatus, Contact, FollowUp, Stage
from ..session import Session
from ..store import activity, followups
from ..store import contacts as people
from . import stats as statistics
from .health import Health, account_health, contact_health
from .reconcile import reconcile
from .runtime import Runtime
from .types import AccountContext, ContactContext, ContactStats, Member, Network, Proposal, Suggestion, Tip, Warning


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
    account_health: dict[int, Health]
    changes: dict[str, int] = field(default_factory=dict)
    _tips: dict[int, list[Tip]] = field(default_factory=dict)
    _suggestions: dict[int, list[Suggestion]] = field(default_factory=dict)

    @property
    def problems(self) -> list[PluginProblem]:
        return self.runtime.host.problems

    def context(self, contact_id: int, followups_: Iterable[FollowUp] | None = None) -> ContactContext:
        ctx = self.contexts[contact_id]
        extra = {"warnings": tuple(self.warnings.get(contact_id, ()))}
        if followups_ is not None:
            extra["followups"] = tuple(followups_)
        return _replace(ctx, **extra)

    def tips(self, contact_id: int) -> list[Tip]:
        if contact_id not in self._tips:
            self._tips[contact_id] = self.runtime.host.tips(self.context(contact_id))
        return self._tips[contact_id]

    def suggestions(self, contact_id: int) -> list[Suggestion]:
        if contact_id not in self._suggestions:
            found = self.runtime.host.suggestions(self.context(contact_id))
            self._suggestions[contact_id] = sorted(found, key=lambda s: -s.score)
        return self._suggestions[contact_id]

    def interval_days(self, contact_id: int) -> int:
        intervals = [p.interval_days for _, p in self.proposals.get(contact_id, ()) if p.interval_days]
        return min(intervals) if intervals else self.runtime.engine.default_interval_days


def _replace(ctx: ContactContext, **changes) -> ContactContext:
    values = {name: getattr(ctx, name) for name in ctx.__slots__}
    values.update(changes)
    return ContactContext(**values)


def evaluate(session: Session, *, persist: bool = True, contact_ids: Iterable[int] | None = None) -> Evaluation:
    """Run the engine. With `contact_ids`, only those contacts (and their accounts) are evaluated."""
    runtime: Runtime = session.runtime
    host = runtime.host
    cfg = runtime.engine
    now, today = session.now, session.today
    rules = runtime.rules.sections

    with session.store.read() as conn:
        wanted = set(contact_ids) if contact_ids is not None else None
        if wanted is not None:
            focus = people.list_contacts(conn, ids=wanted)
            account_ids = {people.find_account_id(conn, c.account) for c in focus if c.account}
            members = [c for aid in account_ids if aid is not None
                       for c in people.list_contacts(conn, account=str(aid))]
            network_contacts = people.list_contacts(conn)
            in_scope = {c.id: c for c in [*focus, *members]}
        else:
            network_contacts = people.list_contacts(conn)
            in_scope = {c.id: c for c in network_contacts}
        accounts = {a.id: a for a in people.list_accounts(conn)}
        account_by_name = {a.name: a.id for a in accounts.values()}
        signals = host.note_signals(rules)
        stats = statistics.compute(
            conn, now, today,
            recent_days=cfg.recent_days, baseline_days=cfg.baseline_days,
            signals=signals,
            contact_ids=None if wanted is None else list(in_scope),
        )
        network_stats = stats if wanted is None else statistics.compute(
            conn, now, today, recent_days=cfg.recent_days, baseline_days=cfg.baseline_days,
            contact_ids=[c.id for c in network_contacts])
        open_promises: dict[int, list[Commitment]] = defaultdict(list)
        for promise in activity.list_commitments(conn, status=CommitmentStatus.OPEN.value):
            open_promises[promise.contact_id].append(promise)
        open_followups: dict[int, list[FollowUp]] = defaultdict(list)
        for item in followups.list_followups(conn, statuses=followups.OPEN_STATES):
            open_followups[item.contact_id].append(item)

    network = Network(contacts=tuple(network_contacts), stats=network_stats)
    account_of = {cid: account_by_name[c.account] for cid, c in in_scope.items() if c.account in account_by_name}
    by_account: dict[int, list[Member]] = defaultdict(list)
    for cid, aid in account_of.items():
        by_account[aid].append(Member(in_scope[cid], stats[cid]))
    account_contexts = {
        aid: AccountContext(account=accounts[aid], members=tuple(ms), today=today, now=now, rules=rules)
        for aid, ms in by_account.items()
    }

    targets = list(in_scope) if wanted is None else [cid for cid in in_scope if cid in wanted]
    contexts: dict[int, ContactContext] = {}
    proposals: dict[int, list[tuple[str, Proposal]]] = {}
    failed: dict[int, set[str]] = {}
    warnings: dict[int, list[Warning]] = {}
    silenced: set[int] = set()
    for cid in targets:
        contact = in_scope[cid]
        ctx = ContactContext(
            contact=contact, stats=stats[cid], today=today, now=now, rules=rules,
            account=account_contexts.get(account_of.get(cid)), network=network,
            commitments=tuple(open_promises.get(cid, ())), followups=tuple(open_followups.get(cid, ())),
        )
        contexts[cid] = ctx
        if contact.do_not_contact:
            silenced.add(cid)
            proposals[cid], failed[cid] = [], set()
        else:
            proposals[cid], failed[cid] = host.cadence(ctx)
        warnings[cid] = host.warnings(ctx) if contact.stage != Stage.FORMER else []

    account_warnings = {aid: host.account_warnings(actx) for aid, actx in account_contexts.items()}
    for cid in targets:
        aid = account_of.get(cid)
        if aid is not None:
            warnings[cid] = warnings[cid] + account_warnings.get(aid, [])

    evaluation = Evaluation(
        today=today, now=now, runtime=runtime, contacts={cid: in_scope[cid] for cid in targets}, accounts=accounts,
        account_of=account_of, stats=stats, contexts=contexts, proposals=proposals, warnings=warnings,
        account_warnings=account_warnings, health={}, account_health={},
    )
    for cid in targets:
        evaluation.health[cid] = contact_health(
            stats[cid], warnings[cid], today, evaluation.interval_days(cid), runtime.health
        )
    for aid, actx in account_contexts.items():
        member_health = [
            (evaluation.health.get(m.contact.id) or contact_health(
                m.stats, [], today, runtime.engine.default_interval_days, runtime.health), m.contact.tier.value)
            for m in actx.members
        ]
        evaluation.account_health[aid] = account_health(member_health, account_warnings.get(aid, []), runtime.health)

    if persist:
        active = {name for name, info in host.infos.items() if info.active}
        with session.store.write() as conn:
            evaluation.changes = reconcile(
                conn, proposals, failed, active, targets, today=today, now=now,
                horizon_days=cfg.horizon_days, silenced=silenced,
            )
    return evaluation
