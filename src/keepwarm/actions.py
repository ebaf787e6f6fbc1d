"""The writes a user makes, shared by the CLI and the TUI.

Each function takes an open write connection, so a caller can group several
in one transaction, and returns what it created.
"""

from __future__ import annotations

import datetime as dt
import uuid

from pydantic import ValidationError
from sqlalchemy import Connection

from .errors import UserError, describe_validation_error
from .model import Interaction
from .store import activity


def log_interactions(conn: Connection, contact_ids: list[int], now: dt.datetime, **fields) -> list[int]:
    """One interaction per contact; several contacts at once share a group key."""
    if not contact_ids:
        raise UserError("contact: at least one contact is needed")
    unique_ids = list(dict.fromkeys(contact_ids))
    group_key = str(uuid.uuid4()) if len(unique_ids) > 1 else None
    try:
        items = [Interaction(contact_id=cid, group_key=group_key, **fields) for cid in unique_ids]
    except ValidationError as exc:
        raise UserError(describe_validation_error(exc)) from None
    return activity.insert_interactions(conn, items, now)
