"""Entries as `ics` 0.7.3 objects, with what the library lacks added its own way.

`ics` has no SEQUENCE, RRULE or X- properties, no date-only DUE for to-dos,
and keeps categories in a set (so their order changes between runs): those go
in as `ContentLine`s in the component's `extra`, which is how the library
lets you extend a component. Its serializers also put VALARM before the
event's own properties and render alarms with `str()` (the FutureWarning);
the small serializer subclasses below only move alarms last and call
`serialize()` instead. Events and to-dos are written in date order, so two
exports of the same data are byte-identical.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator
from functools import lru_cache
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

import ics
from ics.grammar.parse import Container, ContentLine
from ics.parsers.alarm_parser import DisplayAlarmParser
from ics.parsers.event_parser import EventParser
from ics.parsers.icalendar_parser import CalendarParser
from ics.parsers.todo_parser import TodoParser
from ics.serializers.alarm_serializer import DisplayAlarmSerializer
from ics.serializers.event_serializer import EventSerializer
from ics.serializers.icalendar_serializer import CalendarSerializer
from ics.serializers.todo_serializer import TodoSerializer
from ics.utils import escape_string, get_arrow, timedelta_to_duration

from .entries import COMPLETED, Entry

UTC = dt.timezone.utc
HASH_PROPERTY = "X-KEEPWARM-HASH"


class _Listed:
    """ics finds a serializer's `serialize_*` methods (and runs them sorted by
    __name__) with dir() and getattr() on every component it writes: a third
    of the serializing time at 10,000 events. The list is the same every
    time, so it is made once per class."""

    _listed: dict[type, list] = {}

    @classmethod
    def get_serializers(cls):
        found = _Listed._listed.get(cls)
        if found is None:
            found = _Listed._listed[cls] = super().get_serializers()
        return found


def _utc_text(instant) -> str:
    """ics's `arrow_to_iso` (UTC, `YYYYMMDDTHHmmssZ`) without building and formatting an Arrow twice."""
    u = instant.astimezone(UTC)
    return f"{u.year:04d}{u.month:02d}{u.day:02d}T{u.hour:02d}{u.minute:02d}{u.second:02d}Z"


def _utc_date_text(instant) -> str:
    """ics's `arrow_date_to_iso` (the UTC date, `YYYYMMDD`), likewise."""
    u = instant.astimezone(UTC)
    return f"{u.year:04d}{u.month:02d}{u.day:02d}"


@lru_cache(maxsize=4096)
def _arrow_of(value: dt.datetime, _zone, _fold: int):
    return get_arrow(value)


def _arrow(value: dt.datetime | None):
    """The Arrow ics would make of `value`, made once per instant and shared.

    ics turns every time it is given into an Arrow (a quarter of the build at
    10,000 events). Arrows are immutable, and most events of an export share
    their DTSTAMP and their day, so equal times get the same object. The key
    holds the zone and the fold, so only a time identical in every respect is
    shared.
    """
    return None if value is None else _arrow_of(value, value.tzinfo, value.fold)


_duration_text = lru_cache(maxsize=256)(timedelta_to_duration)


class _Shallow:
    """`Component.serialize` without cloning `extra` line by line first.

    The library clones every extra ContentLine so that serializing does not
    change the component; its serializers only append to the container, so a
    new container holding the same lines does the same, for less.
    """

    if TYPE_CHECKING:  # what the ics component it is mixed into has
        extra: Any
        Meta: Any

    def serialize(self) -> str:
        container = Container(self.extra.name, *self.extra)
        for output in self.Meta.serializer.get_serializers():
            output(self, container)
        return str(container)


# ics runs a serializer's `serialize_*` methods sorted by their __name__.
def serialize_zz_alarms(component, container: Container) -> None:
    for alarm in component.alarms:
        container.append(alarm.serialize())


class _EventSerializer(_Listed, EventSerializer):
    def serialize_alarm(event, container):  # moved last, see serialize_zz_alarms
        pass

    serialize_zz_alarms = serialize_zz_alarms

    # The library's own, with the times written by _utc_text (the same text, a test compares them).
    def serialize_created(event, container):
        if event.created:
            container.append(ContentLine("DTSTAMP", value=_utc_text(event.created)))

    def serialize_last_modified(event, container):
        if event.last_modified:
            container.append(ContentLine("LAST-MODIFIED", value=_utc_text(event.last_modified)))

    def serialize_start(event, container):
        if event.begin and not event.all_day:
            container.append(ContentLine("DTSTART", value=_utc_text(event.begin)))

    def serialize_all_day(event, container):
        if event.begin and event.all_day:
            container.append(ContentLine("DTSTART", params={"VALUE": ["DATE"]}, value=_utc_date_text(event.begin)))
            if event._end_time:
                container.append(ContentLine("DTEND", params={"VALUE": ["DATE"]}, value=_utc_date_text(event.end)))

    def serialize_end(event, container):
        if event.begin and event._end_time and not event.all_day:
            container.append(ContentLine("DTEND", value=_utc_text(event.end)))


