"""The ics and vdir calendar sources (issue #18): whole reads, the unchanged shortcut, broken files, errors."""

from __future__ import annotations

import datetime as dt
import os
import tomllib
from pathlib import Path

import pydantic
import pytest

from keepwarm.plugin import Checkpoint, Outcome, Progress, SourceKind
from keepwarm_plugins import source_caldav, source_ics, source_vdir
from keepwarm_plugins._calendar_read import CalendarSourceError
from source_calendar_support import UNTIL, at, calendar, captures, event, last_checkpoint, request, skips

REPO = Path(__file__).resolve().parents[1]


def write(path: Path, *events, **properties) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(calendar(*events, **properties).to_ical())
    return path


def bump(path: Path, seconds: int = 10) -> None:
    """The file's modification time moved on, as an editor's save would move it (no sleeping)."""
    status = path.stat()
    os.utime(path, ns=(status.st_atime_ns, status.st_mtime_ns + seconds * 1_000_000_000))


def ics(path: Path, **options) -> source_ics.Options:
    return source_ics.Options(path=str(path), **options)


def test_the_calendar_kinds_are_plugins_registered_as_a_third_party_would():
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    points = project["project"]["entry-points"]["keepwarm"]
    assert {points[k] for k in ("source_ics", "source_vdir", "source_caldav")} == {
        "keepwarm_plugins.source_ics", "keepwarm_plugins.source_vdir", "keepwarm_plugins.source_caldav"}
    dependencies = " ".join(project["project"]["dependencies"])
    assert all(name in dependencies for name in ("icalendar", "recurring-ical-events", "x-wr-timezone"))
    kinds = [k for module in (source_ics, source_vdir, source_caldav) for k in module.keepwarm_source_kinds()]
    assert [(k.name, k.family, k.target) for k in kinds] == [
        ("ics", "calendar", "path"), ("vdir", "calendar", "path"), ("caldav", "calendar", "url")]
    assert all(isinstance(k, SourceKind) for k in kinds)


def test_options_refuse_unknown_keys_a_clear_password_and_unknown_zones():
    with pytest.raises(pydantic.ValidationError, match="extra"):
        source_ics.Options(path="x.ics", colour="red")
    with pytest.raises(pydantic.ValidationError, match="extra"):
        source_caldav.Options(url="https://dav.example/", password="hunter2")
    with pytest.raises(pydantic.ValidationError, match="unknown time zone 'Europe/Atlantis'"):
        source_vdir.Options(path="cal", timezone="Europe/Atlantis")
    assert source_vdir.Options(path="cal", timezone="Europe/Berlin").timezone == "Europe/Berlin"
    with pytest.raises(pydantic.ValidationError, match="starting with https://"):
        source_caldav.Options(url="dav.example/calendars/me")


def test_an_ics_file_is_read_whole_then_not_again_until_it_changes(tmp_path):
    path = write(tmp_path / "work.ics",
                 event("a", at(2026, 11, 2, 9), attendees=[("ada@example.org", "ACCEPTED")]),
                 event("b", at(2026, 11, 9, 9), status="CANCELLED", attendees=[("bob@example.org", "DECLINED")]))
    first = list(source_ics.read(request(ics(path))))
    found = captures(first)
    assert {k: (c.at, c.outcome) for k, c in found.items()} == {
        "a": (at(2026, 11, 2, 9), Outcome.COMPLETED), "b": (at(2026, 11, 9, 9), Outcome.CANCELLED)}
    assert found["b"].people[0].status == "DECLINED"
    done = last_checkpoint(first)
    assert done.complete and done.cursor["until"] == UNTIL.date().isoformat()
    assert Progress(2, 2) in first

    # Nothing changed: only the cursor again, not complete (nothing is removed).
    assert list(source_ics.read(request(ics(path), done.cursor))) == [Checkpoint(done.cursor)]

    # A day later the window has moved: read again.
    later = list(source_ics.read(request(ics(path), done.cursor, until=UNTIL + dt.timedelta(days=1))))
    assert set(captures(later)) == {"a", "b"} and last_checkpoint(later).complete

    # The file changed (b deleted, a moved with a higher SEQUENCE): a complete read without b.
    write(path, event("a", at(2026, 11, 3, 9), sequence=1, attendees=[("ada@example.org", "ACCEPTED")]))
    bump(path)
    again = list(source_ics.read(request(ics(path), done.cursor)))
    assert {k: (c.at, c.sequence) for k, c in captures(again).items()} == {"a": (at(2026, 11, 3, 9), 1)}
    assert last_checkpoint(again).complete and last_checkpoint(again).cursor != done.cursor


