"""The names `import csv --format` takes, apart from the readers: the CLI builds its option from them without
importing the CSV import (and with it the records and pydantic) until a file is read."""

from __future__ import annotations

FORMAT_KEYS = ("auto", "google", "outlook", "linkedin", "generic")
