"""The calendar's pure parts: folding, words, entries, sequence bookkeeping, the CalDAV plan."""

from __future__ import annotations

import datetime as dt
import warnings
from zoneinfo import ZoneInfo

import icalendar
import ics
import pytest

from keepwarm.api.types import Suggestion, Tip, Warning
from keepwarm.calendar import description as words
from keepwarm.calendar import events
from keepwarm.calendar.caldav_publish import Remote, make_plan
from keepwarm.calendar.components import KeepwarmEvent, build_calendar
from keepwarm.calendar.entries import CANCELLED, Entry, is_ours
from keepwarm.calendar.folding import fold_line, fold_text
from keepwarm.calendar.serialize import serialize
from keepwarm.calendar.state import KEEP_CANCELLED, Record, settle
from keepwarm.model import Channel, Contact, DateKind, FollowUp, FollowUpStatus, ImportantDate

UTC = dt.timezone.utc
NOW = dt.datetime(2026, 11, 22, 9, 0, tzinfo=UTC)
BERLIN = ZoneInfo("Europe/Berlin")


def _contact(**fields) -> Contact:
    values = dict(id=7, uid="c0ffee-7", name="Ada Lovelace")
    values.update(fields)
    return Contact(**values)


def _followup(**fields) -> FollowUp:
    values = dict(id=12, contact_id=7, due=dt.date(2026, 12, 1), reason="monthly check-in", sequence=2,
                  updated_at=NOW)
    values.update(fields)
    return FollowUp(**values)


# ------------------------------------------------------------------ folding


@pytest.mark.parametrize("text", [
    "DESCRIPTION:" + "a" * 300,
    "DESCRIPTION:" + "é" * 200,
    "DESCRIPTION:" + "😀" * 100,
    "DESCRIPTION:" + "x😀" * 90,
    "SUMMARY:" + "ab\\n\\,\\;\\\\" * 40,
    "DESCRIPTION:" + ("👩‍💻 🇩🇪 e\u0301 " * 30),
])
def test_folded_lines_are_at_most_75_octets_and_unfold_to_the_original(text):
    physical = fold_line(text)
    assert len(physical) > 1
    assert all(len(p.encode("utf-8")) <= 75 for p in physical)
    assert all(p.startswith(" ") for p in physical[1:])
    assert physical[0] + "".join(p[1:] for p in physical[1:]) == text


def test_a_fold_never_splits_an_escape_pair():
    # 74 a's put the backslash of "\n" at octet 75 of the first line.
    line = "X:" + "a" * 72 + "\\n" + "b" * 100
    first, second, *_ = fold_line(line)
    assert not first.endswith("\\")
    assert second.startswith(" \\n")


def test_an_escaped_backslash_at_the_cut_is_not_mistaken_for_an_escape_start():
    line = "X:" + "a" * 71 + "\\\\" + "b" * 100  # "\\\\" is one escaped backslash, ending at octet 75
    first = fold_line(line)[0]
    assert first.endswith("\\\\") and len(first.encode()) == 75


def test_short_lines_stay_whole_and_every_line_ends_in_crlf():
    text = fold_text("BEGIN:VCALENDAR\nVERSION:2.0\r\nEND:VCALENDAR")
    assert text == "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nEND:VCALENDAR\r\n"


# ------------------------------------------------------------------ words


def test_summary_uses_the_channel_verb_and_the_head_of_the_reason():
    contact = _contact()
    assert words.summary(_followup(channel=Channel.CALL), contact) == "Call Ada Lovelace — monthly check-in"
    long_reason = "Monthly check-in with Ada (tier A): you have not been in touch for 40 days."
    assert words.summary(_followup(reason=long_reason), contact) == (
        "Reach out to Ada Lovelace — Monthly check-in with Ada (tier A)")
    assert words.summary(_followup(channel=Channel.MEAL, reason="Say thanks. Then ask."), contact) == (
        "Share a meal with Ada Lovelace — Say thanks")


def test_summary_is_one_short_line_even_for_a_multiline_reason():
    reason = "line one\nline two " + "x" * 200
    title = words.summary(_followup(reason=reason), _contact(name="Zoë\nO'Brien"))
    assert "\n" not in title
    assert title.startswith("Reach out to Zoë O'Brien — line one line two")
    assert title.endswith("…") and len(title) < 130


