"""Everyday dates, relative to the fixed Sunday 2026-11-22 09:00 UTC."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from keepwarm.text import dates
from keepwarm.errors import UserError
from keepwarm.model import ImportantDate

NOW = dt.datetime(2026, 11, 22, 9, 0, tzinfo=dt.timezone.utc)  # a Sunday
TODAY = NOW.date()
UTC = ZoneInfo("UTC")
BERLIN = ZoneInfo("Europe/Berlin")  # UTC+1 in November and December


def test_the_fixed_clock_is_a_sunday():
    assert TODAY.weekday() == 6


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("today", dt.date(2026, 11, 22)),
        ("TODAY", dt.date(2026, 11, 22)),
        ("tomorrow", dt.date(2026, 11, 23)),
        (" Tomorrow ", dt.date(2026, 11, 23)),
        ("yesterday", dt.date(2026, 11, 21)),
        ("+3d", dt.date(2026, 11, 25)),
        ("-2w", dt.date(2026, 11, 8)),
        ("+1m", dt.date(2026, 12, 22)),
        ("+1y", dt.date(2027, 11, 22)),
        ("in 3 days", dt.date(2026, 11, 25)),
        ("in 1 week", dt.date(2026, 11, 29)),
        ("3 days ago", dt.date(2026, 11, 19)),
        ("2 weeks ago", dt.date(2026, 11, 8)),
        ("friday", dt.date(2026, 11, 27)),
        ("fri", dt.date(2026, 11, 27)),
        ("next friday", dt.date(2026, 11, 27)),
        ("monday", dt.date(2026, 11, 23)),
        ("last monday", dt.date(2026, 11, 16)),
        ("last friday", dt.date(2026, 11, 20)),
        # On a Sunday, "sunday" means the coming one, never today.
        ("sunday", dt.date(2026, 11, 29)),
        ("last sunday", dt.date(2026, 11, 15)),
        ("2026-12-01", dt.date(2026, 12, 1)),
    ],
)
def test_everyday_days(text, expected):
    assert dates.parse_day(text, TODAY) == expected
    assert dates.parse_when(text, NOW, UTC) == (expected, None)


@pytest.mark.parametrize(
    ("today", "text", "expected"),
    [
        (dt.date(2026, 1, 31), "+1m", dt.date(2026, 2, 28)),
        (dt.date(2024, 1, 31), "+1m", dt.date(2024, 2, 29)),
        (dt.date(2026, 3, 31), "-1m", dt.date(2026, 2, 28)),
        (dt.date(2026, 5, 31), "+1m", dt.date(2026, 6, 30)),
        (dt.date(2026, 12, 31), "+2m", dt.date(2027, 2, 28)),
        (dt.date(2024, 2, 29), "+1y", dt.date(2025, 2, 28)),
    ],
)
def test_months_and_years_stop_at_the_end_of_a_short_month(today, text, expected):
    assert dates.parse_day(text, today) == expected


def test_a_day_and_a_time_in_the_users_zone_are_stored_in_utc():
    assert dates.parse_when("2026-12-01 14:00", NOW, BERLIN) == (dt.date(2026, 12, 1), dt.time(14, 0))
    assert dates.parse_moment("2026-12-01 14:00", NOW, BERLIN) == dt.datetime(2026, 12, 1, 13, 0, tzinfo=dt.timezone.utc)
    assert dates.parse_moment("2026-12-01T14:00", NOW, UTC) == dt.datetime(2026, 12, 1, 14, 0, tzinfo=dt.timezone.utc)


def test_an_iso_time_with_an_offset_is_converted_to_the_users_zone():
    # 14:00 at +05:00 is 09:00 UTC, 10:00 in Berlin.
    assert dates.parse_when("2026-12-01T14:00+05:00", NOW, BERLIN) == (dt.date(2026, 12, 1), dt.time(10, 0))
    assert dates.parse_moment("2026-12-01T14:00+05:00", NOW, BERLIN) == dt.datetime(
        2026, 12, 1, 9, 0, tzinfo=dt.timezone.utc
    )
    # Late in the evening at -08:00 is already the next day in Berlin.
    assert dates.parse_when("2026-12-01T20:30-08:00", NOW, BERLIN) == (dt.date(2026, 12, 2), dt.time(5, 30))


@pytest.mark.parametrize(
    ("text", "day", "time"),
    [
        ("9am", dt.date(2026, 11, 22), dt.time(9, 0)),
        ("3pm", dt.date(2026, 11, 22), dt.time(15, 0)),
        ("12am", dt.date(2026, 11, 22), dt.time(0, 0)),
        ("12pm", dt.date(2026, 11, 22), dt.time(12, 0)),
        ("14:00", dt.date(2026, 11, 22), dt.time(14, 0)),
        ("tomorrow 9am", dt.date(2026, 11, 23), dt.time(9, 0)),
        ("friday at 3pm", dt.date(2026, 11, 27), dt.time(15, 0)),
        ("yesterday 15:30", dt.date(2026, 11, 21), dt.time(15, 30)),
        ("2026-12-01 2pm", dt.date(2026, 12, 1), dt.time(14, 0)),
    ],
)
def test_times_of_day(text, day, time):
    assert dates.parse_when(text, NOW, UTC) == (day, time)


def test_a_bare_time_is_today_in_the_users_zone():
    assert dates.parse_moment("3pm", NOW, BERLIN) == dt.datetime(2026, 11, 22, 14, 0, tzinfo=dt.timezone.utc)


def test_today_without_a_time_is_now_and_another_day_is_noon_local():
    assert dates.parse_moment("today", NOW, BERLIN) == NOW
    assert dates.parse_moment("yesterday", NOW, BERLIN) == dt.datetime(2026, 11, 21, 11, 0, tzinfo=dt.timezone.utc)


def test_the_users_today_follows_their_zone():
    late = dt.datetime(2026, 11, 22, 23, 30, tzinfo=dt.timezone.utc)  # already Monday in Berlin
    assert dates.parse_when("today", late, BERLIN) == (dt.date(2026, 11, 23), None)
    assert dates.parse_when("today", late, UTC) == (dt.date(2026, 11, 22), None)


@pytest.mark.parametrize("text", ["2026-02-30", "2026-13-01", "2026-02-30 10:00", "2026-04-31T09:00"])
def test_impossible_dates_are_refused_naming_the_field(text):
    with pytest.raises(UserError) as caught:
        dates.parse_when(text, NOW, UTC, field="due")
    message = caught.value.message
    assert message.startswith(f"due: {text!r} is not a day of the calendar")
    assert "2026-12-01" in message and "tomorrow" in message
    assert "\n" not in message


def test_impossible_day_refused_by_parse_day():
    with pytest.raises(UserError) as caught:
        dates.parse_day("2026-02-30", TODAY, field="until")
    assert caught.value.message.startswith("until: '2026-02-30' is not a day of the calendar (expected a date such as")


@pytest.mark.parametrize("text", ["garbage", "next blursday", "+3 fortnights", "25:00", "tomorrow 25:00", "13pm", "42"])
def test_garbage_is_refused_naming_the_field_and_the_accepted_forms(text):
    with pytest.raises(UserError) as caught:
        dates.parse_when(text, NOW, UTC, field="when")
    message = caught.value.message
    assert message == f"when: {text!r} is not {dates.EXPECTED}"


def test_empty_is_refused():
    with pytest.raises(UserError, match=r"^when: empty \(expected a date such as"):
        dates.parse_when("   ", NOW, UTC)


def test_unknown_time_zone_is_a_user_error():
    with pytest.raises(UserError, match="time zone 'Mars/Olympus' is not an IANA time zone name"):
        dates.zone("Mars/Olympus")
    assert dates.zone("Europe/Berlin") == BERLIN


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("--03-14", (None, 3, 14)),
        ("03-14", (None, 3, 14)),
        ("--0314", (None, 3, 14)),
        ("1985-03-14", (1985, 3, 14)),
        ("19850314", (1985, 3, 14)),
        ("02-29", (None, 2, 29)),
    ],
)
def test_yearless_birthdays(text, expected):
    assert dates.parse_yearless(text) == expected


def test_yearless_garbage_names_the_field():
    with pytest.raises(UserError) as caught:
        dates.parse_yearless("soon", field="birthday")
    assert caught.value.message == "birthday: 'soon' is not a date (expected 1985-03-14, or 03-14 without a year)"


def test_29_february_without_a_year_and_its_next_occurrence():
    leap_day = ImportantDate(kind="birthday", month=2, day=29)
    assert leap_day.as_text() == "--02-29"
    # In a common year it is kept on 28 February; in a leap year on the 29th.
    assert leap_day.next_occurrence(dt.date(2026, 11, 22)) == dt.date(2027, 2, 28)
    assert leap_day.next_occurrence(dt.date(2027, 3, 1)) == dt.date(2028, 2, 29)
    assert leap_day.next_occurrence(dt.date(2028, 2, 29)) == dt.date(2028, 2, 29)
    assert ImportantDate(month=3, day=14).next_occurrence(dt.date(2026, 3, 14)) == dt.date(2026, 3, 14)
    assert ImportantDate(month=3, day=14).next_occurrence(dt.date(2026, 3, 15)) == dt.date(2027, 3, 14)


def test_29_february_of_a_common_year_is_refused():
    with pytest.raises(ValueError, match="2026-02-29 is not a day of 2026"):
        ImportantDate(month=2, day=29, year=2026)
    with pytest.raises(ValueError, match="02-30 is not a day of the year"):
        ImportantDate(month=2, day=30)
