"""`keepwarm sync`: read each source from where it stopped and turn what it holds into touches.

The reader runs outside any transaction; what it yields up to each
`Checkpoint` is saved with that checkpoint's cursor in one write transaction
(captures, the touches made from them, replies matched, follow-ups met). So
a sync killed at any point resumes from the last checkpoint, and nothing is
ever half-written. A reader's failure ends that source's sync as its problem,
keeping what it saved; the other sources still sync. A dry run does the same
work inside transactions that are rolled back, so its counts are the real
ones and nothing is written.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import threading
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from types import MappingProxyType

from sqlalchemy import Connection, select

from ..api.address_books import AddressBookKind
from ..api.sources import Capture, Checkpoint, Gone, Progress, ReadRequest, Skip, SourceKind
from ..errors import UserError
from ..home import paths
from ..services import actions
from ..store import captures as kept
from ..store.schema import interactions
from ..text.wording import noun, one_line
from .address_book import BookSummary, sync_book
from .registry import Configured, pick
from .summary import SyncSummary

#: Up to this many contacts with new touches, the engine evaluates only them after a sync; beyond, the whole book.
SCOPED_AT_MOST = 200
#: Items held before they are saved: a reader's checkpoints in between are folded into one transaction
#: (saving the items up to a later checkpoint with that checkpoint's cursor is as consistent, and cheaper).
SAVE_EVERY = 5000
#: progress(source name, items done, total or None): called from the syncing thread.
ProgressFn = Callable[[str, int, "int | None"], None]


@dataclass
class SourceSummary(SyncSummary):
    """What one source's sync did, for the one-line summary and --json."""

    read: int = 0
    new_touches: int = 0
    updated: int = 0
    removed: int = 0
    skipped: Counter = field(default_factory=Counter)
    unknown: int = 0
    #: Read again from the start because `me` changed since the last sync (so the directions are right again).
    reread: bool = False

    def line(self) -> str:
        parts = [f"read {self.read:,}", f"{self.new_touches:,} new {'touch' if self.new_touches == 1 else 'touches'}"]
        if self.updated:
            parts.append(f"{self.updated:,} updated")
        if self.removed:
            parts.append(f"{self.removed:,} removed")
        skipped = sum(self.skipped.values())
        if skipped:
            reasons = ", ".join(f"{n:,} {reason}" for reason, n in self.skipped.most_common(4))
            more = "" if len(self.skipped) <= 4 else ", ..."
            parts.append(f"skipped {skipped:,} ({reasons}{more})")
        parts.append(f"{self.unknown:,} {noun(self.unknown, 'unknown correspondent')}")
        text = f"{self.name}: " + ", ".join(parts)
        if self.reread:
            text += " (read again from the start: your addresses changed)"
        return self.ended(text)

    def to_json(self) -> dict:
        return self.json_with(
            {
                "read": self.read,
                "new_touches": self.new_touches,
                "updated": self.updated,
                "removed": self.removed,
                "skipped": dict(self.skipped),
                "unknown_correspondents": self.unknown,
            }
        ) | {"reread": self.reread}


def row_of(item: Capture, me: frozenset[str], keep_subjects: bool) -> kept.Row:
    """A captured item as the store keeps it, decided against the user's own addresses: who was on it (folded,
    once per role), whether it was mine, the ids it replies to, the subject only when kept, and a digest of all
    that, so that an item read again unchanged is not written again."""
    people, seen = [], set()
    for person in item.people:
        address = kept.fold(person.address)[: kept.LONGEST]
        key = (address, person.role)
        if key in seen:
            continue
        seen.add(key)
        people.append((address, " ".join(person.name.split())[: kept.LONGEST], person.role, person.status.upper()[:40]))
    senders = {p[0] for p in people if p[2] in ("from", "organizer")}
    from_me = item.direction.value == "outbound" if item.direction is not None else bool(senders & me)
    refs = tuple(dict.fromkeys(r.strip()[: kept.LONGEST] for r in item.replies_to if r.strip()))
    subject = item.subject[: kept.LONGEST] if keep_subjects and item.subject else None
    at = item.at.astimezone(dt.timezone.utc).replace(tzinfo=None)
    values = (
        item.external_id[: kept.LONGEST],
        at.isoformat(),
        item.channel.value,
        item.purpose.value if item.purpose else None,
        item.outcome.value,
        from_me,
        item.message_id.strip()[: kept.LONGEST] or None,
        item.sequence,
        subject,
        tuple(people),
        refs,
    )
    digest = hashlib.blake2b(json.dumps(values, default=str).encode(), digest_size=12).hexdigest()
    return kept.Row(
        values[0],
        at,
        values[2],
        values[3],
        values[4],
        from_me,
        values[6],
        item.sequence,
        subject,
        tuple(people),
        refs,
        digest,
    )


