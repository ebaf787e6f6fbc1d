"""Models built from stored rows without SQLAlchemy's and pydantic's per-row work.

An engine run over the whole book reads every contact and every open
follow-up; at 10,000 contacts the per-row work (SQLAlchemy's row objects,
JSON and date decoding, enum lookups, pydantic's `model_construct` or
validation) cost more than the queries. The store's loaders
(`contacts.list_contacts`, `followups.list_followups`), the statistics and the
stored agenda read through these instead. The values came through the models
on the way in, so they are not validated again.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Column, Connection, Text, type_coerce

_set = object.__setattr__
_UTC = dt.timezone.utc


def by_value(enum) -> dict[str, Any]:
    return {member.value: member for member in enum}


def constructed(cls, values: dict[str, Any], fields: tuple[str, ...]):
    """`cls.model_construct(**values)` when `values` holds every field, in field order."""
    model = cls.__new__(cls)
    _set(model, "__dict__", values)
    _set(model, "__pydantic_fields_set__", set(fields))
    _set(model, "__pydantic_extra__", None)
    _set(model, "__pydantic_private__", None)
    return model


def plain_rows(conn: Connection, query, params: dict | None = None) -> Sequence[tuple]:
    """The rows of a Core query as the driver returns them, without SQLAlchemy's per-row processing.

    Building SQLAlchemy's rows cost as much as SQLite's own work for the
    queries of many rows. The statement still goes through SQLAlchemy (its
    compiled cache, its bind processing); only the fetching is the driver's,
    so a query read this way asks for values that need no conversion
    (numbers, text; dates and JSON as their stored text).
    """
    result = conn.execute(query, params or {})
    try:
        return result.cursor.fetchall()
    finally:
        result.close()


class Parsed(dict):
    """Stored text -> the value the column's type reads from it (aware in UTC with `utc`), each text parsed once.

    A book's follow-ups share a few hundred due dates and a handful of stamps.
    """

    def __init__(self, column: Column, conn: Connection, *, utc: bool = False) -> None:
        super().__init__()
        # SQLite's processors on both stores: the server writes such a column as SQLite's text (store/dialect.py)
        dialect = conn.dialect if conn.dialect.name == "sqlite" else _sqlite_dialect()
        impl = column.type.dialect_impl(dialect)
        self._parse = impl.result_processor(dialect, None) or (lambda value: value)
        self._utc = utc

    def __missing__(self, text: Any) -> Any:
        value = self._parse(text)
        if self._utc and value is not None:
            value = value.replace(tzinfo=_UTC)
        self[text] = value
        return value


def _sqlite_dialect():
    from .dialect import sqlite_dialect  # lazy for start-up: a server book's readers only

    return sqlite_dialect()


def as_text(column: Column):
    """The column as stored, for `Parsed` (or a JSON decoder) to read."""
    return type_coerce(column, Text)


def like_fragment(text: str) -> str:
    """A LIKE pattern matching `text` anywhere, escaped with "/" as SQLAlchemy's `contains(autoescape=True)` does.

    The loaders' statements are built once with the value bound at run time,
    which `autoescape` (a literal's option) cannot be.
    """
    escaped = text.replace("/", "//").replace("%", "/%").replace("_", "/_")
    return f"%{escaped}%"
