"""pydantic errors as keepwarm states them: one problem, named by where it is."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from pydantic import ValidationError

from ..errors import describe_validation_error


class _One:
    """Exposes a single pydantic error to `describe_validation_error`."""

    def __init__(self, err: Mapping[str, Any]) -> None:
        self._err = err

    def errors(self) -> list[Mapping[str, Any]]:
        return [self._err]


def message(err: Mapping[str, Any]) -> str:
    """What was wrong and what was expected, without the field's name."""
    return describe_validation_error(_One({**err, "loc": ()}))


def dotted(loc: Sequence) -> str:
    """`contacts[3].emails[0]`; a key with a line break or another unprintable character as `rules['a\\n']`."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        elif not str(part).isprintable():  # a message stays on one line
            out += f"[{str(part)!r}]"
        else:
            out += f".{part}" if out else str(part)
    return out


def first_problem(exc: ValidationError, prefix: Sequence = ()) -> str:
    errors = exc.errors()
    first = errors[0]
    where = dotted([*prefix, *first.get("loc", ())])
    text = f"{where}: {message(first)}" if where else message(first)
    if len(errors) > 1:
        text += f" (and {len(errors) - 1} more)"
    return text
