"""Plain values as JSON values: text, numbers, dates, enums, lists and mappings.

At the bottom of the layers, so the store writes a warning's evidence with the
same conversion the plugin API's `to_json` uses for results, without reaching
up to the results' types.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from typing import Any

#: Exactly these types are JSON values as they are (not enums built on str).
PLAIN = frozenset({str, int, float, bool, type(None)})


def jsonable(value: Any, objects: Callable[[Any], Any] | None = None) -> Any:
    """`value` as JSON values; `objects(value)` converts what the caller knows (else it returns None).

    `objects` is handed down into lists and mappings, so a result inside them is converted too.
    """
    if type(value) in PLAIN:
        return value
    if objects is not None:
        done = objects(value)
        if done is not None:
            return done
    if isinstance(value, Mapping):
        return {str(k): v if type(v) in PLAIN else jsonable(v, objects) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [jsonable(v, objects) for v in value]
    if isinstance(value, (dt.date, dt.datetime, dt.time)):
        return value.isoformat()
    if hasattr(value, "value") and isinstance(value.value, str):
        return value.value
    return value
