"""Two contacts who are one person, made one: the second's history moved to the first, in one transaction.

The first contact (`keep`) stays, with its id and uid; the second (`gone`) is
removed once everything it held is the first's. What belongs to a contact is
found in the schema, not listed here: every table with a foreign key to
`contacts.id` has its rows moved, so a table added later (notes, links) is moved
too without this module knowing of it. Three kinds are handled apart: the rows
the contact's own fields are made of (e-mails, phones, tags, dates: the merged
`Contact` is written whole), the derived rows (totals, stored results: worked out
again by the triggers and the next run), and the follow-ups the rules made,
where both may have one open for the same rule: the second's is dismissed, so
that the next run reconciles one follow-up per rule, not two.

Rows a unique constraint would make twins (a link both had to the same person)
keep the first's; a row that would join the contact to itself (a link between
the two) goes. A link that reads both ways whose moved end left the higher id
first is turned back (store/links.normalize_both_ways), a twin so made dropped.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import Column, Connection, Table, UniqueConstraint, and_, delete, exists, func, or_, select, update

from ..model import FollowUpStatus
from . import links
from .followups import MANUAL, OPEN_STATES
from .schema import (
    contact_dates,
    contact_emails,
    contact_links,
    contact_phones,
    contact_tags,
    contacts,
    followups,
    metadata,
)

#: Rows made from the contact's own fields: written whole with the merged contact (`contacts.update_contact`).
OWN_FIELDS = frozenset({contact_emails.name, contact_phones.name, contact_tags.name, contact_dates.name})
#: Rows worked out from the others (triggers of migrations 0004 and 0007, the next engine run).
DERIVED = frozenset({"contact_totals", "contact_snapshots", "health_history", "window_figures"})


@dataclass
class Moved:
    """How many rows of each table became the first contact's; the follow-ups dismissed as twins."""

    rows: dict[str, int] = field(default_factory=dict)
    dismissed: int = 0
    dropped: dict[str, int] = field(default_factory=dict)  # rows that would have been twins or self-references


def contact_columns() -> list[Column]:
    """Every column that refers to a contact (`contacts.id`), in the tables whose rows are moved."""
    found = []
    for table in metadata.sorted_tables:
        if table.name in OWN_FIELDS or table.name in DERIVED or table is contacts:
            continue
        for fk in table.foreign_keys:
            if fk.column is contacts.c.id:
                found.append(fk.parent)
    return found


def move_history(conn: Connection, keep: int, gone: int, now: dt.datetime) -> Moved:
    """Every row that refers to `gone` made to refer to `keep` (see the module's docstring); `gone` itself is left
    for the caller to delete, in the same transaction."""
    moved = Moved()
    moved.dismissed = _dismiss_twin_followups(conn, keep, gone, now)
    for column in contact_columns():
        table = column.table
        dropped = _drop_self_references(conn, table, column, keep, gone) + _drop_twins(conn, table, column, keep, gone)
        if dropped:
            moved.dropped[table.name] = moved.dropped.get(table.name, 0) + dropped
        count = conn.execute(update(table).where(column == gone).values({column.name: keep})).rowcount
        if count:
            moved.rows[table.name] = moved.rows.get(table.name, 0) + count
    before = _count(conn, contact_links)
    links.normalize_both_ways(conn)  # a moved end may leave a both-ways link with the higher id first
    if gone_twins := before - _count(conn, contact_links):
        moved.dropped[contact_links.name] = moved.dropped.get(contact_links.name, 0) + gone_twins
    return moved


def _count(conn: Connection, table: Table) -> int:
    return conn.execute(select(func.count()).select_from(table)).scalar_one()


def _dismiss_twin_followups(conn: Connection, keep: int, gone: int, now: dt.datetime) -> int:
    """The second's open follow-ups from a rule the first has one open for: dismissed, as a rule's are when they
    no longer hold (a new sequence, so that a published calendar event goes too)."""
    f = followups.c
    mine = select(f.rule_key).where(f.contact_id == keep, f.source != MANUAL, f.status.in_(OPEN_STATES))
    return conn.execute(
        update(followups)
        .where(
            f.contact_id == gone, f.source != MANUAL, f.status.in_(OPEN_STATES), f.rule_key.in_(mine.scalar_subquery())
        )
        .values(
            status=FollowUpStatus.DISMISSED.value,
            closed_at=now,
            updated_at=now,
            sequence=f.sequence + 1,
        )
    ).rowcount


def _other_contact_columns(table: Table, column: Column) -> list[Column]:
    return [c for c in table.columns if c is not column and any(fk.column is contacts.c.id for fk in c.foreign_keys)]


def _drop_self_references(conn: Connection, table: Table, column: Column, keep: int, gone: int) -> int:
    """Rows of `gone` that also refer to `keep` through another column (a link between the two): they would
    join the merged contact to itself."""
    others = _other_contact_columns(table, column)
    if not others:
        return 0
    return conn.execute(delete(table).where(column == gone, or_(*[c == keep for c in others]))).rowcount


def _drop_twins(conn: Connection, table: Table, column: Column, keep: int, gone: int) -> int:
    """Rows of `gone` equal, under a unique constraint that holds `column`, to one `keep` has: the first's stays."""
    dropped = 0
    for constraint in table.constraints:
        if not isinstance(constraint, UniqueConstraint) or column.name not in constraint.columns:
            continue
        names = [c.name for c in constraint.columns]
        twin = table.alias("twin")
        same = [twin.c[column.name] == keep] + [twin.c[n] == table.c[n] for n in names if n != column.name]
        dropped += conn.execute(delete(table).where(column == gone, exists().where(and_(*same)))).rowcount
    return dropped
