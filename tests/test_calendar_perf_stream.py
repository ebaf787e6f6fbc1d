"""The calendar is written a batch of components at a time: the same bytes as building
every `ics` object first, each component built only when its batch's turn comes, and a
failure half-way leaves the old file as it was."""

from __future__ import annotations

import datetime as dt

import pytest

from keepwarm.calendar import components, output, serialize
from keepwarm.calendar.entries import CANCELLED, Entry

UTC = dt.timezone.utc
NOW = dt.datetime(2026, 11, 22, 9, 0, tzinfo=UTC)
START = dt.datetime(2026, 12, 3, 14, 30, tzinfo=UTC)


def _entries(kind: str = "VEVENT") -> list[Entry]:
    out = []
    for n in range(6):
        day = dt.date(2026, 12, 1) + dt.timedelta(days=(5 * n) % 4)
        out.append(Entry(uid=f"keepwarm-{kind}-{n}@keepwarm", kind=kind, summary=f"Call Ana — {n}", start=day,
                         end=day + dt.timedelta(days=1) if kind == "VEVENT" else None,
                         description="Why: a long note, with commas, semicolons; and more " * 3,
                         status="NEEDS-ACTION" if kind == "VTODO" else "CONFIRMED",
                         alarm_minutes=30 if n % 2 else None, categories=("keepwarm", "cadence")))
    out.append(Entry(uid=f"keepwarm-{kind}-t@keepwarm", kind=kind, summary="Timed", start=START,
                     end=START + dt.timedelta(minutes=30) if kind == "VEVENT" else None, status=CANCELLED))
    return out + out[:2]  # the same entries twice: the library's sets kept one of each


def _eager(entries: list[Entry], tz=UTC) -> components.KeepwarmCalendar:
    """The calendar as it was built before: every component made and held first."""
    calendar = components.build_calendar([], stamp=NOW, tz=tz, name="Mine", prodid="-//t//EN")
    for entry in entries:
        target = calendar.todos if entry.kind == "VTODO" else calendar.events
        target.add(components.build_component(entry, NOW, tz))
    return calendar


@pytest.mark.parametrize("kind", ["VEVENT", "VTODO"])
def test_streamed_calendar_is_byte_identical_to_the_eager_one(kind):
    entries = _entries(kind)
    lazy = components.build_calendar(entries, stamp=NOW, tz=UTC, name="Mine", prodid="-//t//EN")
    streamed = b"".join(serialize.chunks(lazy))
    assert streamed == serialize.to_bytes(_eager(entries))
    assert streamed.decode("utf-8") == serialize.serialize(lazy)
    assert streamed.count(f"BEGIN:{kind}".encode()) == 7
    assert all(len(line) <= 75 for line in streamed.split(b"\r\n"))


def test_components_are_built_a_batch_at_a_time_when_their_turn_comes(monkeypatch):
    built = []
    real = components.build_component
    monkeypatch.setattr(components, "build_component", lambda *a: built.append(a[0].uid) or real(*a))
    entries = [Entry(uid=f"keepwarm-{n}@keepwarm", kind="VEVENT", summary=f"Call {n}",
                     start=dt.date(2026, 12, 1) + dt.timedelta(days=n)) for n in range(2 * serialize.BATCH + 3)]
    calendar = components.build_calendar(entries, stamp=NOW, tz=UTC, name="Mine", prodid="-//t//EN")
    assert built == []
    parts = serialize.chunks(calendar)
    first = next(parts)
    assert first.startswith(b"BEGIN:VCALENDAR\r\n") and first.endswith(b"END:VEVENT\r\n")
    assert first.count(b"BEGIN:VEVENT") == serialize.BATCH - 1  # the calendar's head counts as one piece
    assert len(built) == serialize.BATCH - 1  # the rest is not built yet
    second = next(parts)
    assert second.startswith(b"BEGIN:VEVENT\r\n") and len(built) == 2 * serialize.BATCH - 1
    rest = list(parts)
    assert len(built) == len(entries) and rest[-1].endswith(b"END:VEVENT\r\nEND:VCALENDAR\r\n")
    whole = first + second + b"".join(rest)
    assert whole == serialize.to_bytes(_eager(entries))


def test_a_failure_while_writing_leaves_the_old_file_and_no_temporary(tmp_path):
    target = tmp_path / "followups.ics"
    target.write_bytes(b"old")

    def pieces():
        yield b"BEGIN:VCALENDAR\r\n"
        raise RuntimeError("broken half-way")

    with pytest.raises(RuntimeError):
        output.write_atomic(target, pieces())
    assert target.read_bytes() == b"old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["followups.ics"]
    output.write_atomic(target, iter([b"a", b"b"]))
    assert target.read_bytes() == b"ab"