class _TodoSerializer(_Listed, TodoSerializer):
    def serialize_alarm(todo, container):  # moved last, see serialize_zz_alarms
        pass

    serialize_zz_alarms = serialize_zz_alarms

    # The library's own, with the times written by _utc_text (the same text, a test compares them).
    def serialize_dtstamp(todo, container):
        if todo.dtstamp:
            container.append(ContentLine("DTSTAMP", value=_utc_text(todo.dtstamp)))
        else:
            TodoSerializer.serialize_dtstamp(todo, container)

    def serialize_completed(todo, container):
        if todo.completed:
            container.append(ContentLine("COMPLETED", value=_utc_text(todo.completed)))

    def serialize_created(todo, container):
        if todo.created:
            container.append(ContentLine("CREATED", value=_utc_text(todo.created)))

    def serialize_start(todo, container):
        if todo.begin:
            container.append(ContentLine("DTSTART", value=_utc_text(todo.begin)))

    def serialize_due(todo, container):
        if todo._due_time:
            container.append(ContentLine("DUE", value=_utc_text(todo._due_time)))


class _AlarmSerializer(_Listed, DisplayAlarmSerializer):
    def serialize_trigger(alarm, container):
        """The library's own; the text of a relative trigger made once per length, an absolute one by _utc_text."""
        if isinstance(alarm.trigger, dt.timedelta):
            container.append(ContentLine("TRIGGER", value=_duration_text(alarm.trigger)))
        elif alarm.trigger is not None:
            container.append(ContentLine("TRIGGER", params={"VALUE": ["DATE-TIME"]}, value=_utc_text(alarm.trigger)))
        else:
            DisplayAlarmSerializer.serialize_trigger(alarm, container)


class KeepwarmAlarm(_Shallow, ics.DisplayAlarm):
    class Meta:
        name = "VALARM"
        parser = DisplayAlarmParser
        serializer = _AlarmSerializer


class _CalendarSerializer(_Listed, CalendarSerializer):
    def serialize_event(calendar, container):
        container.extend(component_texts(calendar, "VEVENT"))

    def serialize_todo(calendar, container):
        container.extend(component_texts(calendar, "VTODO"))


class KeepwarmEvent(_Shallow, ics.Event):
    class Meta:
        name = "VEVENT"
        parser = EventParser
        serializer = _EventSerializer

    def make_all_day(self) -> None:
        """ics's own, minus arrow's floor('day') when the start is already a midnight.

        At 10,000 events, floor() was 60% of the build time (see docs/calendar.md);
        for a one-day event starting at 00:00 it changes nothing, so the outcome
        is the same (a test compares both).
        """
        begin = self._begin
        moment = begin.datetime if begin is not None else None  # an Arrow's own fields go through __getattr__
        if (
            moment is None
            or self.all_day
            or self._end_time is not None
            or self._duration is not None
            or (moment.hour, moment.minute, moment.second, moment.microsecond) != (0, 0, 0, 0)
        ):
            super().make_all_day()
            return
        self._begin_precision = "day"

    def __hash__(self) -> int:
        # ics hashes a set member by turning every character of its UID into digits of one huge int
        # (a tenth of the build time); equal events have equal UIDs either way.
        return hash(self.uid)


class KeepwarmTodo(_Shallow, ics.Todo):
    class Meta:
        name = "VTODO"
        parser = TodoParser
        serializer = _TodoSerializer

    def __hash__(self) -> int:
        return hash(self.uid)


class KeepwarmCalendar(ics.Calendar):
    """A calendar whose entries become `ics` components one at a time, as they are serialized.

    Built all at once, 10,000 events with their alarms held 500-700 MB; now
    each is built, serialized and dropped before the next (see `pieces`).
    Components added to `events`/`todos` directly are written too, in order.
    """

    class Meta:
        name = "VCALENDAR"
        parser = CalendarParser
        serializer = _CalendarSerializer

    pending: tuple[Entry, ...] = ()
    #: The entries of a kind in date order, each distinct, made as they are asked for (instead of `pending`).
    ordered: Callable[[str], Iterable[Entry]] | None = None
    stamp: dt.datetime | None = None
    tz: ZoneInfo = UTC  # type: ignore[assignment]


def _utc_midnight(day: dt.date) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, tzinfo=UTC)


