"""The stored results as the screens that show every contact read them: the dashboard, the lists.

Each engine run stores, beside a contact's score, band and warnings (store/snapshots.py), the
figures those screens show (`Figures`: the rhythm the cadence rules gave, the last touch, the
statistics the dashboard sums). `contact_results` reads every contact with its stored result in
one query, so `dashboard` and the lists of contacts and accounts never run the engine over the
whole book (`evaluate.refresh` brings the stored results up to date first, evaluating only what
changed). A run that stores nothing (a book that cannot be written) gives the same rows through
`results`, in place of the stored ones: one way of building a row, as `snapshots.stored_agenda`.

Kept import-light (no plugins, no engine run).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import NamedTuple

from sqlalchemy import Connection, func, select

from .rows import as_text, plain_rows
from .schema import account_snapshots, accounts, contact_snapshots, contact_tags, contacts

_UTC = dt.timezone.utc


class Figures(NamedTuple):
    """What the screens read of a contact's result besides its health (the columns of migration 0008)."""

    #: The shortest interval the cadence rules proposed (the default when none did).
    interval_days: int
    last_touch: dt.datetime | None  # aware, UTC
    touches_recent: int
    inbound_recent: int
    unprompted_inbound_recent: int
    overdue_promises_mine: int
    overdue_promises_theirs: int

    def columns(self) -> dict:
        """The row's columns (the store keeps UTC wall times)."""
        values = self._asdict()
        if self.last_touch is not None:
            values["last_touch"] = self.last_touch.astimezone(_UTC).replace(tzinfo=None)
        return values

    def plain(self) -> tuple:
        """Plain values (what a row's digest is taken over)."""
        return (*self[:1], None if self.last_touch is None else self.last_touch.isoformat(), *self[2:])


class Result(NamedTuple):
    """A contact's result as a run gives it: the health's score and band, how many warnings, the figures."""

    score: int
    band: str
    warnings: int
    figures: Figures


@dataclass(slots=True)
class ContactResult:
    """A contact as the dashboard and the lists show it: its own fields and its result (None: not evaluated)."""

    id: int
    name: str
    account_id: int | None
    account: str | None
    title: str
    role: str | None
    style: str
    stage: str
    tier: str
    owner: str
    do_not_contact: bool
    result: Result | None


def _query():
    """Built once (`_CONTACTS`)."""
    c, a, s, t = contacts.c, accounts.c, contact_snapshots.c, account_snapshots.c
    # A row's own warnings, then its account's (stored once, under the account): what the run gave it.
    warnings = func.json_array_length(s.warnings) + func.coalesce(func.json_array_length(t.warnings), 0)
    return (
        select(
            c.id,
            c.name,
            c.account_id,
            a.name,
            c.title,
            c.role,
            c.style,
            c.stage,
            c.tier,
            c.owner,
            c.do_not_contact,
            s.contact_id,
            s.score,
            s.band,
            warnings,
            s.interval_days,
            as_text(s.last_touch),
            s.touches_recent,
            s.inbound_recent,
            s.unprompted_inbound_recent,
            s.overdue_promises_mine,
            s.overdue_promises_theirs,
        )
        .select_from(
            contacts.outerjoin(accounts, a.id == c.account_id)
            .outerjoin(contact_snapshots, s.contact_id == c.id)
            .outerjoin(account_snapshots, t.account_id == s.account_id)
        )
        .order_by(c.name_fold, c.id)
    )


_CONTACTS = _query()


def contact_results(conn: Connection, *, results: Callable[[int], Result | None] | None = None) -> list[ContactResult]:
    """Every contact with its stored result, by folded name; `results(contact_id)` gives a contact's result
    from a run that stored nothing, in place of the stored one."""
    out = []
    stamps: dict[str | None, dt.datetime | None] = {None: None}
    for (
        cid,
        name,
        account_id,
        account,
        title,
        role,
        style,
        stage,
        tier,
        owner,
        do_not_contact,
        stored,
        score,
        band,
        warnings,
        interval,
        last_text,
        *counts,
    ) in plain_rows(conn, _CONTACTS):
        if results is not None:
            result = results(cid)
        elif stored is None:
            result = None
        else:
            last = stamps.get(last_text)
            if last is None and last_text is not None:
                last = stamps[last_text] = dt.datetime.fromisoformat(last_text).replace(tzinfo=_UTC)
            result = Result(score, band, warnings, Figures(interval, last, *counts))
        out.append(
            ContactResult(
                cid,
                name,
                account_id,
                account,
                title,
                role or None,
                style,
                stage,
                tier,
                owner,
                bool(do_not_contact),
                result,
            )
        )
    return out


def account_warnings(conn: Connection) -> dict[int, list[dict]]:
    """Each account's stored warnings (as JSON values), for the accounts that have any."""
    t = account_snapshots.c
    return {
        aid: json.loads(text)
        for aid, text in plain_rows(conn, select(t.account_id, t.warnings).where(t.warnings != "[]"))
    }


def tags_of(conn: Connection) -> dict[int, list[str]]:
    """Every contact's tags in their order (the contacts list searches them)."""
    t = contact_tags.c
    out: dict[int, list[str]] = {}
    for cid, tag in plain_rows(conn, select(t.contact_id, t.tag).order_by(t.contact_id, t.position)):
        out.setdefault(cid, []).append(tag)
    return out
