"""What a rule works out from its settings alone, kept for the run (not a plugin: the name starts with "_").

keepwarm validates the rule packs once and hands every contact of a run the
same settings objects, so what depends on the settings only (a lookup table,
sorted milestones, a compiled pattern) is worked out once per settings object
rather than once per contact. The object is held next to its result: a new
one (rules reloaded, a test's own settings) is never taken for the old one.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

T = TypeVar("T")


def per_settings(build: Callable[[Any], T]) -> Callable[[Any], T]:
    """`build(cfg)`, worked out once for each settings object in turn (the last one is kept)."""
    last: list[tuple[Any, T]] = [(None, None)]  # one tuple, swapped whole: safe with two runs in two threads

    def get(cfg: Any) -> T:
        owner, value = last[0]
        if owner is not cfg:
            value = build(cfg)
            last[0] = (cfg, value)
        return value

    get.__doc__ = build.__doc__
    return get
