"""Each contact's windowed statistics kept from the run that read them to the next (migration 0021).

A new day moves every statistics window by a day, yet most contacts have no
interaction near either end of a window: their figures are the ones the last
run read. The engine (engine/stats.py) keeps what it read here, under the key
of the windows it read them over, and reads again only the contacts whose
interactions lie between the old and the new bounds (`crossing`) or that were
marked changed since (engine_marks: a touch, an edit, a merge). A kept row is
written in the transaction that clears the contact's marks, so a change made
while a run read is a mark that outlives the run, and the row is not used.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence

from sqlalchemy import Connection, bindparam, select, text

from .rows import plain_rows
from .schema import engine_marks, interactions, window_figures

_W = window_figures.c
_KEPT = select(_W.contact_id, _W.bounds, _W.figures).where(_W.contact_id.not_in(select(engine_marks.c.contact_id)))
_KEPT_OF = _KEPT.where(_W.contact_id.in_(bindparam("ids", expanding=True)))
_BETWEEN = (
    select(interactions.c.contact_id)
    .where(interactions.c.at >= bindparam("lo"), interactions.c.at < bindparam("hi"))
    .distinct()
)
_PUT = (
    "INSERT INTO window_figures (contact_id, bounds, figures) VALUES (:cid, :bounds, :figures) "
    "ON CONFLICT (contact_id) DO UPDATE SET bounds = excluded.bounds, figures = excluded.figures"
)
_MOVE = "UPDATE window_figures SET bounds = :bounds WHERE contact_id = :cid"


def kept(conn: Connection, contact_ids: Sequence[int] | None) -> Sequence[tuple[int, str, str]]:
    """(contact, the windows' key, figures as JSON) of these contacts (None: of all) not marked changed since."""
    if contact_ids is None:
        return plain_rows(conn, _KEPT)
    return plain_rows(conn, _KEPT_OF, {"ids": list(contact_ids)})


def crossing(conn: Connection, spans: Iterable[tuple[dt.datetime, dt.datetime]]) -> set[int]:
    """The contacts with an interaction at or after `lo` and before `hi` in any of these spans (UTC, naive)."""
    found: set[int] = set()
    for lo, hi in spans:
        if lo < hi:
            found.update(row[0] for row in plain_rows(conn, _BETWEEN, {"lo": lo, "hi": hi}))
    return found


def put(conn: Connection, bounds: str, fresh: Iterable[tuple[int, str]], moved: Iterable[int]) -> None:
    """Keep the figures read anew (contact, JSON) under `bounds` (the windows' key, engine/windows.py); the `moved`
    contacts' kept figures hold for them too."""
    rows = [{"cid": cid, "bounds": bounds, "figures": figures} for cid, figures in fresh]
    if rows:
        conn.execute(text(_PUT), rows)
    moves = [{"cid": cid, "bounds": bounds} for cid in moved]
    if moves:
        conn.execute(text(_MOVE), moves)
