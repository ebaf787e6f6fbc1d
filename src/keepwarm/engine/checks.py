"""The rules every result a plugin hands back must keep, checked when it is built.

A result object is checked in its own `__post_init__`, so a bad one raises
inside the plugin's call and therefore inside the host's guard: it becomes a
problem of that plugin, for that hook and contact, instead of a crash of the
agenda or a stored row that cannot be read back. The rules come from the
dataclass fields themselves (their annotations and `metadata`), so a field
added later is checked without a special case: `str` is non-empty text of at
most `MAX_TEXT` characters (`metadata={"empty": True}` allows ""), `int` is an
integer and not a bool, `float` a finite number, `dt.date` a date and not a
datetime, an enum a member of it, `metadata={"range": (low, high)}` bounds a
number, and a `Mapping` holds text (or number) keys and plain JSON values.

Hand-written rather than pydantic: the agenda builds hundreds of thousands of
these objects, and a few isinstance checks per field cost a fraction of a model
validation.
"""

from __future__ import annotations

import datetime as dt
import enum
import math
import types
import typing
from collections.abc import Callable, Mapping
from dataclasses import fields
from typing import Any

#: The longest text a result may hold: what a stored follow-up's reason may hold (model.NonEmpty).
MAX_TEXT = 10_000
#: How deeply evidence may nest (lists in mappings in lists...).
MAX_DEPTH = 5


class ResultError(ValueError):
    """A plugin built a result object that breaks the rules above."""


_checkers: dict[type, Callable[[Any], None]] = {}


def check(obj: Any) -> None:
    """Raise ResultError when a field of this result object breaks its rule."""
    checker = _checkers.get(type(obj))
    if checker is None:
        checker = _checkers[type(obj)] = _compile(type(obj))
    checker(obj)


def _compile(cls: type) -> Callable[[Any], None]:
    """One function per class: for each field an inline test that passes the usual values
    (exact types, in range) at once and hands anything else to the field's full checker,
    which accepts it or raises with the reason. A field checked by calls alone cost three
    times the object's construction; inline, a fraction of it."""
    hints = typing.get_type_hints(cls)
    lines = ["def check(obj):"]
    scope: dict[str, Any] = {"MAX_TEXT": MAX_TEXT}
    for i, f in enumerate(fields(cls)):
        hint = hints.get(f.name, Any)
        full = _for(hint, f.metadata)
        if full is None:
            continue
        scope[f"full{i}"] = full
        fast = _fast(hint, f.metadata, scope, i)
        lines.append(f"    v = obj.{f.name}")
        lines.append(f"    if not ({fast}): full{i}({cls.__name__ + '.' + f.name!r}, v)")
    lines.append("    return None")
    exec("\n".join(lines), scope)  # noqa: S102 - the text is built here from the dataclass's own fields
    return scope["check"]


def _fast(hint: Any, meta: Mapping[str, Any], scope: dict[str, Any], i: int) -> str:
    """A Python expression true for the common good values of a field (False sends it to the full check)."""
    if isinstance(hint, types.UnionType) or typing.get_origin(hint) is typing.Union:
        inner = [a for a in typing.get_args(hint) if a is not type(None)]
        return f"v is None or ({_fast(inner[0], meta, scope, i)})" if len(inner) == 1 else "False"
    if hint is str:
        return "type(v) is str and len(v) <= MAX_TEXT" + (
            "" if meta.get("empty") else " and v != '' and not v.isspace()"
        )
    if hint is bool:
        return "v is True or v is False"
    bounds = meta.get("range")
    if hint is int:
        return f"type(v) is int and {bounds[0]!r} <= v <= {bounds[1]!r}" if bounds else "type(v) is int"
    if hint is float:
        if bounds:
            return f"(type(v) is float or type(v) is int) and {bounds[0]!r} <= v <= {bounds[1]!r}"
        return "type(v) is int"
    origin = typing.get_origin(hint) or hint
    if origin is Mapping or (isinstance(origin, type) and issubclass(origin, Mapping)):
        scope["flat"] = _flat
        return "type(v) is dict and flat(v)"
    if isinstance(hint, type):
        scope[f"kind{i}"] = hint
        return f"type(v) is kind{i}"
    return "False"


_FLAT = frozenset({int, bool, type(None)})


def _flat(value: dict) -> bool:
    """Whether a mapping holds only text keys and short text, finite numbers, booleans or None (most evidence)."""
    for key, item in value.items():
        if type(key) is not str:
            return False
        kind = type(item)
        if kind is str:
            if len(item) > MAX_TEXT:
                return False
        elif kind is float:
            if item - item != 0.0:  # inf and nan
                return False
        elif kind not in _FLAT:
            return False
    return True


