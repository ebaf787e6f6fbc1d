"""The team's users, ownership and grants, for the CLI and the app alike.

Who may do what is checked here on both stores, so that a refusal is one line
saying why before anything is written: only an admin manages users; only an
admin or a contact's (an account's) owner shares it or keeps it private. On a
PostgreSQL book the server enforces the same by row-level security (migration
0019) whatever program connects; on SQLite (one file, one person) the roles are
recorded, and the database does not enforce them.
"""

from __future__ import annotations

from ..errors import UserError
from ..home.session import Session
from ..store import contacts as people
from ..store import dialect
from ..store import users as repo
from ..store.schema import accounts, contacts


def acting_user(session: Session) -> str:
    """The user keepwarm acts as (see `store.users.acting`). A book with no user yet gets them as its admin with
    the first write that needs them (`first_user`), in that write's own transaction."""
    with session.store.read() as conn:
        return repo.acting(conn, *session.wanted_user())


def first_user(conn, session: Session, me: str) -> None:
    repo.ensure_first(conn, me, session.now)


def _admin(session: Session, doing: str) -> str:
    me = acting_user(session)
    with session.store.read() as conn:
        role = next((u.role for u in repo.all_users(conn) if u.name == me), "admin")  # no user yet: the first admin
    if role != "admin":
        raise UserError(f"{doing}: only an admin may do this, and you ({me}) are not one; nothing was changed")
    return me


def _role(role: str) -> str:
    if role not in repo.ROLES:
        raise UserError(f"--role {role!r}: expected one of {', '.join(repo.ROLES)}")
    return role


def add_user(session: Session, name: str, role: str, reports_to: str | None, db_role: str | None) -> repo.User:
    """`keepwarm user add`: a new user; on a server with their database role (made if it does not exist)."""
    me = _admin(session, f"user add {name}")
    with session.store.write() as conn:
        first_user(conn, session, me)
        server = dialect.is_server(conn)
        if server:
            db_role = repo.check_role_name(db_role or name.lower())
        elif db_role is not None:
            raise UserError("--db-role: only a book on a PostgreSQL server has database roles")
        repo.add(conn, name, _role(role), reports_to, db_role, session.now)
        if server and db_role is not None:
            repo.give_role(conn, db_role, role == "admin")
        return repo.find(conn, name)


def set_user(session: Session, name: str, role: str | None, reports_to: str | None, no_manager: bool) -> repo.User:
    """`keepwarm user set`: another role, or another manager (never one below them)."""
    _admin(session, f"user set {name}")
    with session.store.write() as conn:
        user = repo.change(conn, name, _role(role) if role else None, reports_to, no_manager)
        if dialect.is_server(conn) and role is not None and user.db_role:
            repo.give_role(conn, user.db_role, role == "admin")
        return user


def remove_user(session: Session, name: str, heir: str | None) -> tuple[int, int]:
    """`keepwarm user rm`: refused while they own contacts or accounts, unless `heir` takes them."""
    me = _admin(session, f"user rm {name}")
    if name == me:
        raise UserError(f"user rm {name}: you cannot remove yourself; another admin can")
    with session.store.write() as conn:
        user = repo.find(conn, name)
        moved = repo.remove(conn, name, heir)
        if dialect.is_server(conn) and user.db_role:
            repo.take_role(conn, user.db_role)
        return moved


def list_users(session: Session) -> list[dict]:
    with session.store.read() as conn:
        found = repo.all_users(conn)
        owned = {u.name: repo.owned(conn, u.name) for u in found}
    return [{**u.to_json(), "contacts": owned[u.name][0], "accounts": owned[u.name][1]} for u in found]


def _thing(conn, contact_id: int | None, account: str | None) -> tuple[dict, str, str]:
    """What a share names ({column: id}), how it reads, and its owner."""
    if account is not None:
        account_id = people.find_account_id(conn, account)
        if account_id is None:
            raise UserError(f"--account {account!r}: no such account (see keepwarm account list)")
        owner = conn.execute(accounts.select().where(accounts.c.id == account_id)).one().owner
        return {"account_id": account_id}, f"account {account}", owner
    row = conn.execute(contacts.select().where(contacts.c.id == contact_id)).one()
    return {"contact_id": contact_id}, f"contact {contact_id} ({row.name})", row.owner


def _may_share(session: Session, conn, what_owner: str, label: str) -> None:
    me = repo.acting(conn, *session.wanted_user())
    if what_owner not in ("", me) and repo.find(conn, me).role != "admin":
        raise UserError(
            f"{label} is {what_owner or 'nobody'}'s: only its owner or an admin may share it; nothing was changed"
        )


def share(session: Session, contact_id: int | None, account: str | None, name: str, edit: bool) -> str:
    """`keepwarm share`: give user `name` read (or edit) on a contact, or on an account and its people."""
    me = acting_user(session)
    with session.store.write() as conn:
        first_user(conn, session, me)
        what, label, owner = _thing(conn, contact_id, account)
        _may_share(session, conn, owner, label)
        repo.grant(conn, name, what, edit, session.now)
    return label


def unshare(session: Session, contact_id: int | None, account: str | None, name: str) -> str:
    """`keepwarm unshare`: take back what user `name` was given on a contact or an account."""
    acting_user(session)
    with session.store.write() as conn:
        what, label, owner = _thing(conn, contact_id, account)
        _may_share(session, conn, owner, label)
        if not repo.revoke(conn, name, what):
            raise UserError(f"{label} was not shared with {name}; nothing was changed")
    return label


def set_private(session: Session, contact_id: int, private: bool) -> str:
    """Keep a contact from the team (`unshare --team`), or share it with the team again (`share --team`)."""
    me = acting_user(session)
    with session.store.write() as conn:
        first_user(conn, session, me)
        _what, label, owner = _thing(conn, contact_id, None)
        _may_share(session, conn, owner, label)
        repo.set_private(conn, contact_id, private)
    return label


def check_owner(session: Session, owner: str) -> None:
    """An owner given for a contact (`contact add/edit --owner`) must be one of the book's users (or, in a book
    with no user yet, the acting user, who becomes its first)."""
    me = acting_user(session)
    with session.store.read() as conn:
        if owner != me or repo.names(conn):
            repo.find(conn, owner)
