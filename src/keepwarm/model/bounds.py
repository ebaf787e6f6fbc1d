"""The records' bounds that code outside the models checks too, as plain numbers.

Apart from `entities` so that a command-line option or a stored row can be checked
against them without importing the records (and pydantic with them).
"""

from __future__ import annotations

#: A reply later than ten years is no reply: without a bound, `--response-hours 1e300` was stored and
#: shown back as a 301-digit "h on average".
RESPONSE_HOURS_MAX = 24 * 366 * 10