def test_description_holds_reason_action_advice_contact_facts_and_notes_in_order():
    contact = _contact(account="Analytical Engines", title="CTO", phones=["+44 20 7946 0000"],
                       emails=["ada@example.com"], best_time="mornings", notes="Likes poetry;\nhates, commas")
    text = words.describe(
        _followup(action="send the benchmark, then call"),
        contact,
        tips=[Tip("Lead with facts.", "style"), Tip("Send the agenda first.", "style")],
        warnings=[Warning("a", "Replies are slower.", 2), Warning("b", "A promise is overdue.", 3)],
        suggestions=[Suggestion("s1", "Share the report", "it fits their interest", 0.9),
                     Suggestion("s2", "Ask a small favor", "", 0.5),
                     Suggestion("s3", "Introduce Bob", "x", 0.4),
                     Suggestion("s4", "Fourth idea", "y", 0.1)],
    )
    assert text == (
        "monthly check-in\n\n"
        "Suggested action: send the benchmark, then call\n\n"
        "Ideas that build trust:\n- Share the report (it fits their interest)\n- Ask a small favor\n"
        "- Introduce Bob (x)\n\n"
        "How to talk to them:\n- Lead with facts.\n- Send the agenda first.\n\n"
        "Watch out:\n- urgent: A promise is overdue.\n- warning: Replies are slower.\n\n"
        "Account: Analytical Engines (CTO)\nReach them: +44 20 7946 0000, ada@example.com\nBest time: mornings\n\n"
        "Notes:\nLikes poetry;\nhates, commas"
    )


def test_description_without_engine_advice_keeps_reason_and_action_only():
    text = words.describe(_followup(action="call"), _contact())
    assert text == "monthly check-in\n\nSuggested action: call"


def test_clean_turns_every_line_break_into_lf_and_drops_control_characters():
    assert words.clean("a\r\nb\rc\u2028d\x0be\x00f\x1bg\th") == "a\nb\nc\nd\nef" + "g\th"


# ------------------------------------------------------------------ entries


def test_followup_uid_depends_on_identity_not_on_time_or_content():
    contact = _contact()
    first = events.followup_entry(_followup(), contact, "x", tz=UTC)
    moved = events.followup_entry(_followup(due=dt.date(2027, 1, 5), reason="other", sequence=9), contact, "y", tz=UTC)
    assert first.uid == moved.uid
    assert first.uid.startswith("keepwarm-followup-12-") and is_ours(first.uid)
    other_db = events.followup_entry(_followup(), _contact(uid="another-db-contact"), "x", tz=UTC)
    assert other_db.uid != first.uid
    todo = events.followup_entry(_followup(), contact, "x", tz=UTC, kind="VTODO")
    assert todo.uid != first.uid and todo.uid.startswith("keepwarm-todo-12-")


def test_all_day_by_default_timed_in_the_users_zone_and_snoozed_on_the_wake_day():
    contact = _contact()
    all_day = events.followup_entry(_followup(), contact, "", tz=BERLIN)
    assert (all_day.start, all_day.end, all_day.all_day) == (dt.date(2026, 12, 1), dt.date(2026, 12, 2), True)
    timed = events.followup_entry(_followup(due_time=dt.time(14, 0)), contact, "", tz=BERLIN)
    assert timed.start == dt.datetime(2026, 12, 1, 13, 0, tzinfo=UTC)  # 14:00 in Berlin (CET)
    assert timed.end - timed.start == dt.timedelta(minutes=30)
    snoozed = events.followup_entry(
        _followup(status=FollowUpStatus.SNOOZED, snoozed_until=dt.date(2026, 12, 9)), contact, "", tz=BERLIN)
    assert snoozed.start == dt.date(2026, 12, 9) and snoozed.status == "CONFIRMED"