def _i_declined(item: Capture, me: frozenset[str]) -> bool:
    return any(p.status.upper() == "DECLINED" and kept.fold(p.address) in me for p in item.people)


def _digest(me: frozenset[str]) -> str:
    """Which addresses were mine when a source was read: when they change, its items are read again."""
    return hashlib.blake2b("\n".join(sorted(me)).encode(), digest_size=8).hexdigest()


class _RollBack(Exception):
    """Raised inside a dry run's transaction so that nothing it did is kept."""


def check_me(session) -> frozenset[str]:
    me = session.settings.my_addresses()
    if not me:
        raise UserError(
            f"{paths.config_file()}: me: your own e-mail addresses are needed to tell the mail you sent from the mail "
            'you received (add me = ["you@example.org"] there, or pass --me to `keepwarm source add`)'
        )
    return me


def _directly(func):
    return func()


def sync(
    session,
    names: list[str] | None = None,
    *,
    dry_run: bool = False,
    progress: ProgressFn | None = None,
    cancel: threading.Event | None = None,
    engine: Callable = _directly,
) -> list[SourceSummary | BookSummary]:
    """Sync the named sources (all when None); one summary per source, in config order.

    `engine(func)` runs what needs the plugins and rules (which kinds there
    are, the cadence afterwards): the app passes its engine gate, so that the
    reading and saving, which may take a minute on a first sync, hold nothing
    the app's own work waits for.
    """
    chosen = engine(lambda: pick(session, names))
    if not chosen:
        return []
    books = [s for s in chosen if isinstance(s.kind, AddressBookKind)]
    me = check_me(session) if len(books) < len(chosen) else frozenset()  # an address book needs no `me`
    ahead = engine(lambda: session.runtime.engine.satisfy_ahead_days)
    touched: set[int] = set()
    summaries: list[SourceSummary | BookSummary] = []
    for source in chosen:
        if cancel is not None and cancel.is_set():
            break
        if source in books:
            summaries.append(_sync_book(session, source, dry_run, cancel, touched))
            continue
        summary = SourceSummary(source.name, source.kind_name, dry_run=dry_run)
        summaries.append(summary)
        if source.problem:
            summary.problem = source.problem
            continue
        _Run(session, source, me, summary, dry_run, progress, cancel, touched, ahead).go()
    if not dry_run:
        _after(session, touched, ahead, engine)
    return summaries


def _sync_book(session, source: Configured, dry_run: bool, cancel, touched: set[int]) -> BookSummary:
    """An address book, synced both ways (sources.address_book); its summary kept as a reader's is."""
    summary = BookSummary(source.name, source.kind_name, dry_run=dry_run)
    if source.problem:
        summary.problem = source.problem
        return summary
    sync_book(session, source, summary, dry_run, cancel)
    touched |= summary.touched
    if not dry_run:
        with session.store.write() as conn:
            kept.save_summary(conn, source.name, source.kind_name, summary.to_json(), session.now)
    return summary


def _after(session, touched: set[int], ahead: int, engine: Callable) -> None:
    """Meetings that have now taken place become touches; my unanswered mail is marked; the cadence reschedules."""
    settings = session.settings.sync
    now = session.now
    with session.store.write() as conn:
        before = kept.last_interaction_id(conn)
        kept.make_touches(conn, now, due_since=now - dt.timedelta(days=settings.ahead_days + 2))
        touched |= _satisfy(conn, session, before, ahead)
        kept.mark_unanswered(conn, now, settings.unanswered_days)
    if touched:
        # lazy for start-up: the engine and its plugins load only when a run is needed
        from ..engine.evaluate import evaluate

        # A few contacts: only they (and their accounts) are evaluated; many: one run over the book costs less.
        engine(lambda: evaluate(session, contact_ids=sorted(touched) if len(touched) <= SCOPED_AT_MOST else None))


def _satisfy(conn: Connection, session, before: int, ahead: int) -> set[int]:
    """Close the follow-ups the touches made since `before` meet, as a logged touch would; their contacts."""
    i = interactions.c
    latest: dict[int, dt.date] = {}
    contacts: set[int] = set()
    for row in conn.execute(select(i.contact_id, i.at, i.outcome).where(i.id > before)):
        contacts.add(row.contact_id)
        if row.outcome == "completed" and (row.contact_id not in latest or row.at.date() > latest[row.contact_id]):
            latest[row.contact_id] = row.at.date()
    actions.complete_met(conn, latest, session.now, ahead)
    return contacts


