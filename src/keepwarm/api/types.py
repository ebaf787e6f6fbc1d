"""What the engine hands to plugins, and what plugins hand back.

Plugins receive read-only snapshots (frozen dataclasses built once per run, and
frozen through and through by engine/readonly.py before any plugin sees them) and
return small value objects, which check their own fields (api/checks.py). Nothing here touches the database: a rule that
needs a number asks for it to be added to `ContactStats`, which is computed
for all contacts at once in SQL.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel

from ..model import (
    Account,
    Assessment,
    Channel,
    Commitment,
    Contact,
    Direction,
    FollowUp,
    LinkKind,
    Outcome,
    Purpose,
    Role,
    stored_id,
)
from ..model.jsonvalues import PLAIN, jsonable
from .checks import check as _check_result

# --------------------------------------------------------------- statistics


@dataclass(frozen=True, slots=True)
class ContactStats:
    """Per-contact numbers over two windows ending today.

    `recent` is the last `recent_days` (default 90); `baseline` is the
    `baseline_days` (default 365) before that. Rates are per 30 days so that
    windows of different lengths compare. Counts only include touches that took
    place (outcome `completed`) unless the name says otherwise.
    """

    contact_id: int
    recent_days: int
    baseline_days: int
    first_seen: dt.datetime | None = None  # when the contact was added
    first_touch: dt.datetime | None = None
    last_touch: dt.datetime | None = None
    last_outbound: dt.datetime | None = None
    last_inbound: dt.datetime | None = None
    last_meeting: dt.datetime | None = None
    last_written_outbound: dt.datetime | None = None  # email, letter or text I sent
    last_value_add: dt.datetime | None = None
    last_celebration: dt.datetime | None = None
    last_entertainment: dt.datetime | None = None
    last_recovery: dt.datetime | None = None
    last_favor_asked: dt.datetime | None = None
    touches_total: int = 0
    touches_recent: int = 0
    touches_baseline: int = 0
    inbound_total: int = 0
    inbound_recent: int = 0
    outbound_total: int = 0
    outbound_recent: int = 0
    unprompted_inbound_recent: int = 0  # inbound that was not a reply to a favor or business
    asked_recent: int = 0  # outbound touches whose reply was recorded (replied or not)
    replied_recent: int = 0
    asked_baseline: int = 0
    replied_baseline: int = 0
    latency_recent_hours: float | None = None
    latency_baseline_hours: float | None = None
    sentiment_recent: float | None = None
    sentiment_baseline: float | None = None
    sentiment_count_recent: int = 0
    access_problems_recent: int = 0  # declined, cancelled, rescheduled or no-show
    access_problems_baseline: int = 0
    favors_asked_total: int = 0
    favors_received_total: int = 0
    value_adds_total: int = 0
    value_adds_recent: int = 0
    open_promises_mine: int = 0
    overdue_promises_mine: int = 0
    oldest_overdue_promise: dt.date | None = None
    open_promises_theirs: int = 0
    overdue_promises_theirs: int = 0
    note_signals: Mapping[str, int] = field(default_factory=dict)  # signal -> recent notes matching
    note_signal_last: Mapping[str, dt.datetime] = field(default_factory=dict)
    latest_assessment: Assessment | None = None
    previous_assessment: Assessment | None = None

    def rate_recent(self) -> float:
        """Touches per 30 days in the recent window."""
        return self.touches_recent * 30 / self.recent_days

    def rate_baseline(self) -> float:
        return self.touches_baseline * 30 / self.baseline_days

    def reply_rate_recent(self) -> float | None:
        return self.replied_recent / self.asked_recent if self.asked_recent else None

    def reply_rate_baseline(self) -> float | None:
        return self.replied_baseline / self.asked_baseline if self.asked_baseline else None

    def days_since(self, moment: dt.datetime | None, today: dt.date) -> int | None:
        return None if moment is None else (today - moment.date()).days


# ------------------------------------------------------------ past touches

#: How many of a contact's latest interactions `ContactContext.recent_touches` holds.
RECENT_TOUCHES = 10


@dataclass(frozen=True, slots=True)
class Touch:
    """One logged interaction as a plugin sees it: a frozen copy, so no rule can change another's view.

    Every outcome is included (a declined meeting is a touch that went badly);
    `sentiment` runs from -2 to 2 and `responded` is None when no reply was
    expected or recorded, as in the interaction log.
    """

    when: dt.datetime
    channel: Channel
    direction: Direction
    purpose: Purpose
    outcome: Outcome
    sentiment: int | None = None
    responded: bool | None = None
    response_hours: float | None = None
    notes: str = ""

    @property
    def completed(self) -> bool:
        return self.outcome == Outcome.COMPLETED


# ----------------------------------------------------------------- contexts


@dataclass(frozen=True, slots=True)
class Member:
    """One stakeholder of an account, as the account-level rules see them."""

    contact: Contact
    stats: ContactStats


@dataclass(frozen=True, slots=True)
class AccountContext:
    account: Account
    members: tuple[Member, ...]
    today: dt.date
    now: dt.datetime
    rules: Mapping[str, BaseModel]
    # Worked out once: every member of a large account asks for it.
    _roles: frozenset[Role] | None = field(default=None, init=False, repr=False, compare=False)

    def with_role(self, role: Role) -> tuple[Member, ...]:
        return tuple(m for m in self.members if m.contact.role == role)

    def roles_covered(self) -> set[Role]:
        roles = self._roles
        if roles is None:
            roles = frozenset(m.contact.role for m in self.members if m.contact.role is not None)
            object.__setattr__(self, "_roles", roles)
        return set(roles)


@dataclass(frozen=True, slots=True)
class Linked:
    """One link between two contacts (`keepwarm link A B --as KIND`), as one of the two sees it.

    `first` tells the direction of the kinds that have one: "A reports to B" is
    `reports-to` seen by A with `first=True`, and by B with `first=False` (B
    manages A); "A introduced-by B" seen by A (`first=True`) means B introduced
    the user to A. `says` words it from this side ("manages", "introduced you to").
    """

    other_id: int
    other: str  # the other contact's name
    kind: LinkKind
    label: str = ""
    first: bool = True
    says: str = ""

    @property
    def introduced_me_to_them(self) -> bool:
        """Whether the other contact introduced the user to this one (this one was introduced by them)."""
        return self.kind is LinkKind.INTRODUCED_BY and self.first


@dataclass(frozen=True, slots=True)
class Network:
    """Everyone the user knows, for rules that connect people (introductions).

    `links` holds every contact's links (by contact id; a contact without links
    is absent). A rule asks through `links_of` and `last_touches`, which the
    engine's network of a detail view answers from the store, a few at a time,
    noting what was asked (so that advice is worked out again only when those
    answers change): a third-party rule can use them exactly as the built-in ones do.
    """

    contacts: tuple[Contact, ...]
    stats: Mapping[int, ContactStats]
    links: Mapping[int, tuple[Linked, ...]] = field(default_factory=dict)

    def others(self, contact: Contact) -> tuple[Contact, ...]:
        return tuple(c for c in self.contacts if c.id != contact.id)

    def links_of(self, ids: Iterable[int]) -> dict[int, tuple[Linked, ...]]:
        """Each of these contacts' links (an empty tuple for one without)."""
        return {cid: self.links.get(cid, ()) for cid in ids}

    def last_touches(self, ids: Iterable[int]) -> dict[int, dt.datetime | None]:
        """Each of these contacts' latest completed touch (`ContactStats.last_touch`), None when never."""
        out: dict[int, dt.datetime | None] = {}
        for cid in ids:
            found = self.stats.get(cid)
            out[cid] = found.last_touch if found is not None else None
        return out


