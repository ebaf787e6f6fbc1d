"""`keepwarm import ...`, `keepwarm export json|vcard`, `keepwarm restore` and `keepwarm demo`.

Each command imports the part of `keepwarm.io` it runs when it runs: vobject
(vCards), the backup records and the CSV importers are loaded by the commands
that read or write them, not by every command of this module (a restore does
not load vobject; issue 19, start-up).
"""

from __future__ import annotations

import shlex
import sys
from collections.abc import Iterable
from pathlib import Path

import click

from ..home.session import Session
from ..io.csv_names import FORMAT_KEYS
from ..io.files import private_file, write_private
from ..io.report import ImportReport
from ..model import Role, Stage, stored_id
from ..store import lookup
from ..text.wording import plural
from . import cli
from .groups import export, import_
from .opening import creates_database
from .output import emit_json
from .params import EnumChoice
from .terminal import ProgressLine

pass_session = click.make_pass_decorator(Session)

FILE = click.Path(dir_okay=True, path_type=Path)
OUTPUT = click.Path(dir_okay=False, path_type=Path, allow_dash=True)


def import_options(func):
    options = [
        click.option("--dry-run", is_flag=True, help="Show what would happen; write nothing."),
        click.option("--skip-invalid", is_flag=True, help="Import the valid records and list the others as skipped."),
        click.option("--encoding", help="The file's text encoding, when guessing it is not enough (e.g. cp1252)."),
        click.option("--json", "as_json", is_flag=True, help="Print the report as JSON."),
    ]
    for option in reversed(options):
        func = option(func)
    return func


def _show(report: ImportReport, as_json: bool) -> None:
    if as_json:
        emit_json(report.to_json())
        return
    for line in report.lines():
        click.echo(line)


# ------------------------------------------------------------------ import


@import_.command("vcard")
@click.argument("files", nargs=-1, required=True, type=FILE)
@import_options
@pass_session
@creates_database
def import_vcard(session: Session, files: tuple[Path, ...], dry_run, skip_invalid, encoding, as_json) -> None:
    """Contacts from vCard files (2.1, 3.0 or 4.0).

    A contact already here is found by UID, then email, then exact name, and
    updated; importing the same file again changes nothing. More new people
    than the daily capacity ([agenda] capacity) are spread over the days after.
    """
    from ..io import imports  # lazy for start-up: each command loads its own importer or exporter

    report = imports.import_vcards(
        session.store,
        list(files),
        session.now,
        dry_run=dry_run,
        skip_invalid=skip_invalid,
        encoding=encoding,
        spread=imports.spread_for(session),
    )
    _show(report, as_json)


@import_.command("csv")
@click.argument("file", type=FILE)
@click.option(
    "--map",
    "mapping",
    multiple=True,
    metavar="COLUMN=FIELD",
    help="Which column holds which field, e.g. 'Full name=name' (repeatable).",
)
@click.option(
    "--format",
    "format_key",
    type=click.Choice(FORMAT_KEYS),
    default="auto",
    show_default=True,
    help="Skip recognition by headers.",
)
@import_options
@pass_session
@creates_database
def import_csv(session: Session, file: Path, mapping, format_key, dry_run, skip_invalid, encoding, as_json) -> None:
    """Contacts from a CSV: Google Contacts, Outlook, LinkedIn Connections, or any with --map.

    Fields for --map: name, first_name, last_name, account, title, email,
    phone, address, url, role, style, motivations, interests, channel,
    best_time, do_not_contact, birthday, work_anniversary, anniversary, tier,
    stage, tags, notes, owner, uid.

    More new people than the daily capacity ([agenda] capacity) are spread
    over the days after: that many a day, not all due at once.
    """
    from ..io import imports  # lazy for start-up: each command loads its own importer or exporter

    report = imports.import_contacts_csv(
        session.store,
        file,
        session.now,
        mapping=mapping,
        format_key=format_key,
        dry_run=dry_run,
        skip_invalid=skip_invalid,
        encoding=encoding,
        spread=imports.spread_for(session),
    )
    _show(report, as_json)


@import_.command("interactions")
@click.argument("file", type=FILE)
@click.option(
    "--map",
    "mapping",
    multiple=True,
    metavar="COLUMN=FIELD",
    help="Which column holds which field, e.g. 'Activity date=date' (repeatable).",
)
@import_options
@pass_session
@creates_database
def import_interactions(session: Session, file: Path, mapping, dry_run, skip_invalid, encoding, as_json) -> None:
    """A history of touches from a CSV (date, contact or email, channel, direction, purpose, notes, ...).

    Contacts are found by email, else by exact name. Times without a zone are
    in your time zone; a date alone means noon. Prints the counts and the first
    problems with their lines (--json: every row); a progress bar on a terminal.
    """
    from ..io import imports  # lazy for start-up: each command loads its own importer or exporter

    bar = None if as_json else ProgressLine()
    try:
        report = imports.import_interactions(
            session.store,
            file,
            session.now,
            session.tz,
            mapping=mapping,
            dry_run=dry_run,
            skip_invalid=skip_invalid,
            encoding=encoding,
            detail=as_json,
            progress=(lambda done, total: bar("reading", done, total)) if bar else None,
        )
    finally:
        if bar is not None:
            bar.close()
    _show(report, as_json)