@lru_cache(maxsize=4096)
def _midnight_arrow(day: dt.date):
    return get_arrow(_utc_midnight(day))


@lru_cache(maxsize=4096)
def _local_midnight(day: dt.date, tz: ZoneInfo) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(0, 0), tzinfo=tz).astimezone(UTC)


@lru_cache(maxsize=4096)
def _local_midnight_text(day: dt.date, tz: ZoneInfo) -> str:
    return _local_midnight(day, tz).isoformat()


def _local_start(entry: Entry, tz: ZoneInfo) -> dt.datetime:
    if isinstance(entry.start, dt.datetime):
        return entry.start
    return _local_midnight(entry.start, tz)


def _alarms(entry: Entry, tz: ZoneInfo) -> list[KeepwarmAlarm]:
    if entry.alarm_minutes is None:
        return []
    if entry.alarm_at is not None and entry.all_day:
        # On the day itself, at the chosen time (minutes before an all-day start came the evening before).
        if entry.kind == "VEVENT":
            # After the start of the day (TRIGGER:PT9H, as Apple Calendar writes "on the day, 9:00"):
            # it follows the event if the user moves it, and every year of a yearly date.
            return [KeepwarmAlarm(trigger=_time_of_day(entry.alarm_at), display_text=entry.summary)]
        at = dt.datetime.combine(entry.start, entry.alarm_at, tzinfo=tz).astimezone(UTC)
        return [KeepwarmAlarm(trigger=_arrow(at), display_text=entry.summary)]
    before = dt.timedelta(minutes=entry.alarm_minutes)
    if entry.kind == "VEVENT" and entry.alarm_minutes > 0:
        # Relative to the start, so the reminder follows the event if the user moves it.
        return [KeepwarmAlarm(trigger=-before, display_text=entry.summary)]
    # ics writes a zero duration as a bare "P" (invalid), and a to-do's relative
    # trigger would need RELATED=END, which ics cannot write: an absolute time it is.
    return [KeepwarmAlarm(trigger=_arrow(_local_start(entry, tz) - before), display_text=entry.summary)]


@lru_cache(maxsize=64)
def _time_of_day(at: dt.time) -> dt.timedelta:
    return dt.timedelta(hours=at.hour, minutes=at.minute, seconds=at.second)


def _extras(entry: Entry) -> list[ContentLine]:
    lines = [ContentLine("SEQUENCE", value=str(entry.sequence))]
    if entry.categories:
        lines.append(ContentLine("CATEGORIES", value=",".join(escape_string(c) for c in entry.categories)))
    if entry.rrule:
        lines.append(ContentLine("RRULE", value=entry.rrule))
    lines.append(ContentLine(HASH_PROPERTY, value=entry.fingerprint()))
    for name, value in entry.extra:
        lines.append(ContentLine(name, value=escape_string(value)))
    return lines


def build_event(entry: Entry, stamp: dt.datetime, tz: ZoneInfo) -> KeepwarmEvent:
    """One event, in as few calls into ics as it takes: everything goes through the constructor,
    except the end of an all-day event, which must come after `make_all_day()` (see there)."""
    all_day = entry.all_day
    event = KeepwarmEvent(
        name=entry.summary,
        uid=entry.uid,
        description=entry.description or None,
        created=_arrow(entry.stamp or stamp),  # ics 0.7.3 writes `created` as DTSTAMP
        last_modified=_arrow(entry.last_modified),
        status=entry.status,
        # all_day is "start is a date": the isinstance checks say the same to the type checker.
        begin=_arrow(entry.start) if isinstance(entry.start, dt.datetime) else _midnight_arrow(entry.start),
        end=_arrow(entry.end) if isinstance(entry.end, dt.datetime) else None,
        alarms=_alarms(entry, tz),
    )
    if all_day:
        event.make_all_day()
        if entry.end is not None:
            event.end = _midnight_arrow(entry.end)
    event.extra.extend(_extras(entry))
    event.order_key = order_key(entry, tz)
    return event


