"""The id of a record read back from the store.

A record's `id` is None only before it is first written; whatever the store
returns has one. Code working on stored records says so here, once, and a
record that was never written fails by name instead of as a missing key.
"""

from __future__ import annotations


def stored_id(value: int | None) -> int:
    if value is None:
        raise ValueError("a record read from the store has an id; this one was never written")
    return value
