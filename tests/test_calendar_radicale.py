"""`keepwarm calendar publish` against a real CalDAV server: Radicale on 127.0.0.1.

The server (tests/radicale_server.py) is shared with the CalDAV source tests.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest

from calendar_support import write_config
from radicale_server import PASSWORD, USER, Server, calendar_name, free_port, radicale  # noqa: F401 -- shared fixtures

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("calendar-clients")]


@pytest.fixture
def world(home, run):
    write_config(home, **{"": {"timezone": "Europe/Berlin"}})
    for args in (
        ("contact", "add", "Ada Lovelace, Countess; \\ 😀", "--account", "Analytical Engines"),
        ("contact", "add", "Bob Stone", "--birthday", "02-28"),
        ("followup", "add", "1", "quarterly review", "--due", "2026-11-30", "--channel", "call"),
        ("followup", "add", "Bob", "lunch to say thanks", "--due", "2026-12-02 14:00", "--channel", "meal"),
    ):
        result = run(*args)
        assert result.exit_code == 0, result.stderr
    return run


def publish(run, server: Server, name: str, *args: str, password: str = PASSWORD):
    return run("calendar", "publish", server.url, "--user", USER, "--password-stdin", "--calendar", name, *args,
               input=password + "\n")


def ours(components) -> dict[str, object]:
    found = [c for c in components if str(c["UID"]).startswith("keepwarm-")]
    counts = Counter(str(c["UID"]) for c in found)
    assert all(n == 1 for n in counts.values()), counts
    return {str(c["UID"]): c for c in found}


def by_followup(components: dict, followup_id: int):
    (uid,) = [u for u in components if u.startswith(f"keepwarm-followup-{followup_id}-")]
    return components[uid]


def test_publish_mirrors_the_export(world, radicale, calendar_name, tmp_path):
    result = publish(world, radicale, calendar_name, "--dates")
    assert result.exit_code == 0, result.stderr
    assert f"created calendar {calendar_name!r}" in result.stdout
    on_server = ours(radicale.components(calendar_name))

    out = tmp_path / "same.ics"
    assert world("export", "ics", "-o", str(out), "--dates").exit_code == 0
    import icalendar

    exported = {str(c["UID"]): c for c in icalendar.Calendar.from_ical(out.read_bytes()).walk("VEVENT")}
    assert set(on_server) == set(exported)
    for uid, event in exported.items():
        there = on_server[uid]
        for field in ("SUMMARY", "DESCRIPTION", "STATUS", "SEQUENCE"):
            assert str(there.get(field)) == str(event.get(field)), (uid, field)
        assert there.decoded("DTSTART") == event.decoded("DTSTART")
    lunch = by_followup(on_server, 2)
    assert lunch.decoded("DTSTART") == dt.datetime(2026, 12, 2, 13, 0, tzinfo=dt.timezone.utc)

    again = publish(world, radicale, calendar_name, "--dates")
    assert again.exit_code == 0
    assert again.stdout.strip().endswith(f"0 created, 0 updated, 0 deleted, {len(exported)} unchanged.")


def test_changes_update_in_place_and_closed_followups_disappear(world, radicale, calendar_name):
    assert publish(world, radicale, calendar_name).exit_code == 0
    before = ours(radicale.components(calendar_name))
    foreign = ("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\nBEGIN:VEVENT\r\nUID:dentist-1@example.com\r\n"
               "DTSTAMP:20261122T090000Z\r\nDTSTART;VALUE=DATE:20261201\r\nSUMMARY:Dentist\r\nEND:VEVENT\r\n"
               "END:VCALENDAR\r\n")
    radicale.calendar(calendar_name).save_event(foreign)

    assert world("followup", "snooze", "1", "--until", "2026-12-08").exit_code == 0
    assert world("followup", "dismiss", "2").exit_code == 0
    result = publish(world, radicale, calendar_name)
    assert result.exit_code == 0, result.stderr
    assert "delete  Share a meal with Bob Stone — lunch to say thanks" in result.stdout

    components = radicale.components(calendar_name)
    after = ours(components)
    ada_before, ada_after = by_followup(before, 1), by_followup(after, 1)
    assert ada_after.decoded("DTSTART") == dt.date(2026, 12, 8)
    assert int(ada_after["SEQUENCE"]) > int(ada_before["SEQUENCE"])
    assert not [u for u in after if u.startswith("keepwarm-followup-2-")]
    assert set(after) == set(before) - {str(by_followup(before, 2)["UID"])}
    assert "dentist-1@example.com" in {str(c["UID"]) for c in components}  # not ours: left alone


def test_dry_run_shows_the_changes_and_changes_nothing(world, radicale, calendar_name):
    result = publish(world, radicale, calendar_name, "--dry-run")
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.strip().splitlines()
    assert lines[0] == f"would create calendar {calendar_name!r}"
    assert "create  2026-11-30  Call Ada Lovelace, Countess; \\ 😀 — quarterly review" in lines
    assert "create  2026-12-02 14:00  Share a meal with Bob Stone — lunch to say thanks" in lines
    assert lines[-1].startswith("Dry run: would create ")
    assert radicale.calendar(calendar_name) is None

    assert publish(world, radicale, calendar_name).exit_code == 0
    assert world("followup", "dismiss", "1").exit_code == 0
    before = ours(radicale.components(calendar_name))
    dry = publish(world, radicale, calendar_name, "--dry-run")
    assert "delete  Call Ada Lovelace, Countess; \\ 😀 — quarterly review" in dry.stdout
    assert set(ours(radicale.components(calendar_name))) == set(before)


def test_todos_are_mirrored_apart_from_events(world, radicale, calendar_name):
    assert publish(world, radicale, calendar_name).exit_code == 0
    events = ours(radicale.components(calendar_name))
    result = publish(world, radicale, calendar_name, "--todo")
    assert result.exit_code == 0, result.stderr
    everything = ours(radicale.components(calendar_name))
    todos = {uid: c for uid, c in everything.items() if c.name == "VTODO"}
    assert len(todos) == len(events)
    assert set(everything) == set(events) | set(todos)  # the events were not deleted
    assert by_followup({u.replace("todo", "followup"): c for u, c in todos.items()}, 1).decoded("DUE") == dt.date(
        2026, 11, 30)


def test_credentials_can_come_from_the_config_or_a_prompt(world, radicale, calendar_name, home):
    write_config(home, **{"": {"timezone": "Europe/Berlin"}},
                 calendar={"url": radicale.url, "username": USER, "password": PASSWORD})
    result = world("calendar", "publish", "--calendar", calendar_name)
    assert result.exit_code == 0, result.stderr
    assert ours(radicale.components(calendar_name))

    write_config(home, **{"": {"timezone": "Europe/Berlin"}}, calendar={"url": radicale.url, "username": USER})
    prompted = world("calendar", "publish", "--calendar", calendar_name, input=PASSWORD + "\n")
    assert prompted.exit_code == 0, prompted.stderr
    assert "Password for ada" in prompted.stderr
    assert PASSWORD not in prompted.stdout + prompted.stderr


def test_wrong_credentials_are_one_line(world, radicale, calendar_name):
    result = publish(world, radicale, calendar_name, password="wrong")
    assert result.exit_code == 2
    assert result.stderr.strip().splitlines() == [
        f"keepwarm: {radicale.url}: the server refused the credentials for user 'ada' (check the user name and password)"
    ]
    assert radicale.calendar(calendar_name) is None


def test_an_unreachable_server_is_one_line(world):
    url = f"http://127.0.0.1:{free_port()}/ada/"
    result = world("calendar", "publish", url, "--user", "ada", "--password-stdin", input="x\n")
    assert result.exit_code == 2
    assert result.stderr.strip().splitlines() == [f"keepwarm: {url}: cannot reach the CalDAV server (connection refused)"]


def test_a_url_without_a_calendar_is_one_line(world, radicale):
    url = radicale.url + "no-such-calendar/"
    result = world("calendar", "publish", url, "--user", USER, "--password-stdin", input=PASSWORD + "\n")
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and url in lines[0] and "no calendar there" in lines[0]


@pytest.mark.parametrize("args, words", [
    ((), "none given"),
    (("ftp://example.com/cal",), "is not a web address"),
])
def test_a_missing_or_odd_url_is_one_line(world, args, words):
    result = world("calendar", "publish", *args)
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and words in lines[0]
