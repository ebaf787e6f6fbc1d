"""Calendar polish for newcomers (issue #17, point 23): overdue follow-ups stand on today saying how
late they are, all-day reminders come on the day at a configurable time, titles are cut between
words. The clock is the fixed one of the tests: Sunday 22 November 2026, 09:00 UTC."""

from __future__ import annotations

import datetime as dt

import pytest

from calendar_support import parse_both, write_config
from keepwarm.calendar import description as words
from keepwarm.model import Channel, Contact, FollowUp
from test_calendar_radicale import PASSWORD, USER, ours, radicale  # noqa: F401 -- the real Radicale server

UTC = dt.timezone.utc
TODAY = dt.date(2026, 11, 22)


@pytest.fixture
def late_world(home, run):
    write_config(home, **{"": {"timezone": "Europe/Berlin"}})
    for args in (
        ("contact", "add", "Ada Lovelace"),
        ("contact", "add", "Bob Stone"),
        ("followup", "add", "Ada", "send the engine drawings", "--due", "2026-05-01", "--channel", "email"),
        ("followup", "add", "Bob", "thank him for the intro", "--due", "2026-11-21"),
        ("followup", "add", "Bob", "call about the renewal", "--due", "2026-11-18 15:30", "--channel", "call"),
        ("followup", "add", "Ada", "quarterly review", "--due", "2026-11-30"),
    ):
        result = run(*args)
        assert result.exit_code == 0, result.stderr
    return run


def export(run, path, *args) -> dict:
    result = run("export", "ics", "-o", str(path), *args)
    assert result.exit_code == 0, result.stderr
    return parse_both(path.read_bytes())


def by_summary(parsed: dict, needle: str):
    found = [p for p in parsed.values() if needle in p.summary]
    assert len(found) == 1, [p.summary for p in parsed.values()]
    return found[0]


def test_overdue_followups_stand_on_today_saying_how_late_they_are(late_world, tmp_path):
    parsed = export(late_world, tmp_path / "cal.ics")

    drawings = by_summary(parsed, "send the engine drawings")
    assert drawings.summary == "205 days late: Email Ada Lovelace — send the engine drawings"
    assert (drawings.start, drawings.end) == (TODAY, TODAY + dt.timedelta(days=1))
    assert drawings.description.startswith(
        "205 days late: it was due on 2026-05-01, and stays on today until it is done or moved.\n\n"
        "send the engine drawings"
    )

    thanks = by_summary(parsed, "thank him for the intro")
    assert thanks.summary == "1 day late: Reach out to Bob Stone — thank him for the intro"
    assert thanks.start == TODAY

    # A timed follow-up whose day has passed is all day today; its notes keep the old time.
    renewal = by_summary(parsed, "call about the renewal")
    assert renewal.summary == "4 days late: Call Bob Stone — call about the renewal"
    assert renewal.start == TODAY
    assert renewal.description.startswith("4 days late: it was due on 2026-11-18 15:30,")

    # What is not late stays where it is.
    review = by_summary(parsed, "quarterly review")
    assert review.summary == "Reach out to Ada Lovelace — quarterly review"
    assert review.start == dt.date(2026, 11, 30)


def test_the_next_day_moves_the_overdue_event_and_raises_its_sequence(late_world, tmp_path, monkeypatch):
    out = tmp_path / "cal.ics"
    first = by_summary(export(late_world, out), "send the engine drawings")
    monkeypatch.setenv("KEEPWARM_NOW", "2026-11-23T09:00:00+00:00")
    second = by_summary(export(late_world, out), "send the engine drawings")
    assert second.uid == first.uid
    assert (second.start, second.summary) == (dt.date(2026, 11, 23), "206 days late: Email Ada Lovelace — send the engine drawings")
    assert second.sequence == first.sequence + 1  # a calendar re-importing the file moves it, not duplicates it


def test_all_day_reminders_come_on_the_day_at_the_default_time(late_world, tmp_path):
    parsed = export(late_world, tmp_path / "cal.ics")
    review = by_summary(parsed, "quarterly review")
    assert review.triggers == [dt.timedelta(hours=9)]  # TRIGGER:PT9H after the start of the day, not -PT30M
    assert b"TRIGGER:PT9H\r\n" in (tmp_path / "cal.ics").read_bytes()
    assert b"TRIGGER:-PT30M\r\n" not in (tmp_path / "cal.ics").read_bytes()  # no timed item is in the future here


def test_the_all_day_reminder_time_comes_from_the_config(late_world, home, tmp_path):
    write_config(home, **{"": {"timezone": "Europe/Berlin"}}, calendar={"alarm_time": "07:30"})
    events = export(late_world, tmp_path / "cal.ics")
    assert by_summary(events, "quarterly review").triggers == [dt.timedelta(hours=7, minutes=30)]
    todos = export(late_world, tmp_path / "todo.ics", "--todo")
    # A to-do's reminder is absolute: 07:30 in Berlin (UTC+1) on its due day.
    assert by_summary(todos, "quarterly review").triggers == [dt.datetime(2026, 11, 30, 6, 30, tzinfo=UTC)]


