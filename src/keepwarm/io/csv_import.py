"""Contact CSV files to contact records.

Google Contacts, Outlook and LinkedIn Connections exports are recognised by
their headers; any other spreadsheet works with `--map COLUMN=FIELD`, or on its
own when its headers are field names (Name, Email, Company, ...).
"""

from __future__ import annotations

from ..errors import UserError
from ..text.wording import cut
from . import csv_formats, tabular
from .contacts_apply import Incoming
from .csv_formats import FIELDS, Builder, auto_map, generic, recognise
from .csv_names import FORMAT_KEYS  # noqa: F401 (re-exported)
from .report import Where


def _columns(header: list[str]) -> str:
    shown = [cut(h, 40) for h in header if h][:8]  # a hostile header may be one 100,000-character column
    more = len([h for h in header if h]) - len(shown)
    return ", ".join(shown) + (f", ... ({more} more)" if more > 0 else "")


def read(
    text: str, file: str, *, mapping: tuple[str, ...] = (), format_key: str = "auto"
) -> tuple[str, list[Incoming], list[str]]:
    """(the format recognised, one record per row, warnings about the file such as columns not read)."""
    table = tabular.read(text, file, accept=lambda names: recognise(names) is not None)
    cols = tabular.by_fold(table.header)
    warnings: list[str] = []
    if mapping or format_key == "generic":
        columns = tabular.parse_map(mapping, table.header, file, FIELDS) if mapping else auto_map(table.header)
        label, reader = "CSV with a column map", generic(columns)
        warnings = csv_formats.ignored(table.header, columns)
        if not mapping:
            label = "CSV with field-name headers"
    elif format_key != "auto":
        found = next(f for f in csv_formats.FORMATS if f.key == format_key)
        label, reader = found.label, found.read
    else:
        recognised = recognise(table.header)
        if recognised is not None:
            label, reader = recognised.label, recognised.read
        else:
            columns = auto_map(table.header)
            if not set(columns.values()) & {"name", "first_name", "last_name", "emails"}:
                raise UserError(
                    f"{file}: line {table.header_line}: the columns ({_columns(table.header)}) are not a Google, "
                    "Outlook or LinkedIn export; say which column holds what with --map COLUMN=FIELD "
                    "(e.g. --map 'Full name=name' --map 'Mail=email')"
                )
            label, reader = "CSV with field-name headers", generic(columns)
            warnings = csv_formats.ignored(table.header, columns)
    items: list[Incoming] = []
    for row in table.rows:
        where = Where(file, row.line)
        if row.problem:
            items.append(Incoming(where=where, problem=row.problem))
            continue
        builder = Builder()
        try:
            reader(row, cols, builder)
        except ValueError as exc:
            items.append(Incoming(where=where, fields=builder.fields, problem=str(exc)))
            continue
        items.append(builder.finish(where))
    return label, items, warnings
