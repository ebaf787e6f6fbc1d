"""One import, one transaction: all or nothing, or the valid rest with --skip-invalid.

Records are applied inside a single write transaction; a problem found in
any of them (without --skip-invalid) rolls all of them back, and a dry run
rolls back a complete run, so what it reports is exactly what would happen.
A large import (`LARGE_IMPORT` records or more) is preceded by an automatic
copy of the database, so even a wrong-but-valid import can be taken back.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import Connection

from ..errors import UserError
from ..store import Store
from ..store.backups import LARGE_IMPORT
from .report import ImportReport


class _Rollback(Exception):
    pass


def problem_line(report: ImportReport) -> str:
    bad = report.invalid()
    first = bad[0]
    text = f"{first.where.full()}: {first.reason}"
    if len(bad) > 1:
        text += f" (and {len(bad) - 1} more problem{'s' if len(bad) > 2 else ''})"
    return text + "; nothing was imported (fix the file, or use --skip-invalid to import the rest)"


def run(
    store: Store,
    report: ImportReport,
    apply: Callable[[Connection], None],
    *,
    dry_run: bool = False,
    skip_invalid: bool = False,
    size: int = 0,
) -> ImportReport:
    report.dry_run = dry_run
    if size >= LARGE_IMPORT and not dry_run:
        store.copy_aside("import")
    try:
        with store.write() as conn:
            apply(conn)
            if report.invalid() and not skip_invalid:
                raise UserError(problem_line(report))
            if dry_run:
                raise _Rollback
    except _Rollback:
        pass
    return report
