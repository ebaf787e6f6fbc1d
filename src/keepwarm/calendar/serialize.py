"""From `ics` objects to the bytes a calendar reads.

`ics` 0.7.3 neither folds lines nor ends the last one; `folding` does both.
Its `str()` on components raises a FutureWarning (the meaning of `str()`
changes in 0.9); we call `serialize()`, and silence the warning here, and
only here, in case a code path inside the library still goes through `str()`.
"""

from __future__ import annotations

import warnings

import ics

from .folding import fold_text


def serialize(calendar: ics.Calendar) -> str:
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", category=FutureWarning, module=r"ics(\.|$)")
        warnings.filterwarnings("ignore", category=FutureWarning, message=r"Behaviour of str\(Component\)")
        text = calendar.serialize()
    return fold_text(text)


def to_bytes(calendar: ics.Calendar) -> bytes:
    return serialize(calendar).encode("utf-8")