def test_a_broken_ics_file_is_a_skip_and_removes_nothing(tmp_path):
    path = tmp_path / "broken.ics"
    path.write_bytes(b"BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:half-written\r\nDTSTART:2026")
    previous = {"path": str(path), "mtime_ns": 1, "size": 1, "since": "x", "until": "y"}
    items = list(source_ics.read(request(ics(path), previous)))
    assert [(s.external_id, s.reason.split(":")[0]) for s in skips(items)] == [("broken.ics", "broken calendar file")]
    assert items[-1] == Checkpoint(previous)  # not complete: the touches it brought stay; read again next time


def test_a_missing_or_wrong_path_is_one_clear_line(tmp_path):
    for path, kind, expected in (
        (tmp_path / "nowhere.ics", source_ics, "no such calendar file"),
        (tmp_path, source_ics, "not a file"),
        (tmp_path / "gone", source_vdir, "no such folder"),
        (write(tmp_path / "one.ics"), source_vdir, "not a folder"),
    ):
        with pytest.raises(CalendarSourceError) as caught:
            list(kind.read(request(kind.Options(path=str(path)))))
        message = str(caught.value)
        assert message.startswith(f"{path}: {expected}") and "\n" not in message


def vdir_item(folder: Path, uid: str, start: dt.datetime, **properties) -> Path:
    return write(folder / f"{uid}.ics", event(uid, start, attendees=[("ada@example.org", "ACCEPTED")], **properties))


def test_a_vdir_calendar_one_event_per_file_with_a_broken_file_among_them(tmp_path):
    root = tmp_path / "calendars" / "work"
    vdir_item(root, "one", at(2026, 11, 2, 9))
    vdir_item(root, "two", at(2026, 11, 4, 9))
    (root / "three.ics").write_bytes(b"BEGIN:VCALENDAR\r\nthis is not iCalendar\r\n")
    (root / "notes.txt").write_text("not a calendar item")
    items = list(source_vdir.read(request(source_vdir.Options(path=str(root)))))
    assert set(captures(items)) == {"one", "two"}
    (skip,) = skips(items)
    assert skip.external_id == "three.ics" and skip.reason.startswith("broken calendar file: ")
    assert items[-1] == Checkpoint({})  # not complete while a file cannot be read
    assert Progress(3, 3) in items

    (root / "three.ics").unlink()
    items = list(source_vdir.read(request(source_vdir.Options(path=str(root)))))
    assert set(captures(items)) == {"one", "two"} and last_checkpoint(items).complete


def test_a_folder_of_vdir_collections_is_read_and_only_changes_are_read_again(tmp_path):
    root = tmp_path / "calendars"
    vdir_item(root / "work", "w1", at(2026, 11, 2, 9))
    vdir_item(root / "home", "h1", at(2026, 11, 3, 18), rrule={"FREQ": "WEEKLY", "COUNT": 2})
    write(root / ".git" / "ignored.ics", event("hidden", at(2026, 11, 3, 9)))
    options = source_vdir.Options(path=str(root))
    first = list(source_vdir.read(request(options)))
    assert set(captures(first)) == {"w1", "h1/2026-11-03T18:00:00Z", "h1/2026-11-10T18:00:00Z"}
    cursor = last_checkpoint(first).cursor
    assert last_checkpoint(first).complete

    assert list(source_vdir.read(request(options, cursor))) == [Checkpoint(cursor)]

    vdir_item(root / "work", "w1", at(2026, 11, 2, 11), sequence=1)  # moved, same size: the mtime tells
    bump(root / "work" / "w1.ics")
    vdir_item(root / "home", "h2", at(2026, 11, 20, 19))
    changed = list(source_vdir.read(request(options, cursor)))
    found = captures(changed)
    assert set(found) == {"w1", "h1/2026-11-03T18:00:00Z", "h1/2026-11-10T18:00:00Z", "h2"}
    assert (found["w1"].at, found["w1"].sequence) == (at(2026, 11, 2, 11), 1)
    assert last_checkpoint(changed).complete and last_checkpoint(changed).cursor != cursor

    (root / "home" / "h2.ics").unlink()
    removed = list(source_vdir.read(request(options, last_checkpoint(changed).cursor)))
    assert "h2" not in captures(removed) and last_checkpoint(removed).complete


def test_a_large_calendar_reports_progress_and_checkpoints_that_resume_from_the_start(tmp_path):
    hourly = [event(f"e{i}", at(2026, 1, 1, 9) + dt.timedelta(hours=i)) for i in range(1200)]
    path = write(tmp_path / "big.ics", *hourly)
    items = list(source_ics.read(request(ics(path))))
    assert len(captures(items)) == 1200
    assert [i for i in items if isinstance(i, Progress)] == [Progress(500), Progress(1000), Progress(1200, 1200)]
    checkpoints = [i for i in items if isinstance(i, Checkpoint)]
    # The checkpoint in the middle keeps the old cursor: a read killed after it is redone whole.
    assert checkpoints[:-1] == [Checkpoint({})] and checkpoints[-1].complete
