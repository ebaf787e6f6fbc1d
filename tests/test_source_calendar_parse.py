"""iCalendar text -> captures, as the calendar sources read it (issue #18): the shapes real clients write."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import icalendar
import pytest

from keepwarm.plugin import Channel, Outcome, Person
from keepwarm_plugins._calendar_events import Window, read_calendar
from source_calendar_support import SINCE, UNTIL, at, calendar, captures, event, skips

NEW_YORK = zoneinfo.ZoneInfo("America/New_York")
BERLIN = zoneinfo.ZoneInfo("Europe/Berlin")


def read(cal: icalendar.Calendar | bytes, zone: dt.tzinfo = dt.timezone.utc) -> list:
    data = cal if isinstance(cal, bytes) else cal.to_ical()
    return [item for found in read_calendar(data, "work.ics", Window(SINCE, UNTIL, zone)) for item in found]


def test_a_plain_meeting_gives_its_people_roles_answers_and_start_in_utc():
    meeting = event("m1@example.org", dt.datetime(2026, 11, 3, 15, 30, tzinfo=BERLIN), summary="Pricing review",
                    organizer="Me@Example.org",
                    attendees=[("Ada@Example.org", "DECLINED"), ("bob@example.org", "ACCEPTED")],
                    sequence=2)
    meeting.add("attendee", "urn:uuid:room-12", parameters={"CUTYPE": "ROOM"})  # no address: not a person
    meeting.add("attendee", icalendar.vCalAddress("MAILTO:carol@example.org"))  # no PARTSTAT: RFC 5545's default
    (capture,) = captures(read(calendar(meeting))).values()
    assert capture.external_id == "m1@example.org"
    assert capture.at == at(2026, 11, 3, 14, 30) and capture.at.utcoffset() == dt.timedelta(0)
    assert capture.channel is Channel.MEETING and capture.outcome is Outcome.COMPLETED
    assert capture.direction is None and capture.message_id == "" and capture.replies_to == ()
    assert capture.subject == "Pricing review" and capture.sequence == 2
    assert capture.people == (
        Person("Me@Example.org", "organizer", "Me"),
        Person("Ada@Example.org", "attendee", "", "DECLINED"),
        Person("bob@example.org", "attendee", "", "ACCEPTED"),
        Person("carol@example.org", "attendee", "", "NEEDS-ACTION"),
    )


def test_google_x_wr_timezone_keeps_a_weekly_meeting_at_ten_in_new_york_across_the_clock_change():
    # Google writes UTC times and names the calendar's zone apart: 14:00Z is 10:00 in New York in October.
    weekly = event("g1@google.com", at(2026, 10, 22, 14, 0), rrule={"FREQ": "WEEKLY", "COUNT": 3},
                   attendees=[("ada@example.org", "ACCEPTED")])
    day = event("g2@google.com", dt.date(2026, 11, 20), summary="offsite")
    found = captures(read(calendar(weekly, day, x_wr_timezone="America/New_York", x_wr_calname="Work")))
    # New York leaves summer time on 1 November: the third meeting is still at 10:00 there, so 15:00 UTC.
    assert {k: c.at for k, c in found.items()} == {
        "g1@google.com/2026-10-22T14:00:00Z": at(2026, 10, 22, 14),
        "g1@google.com/2026-10-29T14:00:00Z": at(2026, 10, 29, 14),
        "g1@google.com/2026-11-05T15:00:00Z": at(2026, 11, 5, 15),
        "g2@google.com": at(2026, 11, 20, 5),  # all day: midnight in the calendar's zone
    }


def test_outlook_windows_zone_names_are_understood():
    meeting = event("040000008200E00074C5B7101A82E008", dt.datetime(2026, 12, 3, 10, 0),
                    start_params={"TZID": "W. Europe Standard Time"}, organizer="boss@corp.example",
                    attendees=[("ada@example.org", "TENTATIVE")])
    weekly = event("outlook-weekly", dt.datetime(2026, 10, 20, 9, 0), start_params={"TZID": "Pacific Standard Time"},
                   rrule={"FREQ": "WEEKLY", "COUNT": 3})
    found = captures(read(calendar(meeting, weekly, prodid="-//Microsoft Corporation//Outlook 16.0 MIMEDIR//EN")))
    assert found["040000008200E00074C5B7101A82E008"].at == at(2026, 12, 3, 9, 0)
    # Pacific time: 16:00 UTC in summer time, 17:00 UTC after 1 November.
    assert sorted(c.at for k, c in found.items() if k.startswith("outlook-weekly/")) == [
        at(2026, 10, 20, 16), at(2026, 10, 27, 16), at(2026, 11, 3, 17)]


def test_floating_times_and_all_day_events_are_read_in_the_source_zone_else_utc():
    cal = calendar(event("f1", dt.datetime(2026, 12, 10, 9, 0)), event("d1", dt.date(2026, 12, 11)))
    assert {k: c.at for k, c in captures(read(cal)).items()} == {"f1": at(2026, 12, 10, 9), "d1": at(2026, 12, 11)}
    assert {k: c.at for k, c in captures(read(cal, BERLIN)).items()} == {
        "f1": at(2026, 12, 10, 8), "d1": at(2026, 12, 10, 23)}


def test_a_recurring_meeting_with_an_exdate_a_moved_and_a_cancelled_occurrence():
    start = dt.datetime(2026, 11, 2, 10, 0, tzinfo=BERLIN)
    series = event("weekly-1", start, rrule={"FREQ": "WEEKLY", "COUNT": 5}, exdate=start + dt.timedelta(weeks=1),
                   organizer="me@example.org", attendees=[("ada@example.org", "ACCEPTED")], sequence=1)
    moved = event("weekly-1", start + dt.timedelta(weeks=2, hours=3), recurrence_id=start + dt.timedelta(weeks=2),
                  organizer="me@example.org", attendees=[("ada@example.org", "ACCEPTED")], sequence=2)
    cancelled = event("weekly-1", start + dt.timedelta(weeks=3), recurrence_id=start + dt.timedelta(weeks=3),
                      organizer="me@example.org", attendees=[("ada@example.org", "ACCEPTED")], status="CANCELLED",
                      sequence=2)
    found = captures(read(calendar(series, moved, cancelled)))
    assert {k: (c.at, c.outcome) for k, c in found.items()} == {
        "weekly-1/2026-11-02T09:00:00Z": (at(2026, 11, 2, 9), Outcome.COMPLETED),
        # 9 November is an EXDATE: no occurrence
        "weekly-1/2026-11-16T09:00:00Z": (at(2026, 11, 16, 12), Outcome.COMPLETED),  # moved by three hours
        "weekly-1/2026-11-23T09:00:00Z": (at(2026, 11, 23, 9), Outcome.CANCELLED),
        "weekly-1/2026-11-30T09:00:00Z": (at(2026, 11, 30, 9), Outcome.COMPLETED),
    }
    assert found["weekly-1/2026-11-16T09:00:00Z"].sequence == 2


def test_a_cancelled_event_and_an_emailed_cancellation_are_cancelled_meetings():
    off = event("c1", at(2026, 11, 10, 13), status="CANCELLED", attendees=[("ada@example.org", "ACCEPTED")])
    assert captures(read(calendar(off)))["c1"].outcome is Outcome.CANCELLED
    invite = event("c2", at(2026, 11, 12, 13), attendees=[("ada@example.org", "ACCEPTED")])
    assert captures(read(calendar(invite, method="CANCEL")))["c2"].outcome is Outcome.CANCELLED
    assert captures(read(calendar(invite)))["c2"].outcome is Outcome.COMPLETED


def test_a_moved_meeting_with_a_higher_sequence_keeps_its_external_id():
    before = captures(read(calendar(event("lunch-7", at(2026, 11, 10, 12), sequence=0))))
    after = captures(read(calendar(event("lunch-7", at(2026, 11, 12, 12), sequence=1))))
    assert list(before) == list(after) == ["lunch-7"]
    assert (before["lunch-7"].at, before["lunch-7"].sequence) == (at(2026, 11, 10, 12), 0)
    assert (after["lunch-7"].at, after["lunch-7"].sequence) == (at(2026, 11, 12, 12), 1)


def test_only_occurrences_inside_the_window_are_read():
    cal = calendar(
        event("old", SINCE - dt.timedelta(days=2)),
        event("far", UNTIL + dt.timedelta(days=2)),
        event("daily", dt.datetime(2020, 1, 1, 8, 0, tzinfo=dt.timezone.utc), rrule={"FREQ": "DAILY"}),
    )
    found = captures(read(cal))
    assert "old" not in found and "far" not in found
    days = sorted(c.at for c in found.values())
    assert days[0] == at(2025, 11, 23, 8) and days[-1] == at(2027, 1, 21, 8)
    assert len(days) == 425 and all(SINCE <= d <= UNTIL for d in days)


def test_a_broken_file_is_one_skip_naming_what_is_broken():
    for data, why in ((b"", "empty"), (b"this is no calendar\r\n", "Content line could not be parsed"),
                      (b"BEGIN:VEVENT\r\nUID:x\r\nEND:VEVENT\r\n", "no VCALENDAR"),
                      (b"BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:y\r\n", "cut short (no END:VCALENDAR)"),
                      (calendar(event("z", at(2026, 11, 4, 9))).to_ical() + b"BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\n",
                       "cut short")):
        items = read(data)
        assert len(items) == 1 and items[0].external_id == "work.ics", data
        assert items[0].reason.startswith("broken calendar file: ") and why in items[0].reason, items[0].reason


def test_a_broken_event_is_skipped_and_the_others_are_still_read():
    good = event("good", at(2026, 11, 4, 9), attendees=[("ada@example.org", "ACCEPTED")])
    text = calendar(good).to_ical().replace(b"END:VCALENDAR", (
        b"BEGIN:VEVENT\r\nUID:bad-start\r\nDTSTART:20261341T250000\r\nEND:VEVENT\r\n"
        b"BEGIN:VEVENT\r\nUID:bad-rule\r\nDTSTART:20261105T100000Z\r\nRRULE:FREQ=SOMETIMES\r\nEND:VEVENT\r\n"
        b"BEGIN:VEVENT\r\nUID:no-start\r\nSUMMARY:when?\r\nEND:VEVENT\r\n"
        b"BEGIN:VEVENT\r\nDTSTART:20261105T100000Z\r\nSUMMARY:no uid\r\nEND:VEVENT\r\n"
        b"BEGIN:VEVENT\r\nUID:roman\r\nDTSTART:00090101T100000Z\r\nEND:VEVENT\r\n"
        b"BEGIN:VEVENT\r\nUID:every-minute\r\nDTSTART:20261105T100000Z\r\nRRULE:FREQ=MINUTELY\r\nEND:VEVENT\r\n"
        b"END:VCALENDAR"))
    items = read(text)
    assert list(captures(items)) == ["good"]
    reasons = {s.external_id: s.reason for s in skips(items)}
    assert set(reasons) == {"bad-start", "bad-rule", "no-start", "work.ics", "roman", "every-minute"}
    assert reasons["bad-start"].startswith("broken calendar event: DTSTART: ")
    assert reasons["bad-rule"].startswith("broken calendar event: RRULE: ")
    assert reasons["no-start"] == "broken calendar event: no DTSTART"
    assert reasons["work.ics"] == "broken calendar file: an event without UID"
    assert reasons["roman"] == "broken calendar event: DTSTART out of range (0009-01-01T10:00:00+00:00)"
    assert reasons["every-minute"] == "broken calendar event: repeats minutely"


@pytest.mark.parametrize("zone", ["Mars/Olympus_Mons", ""])
def test_an_unknown_x_wr_timezone_falls_back_to_the_source_zone(zone):
    found = captures(read(calendar(event("f", dt.datetime(2026, 12, 1, 9, 0)), x_wr_timezone=zone), BERLIN))
    assert found["f"].at == at(2026, 12, 1, 8)


def test_a_skip_reason_never_quotes_the_file():
    (skip,) = read(b"\x1b]0;owned\x07\x1b[31mBEGIN:NOTHING private notes about Ada\r\n")
    assert skip.reason == "broken calendar file: Content line could not be parsed into parts"
    bad = calendar().to_ical().replace(b"END:VCALENDAR", b"BEGIN:VEVENT\r\nUID:x\r\nDTSTART:\x1b[2J2026\r\n"
                                                           b"END:VEVENT\r\nEND:VCALENDAR")
    (skip,) = read(bad)
    assert skip.reason.startswith("broken calendar event: DTSTART: ")
    assert not any(ord(ch) < 32 or 0x7F <= ord(ch) <= 0x9F for ch in skip.reason), skip.reason


def test_a_file_holding_several_calendars_is_read_whole():
    berlin = calendar(event("b1", dt.datetime(2026, 11, 4, 9, 0)), x_wr_timezone="Europe/Berlin")
    plain = calendar(event("u1", dt.datetime(2026, 11, 4, 9, 0)))
    found = captures(read(berlin.to_ical() + plain.to_ical()))
    assert {k: c.at for k, c in found.items()} == {"b1": at(2026, 11, 4, 8), "u1": at(2026, 11, 4, 9)}
