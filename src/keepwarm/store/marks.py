"""Which contacts and accounts changed since the engine last evaluated them (the marks of migration 0007).

The triggers mark; a run reads the marks with the rest of its inputs, and
clears, in the transaction that stores its results, the marks it evaluated
plus those its own writes made (its reconciled follow-ups). A mark made by
another writer between the run's read and its write has a number above what
the run read and below where its own writes began: it stays, for the next run.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import Connection, delete, func, select

from . import dialect
from .schema import engine_account_marks, engine_marks


@dataclass(frozen=True)
class Marks:
    """The marks as a run read them: the changed contacts and accounts, and the highest mark of each."""

    upto: int
    account_upto: int
    contacts: frozenset[int]
    accounts: frozenset[int]


def read(conn: Connection) -> Marks:
    rows = conn.execute(select(engine_marks.c.mark, engine_marks.c.contact_id)).all()
    account_rows = conn.execute(select(engine_account_marks.c.mark, engine_account_marks.c.account_id)).all()
    return Marks(
        max((r.mark for r in rows), default=0),
        max((r.mark for r in account_rows), default=0),
        frozenset(r.contact_id for r in rows),
        frozenset(r.account_id for r in account_rows),
    )


def highest(conn: Connection) -> tuple[int, int]:
    """The highest marks now: taken when a run's write begins, so that what it writes itself can be told apart."""
    return (
        conn.execute(select(func.coalesce(func.max(engine_marks.c.mark), 0))).scalar_one(),
        conn.execute(select(func.coalesce(func.max(engine_account_marks.c.mark), 0))).scalar_one(),
    )


def clear(
    conn: Connection,
    seen: Marks,
    began: tuple[int, int],
    *,
    contacts: Iterable[int] | None,
    accounts: Iterable[int] | None,
) -> None:
    """Clear what the run evaluated (None: everything it read) and what its own writes marked."""
    c, a = engine_marks.c, engine_account_marks.c
    conn.execute(delete(engine_marks).where(c.mark > began[0]))
    conn.execute(delete(engine_account_marks).where(a.mark > began[1]))
    _delete_seen(conn, delete(engine_marks).where(c.mark <= seen.upto), c.contact_id, contacts)
    _delete_seen(conn, delete(engine_account_marks).where(a.mark <= seen.account_upto), a.account_id, accounts)


def _delete_seen(conn: Connection, done, column, ids: Iterable[int] | None) -> None:
    """`done` for these ids (None: for all), 500 at a time."""
    if ids is None:
        conn.execute(done)
        return
    chosen = sorted(set(ids))
    for start in range(0, len(chosen), 500):
        conn.execute(done.where(column.in_(chosen[start : start + 500])))


def mark_accounts(conn: Connection, account_ids: Iterable[int]) -> None:
    """Mark these accounts changed: their members are evaluated by the next run (one that evaluated
    some members alone changed what the others read)."""
    ids = sorted(set(account_ids))
    if ids:
        conn.execute(
            dialect.insert_renewing(conn, engine_account_marks, "account_id"), [{"account_id": aid} for aid in ids]
        )
