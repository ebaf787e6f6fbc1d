"""Errors a user can cause and fix.

Anything raised as a `UserError` is shown as one line and exits with status 2;
anything else is a bug and keeps its traceback.
"""

from __future__ import annotations

import re


class UserError(Exception):
    exit_code = 2

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class NotFound(UserError):
    pass


class Ambiguous(UserError):
    def __init__(self, message: str, candidates: list[str]) -> None:
        super().__init__(message)
        self.candidates = candidates


class StoreError(UserError):
    """The database file cannot be used as it is."""


def describe_validation_error(exc: object, prefix: str = "") -> str:
    """One line from a pydantic ValidationError (or anything with its `errors()`): the field, then what was expected."""
    errors = getattr(exc, "errors", None)
    if not callable(errors):
        return str(exc)
    parts = []
    for err in errors():
        loc = ".".join(str(p) for p in err.get("loc", ()) if p != "__root__")
        msg = _plain(err)
        field = f"{prefix}{loc}" if loc else prefix.rstrip(".")
        parts.append(f"{field}: {msg}" if field else msg)
    return "; ".join(parts)


def _plain(err: dict) -> str:
    """pydantic's wording for the common cases, restated the way the CLI states them."""
    kind = err.get("type", "")
    ctx = err.get("ctx") or {}
    value = err.get("input")
    if kind == "enum":
        accepted = ", ".join(re.findall(r"'([^']*)'", str(ctx.get("expected", ""))))
        return f"{value!r} is not one of: {accepted}"
    if kind in ("greater_than_equal", "greater_than"):
        return f"{value!r} is too small (expected at least {ctx.get('ge', ctx.get('gt'))})"
    if kind in ("less_than_equal", "less_than"):
        return f"{value!r} is too large (expected at most {ctx.get('le', ctx.get('lt'))})"
    if kind == "string_too_short" and ctx.get("min_length") == 1:
        return "empty (expected some text)"
    if kind in ("string_too_long", "too_long"):
        limit = ctx.get("max_length")
        return f"too long ({len(value) if value is not None else '?'} characters; expected at most {limit:,})"
    if kind == "finite_number":
        return f"{value!r} is not a finite number (expected a number such as 4 or 0.5)"
    if kind == "extra_forbidden":
        return "is not a known field"
    if kind == "missing":
        return "missing (it is required)"
    msg = err.get("msg", "invalid")
    return msg[len("Value error, ") :] if msg.startswith("Value error, ") else msg
