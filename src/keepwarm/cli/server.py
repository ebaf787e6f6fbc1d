"""`keepwarm migrate-to URL`: the book in use, copied into a database on a PostgreSQL server (docs/postgresql.md)."""

from __future__ import annotations

from pathlib import Path

import click

from ..errors import StoreError
from ..home.session import Session
from ..store import location
from ..text.wording import noun, plural
from . import cli
from .output import emit_json
from .terminal import ProgressLine

pass_session = click.make_pass_decorator(Session)


@cli.command("migrate-to")
@click.argument("url")
@click.option("--json", "as_json", is_flag=True, help="Print what was copied as JSON.")
@pass_session
def migrate_to_command(session: Session, url: str, as_json: bool) -> None:
    """Copy this SQLite book into an empty PostgreSQL database, checked row by row, all of it or nothing.

    URL is the server's database (postgresql://USER@HOST:PORT/DATABASE); it
    must be empty, or hold keepwarm's schema without a row. The book in use
    (--db, KEEPWARM_DB or the default one) is read, never changed. Then use
    the server with `keepwarm --db URL` or KEEPWARM_DB=URL.
    """
    from ..store import server_copy  # lazy for start-up: migrate-to alone copies a book

    target = location.server_book(url)
    source = _source(session, target)
    bar = None if as_json else ProgressLine()
    try:
        copied = server_copy.migrate_to(source, target, progress=bar)
    finally:
        if bar is not None:
            bar.close()
    if as_json:
        emit_json(
            {
                "source": str(copied.source),
                "target": str(copied.target),
                "schema": copied.schema,
                "rows": copied.rows,
                "total": copied.total,
                "checked": True,
            }
        )
        return
    click.echo(
        f"Copied {copied.source} into {copied.target} (schema {copied.schema}): "
        f"{copied.total:,} {noun(copied.total, 'row')} in {plural(len(copied.rows), 'table')}, each checked against the file."
    )
    width = max((len(name) for name in copied.rows), default=0)
    for name, count in copied.rows.items():
        if count:
            click.echo(f"  {name:<{width}}  {count:>12,}")
    click.echo(f"Open it with: keepwarm --db {copied.target}")


def _source(session: Session, target: location.ServerBook) -> Path:
    """The SQLite book to copy: the one in use, which must be a file and not the target itself."""
    book = session.db_path
    if book == target:
        raise StoreError(f"{target}: is the book in use itself; migrate-to copies a SQLite book into another database")
    if isinstance(book, location.ServerBook):
        raise StoreError(
            f"{book}: the book in use is on a PostgreSQL server already; migrate-to copies a SQLite book "
            "(give it with --db FILE)"
        )
    return book
