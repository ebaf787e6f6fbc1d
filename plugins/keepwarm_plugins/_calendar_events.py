"""iCalendar text -> one `Capture` per event occurrence in the sync window, or a `Skip` saying what is broken.

Shared by the ics, vdir and CalDAV sources: they differ only in where the text
comes from. Parsing is icalendar's, recurrence expansion recurring-ical-events'
(RRULE, RDATE, EXDATE, RECURRENCE-ID overrides), Google's X-WR-TIMEZONE is
brought into standard form by x-wr-timezone, and Outlook's Windows zone names
in TZID ("W. Europe Standard Time") are mapped by icalendar itself.

Times without a zone (floating times, all-day DATE values) are read in the
calendar's zone: its X-WR-TIMEZONE, else the source's `timezone` option, else
UTC. A TZID nobody knows is read the same way (as floating).

Each event (a UID with its overrides) is expanded on its own, so one broken
event is one `Skip` and the others are still read. Bad data never raises.

The three calendar libraries are imported by the functions that read a
calendar, not with this module: every command that loads the plugins imports
the calendar sources, and icalendar with its companions took a tenth of a
second of each (`keepwarm contact show` included), read or not.
"""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from keepwarm.plugin import Capture, Channel, Outcome, Person, Skip

from ._one_line import one_line

if TYPE_CHECKING:
    import icalendar

UTC = dt.timezone.utc
#: A DTSTART outside these years is taken for a mistake (Apple writes 1604 for birthdays without a year).
FIRST_YEAR, LAST_YEAR = 1600, 2999
#: Recurrences finer than hourly are no meetings, and would expand to millions of occurrences.
TOO_FREQUENT = {"SECONDLY", "MINUTELY"}
#: The properties an occurrence's time stands on: an unreadable one breaks the event (a bad DTSTAMP does not).
TIMING = {"DTSTART", "DTEND", "DURATION", "RRULE", "RDATE", "EXDATE", "EXRULE", "RECURRENCE-ID"}
#: Occurrences are asked for a day beyond the window on each side (zone offsets), then cut to the window exactly.
MARGIN = dt.timedelta(days=1)


@dataclass(frozen=True, slots=True)
class Window:
    """The span whose occurrences are read, and the zone of times that name none."""

    since: dt.datetime
    until: dt.datetime
    zone: dt.tzinfo = UTC


def zone_named(name: str) -> dt.tzinfo | None:
    """The IANA zone of that name, or None when there is none (an empty name included)."""
    name = (name or "").strip()
    if not name:
        return None
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, OSError):
        return None


_BEGIN = re.compile(rb"(?im)^BEGIN:VCALENDAR\r?$")
_QUOTED = re.compile(r":\s*b?['\"]")


def _why(exc: BaseException | str) -> str:
    """A library's message, short and on one line, without the text it quotes from the file.

    The reason is shown and kept in the sync's summary: what the file says
    (an event's description, escape sequences) has no business there.
    """
    text = _QUOTED.split(str(exc), maxsplit=1)[0]
    return one_line(text)[:120] or type(exc).__name__


def _broken_file(origin: str, why: str) -> Skip:
    return Skip(origin, f"broken calendar file: {why}")


def _broken_event(uid: str, why: str) -> Skip:
    return Skip(uid, f"broken calendar event: {why}")


def parse(data: bytes | str, origin: str) -> list[icalendar.Calendar] | Skip:
    """The VCALENDARs in the text (some exports put several in one file), or a Skip saying why there is none."""
    if isinstance(data, str):
        data = data.encode("utf-8", "surrogateescape")
    if not data.strip():
        return _broken_file(origin, "empty")
    import icalendar

    try:
        found = icalendar.Calendar.from_ical(data, multiple=True)
    except (ValueError, KeyError, IndexError, TypeError, AttributeError, UnicodeError) as exc:
        return _broken_file(origin, _why(exc))
    begun = len(_BEGIN.findall(data))
    if len(found) < begun:  # icalendar drops a calendar without its END: a file cut short, or being written
        return _broken_file(origin, "cut short (no END:VCALENDAR)")
    if not found or any(getattr(c, "name", "") != "VCALENDAR" for c in found):
        return _broken_file(origin, "no VCALENDAR")
    return found


def _standard(calendar: icalendar.Calendar, zone: dt.tzinfo | None) -> icalendar.Calendar:
    """Google's calendars give UTC times and the zone apart (X-WR-TIMEZONE): rejoin them for expansion."""
    if zone is None:
        return calendar
    import x_wr_timezone

    try:
        return x_wr_timezone.to_standard(calendar, timezone=zone)
    except Exception:  # noqa: BLE001 -- a library failing on odd data: the UTC times are still right
        return calendar


def _moment(value: dt.date | dt.datetime, zone: dt.tzinfo) -> dt.datetime:
    if not isinstance(value, dt.datetime):
        value = dt.datetime.combine(value, dt.time(0))
    if value.tzinfo is None or value.utcoffset() is None:
        value = value.replace(tzinfo=zone)
    return value.astimezone(UTC)


def _recurrence_id(value: dt.date | dt.datetime, zone: dt.tzinfo) -> str:
    if not isinstance(value, dt.datetime):
        return value.isoformat()
    return _moment(value, zone).strftime("%Y-%m-%dT%H:%M:%SZ")


def _address(value) -> str:
    text = str(value or "").strip()
    if text[:7].lower() == "mailto:":
        text = text[7:].strip()
    return text if "@" in text else ""