def test_closed_followups_are_cancelled_events_and_done_todos_are_completed():
    contact = _contact()
    dismissed = events.followup_entry(_followup(status=FollowUpStatus.DISMISSED, closed_at=NOW), contact, "", tz=UTC)
    assert dismissed.status == CANCELLED and dismissed.alarm_minutes is None
    done_event = events.followup_entry(_followup(status=FollowUpStatus.DONE, closed_at=NOW), contact, "", tz=UTC)
    assert done_event.status == CANCELLED
    done_todo = events.followup_entry(_followup(status=FollowUpStatus.DONE, closed_at=NOW), contact, "", tz=UTC,
                                      kind="VTODO")
    assert (done_todo.status, done_todo.completed) == ("COMPLETED", NOW)


def test_yearly_dates_recur_and_29_february_falls_back_to_the_end_of_february():
    contact = _contact()
    birthday = events.date_entry(ImportantDate(kind=DateKind.BIRTHDAY, month=12, day=10, year=1985), contact)
    assert birthday.rrule == "FREQ=YEARLY;BYMONTH=12;BYMONTHDAY=10"
    assert birthday.start == dt.date(1985, 12, 10) and birthday.summary == "Ada Lovelace — birthday"
    leap = events.date_entry(ImportantDate(kind=DateKind.BIRTHDAY, month=2, day=29), contact)
    assert leap.rrule == "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=-1" and leap.start == dt.date(1972, 2, 29)
    old = events.date_entry(ImportantDate(kind=DateKind.CUSTOM, month=3, day=1, year=1837, label="firm founded"),
                            contact)
    assert old.start == dt.date(1972, 3, 1) and old.summary == "Ada Lovelace — firm founded"
    # The occurrences a client computes land on the right days.
    text = serialize(build_calendar([leap], stamp=NOW, tz=UTC, name="", prodid="-//t//EN"))
    event = icalendar.Calendar.from_ical(text).walk("VEVENT")[0]
    from dateutil.rrule import rrulestr

    rule = rrulestr(event["RRULE"].to_ical().decode(), dtstart=dt.datetime(1972, 2, 29))
    assert [d.date() for d in rule.between(dt.datetime(2026, 1, 1), dt.datetime(2029, 1, 1))] == [
        dt.date(2026, 2, 28), dt.date(2027, 2, 28), dt.date(2028, 2, 29)]


def test_fingerprint_follows_what_the_calendar_shows_not_the_sequence():
    entry = Entry(uid="keepwarm-x@keepwarm", kind="VEVENT", summary="A", start=dt.date(2026, 12, 1))
    assert entry.fingerprint() == entry.with_sequence(5).fingerprint()
    assert entry.fingerprint() != Entry(uid=entry.uid, kind="VEVENT", summary="A",
                                        start=dt.date(2026, 12, 2)).fingerprint()


# ------------------------------------------------------------------ ics objects


def test_our_fast_make_all_day_gives_what_ics_gives():
    begin = dt.datetime(2026, 12, 1, tzinfo=UTC)
    ours, theirs = KeepwarmEvent(name="x", uid="u@x", begin=begin), ics.Event(name="x", uid="u@x", begin=begin)
    ours.make_all_day()
    theirs.make_all_day()
    assert (ours.all_day, ours.begin, ours.end, ours.duration) == (theirs.all_day, theirs.begin, theirs.end,
                                                                    theirs.duration)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)
        assert ours.serialize().splitlines() == theirs.serialize().splitlines()


def test_alarms_come_after_the_properties_and_a_zero_minute_alarm_is_valid():
    entry = Entry(uid="keepwarm-x@keepwarm", kind="VEVENT", summary="A", start=dt.date(2026, 12, 1),
                  end=dt.date(2026, 12, 2), alarm_minutes=0)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no FutureWarning leaks out of serialize()
        text = serialize(build_calendar([entry], stamp=NOW, tz=BERLIN, name="", prodid="-//t//EN"))
    lines = text.split("\r\n")
    assert lines.index("BEGIN:VALARM") > lines.index("UID:keepwarm-x@keepwarm")
    # Local midnight in Berlin, as UTC; ics alone would have written "TRIGGER:P".
    assert "TRIGGER;VALUE=DATE-TIME:20261130T230000Z" in lines


