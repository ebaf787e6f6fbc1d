"""The import entry points the CLI and the TUI call.

Each reads its files completely (and fails on an unreadable one) before the
transaction opens, then plans every record and writes the plan in one
transaction: see `runner.run` for all-or-nothing, --skip-invalid and --dry-run.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from pathlib import Path
from zoneinfo import ZoneInfo

from ..errors import UserError
from ..store import Store
from . import csv_import, interactions_import, runner, vcard_import
from .contacts_apply import Incoming, plan_contacts
from .encoding import read_text
from .report import ImportReport, Source
from .spread import Spread


def import_vcards(
    store: Store,
    paths: Sequence[Path],
    now: dt.datetime,
    *,
    dry_run: bool = False,
    skip_invalid: bool = False,
    encoding: str | None = None,
    spread: Spread | None = None,
) -> ImportReport:
    report = ImportReport("contacts")
    items: list[Incoming] = []
    for path in paths:
        text = read_text(path, encoding)
        report.sources.append(Source(str(path), "vCard", text.encoding, text.note))
        items += vcard_import.read(text.text, str(path), text.encoding)
    vcard_import.separate_shared_uids(items)  # across the files too: they are one import
    return runner.run(
        store,
        report,
        lambda conn: plan_contacts(conn, items, now, report, spread),
        dry_run=dry_run,
        skip_invalid=skip_invalid,
        size=len(items),
    )


def import_contacts_csv(
    store: Store,
    path: Path,
    now: dt.datetime,
    *,
    mapping: tuple[str, ...] = (),
    format_key: str = "auto",
    dry_run: bool = False,
    skip_invalid: bool = False,
    encoding: str | None = None,
    spread: Spread | None = None,
) -> ImportReport:
    text = read_text(path, encoding)
    label, items, warnings = csv_import.read(text.text, str(path), mapping=mapping, format_key=format_key)
    report = ImportReport("contacts", sources=[Source(str(path), label, text.encoding, text.note)], warnings=warnings)
    return runner.run(
        store,
        report,
        lambda conn: plan_contacts(conn, items, now, report, spread),
        dry_run=dry_run,
        skip_invalid=skip_invalid,
        size=len(items),
    )


def import_interactions(
    store: Store,
    path: Path,
    now: dt.datetime,
    tz: ZoneInfo,
    *,
    mapping: tuple[str, ...] = (),
    dry_run: bool = False,
    skip_invalid: bool = False,
    encoding: str | None = None,
    detail: bool = True,
    progress: Callable[[int, int], None] | None = None,
) -> ImportReport:
    """A history file; `detail` False reports counts and the first problems only (see `ImportReport`).

    `progress(done, total)` is called as the rows are read, in lines of the file.
    """
    text = read_text(path, encoding)
    history = interactions_import.read(text.text, str(path), now, tz, mapping)
    report = ImportReport(
        "interactions", sources=[Source(str(path), "interactions CSV", text.encoding, text.note)], detail=detail
    )
    return runner.run(
        store,
        report,
        lambda conn: interactions_import.plan(conn, history, now, report, progress),
        dry_run=dry_run,
        skip_invalid=skip_invalid,
        size=text.text.count("\n"),  # about the rows (a note may span lines): enough to tell a large import
    )


def spread_for(session) -> Spread:
    """How an import into this session's book spreads its new people: a day's worth under the daily capacity."""
    return Spread.for_capacity(session.today, session.settings.agenda.capacity)


def import_file(session, path: Path) -> str:
    """A contacts file chosen by its extension (for the TUI's empty state); returns the report's summary line
    (and how the new people were spread, when they were)."""
    suffix = path.suffix.lower()
    if suffix in (".vcf", ".vcard"):
        report = import_vcards(session.store, [path], session.now, spread=spread_for(session))
    elif suffix in (".csv", ".tsv", ".txt"):
        report = import_contacts_csv(session.store, path, session.now, spread=spread_for(session))
    else:
        raise UserError(f"{path}: is not a .vcf or .csv file (expected a vCard or a contacts CSV export)")
    return report.summary() + (f"; {report.spread.sentence()}" if report.spread is not None else "")
