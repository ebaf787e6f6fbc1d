"""The one place that asks what time it is.

`KEEPWARM_NOW` (an ISO timestamp) pins the clock, so scenario tests, demos and
bug reports replay exactly; everything else receives `now` as an argument.
"""

from __future__ import annotations

import datetime as dt
import os

from ..errors import UserError


def now() -> dt.datetime:
    pinned = os.environ.get("KEEPWARM_NOW")
    if pinned:
        try:
            value = dt.datetime.fromisoformat(pinned)
        except ValueError:
            raise UserError(
                f"KEEPWARM_NOW: {pinned!r} is not an ISO timestamp (expected e.g. 2026-11-22T09:00:00+00:00)"
            ) from None
        if value.tzinfo is None:
            value = value.replace(tzinfo=dt.timezone.utc)
        return value.astimezone(dt.timezone.utc)
    return dt.datetime.now(dt.timezone.utc)
