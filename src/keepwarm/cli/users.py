"""`keepwarm user ...`, `share` and `unshare`: the people in the team and what each was given."""

from __future__ import annotations

import click

from ..errors import UserError
from ..home.session import Session
from ..store import lookup
from ..text.wording import one_line
from . import cli
from .output import emit_json, table
from .params import LINE

pass_session = click.make_pass_decorator(Session)
ROLES = click.Choice(["member", "manager", "admin"])


@cli.group()
def user() -> None:
    """The people in the team: their role (member, manager, admin) and whom they report to."""


@user.command("add")
@click.argument("name", type=LINE)
@click.option("--role", type=ROLES, default="member", show_default=True, help="What they may see and change.")
@click.option("--reports-to", type=LINE, help="Their manager (a user).")
@click.option("--db-role", type=LINE, help="On a server: the database role they connect as (default: NAME).")
@pass_session
def user_add(session: Session, name: str, role: str, reports_to: str | None, db_role: str | None) -> None:
    """Add NAME to the team (admins only); on a server, with the database role they connect as."""
    from ..services import users  # lazy for start-up: the team's service, for the commands about it

    added = users.add_user(session, name, role, reports_to, db_role)
    where = f", connecting as database role {added.db_role}" if added.db_role else ""
    click.echo(f"Added user {one_line(added.name)} ({added.role}{where})")


@user.command("list")
@click.option("--json", "as_json", is_flag=True)
@pass_session
def user_list(session: Session, as_json: bool) -> None:
    """List the users: role, manager, and how many contacts and accounts each owns."""
    from ..services import users  # lazy for start-up (see user_add)

    found = users.list_users(session)
    if as_json:
        emit_json(found)
        return
    rows = [
        (u["name"], u["role"], u["reports_to"] or "", u["contacts"], u["accounts"], u["db_role"] or "") for u in found
    ]
    table(rows, ("NAME", "ROLE", "REPORTS TO", "CONTACTS", "ACCOUNTS", "DB ROLE"))


@user.command("set")
@click.argument("name", type=LINE)
@click.option("--role", type=ROLES, help="Their new role.")
@click.option("--reports-to", type=LINE, help="Their new manager (a user).")
@click.option("--no-manager", is_flag=True, help="They report to nobody.")
@pass_session
def user_set(session: Session, name: str, role: str | None, reports_to: str | None, no_manager: bool) -> None:
    """Change a user's role or manager (admins only); nobody may report to someone below them."""
    from ..services import users  # lazy for start-up (see user_add)

    if reports_to is not None and no_manager:
        raise UserError("user set: give --reports-to or --no-manager, not both")
    changed = users.set_user(session, name, role, reports_to, no_manager)
    boss = f", reports to {changed.reports_to}" if changed.reports_to else ""
    click.echo(f"User {one_line(changed.name)}: {changed.role}{boss}")


@user.command("rm")
@click.argument("name", type=LINE)
@click.option("--to", "heir", type=LINE, help="The user who takes their contacts and accounts.")
@pass_session
def user_rm(session: Session, name: str, heir: str | None) -> None:
    """Remove a user (admins only); what they own goes to the user --to names."""
    from ..services import users  # lazy for start-up (see user_add)

    people, firms = users.remove_user(session, name, heir)
    moved = f"; {people} contact(s) and {firms} account(s) now {heir}'s" if heir else ""
    click.echo(f"Removed user {one_line(name)}{moved}")


def _target(session: Session, ref: str | None, account: str | None, team: bool) -> int | None:
    """The contact a share names (None for an account); one line when it names neither or both."""
    if (ref is None) == (account is None):
        raise UserError("give a CONTACT or --account NAME (one of them)")
    if team and account is not None:
        raise UserError("--team: an account is always seen by the team; keep a contact private instead")
    if ref is None:
        return None
    with session.store.read() as conn:
        return lookup.resolve_contact(conn, ref)


@cli.command("share")
@click.argument("ref", metavar="CONTACT", required=False)
@click.option("--account", type=LINE, help="Share an account, and everyone in it, instead of a contact.")
@click.option("--with", "name", type=LINE, help="The user given it.")
@click.option("--edit", is_flag=True, help="They may change it too (otherwise they only see it).")
@click.option("--team", is_flag=True, help="Let the whole team see a private contact again.")
@pass_session
def share(session: Session, ref: str | None, account: str | None, name: str | None, edit: bool, team: bool) -> None:
    """Give a user a contact or an account to see (or, with --edit, to change), beyond what the team shares."""
    from ..services import users  # lazy for start-up (see user_add)

    if (name is None) == (not team):
        raise UserError("share: give --with USER or --team (one of them)")
    contact_id = _target(session, ref, account, team)
    if team and contact_id is not None:
        label = users.set_private(session, contact_id, False)
        click.echo(f"The team sees {one_line(label)} again")
        return
    assert name is not None
    label = users.share(session, contact_id, account, name, edit)
    click.echo(f"Shared {one_line(label)} with {one_line(name)} ({'edit' if edit else 'read'})")


@cli.command("unshare")
@click.argument("ref", metavar="CONTACT", required=False)
@click.option("--account", type=LINE, help="An account instead of a contact.")
@click.option("--with", "name", type=LINE, help="The user who loses it.")
@click.option("--team", is_flag=True, help="Keep the contact private: only you, your managers and admins see it.")
@pass_session
def unshare(session: Session, ref: str | None, account: str | None, name: str | None, team: bool) -> None:
    """Take back what a user was given, or keep a contact from the team (--team)."""
    from ..services import users  # lazy for start-up (see user_add)

    if (name is None) == (not team):
        raise UserError("unshare: give --with USER or --team (one of them)")
    contact_id = _target(session, ref, account, team)
    if team and contact_id is not None:
        label = users.set_private(session, contact_id, True)
        click.echo(f"{one_line(label)} is private now: the team no longer sees it")
        return
    assert name is not None
    label = users.unshare(session, contact_id, account, name)
    click.echo(f"{one_line(label)} is no longer shared with {one_line(name)}")
