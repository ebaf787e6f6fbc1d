"""The faster iCalendar writing gives the library's own text: the cached serializer lists,
the time formatting that replaces arrow's, the shared Arrows, serializing without cloning,
folding's shortcut for CRLF-only text and its leaner loop, and clean()'s shortcut."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import replace as dataclass_replace
from zoneinfo import ZoneInfo

import arrow
import ics
from ics.component import Component
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


# ------------------------------------------------------------------ session 13: fewer calls, shared pieces


def _reference_fold(line: bytes, limit: int) -> list[bytes]:
    """The folding loop as it was first written (one check at a time), for comparison."""
    if len(line) <= limit:
        return [line]
    pieces, start, room, end = [], 0, limit, len(line)
    while end - start > room:
        cut = start + room
        while line[cut] & 0xC0 == 0x80:
            cut -= 1
        run = 0
        while cut - 1 - run >= start and line[cut - 1 - run] == ord("\\"):
            run += 1
        if run % 2:
            cut -= 1
        pieces.append(line[start:cut])
        start, room = cut, limit - 1
    pieces.append(line[start:])
    return [pieces[0], *(b" " + p for p in pieces[1:])]


def test_folding_cuts_where_the_first_folding_loop_cut():
    rng = random.Random(11)
    pieces = ["a", "\\", "\\\\", "é", "😀", "—", " ", ",", "x" * 40, "\\n", ";"]
    for _ in range(4000):
        line = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 90))).encode("utf-8")
        for limit in (75, 30, 12):
            assert folding.fold_bytes(line, limit) == _reference_fold(line, limit)
            folded = folding.fold_encoded(line.decode("utf-8"), limit) if line else b"\r\n"
            assert folded == b"\r\n".join(_reference_fold(line, limit)) + b"\r\n"


def test_shared_arrows_are_the_ones_ics_makes_and_never_mix_zones_or_folds():
    berlin = ZoneInfo("Europe/Berlin")
    times = [*INSTANTS, INSTANTS[0].astimezone(PARIS), dt.datetime(2026, 10, 25, 2, 30, tzinfo=berlin),
             dt.datetime(2026, 10, 25, 2, 30, fold=1, tzinfo=berlin), dt.datetime(2026, 1, 1, 12, 0)]
    for value in times:
        shared = components._arrow(value)
        assert shared == arrow.get(value) and shared.tzinfo == arrow.get(value).tzinfo
        assert shared.utcoffset() == value.utcoffset() if value.tzinfo else True
        assert components._arrow(value) is shared
    # The same instant in two zones, the two folds of one wall time: never the same object.
    assert components._arrow(INSTANTS[0]) is not components._arrow(INSTANTS[0].astimezone(PARIS))
    assert components._arrow(times[-3]).utcoffset() != components._arrow(times[-2]).utcoffset()
    assert components._arrow(None) is None


def test_serializing_without_cloning_gives_the_library_s_text_and_changes_nothing():
    entry = Entry(uid="keepwarm-x@keepwarm", kind="VEVENT", summary="Call, now; please", start=INSTANTS[0],
                  end=INSTANTS[0] + dt.timedelta(minutes=30), description="a;b,c\\d\ne", alarm_minutes=30,
                  categories=("keepwarm", "a,b"), extra=(("X-A", "1"),))
    for component in (components.build_event(entry, INSTANTS[0], UTC),
                      components.build_todo(dataclass_replace(entry, kind="VTODO", end=None, status="NEEDS-ACTION"),
                                            INSTANTS[0], UTC)):
        extra_before = [str(line) for line in component.extra]
        ours = component.serialize()
        assert ours == Component.serialize(component)  # the library's own, which clones `extra` first
        assert component.serialize() == ours and [str(line) for line in component.extra] == extra_before
        for alarm in component.alarms:
            assert alarm.serialize() == Component.serialize(alarm)


def test_each_todo_serializes_its_times_as_the_library_would():
    from ics.serializers.todo_serializer import TodoSerializer

    for n, start in enumerate(INSTANTS[:3]):
        entry = Entry(uid=f"keepwarm-todo-{n}@keepwarm", kind="VTODO", summary="Do", start=start, status="COMPLETED",
                      completed=INSTANTS[n + 1], alarm_minutes=15, last_modified=INSTANTS[2])
        todo = components.build_todo(entry, INSTANTS[n], dt.timezone.utc)
        todo.begin, todo.created = INSTANTS[3], INSTANTS[2]  # ics can hold these too: written the same way
        ours, theirs = Container("VTODO"), Container("VTODO")
        for name in ("serialize_dtstamp", "serialize_completed", "serialize_created", "serialize_start",
                     "serialize_due"):
            getattr(components._TodoSerializer, name)(todo, ours)
            getattr(TodoSerializer, name)(todo, theirs)
        assert str(ours) == str(theirs) and len(ours) == 5
        [alarm] = todo.alarms
        assert alarm.serialize() == ics.DisplayAlarm(trigger=alarm.trigger, display_text="Do").serialize()


def test_clean_s_shortcut_for_printable_text_changes_nothing_it_would_not():
    from keepwarm.calendar import description

    rng = random.Random(5)
    alphabet = ["a", " ", "é", "😀", "\n", "\r\n", "\r", "\t", "\x00", "\x7f", "\x0b", "\x85", "\u2028", "\u00a0", "—"]
    for _ in range(3000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 12)))
        assert description.clean(text) == description._CONTROLS.sub("", description._BREAKS.sub("\n", text))
