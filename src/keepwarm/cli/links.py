"""`keepwarm link`, `unlink` and `links`: who knows whom."""

from __future__ import annotations

import click

from ..home.session import Session
from ..store import lookup
from ..text.wording import one_line
from . import cli
from .output import emit_json, table
from .params import LINE

# As in cli/contacts.py, the links' service (with the records and pydantic) loads after the lookup: a link to
# a contact that is not there stops before it is needed.

pass_session = click.make_pass_decorator(Session)


def _resolved(session: Session, *refs: str) -> list[int]:
    with session.store.read() as conn:
        return [lookup.resolve_contact(conn, ref) for ref in refs]


def _name(session: Session, contact_id: int) -> str:
    from ..store import contacts as people  # lazy for start-up: the records load after the lookup

    with session.store.read() as conn:
        return one_line(people.get_contact(conn, contact_id).name)


@cli.command("link")
@click.argument("one", metavar="A")
@click.argument("other", metavar="B")
@click.option(
    "--as",
    "kind_text",
    required=True,
    type=LINE,
    help="reports-to, introduced-by, partner (spouse), former-colleague, mentor-of, or a label of your own.",
)
@click.option("--json", "as_json", is_flag=True)
@pass_session
def link_command(session: Session, one: str, other: str, kind_text: str, as_json: bool) -> None:
    """Record who knows whom: A reports to, was introduced by, mentors or is the partner of B.

    `keepwarm link ann bob --as reports-to`: Ann reports to Bob (and Bob's page says he manages Ann).
    Any other word is kept as a label of your own: `--as "college roommate"`.
    """
    first, second = _resolved(session, one, other)  # whom first: the kinds' service loads pydantic
    from ..services import links as service  # lazy for start-up: the records load after the lookup

    kind, label = service.kind_of(kind_text)
    link_id, had = service.link(session, first, second, kind, label)
    if as_json:
        emit_json(
            {"id": link_id, "contact_id": first, "other_id": second, "kind": kind.value, "label": label, "existed": had}
        )
        return
    says = service.store.says(kind, label, first=True)
    sentence = f"{_name(session, first)} {says} {_name(session, second)}"
    click.echo(f"Already linked: {sentence}" if had else f"Linked: {sentence}")


@cli.command("unlink")
@click.argument("one", metavar="A")
@click.argument("other", metavar="B")
@click.option("--as", "kind_text", type=LINE, help="Only the links of this kind (default: every link between them).")
@pass_session
def unlink_command(session: Session, one: str, other: str, kind_text: str | None) -> None:
    """Forget the links between two contacts (of one kind, with --as)."""
    first, second = _resolved(session, one, other)  # whom first, as in `link`
    from ..services import links as service  # lazy for start-up: the records load after the lookup

    kind = service.kind_of(kind_text)[0] if kind_text else None
    gone = service.unlink(session, first, second, kind)
    click.echo(
        f"Removed {gone} link{'s' if gone != 1 else ''} between {_name(session, first)} and {_name(session, second)}"
    )


@cli.command("links")
@click.argument("contact", required=False)
@click.option("--json", "as_json", is_flag=True)
@pass_session
def links_command(session: Session, contact: str | None, as_json: bool) -> None:
    """List who knows whom, for everyone or for one contact."""
    contact_id = _resolved(session, contact)[0] if contact else None
    from ..services import links as service  # lazy for start-up: the records load after the lookup

    found = service.links_of(session, contact_id)
    if as_json:
        emit_json({"contact_id": me, **seen.to_json()} for me, seen in found)
        return
    with session.store.read() as conn:
        names = lookup.contact_names(conn)
    if not found:
        click.echo("No links yet (keepwarm link A B --as reports-to).")
        return
    table(
        [(me, names.get(me, "?"), seen.says, f"{seen.other} (#{seen.other_id})") for me, seen in found],
        ("ID", "CONTACT", "LINK", "WITH"),
    )