def build_todo(entry: Entry, stamp: dt.datetime, tz: ZoneInfo) -> KeepwarmTodo:
    todo = KeepwarmTodo(
        dtstamp=_arrow(entry.stamp or stamp),
        uid=entry.uid,
        name=entry.summary,
        description=entry.description or None,
        status=entry.status,
        completed=_arrow(entry.completed) if entry.status == COMPLETED else None,
        due=_arrow(entry.start) if isinstance(entry.start, dt.datetime) else None,
        alarms=_alarms(entry, tz),
    )
    if entry.all_day:
        todo.extra.append(ContentLine("DUE", params={"VALUE": ["DATE"]}, value=entry.start.strftime("%Y%m%d")))
    if entry.last_modified is not None:
        todo.extra.append(
            ContentLine("LAST-MODIFIED", value=entry.last_modified.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ"))
        )
    todo.extra.extend(_extras(entry))
    todo.order_key = order_key(entry, tz)
    return todo


def order_key(entry: Entry, tz: ZoneInfo) -> tuple[str, str]:
    return (start_key(entry.start, tz), entry.uid)


def start_key(start: dt.date | dt.datetime, tz: ZoneInfo) -> str:
    """Where an entry starting at `start` stands in the file (before its UID): an all-day one at the
    start of its day in the user's zone."""
    if isinstance(start, dt.datetime):
        return start.isoformat()
    return _local_midnight_text(start, tz)


def build_component(entry: Entry, stamp: dt.datetime, tz: ZoneInfo) -> KeepwarmEvent | KeepwarmTodo:
    return build_todo(entry, stamp, tz) if entry.kind == "VTODO" else build_event(entry, stamp, tz)


def _distinct(entries: Iterable[Entry]) -> list[Entry]:
    """What the library's sets kept: one to-do per UID (the first), one of each equal event."""
    out: list[Entry] = []
    todos: set[str] = set()
    events: dict[str, list[Entry]] = {}
    for entry in entries:
        if entry.kind == "VTODO":
            if entry.uid in todos:
                continue
            todos.add(entry.uid)
        else:
            same = events.setdefault(entry.uid, [])
            if entry in same:
                continue
            same.append(entry)
        out.append(entry)
    return out


def component_texts(calendar, kind: str) -> Iterator[str]:
    """Each component of `kind` serialized by `ics`, in date order; pending entries are built one at a time.

    A calendar given its entries `ordered` (in date order and distinct already, made as they are asked
    for: `calendar.source`) writes them as they come.
    """
    ordered = getattr(calendar, "ordered", None)
    if ordered is not None:
        for entry in ordered(kind):
            yield build_component(entry, calendar.stamp, calendar.tz).serialize()
        return
    pending = getattr(calendar, "pending", ())
    built = calendar.todos if kind == "VTODO" else calendar.events
    # Built components (ics objects) and pending entries, told apart by the middle value.
    mixed: list[tuple[tuple[str, str], int, Any]] = [(getattr(c, "order_key", ("", c.uid)), 0, c) for c in built]
    mixed += [(order_key(e, calendar.tz), 1, e) for e in pending if e.kind == kind]
    mixed.sort(key=lambda item: item[0])
    for _key, lazy, item in mixed:
        component = build_component(item, calendar.stamp, calendar.tz) if lazy else item
        yield component.serialize()


_MARK = "\x00components:"


def pieces(calendar: KeepwarmCalendar) -> Iterator[str]:
    """`calendar.serialize()` as whole lines, in pieces: the head, each component, the tail.

    Joined with CRLF they are the same text; only one component exists at a time.
    """
    container = calendar.extra.clone()
    for output in calendar.Meta.serializer.get_serializers():
        if output.__name__ == "serialize_event":
            container.append(_MARK + "VEVENT")
        elif output.__name__ == "serialize_todo":
            container.append(_MARK + "VTODO")
        else:
            output(calendar, container)
    run: list[str] = []
    for line in str(container).split("\r\n"):
        if line.startswith(_MARK):
            if run:
                yield "\r\n".join(run)
                run = []
            yield from component_texts(calendar, line[len(_MARK) :])
        else:
            run.append(line)
    yield "\r\n".join(run)


def build_calendar(
    entries: Iterable[Entry],
    *,
    stamp: dt.datetime,
    tz: ZoneInfo,
    name: str,
    prodid: str,
    method: str | None = "PUBLISH",
    ordered: Callable[[str], Iterable[Entry]] | None = None,
) -> KeepwarmCalendar:
    """One VCALENDAR; `method=None` for CalDAV, where METHOD is not allowed.

    `entries` are sorted and made distinct here; `ordered` gives them in order, distinct already.
    """
    calendar = KeepwarmCalendar(creator=prodid)
    # ics would write METHOD after the components; in `extra` it comes first.
    calendar.extra.append(ContentLine("CALSCALE", value="GREGORIAN"))
    if method:
        calendar.extra.append(ContentLine("METHOD", value=method))
    if name:
        calendar.extra.append(ContentLine("X-WR-CALNAME", value=escape_string(name)))
        calendar.extra.append(ContentLine("NAME", value=escape_string(name)))
    calendar.pending = tuple(_distinct(entries))
    calendar.ordered = ordered
    calendar.stamp, calendar.tz = stamp, tz
    return calendar
