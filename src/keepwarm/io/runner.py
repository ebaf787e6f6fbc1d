"""One import, one transaction: all or nothing, or the valid rest with --skip-invalid.

Records are matched and validated first, in a read transaction that does
not keep other writers (a `keepwarm log` meanwhile) waiting; what the plan
decided is then written in one short write transaction, and planned again if
another process wrote in between (`Store.plan_then_write`). A problem found in
any record (without --skip-invalid) writes nothing, and a dry run stops after
the plan, so what it reports is exactly what would happen. A large import
(`LARGE_IMPORT` records or more) is preceded by an automatic copy of the
database, so even a wrong-but-valid import can be taken back.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import Connection

from ..errors import UserError
from ..store import Store
from ..store.backups import LARGE_IMPORT
from ..text.wording import plural
from .report import ImportReport

#: Reads and decides (filling the report); returns what writes the decisions.
Plan = Callable[[Connection], Callable[[Connection], None]]


def problem_line(report: ImportReport) -> str:
    first = report.invalid()[0]
    text = f"{first.where.full()}: {first.reason}"
    if report.invalid_count() > 1:
        text += f" (and {plural(report.invalid_count() - 1, 'more problem')})"
    return text + "; nothing was imported (fix the file, or use --skip-invalid to import the rest)"


def run(
    store: Store,
    report: ImportReport,
    plan: Plan,
    *,
    dry_run: bool = False,
    skip_invalid: bool = False,
    size: int = 0,
) -> ImportReport:
    report.dry_run = dry_run
    if size >= LARGE_IMPORT and not dry_run:
        store.copy_aside("import")

    def decide(conn: Connection):
        report.reset()  # a plan made again reports afresh
        writer = plan(conn)
        if report.invalid_count() and not skip_invalid:
            raise UserError(problem_line(report))
        if dry_run:
            getattr(writer, "discard", lambda conn: None)(conn)  # what the plan staged for writing
            return None
        return writer

    store.plan_then_write(decide)
    return report
