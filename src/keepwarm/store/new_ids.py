"""The id SQLite gave the one row an INSERT just wrote.

SQLAlchemy types `inserted_primary_key` as optional (not every statement has
one); an INSERT of one row into a table with an integer id always does, and
the store's writers say so here once.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import CursorResult


def new_id(result: CursorResult[Any]) -> int:
    key = result.inserted_primary_key
    if key is None:
        raise RuntimeError("an INSERT of one row gave no primary key")
    return key[0]
