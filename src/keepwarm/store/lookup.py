"""Which stored contact or account the user means: an id, an exact name, or a fragment of one.

Apart from the records' module (`store.contacts`), which re-exports these: a command
looks up whom it was given before it reads a record, and one that stops at the lookup
(a name that matches nobody or several) loads neither the records nor pydantic.
"""

from __future__ import annotations

from sqlalchemy import Connection, func, select

from ..errors import Ambiguous, NotFound, UserError
from ..text.controls import fold
from .ids import as_id
from .schema import accounts, contacts


def find_account_id(conn: Connection, name: str) -> int | None:
    row = conn.execute(select(accounts.c.id).where(func.lower(accounts.c.name) == name.strip().lower())).first()
    return row[0] if row else None


def resolve_account(conn: Connection, ref: str) -> int:
    ref = ref.strip()
    if not ref:  # as for a contact: "" is part of every name, so it would list them all
        raise UserError("account: empty (expected an id or a name)")
    if ref.isdigit():
        number = as_id(ref)
        if number is not None and conn.execute(select(accounts.c.id).where(accounts.c.id == number)).first():
            return number
    exact = find_account_id(conn, ref)
    if exact is not None:
        return exact
    rows = conn.execute(
        select(accounts.c.id, accounts.c.name).where(func.lower(accounts.c.name).contains(ref.lower(), autoescape=True))
    ).all()
    if len(rows) == 1:
        return rows[0].id
    if not rows:
        raise NotFound(f"account: no account matches {ref!r}")
    raise Ambiguous(f"account: {ref!r} matches {len(rows)} accounts", [f"{r.id}\t{r.name}" for r in rows])


def resolve_contact(conn: Connection, ref: str) -> int:
    """An id, an exact name, or a fragment that matches one contact only."""
    ref = ref.strip()
    if not ref:
        raise UserError("contact: empty (expected an id or a name)")
    if ref.isdigit():
        number = as_id(ref)
        if number is not None and conn.execute(select(contacts.c.id).where(contacts.c.id == number)).first():
            return number
        raise NotFound(f"contact: no contact with id {ref}")
    key = fold(ref)
    exact = conn.execute(select(contacts.c.id).where(contacts.c.name_fold == key)).all()
    if len(exact) == 1:
        return exact[0].id
    rows = conn.execute(
        select(contacts.c.id, contacts.c.name, accounts.c.name.label("account"))
        .select_from(contacts.outerjoin(accounts, contacts.c.account_id == accounts.c.id))
        .where(contacts.c.name_fold.contains(key, autoescape=True))
        .order_by(contacts.c.name_fold, contacts.c.id)
    ).all()
    if len(rows) == 1:
        return rows[0].id
    if not rows:
        raise NotFound(f"contact: no contact matches {ref!r}")
    raise Ambiguous(  # with the account, so that two namesakes can be told apart
        f"contact: {ref!r} matches {len(rows)} contacts; use an id or a longer name",
        [f"{r.id}\t{r.name}" + (f"\t{r.account}" if r.account else "") for r in rows],
    )


def contact_names(conn: Connection) -> dict[int, str]:
    return {r.id: r.name for r in conn.execute(select(contacts.c.id, contacts.c.name))}
