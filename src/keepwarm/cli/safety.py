"""`keepwarm backup` and `keepwarm doctor`: a copy of everything, and a check of everything."""

from __future__ import annotations

from pathlib import Path

import click

from ..errors import UserError
from ..home import paths
from ..home.session import Session
from ..store import backups
from ..text.wording import plural
from . import cli
from .output import emit_json

pass_session = click.make_pass_decorator(Session)


@cli.command("backup")
@click.argument("file", required=False, type=click.Path(path_type=Path))
@click.option("--force", is_flag=True, help="Replace FILE if it exists.")
@click.option("--json", "as_json", is_flag=True, help="Print where the copy went, and what it holds, as JSON.")
@pass_session
def backup_command(session: Session, file: Path | None, force: bool, as_json: bool) -> None:
    """Copy the database to FILE (default: a dated file in the backups folder), safely while it is in use.

    The copy is a complete SQLite database, readable by you only; open it with
    `keepwarm --db FILE`. Automatic copies are also taken before every
    migration, restore and large import (the newest 10 are kept).
    """
    if file is not None and str(file) == "-":  # every export reads '-' as standard output; a backup cannot
        raise UserError(
            "FILE: '-' is standard output, and a backup is a database file "
            "(expected a file name; use `keepwarm export json` for a stream)"
        )
    store = session.store
    target = backups.backup_to(store.path, file, store.backup_dir, force=force)
    counts = backups.counts(target)
    if as_json:
        emit_json({"database": str(store.path), "backup": str(target), "counts": counts})
        return
    click.echo(
        f"Backed up {plural(counts['contacts'], 'contact')} and {plural(counts['interactions'], 'interaction')} "
        f"to {target}"
    )


def _label(finding) -> str:
    return "ok" if finding.ok else "MAYBE" if finding.maybe else "PROBLEM"


@cli.command("doctor")
@click.option("--json", "as_json", is_flag=True, help="Print the findings as JSON.")
@click.option(
    "--rebuild-search",
    is_flag=True,
    help="Make the search index again from the book first (the fix when the check finds it out of step).",
)
@pass_session
def doctor_command(session: Session, as_json: bool, rebuild_search: bool) -> None:
    """Check the database (integrity, schema version), file permissions, rules and plugins; say how to fix each problem.

    Lists contacts who may be one person, with the command that merges them. Changes nothing (but the search
    index, with --rebuild-search). Exits 1 when it finds a problem (contacts who may be one person are not
    counted as one).
    """
    if rebuild_search:
        from ..services.search import rebuild_index  # lazy for start-up: only this flag writes

        rebuild_index(session)
        if not as_json:
            click.echo("Rebuilt the search index.\n")
    try:
        safe_mode = session.safe_mode
    except UserError:
        safe_mode = None  # a broken config.toml: the doctor reports it
    if not isinstance(session.db_path, Path):
        raise UserError(f"{session.db_path}: the doctor checks a SQLite file; not yet available on a PostgreSQL book")
    from ..doctor import checks as checkup  # lazy for start-up: the checks load the settings, sources and plugins

    report = checkup.examine(session.db_path, paths.backups_dir_for(session.db_path), safe_mode=safe_mode)
    if as_json:
        emit_json(report.to_json())
    else:
        for finding in report.findings:
            click.echo(f"{_label(finding):<8} {finding.check:<12} {finding.message}")
            if finding.fix:
                click.echo(f"{'':<8} {'':<12} fix: {finding.fix}")
        problems = report.problems()
        maybe = sum(1 for f in report.findings if f.maybe)
        more = f" ({plural(maybe, 'thing')} to look at)" if maybe else ""
        click.echo(f"\n{plural(len(problems), 'problem')} found{more}." if problems else f"\nAll good{more}.")
    if not report.ok:
        raise SystemExit(1)
