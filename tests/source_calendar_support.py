"""Builders for the calendar source tests: events written with icalendar, and read requests on a fixed clock."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

import icalendar

from keepwarm.plugin import Capture, Checkpoint, ReadRequest, Skip

UTC = dt.timezone.utc
#: The scenario clock (the suite's FIXED_NOW): Sunday 22 November 2026, 09:00 UTC.
NOW = dt.datetime(2026, 11, 22, 9, 0, tzinfo=UTC)
SINCE = NOW - dt.timedelta(days=365)
UNTIL = NOW + dt.timedelta(days=60)


def calendar(*events: icalendar.Event, **properties: str) -> icalendar.Calendar:
    cal = icalendar.Calendar()
    cal.add("prodid", properties.pop("prodid", "-//keepwarm tests//EN"))
    cal.add("version", "2.0")
    for name, value in properties.items():
        cal.add(name.replace("_", "-"), value)
    for event in events:
        cal.add_component(event)
    return cal


def event(uid: str, start: dt.date | dt.datetime, *, summary: str = "meeting", organizer: str | None = None,
          attendees: Iterable[tuple[str, str]] = (), start_params: Mapping[str, str] | None = None,
          **properties: Any) -> icalendar.Event:
    """A VEVENT; attendees as (address, PARTSTAT); other properties by name (rrule, exdate, sequence...)."""
    ev = icalendar.Event()
    ev.add("uid", uid)
    ev.add("dtstamp", dt.datetime(2026, 1, 1, tzinfo=UTC))
    ev.add("dtstart", start, parameters=dict(start_params) if start_params else None)
    ev.add("summary", summary)
    if organizer:
        ev.add("organizer", icalendar.vCalAddress(f"mailto:{organizer}"), parameters={"CN": organizer.split("@")[0]})
    for address, status in attendees:
        ev.add("attendee", icalendar.vCalAddress(f"mailto:{address}"), parameters={"PARTSTAT": status})
    for name, value in properties.items():
        ev.add(name.replace("_", "-"), value)
    return ev


def request(options, cursor: Mapping[str, Any] | None = None, *, now: dt.datetime = NOW,
            since: dt.datetime = SINCE, until: dt.datetime = UNTIL) -> ReadRequest:
    return ReadRequest(name="cal", options=options, cursor=dict(cursor or {}), now=now, since=since, until=until)


def captures(items) -> dict[str, Capture]:
    found = [i for i in items if isinstance(i, Capture)]
    by_id = {c.external_id: c for c in found}
    assert len(by_id) == len(found), "an external id was yielded twice"
    return by_id


def skips(items) -> list[Skip]:
    return [i for i in items if isinstance(i, Skip)]


def last_checkpoint(items) -> Checkpoint:
    assert isinstance(items[-1], Checkpoint), f"a read ends with a Checkpoint, not {items[-1]!r}"
    return items[-1]


def at(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=UTC)
