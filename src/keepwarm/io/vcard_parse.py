"""One card read the way vobject.readOne reads it, at a fraction of the cost.

Profiling `keepwarm import vcard` showed vobject's object model, not its grammar, taking most
of the time: every ContentLine attribute goes through a `__setattr__` hook, each structured
line is copied before it is transformed, and text is unescaped one character at a time.
This module applies vobject's own steps -- `parseLine`, the VCARD behaviour found from the
VERSION line, its knownChildren and defaultBehavior, and the behaviours' decode and
transformToNative -- to plain objects carrying the attributes keepwarm reads (`contents`,
`value`, `params`, `group`). Done here rather than by vobject: the quoted-printable decoding
of ContentLine.__init__, and, for values holding no backslash and no comma only, unescaping
text (vobject returns it unchanged) and splitting N, ADR and ORG (vobject's splitFields then
comes to a split on ';').

Whatever it does not reproduce exactly (base64 or other encoded lines, a component nested
in the card, a behaviour it does not know, any error) makes `read_card` return None: the
caller then parses that card with vobject.readOne, which also words the error.
"""

from __future__ import annotations

import codecs
from typing import Any

from vobject.base import getBehavior, parseLine
from vobject.behavior import Behavior
from vobject.icalendar import MultiTextBehavior, TextBehavior, stringToTextValues
from vobject.vcard import (
    ADDRESS_ORDER,
    NAME_ORDER,
    Address,
    AddressBehavior,
    Name,
    NameBehavior,
    OrgBehavior,
    VCardTextBehavior,
)

#: decode methods that unescape one text value (`stringToTextValues(value)[0]`) when no ENCODING is set.
_TEXT_DECODE = {VCardTextBehavior.decode.__func__, TextBehavior.decode.__func__}
#: decode methods safe to run on a `Line` as they are.
_OTHER_DECODE = {Behavior.decode.__func__, MultiTextBehavior.decode.__func__}
#: behaviours with a native value, and what their transformToNative makes of splitFields(value).
_NATIVE = {
    NameBehavior: lambda fields: Name(**dict(zip(NAME_ORDER, fields))),
    AddressBehavior: lambda fields: Address(**dict(zip(ADDRESS_ORDER, fields))),
    OrgBehavior: lambda fields: fields,
}
#: line names readComponents treats as structure, not properties.
_STRUCTURE = {"BEGIN", "END", "PROFILE"}
_ENCODED = {"QUOTED-PRINTABLE", "BASE64"}


class Line:
    """The parts of a vobject ContentLine that keepwarm and the behaviours above use."""

    __slots__ = ("name", "group", "params", "singletonparams", "value", "encoded", "isNative", "behavior")
    name: str
    group: str | None
    params: dict[str, list[str]]
    singletonparams: list[str]
    value: Any  # the text as read, then what the behaviour makes of it
    encoded: bool
    isNative: bool
    behavior: Any  # a vobject behaviour class, or None

    def __getattr__(self, name: str):
        # vobject's `foo_param` shorthand for the first value of parameter FOO.
        if name.endswith("_param"):
            values = self.params.get(name[:-6].upper().replace("_", "-"))
            if values:
                return values[0]
        raise AttributeError(name)


class Card:
    """A parsed card: lines by lower-case name, as in vobject's Component.contents."""

    __slots__ = ("contents",)

    def __init__(self) -> None:
        self.contents: dict[str, list[Line]] = {}


class _Unsupported(Exception):
    pass


def read_card(lines: list[str]) -> Card | None:
    """The card whose logical lines (BEGIN:VCARD through END:VCARD) are `lines`, or None
    when vobject.readOne must read it instead."""
    try:
        return _read(lines)
    except Exception:  # noqa: BLE001 -- vobject.readOne reads (and words the error for) anything not plain
        return None


def _read(lines: list[str]) -> Card:
    body = lines[1:-1]  # the splitter gives exactly BEGIN:VCARD ... END:VCARD
    parsed: list[Line] = []
    version = None
    for text in body:
        name, params, value, group = parseLine(text)
        line = Line()
        line.name = name = name.upper()
        if name in _STRUCTURE:
            raise _Unsupported(name)
        line.group, line.value, line.encoded, line.isNative, line.behavior = group, value, True, False, None
        table: dict[str, list[str]] = {}
        single: list[str] = []
        for param in params:
            if len(param) == 1:
                single += param
            else:
                table.setdefault(param[0].upper(), []).extend(param[1:])
        if "ENCODING" in table or single:
            line.value = _quoted_printable(table, single, value)
            if "ENCODING" in table or any(s.upper() in _ENCODED for s in single):
                raise _Unsupported("encoded value")
        line.params, line.singletonparams = table, single
        if name == "VERSION":
            version = line
        parsed.append(line)
    parent = getBehavior("VCARD", version.value if version is not None else None)
    known, default = parent.knownChildren, parent.defaultBehavior
    card = Card()
    contents = card.contents
    for line in parsed:
        entry = known.get(line.name)
        if entry is not None:
            behavior = getBehavior(line.name, entry[2])
        else:
            behavior = default
        if behavior is not None:
            line.behavior = behavior
            decode = behavior.decode.__func__
            if decode in _TEXT_DECODE:
                value = line.value
                if "\\" in value or "," in value:
                    line.value = stringToTextValues(value)[0]
                line.encoded = False
            elif decode in _OTHER_DECODE:
                behavior.decode(line)
            else:
                raise _Unsupported(behavior.__name__)
            if behavior.hasNative:
                native = _NATIVE.get(behavior)
                if native is None:
                    raise _Unsupported(behavior.__name__)
                value = line.value
                if "\\" in value or "," in value:
                    behavior.transformToNative(line)
                else:
                    line.value, line.isNative = native(_split_fields(value)), True
        contents.setdefault(line.name.lower(), []).append(line)
    return card


def _quoted_printable(table: dict[str, list[str]], single: list[str], value: str) -> str:
    """What vobject's ContentLine.__init__ does with a quoted-printable value (and its parameter)."""
    qp = False
    encoding = table.get("ENCODING")
    if encoding is not None and "QUOTED-PRINTABLE" in encoding:
        qp = True
        encoding.remove("QUOTED-PRINTABLE")
        if not encoding:
            del table["ENCODING"]
    if "QUOTED-PRINTABLE" in single:
        qp = True
        single.remove("QUOTED-PRINTABLE")
    if not qp:
        return value
    if "ENCODING" in table:
        raise _Unsupported("quoted-printable and another encoding")
    charset = table["CHARSET"][0] if "CHARSET" in table else "utf-8"
    return codecs.decode(value.encode("utf-8"), "quopri").decode(charset)  # "quopri": the codec's name typeshed knows


def _split_fields(value: str) -> list[str]:
    """vobject.vcard.splitFields of a value without backslashes or commas: its state machine
    then splits on ';' and drops one empty field after a final ';'."""
    fields = value.split(";")
    if len(fields) > 1 and not fields[-1]:
        fields.pop()
    return fields
