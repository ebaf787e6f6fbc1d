"""`keepwarm dev ...`: tools for developing and measuring keepwarm."""

from __future__ import annotations

import click

from ..errors import UserError
from ..home.session import Session
from ..services import devdata
from ..text.wording import plural
from . import cli
from .home import counts
from .opening import creates_database

pass_session = click.make_pass_decorator(Session)


@cli.group(hidden=True)
def dev() -> None:
    """Developer tools (synthetic data)."""


@dev.command("generate")
@click.option("--contacts", type=click.IntRange(min=1, max=1_000_000), required=True)
@click.option("--interactions-per-contact", type=click.IntRange(min=0, max=10_000), default=100, show_default=True)
@click.option("--seed", type=int, default=1, show_default=True)
@click.option("--force", is_flag=True, help="Add to a database that already holds contacts.")
@pass_session
@creates_database
def generate(session: Session, contacts: int, interactions_per_contact: int, seed: int, force: bool) -> None:
    """Fill the database with deterministic synthetic contacts and history."""
    if counts(session)["contacts"] and not force:
        raise UserError(f"{session.db_path}: holds contacts already (use --force to add synthetic ones anyway)")
    result = devdata.generate(
        session,
        contacts=contacts,
        interactions_per_contact=interactions_per_contact,
        seed=seed,
        progress=lambda i, n: click.echo(f"  {i}/{n} contacts", err=True),
    )
    click.echo(
        f"Generated {plural(result['contacts'], 'contact')} in {plural(result['accounts'], 'account')} "
        f"with {plural(result['interactions'], 'interaction')}."
    )
