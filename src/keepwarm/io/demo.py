"""The example data set: a backup whose dates move with the calendar.

`examples/demo.json` is written relative to the anchor day it records; loading
it shifts every date and time by the days between that anchor and today, so
the overdue promise is overdue, the meeting was yesterday and the birthday is
next week, whenever the demo is loaded. The TUI's empty state opens the same
demo book (`default_db`), never the user's database.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from pydantic import BaseModel

from ..errors import UserError
from ..home import paths
from ..model import ImportantDate
from ..store import Store
from . import restore, restore_rows
from .backup import table_counts
from .restore import Parsed

DEMO_FILE = "demo.json"


def demo_path() -> Path:
    return paths.examples_dir() / DEMO_FILE


def _leap(year: int) -> bool:
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)


def shift_date(date: ImportantDate, anchor: dt.date, days: int) -> ImportantDate:
    """Keep the days between the anchor and the next occurrence (and the age, when the year is known)."""
    if not days:
        return date
    occurs = date.next_occurrence(anchor)
    moved = occurs + dt.timedelta(days=days)
    year = None if date.year is None else date.year + (moved.year - occurs.year)
    day = moved.day
    if moved.month == 2 and day == 29 and year is not None and not _leap(year):
        day = 28
    return ImportantDate(kind=date.kind, month=moved.month, day=day, year=year, label=date.label)


def _shifted(item: BaseModel, days: int, anchor: dt.date, latest: dt.datetime) -> BaseModel:
    delta = dt.timedelta(days=days)
    changes: dict = {}
    for name in type(item).model_fields:
        value = getattr(item, name)
        if isinstance(value, dt.datetime):
            moved = value + delta
            changes[name] = min(moved, latest) if name == "at" else moved
        elif isinstance(value, dt.date):
            changes[name] = value + delta
    if "dates" in type(item).model_fields:
        changes["dates"] = [shift_date(d, anchor, days) for d in getattr(item, "dates")]  # noqa: B009 -- a field of some models only
    return item.model_copy(update=changes)


def shift(parsed: Parsed, today: dt.date, now: dt.datetime) -> Parsed:
    """The data set moved so that its anchor day is today; no touch is left later than `now`."""
    if parsed.anchor is None:
        return parsed
    days = (today - parsed.anchor).days
    latest = now - dt.timedelta(minutes=1)
    moved = Parsed(anchor=today, rules=dict(parsed.rules))
    for section, items in parsed.records.items():
        moved.records[section] = [_shifted(item, days, parsed.anchor, latest) for item in items]
    return moved


def load_demo(store: Store, today: dt.date, now: dt.datetime) -> dict[str, int]:
    """Load the example data into an empty database; returns how many records of each kind."""
    parsed = shift(restore.load_file(demo_path()), today, now)
    with store.write() as conn:
        restore_rows.require_empty(conn, store)
        restore.write(conn, parsed)
    return parsed.counts()


def default_db() -> Path:
    """Where `keepwarm demo` (and the app's "Load the example data") put the demo book (`paths.demo_db_path`:
    the app asks at start-up, without loading this module)."""
    return paths.demo_db_path()


def holds_data(path: Path) -> bool:
    """Whether the file is a keepwarm database with something in it (False when missing or unreadable)."""
    if not path.exists() or not path.stat().st_size:
        return False
    try:
        return _holds_data(path)
    except UserError:
        return False


def _holds_data(path: Path) -> bool:
    with Store.open(path) as store, store.read() as conn:
        return any(table_counts(conn).values())


def load_into_file(path: Path, today: dt.date, now: dt.datetime, *, force: bool = False) -> dict[str, int]:
    """The example data in its own database file; an existing one with data is replaced only with `force`."""
    if path.exists() and path.stat().st_size:
        try:
            full = _holds_data(path)
        except UserError:
            full = True
        if full and not force:
            raise UserError(
                f"{path}: holds data already; use --force to replace it with a fresh copy of the example data"
            )
        if full:
            for suffix in ("", "-wal", "-shm", "-journal"):
                side = path.with_name(path.name + suffix)
                if side.exists():
                    side.unlink()
    paths.ensure_private_dir(path.parent)
    with Store.open(path) as store:
        return load_demo(store, today, now)