def _param(value, name: str) -> str:
    params = getattr(value, "params", None) or {}
    return str(params.get(name, "") or "").strip()


def _people(event) -> tuple[Person, ...]:
    people: list[Person] = []
    organizer = event.get("ORGANIZER")
    if organizer is not None and _address(organizer):
        people.append(Person(_address(organizer), "organizer", _param(organizer, "CN")))
    attendees = event.get("ATTENDEE") or []
    if not isinstance(attendees, list):
        attendees = [attendees]
    for attendee in attendees:
        address = _address(attendee)
        if address:
            status = _param(attendee, "PARTSTAT").upper() or "NEEDS-ACTION"  # RFC 5545's default
            people.append(Person(address, "attendee", _param(attendee, "CN"), status))
    return tuple(people)


def _sequence(event) -> int:
    try:
        return max(0, int(event.get("SEQUENCE", 0)))
    except (TypeError, ValueError):
        return 0


def _problem(component) -> str | None:
    """What makes this VEVENT unreadable, if anything."""
    for name, message in getattr(component, "errors", None) or []:
        if str(name).upper() in TIMING:
            return f"{name}: {_why(message)}"
    start = component.get("DTSTART")
    value = getattr(start, "dt", None)
    if not isinstance(value, dt.date):
        return "no DTSTART"
    if not FIRST_YEAR <= value.year <= LAST_YEAR:
        return f"DTSTART out of range ({value.isoformat()})"
    rules = component.get("RRULE")
    for rule in rules if isinstance(rules, list) else [rules] if rules is not None else []:
        frequencies = [str(f).upper() for f in (rule.get("FREQ") or [])]
        if any(f in TOO_FREQUENT for f in frequencies):
            return f"repeats {frequencies[0].lower()}"
    return None


def _single(components: list) -> bool:
    """One plain event (its external id is its UID); anything recurring is named per occurrence."""
    if len(components) != 1:
        return False
    only = components[0]
    return not any(only.get(key) is not None for key in ("RRULE", "RDATE", "RECURRENCE-ID"))


def events(calendar: icalendar.Calendar, origin: str) -> tuple[list[tuple[str, list]], list[Skip]]:
    """The calendar's VEVENTs grouped by UID (a series with its overrides), and those without a UID."""
    groups: dict[str, list] = {}
    nameless: list[Skip] = []
    for component in calendar.walk("VEVENT"):
        uid = str(component.get("UID", "") or "").strip()
        if not uid:
            nameless.append(_broken_file(origin, "an event without UID"))
            continue
        groups.setdefault(uid, []).append(component)
    return list(groups.items()), nameless


def occurrences(uid: str, components: list, window: Window, *, cancelled: bool = False) -> list[Capture | Skip]:
    """The captures of one event's occurrences in the window, or one Skip when the event is broken."""
    for component in components:
        problem = _problem(component)
        if problem:
            return [_broken_event(uid, problem)]
    import icalendar
    import recurring_ical_events

    alone = icalendar.Calendar()
    for component in components:
        alone.add_component(component)
    found: list[Capture] = []
    try:
        expanded = recurring_ical_events.of(alone).between(window.since - MARGIN, window.until + MARGIN)
        single = _single(components)
        for occurrence in expanded:
            at = _moment(occurrence["DTSTART"].dt, window.zone)
            if not window.since <= at <= window.until:
                continue
            external_id = uid
            if not single:
                rid = occurrence.get("RECURRENCE-ID")
                original = rid.dt if rid is not None else occurrence["DTSTART"].dt
                external_id = f"{uid}/{_recurrence_id(original, window.zone)}"
            status = str(occurrence.get("STATUS", "") or "").strip().upper()
            found.append(
                Capture(
                    external_id=external_id,
                    at=at,
                    channel=Channel.MEETING,
                    people=_people(occurrence),
                    outcome=Outcome.CANCELLED if cancelled or status == "CANCELLED" else Outcome.COMPLETED,
                    subject=str(occurrence.get("SUMMARY", "") or ""),
                    sequence=_sequence(occurrence),
                )
            )
    except Exception as exc:  # noqa: BLE001 -- any failure on this event's data is a skip, never an aborted sync
        return [_broken_event(uid, _why(exc))]
    found.sort(key=lambda c: (c.at, c.external_id))
    return list[Capture | Skip](found)


def read_calendar(data: bytes | str, origin: str, window: Window) -> Iterator[list[Capture | Skip]]:
    """Per event in the text, what it gives: its captures in the window, or a Skip.

    A text that is no calendar gives one list with one Skip naming `origin`.
    """
    calendars = parse(data, origin)
    if isinstance(calendars, Skip):
        yield [calendars]
        return
    for calendar in calendars:
        yield from _read_one(calendar, origin, window)


def _read_one(calendar: icalendar.Calendar, origin: str, window: Window) -> Iterator[list[Capture | Skip]]:
    named = zone_named(str(calendar.get("X-WR-TIMEZONE", "") or ""))
    if named is not None:
        window = Window(window.since, window.until, named)
    calendar = _standard(calendar, named)
    cancelled = str(calendar.get("METHOD", "") or "").strip().upper() == "CANCEL"  # an emailed cancellation
    groups, nameless = events(calendar, origin)
    for skip in nameless:
        yield [skip]
    for uid, components in groups:
        yield occurrences(uid, components, window, cancelled=cancelled)