def _got(value: Any) -> str:
    text = repr(value)
    return f"{type(value).__name__} {text[:40] + '...' if len(text) > 40 else text}"


def _for(hint: Any, meta: Mapping[str, Any]) -> Callable[[str, Any], None] | None:
    args = typing.get_args(hint)
    if isinstance(hint, types.UnionType) or typing.get_origin(hint) is typing.Union:
        inner = [a for a in args if a is not type(None)]
        one = _for(inner[0], meta) if len(inner) == 1 else None
        if one is None:
            return None

        def optional(where: str, value: Any) -> None:
            if value is not None:
                one(where, value)

        return optional
    origin = typing.get_origin(hint) or hint
    if hint is str:
        return _text(empty=bool(meta.get("empty")))
    if hint is bool:
        return _kind(bool, "true or false")
    if hint in (int, float):
        return _number(hint, meta.get("range"))
    if hint is dt.date:
        return _date
    if isinstance(hint, type) and issubclass(hint, enum.Enum):
        return _kind(hint, f"a {hint.__name__} (e.g. {hint.__name__}.{next(iter(hint)).name})")
    if origin is Mapping or (isinstance(origin, type) and issubclass(origin, Mapping)):
        return _evidence
    if isinstance(hint, type) and hint is not object:
        return _kind(hint, f"a {hint.__name__}")
    return None


def _text(*, empty: bool) -> Callable[[str, Any], None]:
    def text(where: str, value: Any) -> None:
        if not isinstance(value, str):
            raise ResultError(f"{where}: expected text, got {_got(value)}")
        if len(value) > MAX_TEXT:
            raise ResultError(f"{where}: expected at most {MAX_TEXT} characters, got {len(value)}")
        if not empty and not value.strip():
            raise ResultError(f"{where}: expected non-empty text, got {value!r}")

    return text


def _kind(kind: type, wanted: str) -> Callable[[str, Any], None]:
    def check_kind(where: str, value: Any) -> None:
        if not isinstance(value, kind):
            raise ResultError(f"{where}: expected {wanted}, got {_got(value)}")

    return check_kind


def _number(kind: type, bounds: tuple[float, float] | None) -> Callable[[str, Any], None]:
    allowed = (int,) if kind is int else (int, float)
    wanted = "an integer" if kind is int else "a number"
    if bounds is not None:
        wanted += f" from {bounds[0]} to {bounds[1]}"

    def number(where: str, value: Any) -> None:
        if (
            isinstance(value, bool)
            or not isinstance(value, allowed)
            or (type(value) is float and not math.isfinite(value))
        ):
            raise ResultError(f"{where}: expected {wanted}, got {_got(value)}")
        if bounds is not None and not bounds[0] <= value <= bounds[1]:
            raise ResultError(f"{where}: expected {wanted}, got {value!r}")

    return number


def _date(where: str, value: Any) -> None:
    if not isinstance(value, dt.date) or isinstance(value, dt.datetime):
        raise ResultError(
            f"{where}: expected a date (datetime.date, e.g. ctx.today + timedelta(days=7)), got {_got(value)}"
        )


_SCALARS = (str, int, float, bool, type(None), dt.date, dt.time)


def _evidence(where: str, value: Any) -> None:
    if not isinstance(value, Mapping):
        raise ResultError(f"{where}: expected a mapping of text to plain values, got {_got(value)}")
    _plain(where, value, 0)


def _plain(where: str, value: Any, depth: int) -> None:
    """Only what the JSON output and the stored agenda can write back: text, numbers, dates, lists, mappings."""
    if depth > MAX_DEPTH:
        raise ResultError(f"{where}: nested more than {MAX_DEPTH} levels deep")
    if isinstance(value, Mapping):
        for key, item in value.items():
            if not isinstance(key, (str, int, float)):  # JSON writes a number key as text
                raise ResultError(f"{where}: expected text or number keys, got {_got(key)}")
            _plain(f"{where}[{key!r}]", item, depth + 1)
    elif isinstance(value, (list, tuple)):
        for i, item in enumerate(value):
            _plain(f"{where}[{i}]", item, depth + 1)
    elif isinstance(value, float) and not math.isfinite(value):
        raise ResultError(f"{where}: expected a finite number, got {value!r}")
    elif isinstance(value, str) and len(value) > MAX_TEXT:
        raise ResultError(f"{where}: expected at most {MAX_TEXT} characters, got {len(value)}")
    elif not isinstance(value, _SCALARS):
        raise ResultError(f"{where}: expected text, a number, a date, a list or a mapping, got {_got(value)}")
