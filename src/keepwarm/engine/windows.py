"""Which contacts' windowed statistics a run carries from the last run, and which it reads again.

A new day moves the recent and the baseline window by a day, and every run of
that day read every row of every contact's windows again (and matched the note
signals' words in every recent note): about a fifth of a new day's work, for
figures that change for few contacts. A contact's windowed figures depend only
on the interactions inside its windows: when none of them lies between the old
and the new bound of a window, and the contact was not marked changed since
(store/windows.py reads only unmarked rows), the figures are the ones kept,
exactly (the same rows, summed by the same query in the same order). The others
are read by the same scans as before, for those contacts only; what a run read
it keeps for the next (written by the run that clears the contacts' marks).

The figures are kept as they come from the scans (means unrounded), so a
carried figure and a scanned one go through the same last steps.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections import defaultdict
from collections.abc import Mapping, Sequence

from sqlalchemy import Connection, select

from ..store import windows as kept_windows
from ..store.rows import plain_rows
from ..store.schema import contacts

#: JSON as compact as the kept texts need.
_encode = json.JSONEncoder(separators=(",", ":")).encode

#: Above this share of the contacts read again, all are scanned in one piece (a scan by ids costs more per row).
SCAN_ALL_ABOVE = 0.5


class Layout:
    """Where the windowed figures sit in a contact's list of values (engine/stats.py's field order)."""

    def __init__(self, figures: tuple[int, ...], means: tuple[int, ...], signals: int, last: int) -> None:
        self.figures, self.means, self.signals, self.last = figures, means, signals, last


class Windows:
    """The windows of one run (their bounds and the note signals' words, as one key) and what it carries."""

    def __init__(
        self, recent_start: dt.datetime, base_start: dt.datetime, signals: Mapping[str, list[str]], layout: Layout
    ) -> None:
        self.layout = layout
        words = hashlib.blake2b(json.dumps(signals, sort_keys=True).encode(), digest_size=8).hexdigest()
        self.bounds = (recent_start, base_start)
        self.key = f"{recent_start.isoformat()} {base_start.isoformat()} {words}"
        #: Contact -> the kept figures (JSON) carried into this run.
        self.carried: dict[int, str] = {}
        #: The carried contacts whose figures were kept under other bounds: they now hold for these.
        self.moved: list[int] = []
        #: The figures read anew (contact, JSON), once the run settled them.
        self.fresh: list[tuple[int, str]] = []

    def carry(self, conn: Connection, ids: list[int] | None) -> None:
        """Find the kept figures that hold for these windows: same words, no interaction between the bounds."""
        by_key: dict[str, list[tuple[int, str]]] = defaultdict(list)
        for cid, key, figures in kept_windows.kept(conn, ids):
            by_key[key].append((cid, figures))
        for key, found in by_key.items():
            if key == self.key:
                self.carried.update(found)
                continue
            then = _bounds(key, self.key)
            if then is None:  # other words: nothing holds
                continue
            spans = [(min(old, new), max(old, new)) for old, new in zip(then, self.bounds)]
            crossing = kept_windows.crossing(conn, spans)
            held = [(cid, figures) for cid, figures in found if cid not in crossing]
            self.carried.update(held)
            self.moved.extend(cid for cid, _ in held)

    def scanned(self, conn: Connection, ids: list[int] | None) -> list[int] | None:
        """The contacts to scan: None for all (every one, or most, lack figures that hold), else these ids."""
        carried = self.carried
        if not carried:
            return ids
        everyone = ids if ids is not None else [row[0] for row in plain_rows(conn, _EVERYONE)]
        rest = [cid for cid in everyone if cid not in carried]
        if len(rest) > SCAN_ALL_ABOVE * len(everyone):
            self.carried, self.moved = {}, []
            return ids
        return rest

    def settle(self, rows: Mapping[int, list], scanned: Sequence[int] | None) -> None:
        """Put the carried figures in their contacts' values, and note the scanned ones' figures to keep."""
        at = self.layout
        figures, means, signals, last = at.figures, at.means, at.signals, at.last
        fresh, reals = self.fresh, [n for n, k in enumerate(figures) if k in means]
        for cid in rows if scanned is None else scanned:
            values = rows.get(cid)
            if values is None:
                continue
            numbers = [values[k] for k in figures]
            for n in reals:
                if numbers[n] is not None:
                    numbers[n] = float(numbers[n])  # a scan beside gives a mean as its exact text
            counts = values[signals]
            found = {name: n for name, n in counts.items() if n} if counts else {}
            fresh.append((cid, _encode([numbers, found, values[last] or {}])))
        carried = self.carried
        kept = json.loads(f"[{','.join(carried.values())}]")  # one parse for all: 4x cheaper than one each
        for cid, (numbers, found, times) in zip(carried, kept):
            values = rows.get(cid)
            if values is None:
                continue
            for k, value in zip(figures, numbers):
                values[k] = value
            if found and values[signals] is not None:
                values[signals].update(found)
                values[last] = times


_EVERYONE = select(contacts.c.id)


def _bounds(key: str, now: str) -> tuple[dt.datetime, dt.datetime] | None:
    """The bounds a kept key was read over, when its signals' words are those of `now` (else None)."""
    recent, base, words = key.split(" ")
    if words != now.rsplit(" ", 1)[1]:
        return None
    return dt.datetime.fromisoformat(recent), dt.datetime.fromisoformat(base)
