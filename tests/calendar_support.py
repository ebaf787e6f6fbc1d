"""Helpers for the calendar tests: scenarios with awkward text, and two independent parsers."""

from __future__ import annotations

import datetime as dt
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

import icalendar
import vobject

#: Text that breaks naive writers: escapes, separators, line breaks, wide characters.
AWKWARD_NAME = 'Zoë "Zed" O\'Brien, Jr.; \\ the 2nd 😀'
AWKWARD_REASON = "quarterly review, part 1; bring the C:\\reports\\q3 folder\nthen ask about 🇩🇪 expansion"
AWKWARD_ACTION = "send the deck; mention: pricing, timeline \\ scope"


def long_note(size: int = 2000) -> str:
    """Exactly `size` characters mixing ASCII, escapes, line breaks, accents and emoji."""
    unit = "Met at the expo, talked pricing; she said \\\"later\\\".\nÉtude naïve — 👩‍💻🎉 ok. "
    return (unit * (size // len(unit) + 1))[:size]


def write_config(home: Path, **sections: dict) -> Path:
    """config.toml under the isolated home; top-level keys go in section ''."""
    import tomli_w

    data: dict = dict(sections.pop("", {}))
    data.update(sections)
    path = home / "config" / "config.toml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(tomli_w.dumps(data), encoding="utf-8")
    return path


def tool(name: str) -> str:
    """A console script installed next to this interpreter (khal), else on PATH."""
    beside = Path(sys.executable).parent / name
    if beside.exists():
        return str(beside)
    found = shutil.which(name)
    if not found:
        raise AssertionError(f"{name} is not installed next to {sys.executable} nor on PATH (pip install -e '.[test]')")
    return found


def check_physical_lines(data: bytes) -> list[bytes]:
    """Every physical line ends in CRLF and is at most 75 octets; returns the lines."""
    assert data.endswith(b"\r\n"), "the last line must end with CRLF"
    lines = data[:-2].split(b"\r\n")
    for number, line in enumerate(lines, 1):
        assert b"\n" not in line and b"\r" not in line, f"line {number} holds a bare line break: {line!r}"
        assert len(line) <= 75, f"line {number} is {len(line)} octets: {line!r}"
        line.decode("utf-8")  # a fold never cuts a character in two
    return lines


@dataclass
class Parsed:
    """One component as two independent parsers see it."""

    uid: str
    summary: str
    description: str
    start: dt.date | dt.datetime
    end: dt.date | dt.datetime | None
    sequence: int
    status: str
    categories: list[str]
    rrule: str | None
    stamp: dt.datetime
    triggers: list[object]
    kind: str


def _icalendar_components(data: bytes) -> dict[str, Parsed]:
    out = {}
    for c in icalendar.Calendar.from_ical(data).walk():
        if c.name not in ("VEVENT", "VTODO"):
            continue
        cats: list[str] = []
        raw = c.get("CATEGORIES")
        for item in raw if isinstance(raw, list) else ([raw] if raw is not None else []):
            cats.extend(str(x) for x in item.cats)
        start_key = "DTSTART" if c.name == "VEVENT" else "DUE"
        out[str(c["UID"])] = Parsed(
            uid=str(c["UID"]),
            summary=str(c.get("SUMMARY", "")),
            description=str(c.get("DESCRIPTION", "")),
            start=c.decoded(start_key),
            end=c.decoded("DTEND") if "DTEND" in c else None,
            sequence=int(c.get("SEQUENCE", 0)),
            status=str(c.get("STATUS", "")),
            categories=cats,
            rrule=c["RRULE"].to_ical().decode() if "RRULE" in c else None,
            stamp=c.decoded("DTSTAMP"),
            triggers=[a.decoded("TRIGGER") for a in c.walk("VALARM")],
            kind=c.name,
        )
    return out


def _vobject_components(data: bytes) -> dict[str, Parsed]:
    cal = vobject.readOne(data.decode("utf-8"))
    out = {}
    for c in [*getattr(cal, "vevent_list", []), *getattr(cal, "vtodo_list", [])]:
        name = c.name.upper()
        start = c.dtstart.value if name == "VEVENT" else c.due.value
        out[c.uid.value] = Parsed(
            uid=c.uid.value,
            summary=c.summary.value if hasattr(c, "summary") else "",
            description=c.description.value if hasattr(c, "description") else "",
            start=start,
            end=c.dtend.value if hasattr(c, "dtend") else None,
            sequence=int(c.sequence.value) if hasattr(c, "sequence") else 0,
            status=c.status.value if hasattr(c, "status") else "",
            categories=[v for line in c.contents.get("categories", []) for v in line.value],
            rrule=c.rrule.value if hasattr(c, "rrule") else None,
            stamp=c.dtstamp.value,
            triggers=[a.trigger.value for a in c.contents.get("valarm", [])],
            kind=name,
        )
    return out


def _rule_parts(rule: str | None) -> dict[str, str] | None:
    """RRULE parts by name: icalendar writes them in its own order."""
    return dict(part.split("=", 1) for part in rule.split(";")) if rule else None


def _same_moment(a, b) -> bool:
    if isinstance(a, dt.datetime) and isinstance(b, dt.datetime):
        return a == b
    return type(a) is type(b) and a == b


def parse_both(data: bytes) -> dict[str, Parsed]:
    """Parses with icalendar and with vobject, asserts they agree field by field, returns one."""
    one, two = _icalendar_components(data), _vobject_components(data)
    assert sorted(one) == sorted(two)
    for uid, a in one.items():
        b = two[uid]
        for name in ("summary", "description", "sequence", "status", "categories", "kind"):
            assert getattr(a, name) == getattr(b, name), f"{uid}: {name} differs: {getattr(a, name)!r} vs {getattr(b, name)!r}"
        assert _rule_parts(a.rrule) == _rule_parts(b.rrule), f"{uid}: RRULE differs: {a.rrule} vs {b.rrule}"
        for name in ("start", "end", "stamp"):
            assert _same_moment(getattr(a, name), getattr(b, name)), f"{uid}: {name} differs"
        assert [str(t) for t in a.triggers] == [str(t) for t in b.triggers], f"{uid}: alarms differ"
    return two  # vobject keeps RRULE as written


def calendar_properties(data: bytes) -> dict[str, str]:
    cal = icalendar.Calendar.from_ical(data)
    return {k: str(v) for k, v in cal.items()}