def test_a_bad_reminder_time_in_the_config_is_one_line(late_world, home, tmp_path):
    path = write_config(home, calendar={"alarm_time": "25:00"})
    result = late_world("export", "ics", "-o", str(tmp_path / "cal.ics"))
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1
    assert result.stderr == f"keepwarm: {path}: calendar.alarm_time: '25:00' is not a time of day (expected HH:MM, e.g. 09:00)\n"
    assert not (tmp_path / "cal.ics").exists()


# ------------------------------------------------------------------ titles


def _followup(reason: str) -> FollowUp:
    return FollowUp(id=1, contact_id=1, due=TODAY, reason=reason, rule_key="manual", channel=Channel.CALL)


@pytest.mark.parametrize("reason", [
    "Discuss the procurement timeline for the northern distribution centres and their warehouse automation pilot",
    "Ask about the Zusammenarbeitsvereinbarung between both subsidiaries, and whether legal countersigned it",
    "Follow up on the integration questions, the security questionnaire, the data-processing addendum and pricing",
])
def test_titles_are_cut_between_words_with_an_ellipsis(reason):
    title = words.summary(_followup(reason), Contact(name="Ada Lovelace"))
    head = "Call Ada Lovelace — "
    assert title.startswith(head) and title.endswith("…")
    kept = title[len(head):-1]
    assert len(kept) < words.TOPIC_LIMIT
    assert reason.startswith(kept)
    assert reason[len(kept)] in " ,", f"cut inside a word: {kept!r}"
    assert not kept.endswith((" ", ","))


def test_a_single_overlong_word_is_the_only_thing_cut_inside():
    assert words.shorten("x" * 100, 20) == "x" * 19 + "…"
    assert words.shorten("short enough", 20) == "short enough"


# ------------------------------------------------------------------ the same on a CalDAV server

@pytest.mark.slow
@pytest.mark.xdist_group("calendar-clients")
def test_publish_puts_overdue_followups_on_today_too(late_world, radicale):  # noqa: F811
    name = "kw overdue"
    result = late_world("calendar", "publish", radicale.url, "--user", USER, "--password-stdin", "--calendar", name,
                        input=PASSWORD + "\n")
    assert result.exit_code == 0, result.stderr
    assert "create  2026-11-22  205 days late: Email Ada Lovelace — send the engine drawings" in result.stdout
    on_server = {str(c["SUMMARY"]): c for c in ours(radicale.components(name)).values()}
    drawings = on_server["205 days late: Email Ada Lovelace — send the engine drawings"]
    assert drawings.decoded("DTSTART") == TODAY
    assert [a.decoded("TRIGGER") for a in drawings.walk("VALARM")] == [dt.timedelta(hours=9)]
    assert str(drawings["DESCRIPTION"]).startswith("205 days late: it was due on 2026-05-01")


# ------------------------------------------------------------------ DTSTAMP and byte-identical exports


def _stamps(data: bytes) -> dict[str, tuple[int, dt.datetime]]:
    return {uid: (p.sequence, p.stamp) for uid, p in parse_both(data).items()}


def test_two_exports_of_unchanged_data_are_byte_identical_even_hours_apart(late_world, tmp_path, monkeypatch):
    out = tmp_path / "cal.ics"
    assert late_world("export", "ics", "-o", str(out), "--dates").exit_code == 0
    first = out.read_bytes()
    monkeypatch.setenv("KEEPWARM_NOW", "2026-11-22T17:45:00+00:00")
    assert late_world("export", "ics", "-o", str(out), "--dates").exit_code == 0
    assert out.read_bytes() == first
    assert {stamp for _, stamp in _stamps(first).values()} == {dt.datetime(2026, 11, 22, 9, 0, tzinfo=UTC)}


def test_dtstamp_moves_with_sequence_when_an_event_changes(late_world, tmp_path, monkeypatch):
    out = tmp_path / "cal.ics"
    assert late_world("export", "ics", "-o", str(out)).exit_code == 0
    before = _stamps(out.read_bytes())
    monkeypatch.setenv("KEEPWARM_NOW", "2026-11-22T17:45:00+00:00")
    review = [f for f in late_world("followup", "list", "--json").json() if f["reason"] == "quarterly review"][0]
    assert late_world("followup", "snooze", str(review["id"]), "--until", "2026-12-07").exit_code == 0
    assert late_world("export", "ics", "-o", str(out)).exit_code == 0
    after = _stamps(out.read_bytes())
    changed = {uid for uid in after if after[uid] != before.get(uid)}
    assert len(changed) == 1
    (uid,) = changed
    assert after[uid][0] > before[uid][0]  # SEQUENCE rose ...
    assert after[uid][1] == dt.datetime(2026, 11, 22, 17, 45, tzinfo=UTC)  # ... and DTSTAMP with it
