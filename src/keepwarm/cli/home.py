"""`keepwarm` with no command: the app in a terminal, a summary anywhere else.

In an interactive terminal (stdin and stdout both ttys) this opens the Textual
app; piped or scripted, it prints where the data lives and what is in it, and
points at the commands; with an empty database it offers the way in.
"""

from __future__ import annotations

import sys

import click
from sqlalchemy import func, select

from ..home.session import Session
from ..store import schema
from ..text.wording import plural


def counts(session: Session) -> dict[str, int]:
    with session.store.read() as conn:
        return {
            "contacts": conn.execute(select(func.count()).select_from(schema.contacts)).scalar_one(),
            "accounts": conn.execute(select(func.count()).select_from(schema.accounts)).scalar_one(),
            "interactions": conn.execute(select(func.count()).select_from(schema.interactions)).scalar_one(),
            "open_followups": conn.execute(
                select(func.count())
                .select_from(schema.followups)
                .where(schema.followups.c.status.in_(("open", "snoozed")))
            ).scalar_one(),
        }


def interactive() -> bool:
    return sys.stdin.isatty() and sys.stdout.isatty()


def open_home(session: Session) -> None:
    if interactive():
        session.may_create = True  # the app starts a new book where it is told to; the summary only reads
        session.store, session.tz  # noqa: B018 - a bad database or config is one line on stderr, before the app
        from ..tui import run  # lazy for start-up: textual is only imported for the app

        run(session)
        return
    print_summary(session)


def print_summary(session: Session) -> None:
    numbers = counts(session)
    click.echo(f"keepwarm database: {session.db_path}")
    if numbers["contacts"] == 0:
        click.echo("It is empty. Start with one of:")
        click.echo("  keepwarm contact add 'Ada Lovelace' --account 'Analytical Engines' --role champion")
        click.echo("  keepwarm --help")
        return
    click.echo(
        f"{plural(numbers['contacts'], 'contact')} in {plural(numbers['accounts'], 'account')}, "
        f"{plural(numbers['interactions'], 'interaction')}, {plural(numbers['open_followups'], 'open follow-up')}."
    )
    click.echo("See `keepwarm --help` for the commands.")
