"""The people who work in a book: users, whom they report to, what they were given, and who is acting.

A contact's and an account's `owner` is a user's name (migration 0019). On a
PostgreSQL book each user is a database role (`db_role`) and the server's
row-level security decides what a connection sees and may change; the checks
here (a known user, no reporting cycle, an admin managing users) hold on both
stores and say what is wrong in one line before anything is written.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from sqlalchemy import Connection, delete, func, insert, select, update

from ..errors import UserError
from . import dialect
from .schema import accounts, contacts, grants, users

ROLES = ("member", "manager", "admin")
#: The execution option (set on a session's engine) holding how to name the acting user on a connection: the
#: owner of what is made with no owner given, whichever path makes it (a command, the app, an import, a sync).
ACTING = "keepwarm_acting"
#: The first user of a book nobody named: the one person who keeps it.
DEFAULT = "me"
#: A database role keepwarm creates: lower-case letters, digits and _, as PostgreSQL takes it unquoted.
_ROLE_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")


@dataclass(frozen=True)
class User:
    id: int
    name: str
    role: str
    reports_to: str | None
    db_role: str | None

    def to_json(self) -> dict:
        return {"name": self.name, "role": self.role, "reports_to": self.reports_to, "db_role": self.db_role}


def all_users(conn: Connection) -> list[User]:
    boss = users.alias("boss")
    rows = conn.execute(
        select(users.c.id, users.c.name, users.c.role, boss.c.name, users.c.db_role)
        .select_from(users.outerjoin(boss, users.c.reports_to == boss.c.id))
        .order_by(users.c.name)
    )
    return [User(*row) for row in rows]


def names(conn: Connection) -> list[str]:
    return [row[0] for row in conn.execute(select(users.c.name).order_by(users.c.name))]


def find(conn: Connection, name: str) -> User:
    """The user called `name`; one line naming the known users when there is none."""
    for user in all_users(conn):
        if user.name == name:
            return user
    known = ", ".join(names(conn)) or "none yet"
    raise UserError(f"user {name!r}: no such user in this book (users: {known}; add one with keepwarm user add)")


def current_role(conn: Connection) -> str | None:
    """The database role of this connection (a server book), else None."""
    return conn.exec_driver_sql("SELECT current_user").scalar_one() if dialect.is_server(conn) else None


def acting(conn: Connection, wanted: str | None, source: str) -> str:
    """The name of the user keepwarm acts as: the one `wanted` (the settings' `user`, or KEEPWARM_USER, said by
    `source`), on a server the one whose role this connection has; `DEFAULT` in a book with no user yet."""
    known = all_users(conn)
    role = current_role(conn)
    if role is not None:
        mine = next((u.name for u in known if u.db_role == role), None)
        if mine is not None and wanted and wanted != mine:
            raise UserError(
                f"{source}: user {wanted!r}, but this connection's database role {role!r} is user {mine!r} "
                f"(connect as {wanted}'s role, or change the setting)"
            )
        if mine is not None:
            return mine
        if known:
            raise UserError(
                f"database role {role!r} is no user of this book; an admin adds it with: "
                f"keepwarm user add NAME --db-role {role}"
            )
        return wanted or DEFAULT
    if wanted:
        if known and wanted not in {u.name for u in known}:
            listed = ", ".join(u.name for u in known)
            raise UserError(f"{source}: user {wanted!r} is no user of this book (users: {listed})")
        return wanted
    if not known or DEFAULT in {u.name for u in known}:
        return DEFAULT
    if len(known) == 1:
        return known[0].name
    raise UserError(
        'this book has several users; say which you are with user = "NAME" in the settings file or KEEPWARM_USER'
    )


def owner_for_new(conn: Connection) -> str:
    """The owner of a contact or account made with none given: the acting user ("" outside a session)."""
    resolve = conn.get_execution_options().get(ACTING)
    return resolve(conn) if resolve is not None else ""


def ensure_first(conn: Connection, name: str, now: dt.datetime) -> None:
    """A book without users gets `name` as its first user, an admin (on a server, as this connection's role)."""
    if conn.execute(select(func.count()).select_from(users)).scalar_one():
        return
    conn.execute(insert(users).values(name=name, role="admin", db_role=current_role(conn), created_at=now))


def check_role_name(db_role: str) -> str:
    if not _ROLE_NAME.match(db_role):
        raise UserError(
            f"--db-role {db_role!r}: not a database role name keepwarm makes "
            "(expected lower-case letters, digits and _, starting with a letter)"
        )
    return db_role


def manager_id(conn: Connection, name: str | None, user_name: str) -> int | None:
    """The id of the manager `name` for user `user_name`; one line for an unknown name or a reporting cycle."""
    if name is None:
        return None
    boss = find(conn, name)
    chain = {u.name: u.reports_to for u in all_users(conn)}
    seen: str | None = boss.name
    while seen is not None:
        if seen == user_name:
            raise UserError(
                f"--reports-to {name!r}: {name} reports to {user_name} already (directly or through others); "
                "nobody can report to someone below them"
            )
        seen = chain.get(seen)
    return boss.id


def add(conn: Connection, name: str, role: str, reports_to: str | None, db_role: str | None, now: dt.datetime) -> None:
    if any(u.name == name for u in all_users(conn)):
        raise UserError(f"user {name!r} exists already (change it with keepwarm user set)")
    boss = manager_id(conn, reports_to, name)
    values = {"name": name, "role": role, "reports_to": boss, "db_role": db_role, "created_at": now}
    conn.execute(insert(users).values(**values))


def change(conn: Connection, name: str, role: str | None, reports_to: str | None, no_manager: bool) -> User:
    user = find(conn, name)
    values: dict = {}
    if role is not None:
        values["role"] = role
    if no_manager:
        values["reports_to"] = None
    elif reports_to is not None:
        values["reports_to"] = manager_id(conn, reports_to, name)
    if role is not None and role != "admin" and user.role == "admin":
        admins = [u for u in all_users(conn) if u.role == "admin"]
        if len(admins) == 1:
            raise UserError(f"user {name!r} is the book's only admin; make someone else admin first")
    if values:
        conn.execute(update(users).where(users.c.id == user.id).values(**values))
    return find(conn, name)


def owned(conn: Connection, name: str) -> tuple[int, int]:
    """How many contacts and accounts `name` owns (as this connection sees them)."""
    people = conn.execute(select(func.count()).select_from(contacts).where(contacts.c.owner == name)).scalar_one()
    firms = conn.execute(select(func.count()).select_from(accounts).where(accounts.c.owner == name)).scalar_one()
    return people, firms


def remove(conn: Connection, name: str, heir: str | None) -> tuple[int, int]:
    """Remove user `name`, handing what they own to `heir`; refused while they own anything and no heir is named."""
    user = find(conn, name)
    if user.role == "admin" and sum(1 for u in all_users(conn) if u.role == "admin") == 1:
        raise UserError(f"user {name!r} is the book's only admin; make someone else admin first")
    people, firms = owned(conn, name)
    if heir is None and (people or firms):
        raise UserError(
            f"user {name!r} still owns {people} contact(s) and {firms} account(s); "
            "say who takes them with --to USER (nothing was removed)"
        )
    if heir is not None:
        if heir == name:
            raise UserError(f"--to {heir!r}: the user being removed cannot take their own contacts")
        find(conn, heir)
        transfer_all(conn, name, heir)
    conn.execute(update(users).where(users.c.reports_to == user.id).values(reports_to=None))
    conn.execute(delete(users).where(users.c.id == user.id))
    return people, firms


def transfer_all(conn: Connection, name: str, heir: str) -> None:
    conn.execute(update(contacts).where(contacts.c.owner == name).values(owner=heir))
    conn.execute(update(accounts).where(accounts.c.owner == name).values(owner=heir))


def grant(conn: Connection, name: str, what: dict, edit: bool, now: dt.datetime) -> None:
    """Give user `name` read (or edit) on one contact or account (`what`: {"contact_id": id} or
    {"account_id": id}); giving it again changes read to edit or back."""
    user = find(conn, name)
    column = grants.c[next(iter(what))]
    found = conn.execute(
        select(grants.c.id).where(grants.c.user_id == user.id, column == next(iter(what.values())))
    ).first()
    if found:
        conn.execute(update(grants).where(grants.c.id == found[0]).values(can_edit=edit))
    else:
        conn.execute(insert(grants).values(user_id=user.id, can_edit=edit, created_at=now, **what))


def revoke(conn: Connection, name: str, what: dict) -> int:
    user = find(conn, name)
    column = grants.c[next(iter(what))]
    done = conn.execute(delete(grants).where(grants.c.user_id == user.id, column == next(iter(what.values()))))
    return done.rowcount


def grants_of(conn: Connection, what: dict) -> list[tuple[str, bool]]:
    """Who was given this contact or account, and whether to edit it."""
    column = grants.c[next(iter(what))]
    rows = conn.execute(
        select(users.c.name, grants.c.can_edit)
        .select_from(grants.join(users, users.c.id == grants.c.user_id))
        .where(column == next(iter(what.values())))
        .order_by(users.c.name)
    )
    return [(row[0], bool(row[1])) for row in rows]


def set_private(conn: Connection, contact_id: int, private: bool) -> None:
    conn.execute(update(contacts).where(contacts.c.id == contact_id).values(private=private))


def is_private(conn: Connection, contact_id: int) -> bool:
    return bool(conn.execute(select(contacts.c.private).where(contacts.c.id == contact_id)).scalar())


def give_role(conn: Connection, db_role: str, admin: bool) -> None:
    """On a server: the database role a user connects as, created when it does not exist yet (LOGIN, no
    password: the server's administrator sets one, or pg_hba.conf says how it signs in), and allowed to connect
    to this database; an admin's role may create the roles of the users it adds."""
    exists = conn.exec_driver_sql("SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = %(r)s", {"r": db_role}).first()
    if not exists:
        conn.exec_driver_sql(f'CREATE ROLE "{db_role}" LOGIN' + (" CREATEROLE" if admin else ""))
    elif admin:
        conn.exec_driver_sql(f'ALTER ROLE "{db_role}" CREATEROLE')
    database = conn.exec_driver_sql("SELECT current_database()").scalar_one()
    option = " WITH GRANT OPTION" if admin else ""
    conn.exec_driver_sql(f'GRANT CONNECT, TEMPORARY ON DATABASE "{database}" TO "{db_role}"{option}')


def take_role(conn: Connection, db_role: str) -> None:
    """On a server: a removed user's role may no longer connect to this database (the role itself is kept: it may
    be someone's on other databases)."""
    database = conn.exec_driver_sql("SELECT current_database()").scalar_one()
    conn.exec_driver_sql(f'REVOKE CONNECT, TEMPORARY ON DATABASE "{database}" FROM "{db_role}" CASCADE')


def sharing(conn: Connection, contact_id: int) -> dict:
    """Whether a contact is kept from the team, and whom it was given (the contact's detail)."""
    given = grants_of(conn, {"contact_id": contact_id})
    return {"private": is_private(conn, contact_id), "given": [{"user": u, "edit": e} for u, e in given]}