# ------------------------------------------------------------------ export


def _write(output: Path, text: str | Iterable[str]) -> bool:
    """Write to a file (private, atomically) or stdout; True when a file was written.

    Standard output gets the bytes, as a file would: the vCard's CRLF line ends
    are part of the format (the text filter of `terminal` showed each CR as
    `\x0d`), and the export escapes its own text.
    """
    if str(output) == "-":
        sys.stdout.flush()
        for piece in [text] if isinstance(text, str) else text:
            sys.stdout.buffer.write(piece.encode("utf-8"))
        sys.stdout.buffer.flush()
        return False
    write_private(output, text)
    return True


@export.command("json")
@click.option(
    "--output", "-o", type=OUTPUT, default="-", show_default=True, help="File to write ('-': standard output)."
)
@pass_session
def export_json(session: Session, output: Path) -> None:
    """Everything as one JSON backup: contacts, accounts, history, promises, follow-ups, assessments, your rules.

    The file is the same, byte for byte, for the same data; `keepwarm restore`
    loads it into an empty database.
    """
    from ..io import backup  # lazy for start-up: each command loads its own importer or exporter

    if str(output) == "-":
        sys.stdout.flush()
        backup.write_json(session.store, sys.stdout.buffer)
        sys.stdout.buffer.flush()
        return
    with private_file(output) as fh:  # streamed: a million interactions never sit in memory
        backup.write_json(session.store, fh)
    click.echo(f"Wrote {output}", err=True)


@export.command("vcard")
@click.option(
    "--output", "-o", type=OUTPUT, default="-", show_default=True, help="File to write ('-': standard output)."
)
@click.option("--account", help="Only this account's people.")
@click.option("--tag", help="Only contacts with this tag.")
@click.option("--role", type=EnumChoice(Role))
@click.option("--stage", type=EnumChoice(Stage))
@click.option("--search", "-s", help="Name fragment.")
@pass_session
def export_vcard(session: Session, output: Path, account, tag, role, stage, search) -> None:
    """Contacts as vCard 4.0 (all, or those the filters select); keepwarm's own fields travel as X-KEEPWARM-*."""
    with session.store.read() as conn:
        account_id = lookup.resolve_account(conn, account) if account is not None else None
        from ..store import contacts as people  # lazy for start-up: the records load after the lookup

        found = people.list_contacts(
            conn,
            account_id=account_id,
            tag=tag,
            role=role.value if role else None,
            stage=stage.value if stage else None,
            search=search,
        )
    from ..io import vcard_export  # lazy for start-up: vobject loads with the vCard commands only

    if _write(output, vcard_export.cards(sorted(found, key=lambda c: stored_id(c.id)))):
        click.echo(f"Wrote {plural(len(found), 'contact')} to {output}", err=True)


# --------------------------------------------------------- restore, demo


def _counts(counts: dict[str, int]) -> str:
    from ..io.records import described  # lazy for start-up: the backup's record models

    return described(counts)


@cli.command("restore")
@click.argument("file", type=FILE)
@click.option("--json", "as_json", is_flag=True, help="Print what was restored as JSON.")
@pass_session
@creates_database
def restore_command(session: Session, file: Path, as_json: bool) -> None:
    """Load a JSON backup into an empty database (see `keepwarm export json`)."""
    from ..io import restore  # lazy for start-up: each command loads its own importer or exporter

    counts = restore.restore(session.store, file)
    if as_json:
        emit_json({"database": str(session.db_path), "restored": counts})
    else:
        click.echo(f"Restored {_counts(counts)} into {session.db_path}")


@cli.command("demo")
@click.option("--into-current", is_flag=True, help="Load into the database in use, which must be empty.")
@click.option("--force", is_flag=True, help="Replace an existing demo database.")
@click.option("--json", "as_json", is_flag=True, help="Print what was loaded as JSON.")
@pass_session
@creates_database
def demo_command(session: Session, into_current: bool, force: bool, as_json: bool) -> None:
    """Load the example data set, dated around today, into its own database (demo.db)."""
    from ..io import demo  # lazy for start-up: each command loads its own importer or exporter

    if into_current:
        target = session.db_path
        counts = demo.load_demo(session.store, session.today, session.now)
    else:
        target = demo.default_db()
        counts = demo.load_into_file(target, session.today, session.now, force=force)
    if as_json:
        emit_json({"database": str(target), "loaded": counts})
        return
    click.echo(f"Loaded the example data into {target}: {_counts(counts)}.")
    if not into_current:
        click.echo(f"Open it with: keepwarm --db {shlex.quote(str(target))}")
