"""Errors a user can cause and fix.

Anything raised as a `UserError` is shown as one line and exits with status 2;
anything else is a bug and keeps its traceback.
"""

from __future__ import annotations


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


def describe_validation_error(exc: Exception, prefix: str = "") -> str:
    """One line from a pydantic ValidationError: the field, then what was expected."""
    errors = getattr(exc, "errors", None)
    if not callable(errors):
        return str(exc)
    parts = []
    for err in errors():
        loc = ".".join(str(p) for p in err.get("loc", ()) if p != "__root__")
        msg = err.get("msg", "invalid")
        if msg.startswith("Value error, "):
            msg = msg[len("Value error, ") :]
        field = f"{prefix}{loc}" if loc else prefix.rstrip(".")
        parts.append(f"{field}: {msg}" if field else msg)
    return "; ".join(parts)
