"""The app's undo (`u`): every change made in a session taken back, the last first.

One mechanism for every change, not an inverse written for each: before a
change writes, the rows of the contacts it changes are kept as they are
(store/undo.py: the contact's row and every row that refers to them), read
first thing in the change's own write transaction (`Store.before_next_write`),
so no other writer comes between what is kept and what is changed. Undoing
writes those rows back in one transaction: what the change added goes, what
it removed comes back with the same ids, what it changed is as it was. Then
the engine works out the contacts again (the rows written back mark them).

A change names the contacts it touches: ids, or rows it acts on ("followups",
id) whose contact is read in the same transaction. A change that adds a
contact cannot name them before it writes: the journal learns the new id from
its result, and keeps "no rows" for it, so that undoing removes the person
with everything of theirs (store/undo.py: a contact not in the book has none). The journal lives as long
as the session (the app): nothing of it is stored.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, TypeVar

from sqlalchemy import Connection, select

from ..errors import UserError
from ..home.session import Session
from ..store import undo as rows_store
from ..store.schema import contacts, metadata
from .operations import reschedule

T = TypeVar("T")
#: A contact a change touches: its id, or a row it acts on (table name, id) whose contact it is.
Target = int | tuple[str, int]


@dataclass
class Step:
    """One change made: what it was (as told to the user), and the rows of its contacts before it."""

    what: str
    before: rows_store.Rows


def _contacts_of(conn: Connection, targets: Iterable[Target]) -> list[int]:
    ids: list[int] = []
    for target in targets:
        if isinstance(target, int):
            ids.append(target)
            continue
        table_name, row_id = target
        table = metadata.tables[table_name]
        found = conn.execute(select(table.c.contact_id).where(table.c.id == row_id)).scalar()
        if found is not None:
            ids.append(found)
    return ids


class Journal:
    """The changes of one session that can be undone, the last on top."""

    def __init__(self) -> None:
        self._steps: list[Step] = []
        self._undone = 0

    def __len__(self) -> int:
        return len(self._steps)

    def nothing_left(self) -> str:
        """What `u` says with nothing on the journal: none made, or every one taken back already."""
        if self._undone:
            return "Nothing left to undo: every change of this session is undone."
        return "Nothing to undo: no change was made in this session."

    def record(
        self,
        session: Session,
        targets: Iterable[Target],
        what: str | Callable[[Any], str],
        change: Callable[..., T],
        *args: Any,
        **kw: Any,
    ) -> T:
        """`change(*args, **kw)`, its contacts' rows kept first, in its first write transaction; `what` names it
        (or says it from its result) as the user is told of it. A change that fails or writes nothing is not
        recorded."""
        targets = list(targets)
        kept: list[rows_store.Rows] = []

        def keep(conn: Connection) -> None:
            kept.append(rows_store.take(conn, _contacts_of(conn, targets)))

        session.store.before_next_write(keep)
        try:
            result = change(*args, **kw)
        finally:
            session.store.before_next_write(None)
        if kept:
            self._steps.append(Step(what(result) if callable(what) else what, kept[0]))
        return result

    def record_new(self, session: Session, what: str, change: Callable[..., int], *args: Any, **kw: Any) -> int:
        """`change(*args, **kw)`, which adds a contact and returns their id; undoing it removes them whole (and the
        account the adding made for them)."""
        newest: list[int] = []
        session.store.before_next_write(lambda conn: newest.append(rows_store.newest_account(conn)))
        try:
            contact_id = change(*args, **kw)
        finally:
            session.store.before_next_write(None)
        before = rows_store.Rows((contact_id,), {"contacts": []}, newest_account=newest[0] if newest else None)
        self._steps.append(Step(what, before))
        return contact_id

    def undo(self, session: Session) -> str:
        """Take back the last change; what it was. Nothing left: a UserError saying so."""
        if not self._steps:
            raise UserError(self.nothing_left())
        step = self._steps[-1]
        with session.store.write() as conn:
            rows_store.bring_back(conn, step.before)
        self._steps.pop()
        self._undone += 1
        _reschedule(session, [cid for cid in step.before.contact_ids if _exists(session, cid)])
        return undone(step.what)


def _exists(session: Session, contact_id: int) -> bool:
    with session.store.read() as conn:
        return conn.execute(select(contacts.c.id).where(contacts.c.id == contact_id)).first() is not None


def _reschedule(session: Session, contact_ids: list[int]) -> None:
    if contact_ids:
        reschedule(session, contact_ids)


#: The verbs a change's message starts with, lower-cased after "Undid:" ("Undid: logged call with Ada").
_VERBS = frozenset(
    "Added Assessed Changed Deleted Dismissed Kept Linked Logged Merged Noted Removed Saved Snoozed Unlinked".split()
)


def undone(message: str) -> str:
    """A change's message as undone: "Logged call with Ada." -> "logged call with Ada"."""
    text = message.strip().rstrip(".") or "the last change"
    first = text.split(" ", 1)[0]
    return text[0].lower() + text[1:] if first in _VERBS else text