@dataclass(frozen=True, slots=True)
class Warning:
    """A sign that a relationship is cooling, with the numbers that triggered it.

    `severity`: 1 note, 2 warning, 3 urgent. `evidence` holds plain values
    (numbers, dates as ISO text, short strings) for display and JSON.
    """

    key: str
    message: str
    severity: int = field(default=2, metadata={"range": (1, 3)})
    evidence: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        _check_result(self)


@dataclass(frozen=True, slots=True)
class ContactContext:
    """Everything a per-contact rule may read.

    `rules` maps each TOML section name to its validated model; a plugin reads
    its own section (`ctx.rules["cadence"]`). `warnings` is empty for cadence
    and warning hooks and holds this contact's warnings for suggesters.
    """

    contact: Contact
    stats: ContactStats
    today: dt.date
    now: dt.datetime
    rules: Mapping[str, BaseModel]
    account: AccountContext | None = None
    network: Network | None = None
    commitments: tuple[Commitment, ...] = ()  # open promises, both ways
    followups: tuple[FollowUp, ...] = ()  # open and snoozed
    warnings: tuple[Warning, ...] = ()  # keepwarm's Warning (above), not the builtin
    #: Gives a contact's latest touches; the engine reads them for every contact of a run at once,
    #: on the first access (no built-in rule needs them, so a run that never asks pays nothing).
    touch_source: Callable[[int], tuple[Touch, ...]] | None = field(default=None, repr=False, compare=False)
    #: The contact's own links to other contacts (who reports to whom, who introduced whom...).
    links: tuple[Linked, ...] = ()

    def days_since_touch(self) -> int | None:
        return self.stats.days_since(self.stats.last_touch, self.today)

    def linked_to(self, other_id: int) -> tuple[Linked, ...]:
        """The contact's links to this other contact (none: the two are not known to know each other)."""
        return tuple(link for link in self.links if link.other_id == other_id)

    @property
    def recent_touches(self) -> tuple[Touch, ...]:
        """The contact's last `RECENT_TOUCHES` interactions up to the end of `today`, newest first."""
        if self.touch_source is None:
            return ()
        return self.touch_source(stored_id(self.contact.id))


