"""Click parameter types for keepwarm's vocabularies and everyday dates."""

from __future__ import annotations

from enum import StrEnum

import click

from ..model.enums import normalize_word
from ..wording import typed


class EnumChoice(click.ParamType):
    """Accepts `check-in`, `Check In` and `check_in` alike; lists the values on error."""

    def __init__(self, enum: type[StrEnum]) -> None:
        self.enum = enum
        self.name = enum.__name__.lower()

    def get_metavar(self, param, ctx=None) -> str:  # click passes ctx in 8.2+
        return "[" + "|".join(typed(m) for m in self.enum) + "]"

    def convert(self, value, param, ctx):
        if isinstance(value, self.enum):
            return value
        word = normalize_word(str(value))
        try:
            return self.enum(word)
        except ValueError:
            accepted = ", ".join(typed(m) for m in self.enum)
            self.fail(f"{value!r} is not one of: {accepted}", param, ctx)

    def shell_complete(self, ctx, param, incomplete):
        from click.shell_completion import CompletionItem

        return [CompletionItem(typed(m)) for m in self.enum if typed(m).startswith(normalize_word(incomplete).replace("_", "-"))]


class IntRange(click.IntRange):
    """click's IntRange, with the accepted range stated the way our other errors state it."""

    def convert(self, value, param, ctx):
        try:
            number = int(value)
        except (TypeError, ValueError):
            self.fail(f"{value!r} is not a whole number (expected {self.min} to {self.max})", param, ctx)
        if not self.min <= number <= self.max:
            self.fail(f"{number} is out of range (expected {self.min} to {self.max})", param, ctx)
        return number
