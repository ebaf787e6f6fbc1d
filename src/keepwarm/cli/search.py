"""`keepwarm search TEXT`: find contacts, touches, promises and notes by their words."""

from __future__ import annotations

import click

from ..home.session import Session
from ..services import search as service
from . import cli
from .output import emit_json, table

pass_session = click.make_pass_decorator(Session)

#: Around each matched word in the text output (the JSON gives the matches' offsets instead).
OPEN, CLOSE = "«", "»"


def _marked(found: service.Found) -> str:
    return "".join(f"{OPEN}{text}{CLOSE}" if matched else text for text, matched in found.pieces)


@cli.command("search", context_settings={"ignore_unknown_options": True})
@click.argument("words", nargs=-1, required=True, metavar="TEXT...")
@click.option("--limit", default=20, show_default=True, type=int, help="Show at most this many results.")
@click.option(
    "--kind",
    "kinds",
    multiple=True,
    type=click.Choice(service.KIND_NAMES),
    help="Only this kind of result (repeat for several).",
)
@click.option("--json", "as_json", is_flag=True, help="Print the results as JSON.")
@pass_session
def search_command(session: Session, words: tuple[str, ...], limit: int, kinds: tuple[str, ...], as_json: bool) -> None:
    """Find contacts by any field, and touches, promises and notes by their text, best match first.

    Case and accents do not matter ("zoe" finds Zoë), the last word matches as
    a prefix ("lov" finds Lovelace), and every word must match. What you type
    is looked for as plain words: quotes, `*`, `AND`, `NEAR` and `-` have no
    special meaning.
    """
    found = service.find(session, " ".join(words), kinds=kinds, limit=limit)
    if as_json:
        emit_json([f.to_json() for f in found])
        return
    if not found:
        click.echo("Nothing found.")
        return
    rows = [(f.label, f.day.isoformat() if f.day else "", f"{f.contact} (#{f.contact_id})", _marked(f)) for f in found]
    table(rows, ("KIND", "DAY", "CONTACT", "MATCH"))