# ------------------------------------------------------------------ results


@dataclass(frozen=True, slots=True)
class ConfigSection:
    """A plugin's TOML section: its name and the pydantic model that validates it.

    The model should set `extra="forbid"` so that a misspelt key is reported.
    """

    name: str
    model: type[BaseModel]


@dataclass(frozen=True, slots=True)
class Proposal:
    """A touch a cadence rule wants scheduled.

    `rule_key` identifies the rule's reason for this contact (`cadence.interval`,
    `occasion.birthday`): at most one open follow-up exists per contact and key,
    and a dismissed one is not proposed again for the same date.
    `interval_days`, when given, is the rhythm the contact is expected to keep;
    the health score measures recency against it.
    `satisfied_by_touch`: whether any logged touch completes it (a promise
    follow-up is completed by keeping the promise, not by a call).
    """

    rule_key: str
    due: dt.date
    reason: str
    channel: Channel | None = None
    action: str = field(default="", metadata={"empty": True})
    due_time: dt.time | None = None
    priority: int = field(default=2, metadata={"range": (1, 3)})  # 1 urgent .. 3 routine
    interval_days: int | None = field(default=None, metadata={"range": (1, 3660)})
    satisfied_by_touch: bool = True

    def __post_init__(self) -> None:  # a bad value raises inside the plugin's call: see api/checks.py
        _check_result(self)


@dataclass(frozen=True, slots=True)
class Tip:
    """How to talk to this person; `topic` groups tips (style, motivation, channel, etiquette)."""

    text: str
    topic: str = "general"
    #: 0..1, higher first: the agenda shows the two best tips; equal ranks keep the plugins' order
    #: (keepwarm's own first), so a tip must rank above 0.5 to come before the built-in ones.
    rank: float = 0.5

    def __post_init__(self) -> None:
        _check_result(self)


@dataclass(frozen=True, slots=True)
class Suggestion:
    """A concrete trust-building step, and why it fits this person now.

    `score` (0..1) orders suggestions; the agenda shows the best few.
    """

    key: str
    text: str
    why: str = field(metadata={"empty": True})  # shown after the text when given
    score: float = field(default=0.5, metadata={"range": (0, 1)})
    channel: Channel | None = None

    def __post_init__(self) -> None:
        _check_result(self)


def to_json(value: Any) -> Any:
    """Results as plain JSON values (for --json and the TUI)."""
    return jsonable(value, _result_json)


def _result_json(value: Any) -> dict[str, Any] | None:
    if not isinstance(value, (Tip, Warning, Suggestion, Proposal)):
        return None
    out = {}
    for k in value.__slots__:
        if k == "rank" and type(value) is Tip:  # the list is in rank order; the number is only the key
            continue
        v = getattr(value, k)
        out[k] = v if type(v) in PLAIN else to_json(v)
    return out
