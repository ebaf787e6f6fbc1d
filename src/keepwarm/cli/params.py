"""Click parameter types for keepwarm's vocabularies and everyday dates."""

from __future__ import annotations

import math
from enum import StrEnum

import click

from ..model.bounds import RESPONSE_HOURS_MAX
from ..model.enums import normalize_word
from ..store.ids import MAX_ID
from ..text.controls import control_problem
from ..text.wording import typed


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
        from click.shell_completion import CompletionItem  # lazy for start-up: only shell completion needs it

        return [
            CompletionItem(typed(m))
            for m in self.enum
            if typed(m).startswith(normalize_word(incomplete).replace("_", "-"))
        ]


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


class PlainText(click.ParamType):
    """Text to be stored: refused, naming the option, when it holds a control character.

    Names, accounts, tags and the other one-line fields take no control
    character at all; notes (`multiline=True`) keep newlines and tabs only.
    """

    name = "text"

    def __init__(self, *, multiline: bool = False) -> None:
        self.multiline = multiline

    def convert(self, value, param, ctx):
        if not isinstance(value, str):
            return value
        problem = control_problem(value, multiline=self.multiline)
        if problem:
            self.fail(problem, param, ctx)
        return value


LINE = PlainText()
NOTES = PlainText(multiline=True)


class Hours(click.ParamType):
    """A duration in hours: a finite number from 0 up (`inf` and `nan` are not durations)."""

    name = "hours"

    def convert(self, value, param, ctx):
        if isinstance(value, float):
            number = value
        else:
            try:
                number = float(value)
            except (TypeError, ValueError):
                self.fail(f"{value!r} is not a number of hours (expected e.g. 4 or 0.5)", param, ctx)
        if not math.isfinite(number) or number < 0 or number > RESPONSE_HOURS_MAX:
            self.fail(
                f"{value!r} is not a number of hours (expected a finite number, 0 to {RESPONSE_HOURS_MAX:,})",
                param,
                ctx,
            )
        return number


HOURS = Hours()


#: A record id: SQLite's integers stop at 2**63 - 1, so a larger number is refused, not sent to it.
ID = IntRange(1, MAX_ID)
