"""Follow-ups: the scheduled touches, and their life cycle.

Each change that a calendar should see (new date, new status) raises
`sequence`, which the iCalendar export carries as SEQUENCE.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from functools import cache

from sqlalchemy import Connection, and_, bindparam, case, func, insert, or_, select, update

from ..errors import NotFound, UserError
from ..model import Channel, FollowUp, FollowUpStatus, stored_id
from .new_ids import new_id
from .rows import Parsed, as_text, by_value, constructed, plain_rows
from .schema import followups

OPEN_STATES = (FollowUpStatus.OPEN.value, FollowUpStatus.SNOOZED.value)
#: The source of a follow-up the user planned (`followup add`), which no rule moves.
MANUAL = "manual"
#: What a follow-up stored without a usable reason shows instead (a plugin could store one before
#: results were checked; `keepwarm followup repair` writes this into the row).
NO_REASON = "(no reason given)"
MAX_REASON = 10_000  # model.NonEmpty


def usable_reason(reason: object) -> str:
    """The stored reason as a follow-up can hold it: blank or missing -> NO_REASON, too long -> cut.

    Rows an older version stored from `Proposal(reason="")` are read back through this wherever they are
    shown (lists, the TUI's first paint); a usable reason, nearly every row, is returned at once."""
    if type(reason) is str and 0 < len(reason) <= MAX_REASON and not reason.isspace():
        return reason
    text = "" if reason is None else str(reason)
    if not text.strip():
        return NO_REASON
    return text[:MAX_REASON]


def _naive(value: dt.datetime) -> dt.datetime:
    return value.astimezone(dt.timezone.utc).replace(tzinfo=None)


def insert_followup(conn: Connection, item: FollowUp, now: dt.datetime) -> int:
    values = item.model_dump(exclude={"id", "created_at", "updated_at", "closed_at"})
    for key in ("status", "channel"):
        if values[key] is not None:
            values[key] = getattr(item, key).value
    values["created_at"] = values["updated_at"] = _naive(now)
    return new_id(conn.execute(insert(followups).values(**values)))


def get_followup(conn: Connection, followup_id: int) -> FollowUp:
    found = _loaded(conn, frozenset({"id"}), {"id": followup_id})
    if not found:
        raise NotFound(f"follow-up: no follow-up with id {followup_id}")
    return found[0]


def list_followups(
    conn: Connection,
    contact_id: int | None = None,
    *,
    statuses: tuple[str, ...] | None = None,
    due_until: dt.date | None = None,
    changed_since: dt.datetime | None = None,
    contact_ids: Iterable[int] | None = None,
) -> list[FollowUp]:
    """The follow-ups these filters select, ordered by due date, then id.

    The one loader of FollowUps, for the engine's whole-book run (every open
    one) as for a contact's list or a group of contacts' (`contact_ids`).
    """
    params: dict[str, object] = {}
    if contact_id is not None:
        params["contact"] = contact_id
    if contact_ids is not None:
        params["contacts"] = sorted(set(contact_ids))
    if statuses is not None:
        params["statuses"] = list(statuses)
    if due_until is not None:
        params["until"] = due_until
    if changed_since is not None:
        params["since"] = _naive(changed_since)
    return _loaded(conn, frozenset(params), params)


# The rows are assembled as `model_construct` would (they were validated on the way in); dates and
# times are read as the stored text and parsed once per distinct text (`rows.Parsed`). Each statement
# is built once per set of filters, the values bound at run time.

_FIELDS = tuple(FollowUp.model_fields)
_CHANNEL, _STATUS = by_value(Channel), by_value(FollowUpStatus)


_AS_TEXT = frozenset({"due", "due_time", "snoozed_until", "created_at", "updated_at", "closed_at"})


def columns() -> tuple:
    """A follow-up's columns in its fields' order, as every reader of them selects them (this loader, the
    agenda's rows), dates and times as the stored text: a row's first values unpack by `_FIELDS`."""
    f = followups.c
    return tuple(as_text(f[name]) if name in _AS_TEXT else f[name] for name in _FIELDS)


class _IsoUtc(dict):
    """Stored UTC times as pydantic's JSON gives them (`2026-11-22T09:00:00Z`), each distinct text once:
    the follow-ups one run stored share their stamps."""

    def __missing__(self, value: str | None) -> str | None:
        text = self[value] = dt.datetime.fromisoformat(value).isoformat() + "Z" if value is not None else None
        return text


class _IsoTime(dict):
    """Stored times of day as pydantic's JSON gives them, each distinct text once."""

    def __missing__(self, value: str | None) -> str | None:
        text = self[value] = dt.time.fromisoformat(value).isoformat() if value is not None else None
        return text


class AsJson:
    """Rows that begin with `columns()` as `FollowUp.model_dump(mode="json")` gives them, without the
    model: the agenda's rows are JSON from the start (the app paints them, `--json` prints them)."""

    def __init__(self) -> None:
        self._stamps = _IsoUtc()
        self._times = _IsoTime()

    def __call__(self, row) -> dict:
        values = dict(zip(_FIELDS, row))
        stamps, reason = self._stamps, values["reason"]
        if type(reason) is not str or not 0 < len(reason) <= MAX_REASON or reason.isspace():
            values["reason"] = usable_reason(reason)  # a row a plugin poisoned (see `usable_reason`)
        values["due_time"] = self._times[values["due_time"]]
        values["satisfied_by_touch"] = bool(values["satisfied_by_touch"])
        values["created_at"] = stamps[values["created_at"]]
        values["updated_at"] = stamps[values["updated_at"]]
        values["closed_at"] = stamps[values["closed_at"]]
        return values


def due_by(until):
    """Due by `until`: a snoozed follow-up is due again on the day it wakes up."""
    f, snoozed = followups.c, FollowUpStatus.SNOOZED.value
    return or_(and_(f.status != snoozed, f.due <= until), and_(f.status == snoozed, f.snoozed_until <= until))


@cache
def _query(filters: frozenset[str]):
    f = followups.c
    query = select(*columns())
    if "id" in filters:
        query = query.where(f.id == bindparam("id"))
    if "contact" in filters:
        query = query.where(f.contact_id == bindparam("contact"))
    if "contacts" in filters:
        query = query.where(f.contact_id.in_(bindparam("contacts", expanding=True)))
    if "statuses" in filters:
        query = query.where(f.status.in_(bindparam("statuses", expanding=True)))
    if "until" in filters:
        query = query.where(due_by(bindparam("until")))
    if "since" in filters:
        query = query.where(f.updated_at >= bindparam("since"))
    return query.order_by(f.due, f.id)


def _loaded(conn: Connection, filters: frozenset[str], params: dict) -> list[FollowUp]:
    f = followups.c
    day, time, moment = Parsed(f.due, conn), Parsed(f.due_time, conn), Parsed(f.created_at, conn, utc=True)
    channels, statuses = _CHANNEL, _STATUS
    out = []
    for row in plain_rows(conn, _query(filters), params):
        values = dict(zip(_FIELDS, row))
        reason, channel = values["reason"], values["channel"]
        if type(reason) is not str or not 0 < len(reason) <= MAX_REASON or reason.isspace():
            reason = usable_reason(reason)  # a row a plugin poisoned is still listed, dismissed and exported
        values.update(
            due=day[values["due"]],
            due_time=time[values["due_time"]],
            reason=reason,
            channel=channels[channel] if channel is not None else None,
            status=statuses[values["status"]],
            snoozed_until=day[values["snoozed_until"]],
            satisfied_by_touch=bool(values["satisfied_by_touch"]),
            created_at=moment[values["created_at"]],
            updated_at=moment[values["updated_at"]],
            closed_at=moment[values["closed_at"]],
        )
        out.append(constructed(FollowUp, values, _FIELDS))
    return out


def _transition(conn: Connection, followup_id: int, now: dt.datetime, **values) -> FollowUp:
    current = get_followup(conn, followup_id)
    conn.execute(
        update(followups)
        .where(followups.c.id == followup_id)
        .values(**values, sequence=current.sequence + 1, updated_at=_naive(now))
    )
    return get_followup(conn, followup_id)


def _require_open(item: FollowUp, verb: str) -> None:
    if item.status.value not in OPEN_STATES:
        raise UserError(f"follow-up {item.id}: is {item.status.value}; only open or snoozed ones can be {verb}")


def complete_followup(conn: Connection, followup_id: int, now: dt.datetime) -> FollowUp:
    _require_open(get_followup(conn, followup_id), "marked done")
    return _transition(conn, followup_id, now, status=FollowUpStatus.DONE.value, closed_at=_naive(now))


def dismiss_followup(conn: Connection, followup_id: int, now: dt.datetime) -> FollowUp:
    _require_open(get_followup(conn, followup_id), "dismissed")
    return _transition(conn, followup_id, now, status=FollowUpStatus.DISMISSED.value, closed_at=_naive(now))


def undismiss_followup(conn: Connection, followup_id: int, now: dt.datetime) -> FollowUp:
    """Open a dismissed follow-up again (the TUI's undo of `x`), due as it was before."""
    item = get_followup(conn, followup_id)
    if item.status != FollowUpStatus.DISMISSED:
        raise UserError(f"follow-up {followup_id}: is {item.status.value}; only a dismissed one can be brought back")
    status = (
        FollowUpStatus.SNOOZED
        if item.snoozed_until is not None and item.snoozed_until > now.date()
        else FollowUpStatus.OPEN
    )
    return _transition(conn, followup_id, now, status=status.value, closed_at=None)


def snooze_followup(conn: Connection, followup_id: int, until: dt.date, now: dt.datetime) -> FollowUp:
    item = get_followup(conn, followup_id)
    _require_open(item, "snoozed")
    if until <= now.date():
        raise UserError(f"until: {until.isoformat()} is not in the future (expected a later date)")
    return _transition(conn, followup_id, now, status=FollowUpStatus.SNOOZED.value, snoozed_until=until)


def effective_due(item: FollowUp) -> dt.date:
    if item.status == FollowUpStatus.SNOOZED and item.snoozed_until is not None:
        return item.snoozed_until
    return item.due


# ------------------------------------------------------------ unreadable rows


def _unusable():
    f = followups.c
    return or_(
        f.reason.is_(None),
        func.trim(f.reason) == "",
        func.length(f.reason) > MAX_REASON,
        func.typeof(f.reason) != "text",
    )


def unusable_reasons(conn: Connection) -> list[tuple[int, str]]:
    """(id, source) of the follow-ups whose stored reason no follow-up may hold (written before results were checked)."""
    f = followups.c
    return [(fid, source) for fid, source in conn.execute(select(f.id, f.source).where(_unusable()).order_by(f.id))]


def repair_reasons(conn: Connection, now: dt.datetime) -> int:
    """Write the reason each unreadable row is shown with into it; the count repaired."""
    f = followups.c
    rows = conn.execute(select(f.id, f.reason, f.sequence).where(_unusable())).all()
    for fid, reason, sequence in rows:
        conn.execute(
            update(followups)
            .where(f.id == fid)
            .values(reason=usable_reason(reason), sequence=sequence + 1, updated_at=_naive(now))
        )
    return len(rows)


# ------------------------------------------------------------ by source


def sources(conn: Connection) -> dict[str, int]:
    """Every source a follow-up was ever made by, with its count of open and snoozed ones."""
    f = followups.c
    open_count = func.sum(case((f.status.in_(OPEN_STATES), 1), else_=0))
    return {
        source: int(count or 0)
        for source, count in conn.execute(select(f.source, open_count).group_by(f.source).order_by(f.source))
    }


def close_by_source(conn: Connection, source: str, now: dt.datetime) -> int:
    """Dismiss every open or snoozed follow-up of one source (a plugin that is gone); the count closed.

    Dismissed, not done: nothing was done, and the rule does not propose the same date again.
    """
    known = sources(conn)
    if source not in known:
        listed = ", ".join(known) or "none"
        raise UserError(f"source: no follow-up comes from {source!r} (sources: {listed})")
    f = followups.c
    stamp = _naive(now)
    result = conn.execute(
        update(followups)
        .where(f.source == source, f.status.in_(OPEN_STATES))
        .values(status=FollowUpStatus.DISMISSED.value, closed_at=stamp, updated_at=stamp, sequence=f.sequence + 1)
    )
    return result.rowcount


# ------------------------------------------------------------ a snoozed person


def hold_for_contact(
    conn: Connection, contact_id: int, was: dt.date | None, until: dt.date | None, now: dt.datetime
) -> int:
    """The person's follow-ups wait for their snooze: how many changed.

    Snoozing a person (`until`) snoozes the follow-ups the user planned
    (`followup add`) due before that day to that day, as `followup snooze` would
    one by one (their date in calendars moves with them), and any follow-up
    snoozed to an earlier day; the rules' open ones are the engine's to hold back
    and move (engine/snooze.py), so that they keep following the rules meanwhile.
    Ending or moving a snooze (`was`: the day it ran to) wakes the follow-ups
    snoozed to that day first, while it is ahead: they are due again as they were
    (a snooze that has passed woke them already, on its day).
    """
    snoozed, opened = FollowUpStatus.SNOOZED.value, FollowUpStatus.OPEN.value
    changed = 0
    for item in list_followups(conn, contact_id, statuses=OPEN_STATES):
        status, wakes = item.status.value, item.snoozed_until
        if was is not None and was > now.date() and status == snoozed and wakes == was:
            status, wakes = opened, None
        rules = item.source != MANUAL and status == opened  # the engine holds these back itself, and moves them
        if (
            until is not None
            and until > now.date()
            and not rules
            and (wakes if status == snoozed and wakes else item.due) < until
        ):
            status, wakes = snoozed, until
        if (status, wakes) != (item.status.value, item.snoozed_until):
            _transition(conn, stored_id(item.id), now, status=status, snoozed_until=wakes)
            changed += 1
    return changed
