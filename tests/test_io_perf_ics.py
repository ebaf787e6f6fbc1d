"""The faster iCalendar writing gives the library's own text: the cached serializer lists,
the time formatting that replaces arrow's, and folding's shortcut for CRLF-only text."""

from __future__ import annotations

import datetime as dt
import random

import arrow
import ics
from ics.grammar.parse import Container
from ics.serializers.event_serializer import EventSerializer
from ics.serializers.serializer import Serializer
from ics.utils import arrow_date_to_iso, arrow_to_iso

from keepwarm.calendar import components, folding
from keepwarm.calendar.entries import Entry

UTC = dt.timezone.utc
PARIS = dt.timezone(dt.timedelta(hours=2))
INSTANTS = [
    dt.datetime(2026, 11, 22, 9, 0, tzinfo=UTC), dt.datetime(2026, 12, 31, 23, 59, 59, 999999, tzinfo=UTC),
    dt.datetime(2027, 1, 1, 1, 30, tzinfo=PARIS), dt.datetime(999, 3, 4, 5, 6, 7, tzinfo=UTC),
]


def test_times_are_written_as_arrow_writes_them():
    for instant in INSTANTS:
        value = arrow.get(instant)
        assert components._utc_text(value) == arrow_to_iso(value)
        assert components._utc_date_text(value) == arrow_date_to_iso(value)


def _entries() -> list[Entry]:
    out = []
    for n, start in enumerate(INSTANTS[:3]):
        out.append(Entry(uid=f"keepwarm-t{n}@keepwarm", kind="VEVENT", summary=f"Call {n}", start=start,
                         end=start + dt.timedelta(minutes=30), description="Why, and how;\nand more " * 9,
                         alarm_minutes=30, last_modified=INSTANTS[0], categories=("keepwarm", "b")))
        out.append(Entry(uid=f"keepwarm-d{n}@keepwarm", kind="VEVENT", summary=f"Birthday {n}",
                         start=start.date(), end=start.date() + dt.timedelta(days=1), alarm_minutes=0))
    return out


def test_each_event_serializes_as_the_library_would():
    for entry in _entries():
        event = components.build_event(entry, INSTANTS[0], dt.timezone.utc)
        ours, theirs = Container("VEVENT"), Container("VEVENT")
        for name in ("serialize_created", "serialize_last_modified", "serialize_start", "serialize_all_day",
                     "serialize_end"):
            getattr(components._EventSerializer, name)(event, ours)
            getattr(EventSerializer, name)(event, theirs)
        assert str(ours) == str(theirs) and len(ours) >= 3
        for alarm in event.alarms:
            plain = ics.DisplayAlarm(trigger=alarm.trigger, display_text=alarm.display_text)
            assert alarm.serialize() == plain.serialize()


def test_serializer_lists_are_the_library_s_own_and_made_once():
    for cls in (components._EventSerializer, components._TodoSerializer, components._CalendarSerializer,
                components._AlarmSerializer):
        first = cls.get_serializers()
        assert first == Serializer.get_serializers.__func__(cls)
        assert cls.get_serializers() is first
    names = [f.__name__ for f in components._EventSerializer.get_serializers()]
    assert names[-1] == "serialize_zz_alarms" and names == sorted(names)


def test_folding_shortcut_equals_folding_line_by_line():
    rng = random.Random(7)
    pieces = ["a", "\\", "é", "😀", "\r\n", "\n", "\r", " ", ",", "x" * 40, "\\n"]
    for _ in range(3000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 40)))
        crlf_only = "\r\n".join(t for t in text.replace("\r", "").split("\n") if t)
        for sample in (text, crlf_only, crlf_only + "\r\n"):
            for limit in (75, 12):
                lines = [line for line in sample.replace("\r\n", "\n").replace("\r", "\n").split("\n") if line]
                assert folding.fold_text(sample, limit) == folding.fold_lines(lines, limit)
