"""Search everything, for `keepwarm search` and the app's `/`: one function, one shape of result.

`find` asks the index (`store/search.py`) and turns each hit into a `Found`:
whose it is, what kind, its day in the user's zone, and the match in context
as pieces of text, each marked matched or not. The pieces have every control
character made visible already (the text is other people's), so a face only
styles them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy.exc import DatabaseError

from ..errors import UserError
from ..home.session import Session
from ..store import search as index
from ..store import search_index
from ..store.search_index import KINDS
from ..text.controls import visible

#: The kinds as typed (`--kind`), in the order a face offers them.
KIND_NAMES = tuple(KINDS)
#: What one result of each kind is called.
KIND_LABELS = {"contacts": "contact", "interactions": "touch", "promises": "promise", "notes": "note"}
#: The most results one search returns.
MAX_LIMIT = 500


@dataclass(frozen=True)
class Found:
    kind: str  # contacts, interactions, promises or notes
    id: int  # the row's id in its own table
    contact_id: int  # whose it is (the contact itself for a contact)
    contact: str  # their name, controls made visible
    day: dt.date | None
    pieces: tuple[tuple[str, bool], ...]  # the match in context: (text, matched), controls made visible

    @property
    def label(self) -> str:
        return KIND_LABELS[self.kind]

    @property
    def context(self) -> str:
        return "".join(text for text, _matched in self.pieces)

    def to_json(self) -> dict:
        spans, at = [], 0
        for text, matched in self.pieces:
            if matched:
                spans.append([at, at + len(text)])
            at += len(text)
        return {
            "kind": self.label,
            "id": self.id,
            "contact_id": self.contact_id,
            "contact": self.contact,
            "day": self.day.isoformat() if self.day else None,
            "context": self.context,
            "matched": spans,
        }


def check_kinds(kinds: Iterable[str] | None) -> tuple[str, ...]:
    """The kinds asked for (all when none), each one of KIND_NAMES."""
    chosen = tuple(dict.fromkeys(kinds or ()))
    for kind in chosen:
        if kind not in KINDS:
            raise UserError(f"--kind: {kind!r} is not one of: {', '.join(KIND_NAMES)}")
    return chosen or KIND_NAMES


def find(session: Session, text: str, *, kinds: Iterable[str] | None = None, limit: int = 20) -> list[Found]:
    """The best `limit` matches of `text`, best first; nothing when it has no word to look for."""
    if not 0 < limit <= MAX_LIMIT:
        raise UserError(f"--limit: {limit} (expected 1 to {MAX_LIMIT})")
    chosen = check_kinds(kinds)
    try:
        with session.store.read() as conn:
            hits = index.search(conn, text, kinds=chosen, limit=limit)
    except DatabaseError as exc:  # the index dropped or damaged by hand: say how to make it again
        raise UserError(
            f"the search index cannot be read ({exc.orig}); `keepwarm doctor --rebuild-search` makes it again"
        ) from None
    tz = session.tz
    return [
        Found(
            kind=hit.kind,
            id=hit.id,
            contact_id=hit.contact_id,
            contact=visible(hit.contact_name, multiline=False),
            day=hit.when.astimezone(tz).date() if isinstance(hit.when, dt.datetime) else hit.when,
            pieces=tuple(
                (visible(text.replace("\r\n", " ").replace("\n", " "), multiline=False), matched)
                for text, matched in index.split_snippet(hit.snippet)
            ),
        )
        for hit in hits
    ]


def rebuild_index(session: Session) -> None:
    """The search index made again from the book, in one transaction (`keepwarm doctor --rebuild-search`)."""
    with session.store.write() as conn:
        search_index.rebuild(conn)