class _Run:
    """One source's sync: read, and save at each checkpoint."""

    def __init__(
        self,
        session,
        source: Configured,
        me: frozenset[str],
        summary: SourceSummary,
        dry_run: bool,
        progress: ProgressFn | None,
        cancel: threading.Event | None,
        touched: set[int],
        ahead: int,
    ) -> None:
        self.session, self.source, self.me, self.summary, self.ahead = session, source, me, summary, ahead
        # Only a source without a problem runs, and such a source has its kind and options.
        assert isinstance(source.kind, SourceKind) and source.options is not None
        self.kind, self.options = source.kind, source.options
        self.dry_run, self.progress, self.cancel, self.touched = dry_run, progress, cancel, touched
        self.settings = session.settings.sync
        self.now = session.now
        self.rows: list[kept.Row] = []
        self.gone: list[str] = []
        self.seen: set[str] = set()
        self.unknown: set[str] = set()

    def go(self) -> None:
        self._start()
        summary = self.summary
        try:
            for item in self.kind.read(self.request):
                if self.cancel is not None and self.cancel.is_set():
                    summary.stopped = True
                    break
                self._take(item)
            else:
                if self.rows or self.gone or self.cursor_seen != self.cursor:
                    self._save(self.cursor_seen, complete=False)
        except UserError:
            raise
        except Exception as exc:  # the reader's failure (or a bad item) is this source's problem, not the sync's
            summary.problem = one_line(str(exc) or type(exc).__name__)
        if summary.problem or summary.stopped:  # keep what the last checkpoint covered, not what came after it
            rows, gone = self.mark
            self.rows, self.gone = self.rows[:rows], self.gone[:gone]
            if self.rows or self.gone or self.cursor_seen != self.cursor:
                self._save(self.cursor_seen, complete=False)
        summary.unknown = len(self.unknown)
        if not self.dry_run:
            with self.session.store.write() as conn:
                kept.save_summary(
                    conn, self.source.name, self.source.kind_name, {**summary.to_json(), "me": self.me_digest}, self.now
                )

    def _start(self) -> None:
        """Where the last sync stopped (from the start again when my addresses changed), and the request."""
        with self.session.store.read() as conn:
            cursor, last, _ = kept.load_state(conn, self.source.name)
        self.me_digest = _digest(self.me)
        if cursor and last.get("me") not in (None, self.me_digest):
            cursor, self.summary.reread = {}, True
        self.request = ReadRequest(
            name=self.source.name,
            options=self.options,
            cursor=MappingProxyType(dict(cursor)),
            now=self.now,
            since=self.now - dt.timedelta(days=self.settings.history_days),
            until=self.now + dt.timedelta(days=self.settings.ahead_days),
        )
        self.cursor = dict(cursor)
        self.cursor_seen = dict(cursor)  # the latest checkpoint's cursor, saved with the items before it
        self.mark = (0, 0)  # how many of the held items (rows, gone) that checkpoint covers

    def _take(self, item) -> None:
        """One item the reader yielded."""
        summary = self.summary
        if isinstance(item, Capture):
            summary.read += 1
            if _i_declined(item, self.me):  # not a meeting with them: no touch, and gone if it was one
                summary.skipped["meeting you declined"] += 1
                return
            self.rows.append(row_of(item, self.me, self.settings.keep_subjects))
            self.seen.add(item.external_id[: kept.LONGEST])
        elif isinstance(item, Skip):
            summary.read += 1
            summary.skipped[one_line(item.reason)[:80]] += 1
        elif isinstance(item, Gone):
            self.gone.append(item.external_id)
        elif isinstance(item, Progress):
            if self.progress is not None:
                self.progress(self.source.name, item.done, item.total)
        elif isinstance(item, Checkpoint):
            self.cursor_seen = dict(item.cursor)
            self.mark = (len(self.rows), len(self.gone))
            if item.complete or len(self.rows) + len(self.gone) >= SAVE_EVERY:
                self._save(self.cursor_seen, complete=item.complete)
        else:
            raise TypeError(
                f"the reader yielded a {type(item).__name__}, expected Capture, Skip, Gone, Progress or Checkpoint"
            )

    def _save(self, cursor: dict, *, complete: bool) -> None:
        try:
            with self.session.store.write() as conn:
                self._write(conn, cursor, complete)
                if self.dry_run:
                    raise _RollBack
        except _RollBack:
            pass
        self.rows, self.gone = [], []
        self.mark = (0, 0)
        self.cursor = cursor

    def _write(self, conn: Connection, cursor: dict, complete: bool) -> None:
        name, summary = self.source.name, self.summary
        before = kept.last_interaction_id(conn)
        saved = kept.save(conn, name, self.rows, self.now)
        dropped = kept.remove(conn, name, self.gone)
        if complete:
            dropped |= kept.sweep(conn, name, self.seen, self.request.since, self.request.until)
        summary.updated += len(saved.changed)
        summary.removed += dropped.count
        self.touched.update(dropped.contacts)
        summary.new_touches += kept.make_touches(conn, self.now, capture_ids=saved.new + saved.changed + saved.moved)
        kept.link_replies(conn, before)
        self.touched.update(_satisfy(conn, self.session, before, self.ahead))
        self.unknown |= kept.unknown_among(conn, saved.new, self.me)
        kept.save_cursor(conn, name, self.source.kind_name, cursor)
