"""From `ics` objects to the bytes a calendar reads.

`ics` 0.7.3 neither folds lines nor ends the last one; `folding` does both.
Its `str()` on components raises a FutureWarning (the meaning of `str()`
changes in 0.9); we call `serialize()`, and silence the warning here, and
only here, in case a code path inside the library still goes through `str()`.

`chunks` is the one way the text is made: the calendar's head, then each
component as `ics` serializes it (built just before, dropped just after),
then its tail. They are folded and handed on a hundred components at a time:
entering the warnings filter, folding and writing once per component cost
more than the batch holds (a few hundred kB). Folding works line by line and
every piece is whole lines, so the pieces joined are the whole calendar folded.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from itertools import islice

import ics

from .components import pieces
from .folding import fold_encoded

#: Components serialized, folded and handed on together.
BATCH = 100


@contextmanager
def _quiet():
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", category=FutureWarning, module=r"ics(\.|$)")
        warnings.filterwarnings("ignore", category=FutureWarning, message=r"Behaviour of str\(Component\)")
        yield


def chunks(calendar: ics.Calendar) -> Iterator[bytes]:
    """The calendar's bytes, a batch at a time (a KeepwarmCalendar builds its components as it goes)."""
    if not hasattr(calendar, "pending"):  # a plain ics.Calendar: all at once
        with _quiet():
            text = calendar.serialize()
        yield fold_encoded(text)
        return
    parts = pieces(calendar)
    while True:
        with _quiet():  # not around the yield: the filter must not outlive this frame's turn
            batch = list(islice(parts, BATCH))
        if not batch:
            return
        yield fold_encoded("\r\n".join(batch))


def to_bytes(calendar: ics.Calendar) -> bytes:
    return b"".join(chunks(calendar))


def serialize(calendar: ics.Calendar) -> str:
    return to_bytes(calendar).decode("utf-8")