def test_export_order_is_by_start_so_equal_data_gives_equal_bytes():
    entries = [Entry(uid=f"keepwarm-{i}@keepwarm", kind="VEVENT", summary=str(i),
                     start=dt.date(2026, 12, 1) + dt.timedelta(days=(7 * i) % 5)) for i in range(5)]
    one = serialize(build_calendar(entries, stamp=NOW, tz=UTC, name="n", prodid="-//t//EN"))
    two = serialize(build_calendar(list(reversed(entries)), stamp=NOW, tz=UTC, name="n", prodid="-//t//EN"))
    assert one == two
    starts = [line for line in one.split("\r\n") if line.startswith("DTSTART")]
    assert starts == sorted(starts)


# ------------------------------------------------------------------ export state


def _entry(uid: str, summary: str = "A", seq: int = 0, day: int = 1) -> Entry:
    return Entry(uid=uid, kind="VEVENT", summary=summary, start=dt.date(2026, 12, day), sequence=seq)


def test_settle_raises_sequence_only_when_the_content_changed():
    first, records = settle({}, [_entry("u1"), _entry("u2")], {}, NOW)
    assert [e.sequence for e in first] == [0, 0]
    again, records = settle(records, [_entry("u1"), _entry("u2", summary="B")], {}, NOW)
    assert {e.uid: e.sequence for e in again} == {"u1": 0, "u2": 1}
    # The follow-up's own sequence wins when it is higher.
    later, _ = settle(records, [_entry("u1", seq=4), _entry("u2", summary="B")], {}, NOW)
    assert {e.uid: e.sequence for e in later} == {"u1": 4, "u2": 1}


def test_settle_cancels_what_is_gone_repeats_it_for_a_while_then_forgets_it():
    _, records = settle({}, [_entry("u1"), _entry("u2", day=9)], {}, NOW)
    out, records = settle(records, [_entry("u1")], {}, NOW)
    gone = [e for e in out if e.uid == "u2"][0]
    assert (gone.status, gone.sequence, gone.start) == (CANCELLED, 1, dt.date(2026, 12, 9))
    assert records["u2"].cancelled_at == NOW.isoformat()
    # A file exported but never imported must not lose the cancellation.
    out, records = settle(records, [_entry("u1")], {}, NOW + dt.timedelta(days=3))
    assert [(e.uid, e.status, e.sequence) for e in out if e.uid == "u2"] == [("u2", CANCELLED, 1)]
    out, records = settle(records, [_entry("u1")], {}, NOW + KEEP_CANCELLED + dt.timedelta(days=1))
    assert [e.uid for e in out] == ["u1"] and "u2" not in records


def test_settle_prefers_the_database_version_of_a_closed_item():
    previous = {"u1": Record(seq=3, hash="h", kind="VEVENT", summary="A", start="2026-12-01", followup_id=1)}
    closing = {"u1": _entry("u1", summary="from db", seq=6)}
    out, _ = settle(previous, [], {"u1": closing["u1"]}, NOW)
    assert [(e.summary, e.sequence) for e in out] == [("from db", 6)]


# ------------------------------------------------------------------ CalDAV plan


def test_plan_creates_updates_deletes_and_leaves_the_rest():
    keep, change, new = _entry("keepwarm-a@keepwarm"), _entry("keepwarm-b@keepwarm", "B2"), _entry("keepwarm-c@keepwarm")
    remote = {
        "keepwarm-a@keepwarm": Remote("keepwarm-a@keepwarm", "/a", keep.fingerprint(), 0, "A"),
        "keepwarm-b@keepwarm": Remote("keepwarm-b@keepwarm", "/b", "old", 4, "B"),
        "keepwarm-d@keepwarm": Remote("keepwarm-d@keepwarm", "/d", "x", 0, "D"),
        "keepwarm-t@keepwarm": Remote("keepwarm-t@keepwarm", "/t", "x", 0, "T", kind="VTODO"),
    }
    plan = make_plan([keep, change, new], remote)
    assert [e.uid for e in plan.create] == ["keepwarm-c@keepwarm"]
    assert [(e.uid, e.sequence) for e, _ in plan.update] == [("keepwarm-b@keepwarm", 5)]
    assert [r.uid for r in plan.delete] == ["keepwarm-d@keepwarm"]  # the to-do is another mirror's
    assert plan.unchanged == 1
