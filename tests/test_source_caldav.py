"""The CalDAV calendar source against a real Radicale (issue #18): events put with the caldav library, read back."""

from __future__ import annotations

import datetime as dt
import shlex
import sys
from urllib.parse import quote, urlsplit

import pytest

from keepwarm.plugin import Checkpoint, Outcome, Person
from keepwarm_plugins import source_caldav
from keepwarm_plugins._calendar_read import CalendarSourceError
from radicale_server import PASSWORD, USER, free_port, radicale  # noqa: F401 -- the real Radicale server
from source_calendar_support import at, calendar, captures, event, last_checkpoint, request

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("calendar-clients")]


def prints(secret: str) -> str:
    """A password_command printing `secret`, as `pass show dav` would (run without a shell)."""
    return shlex.join([sys.executable, "-c", "import sys; print(sys.argv[1])", secret])


def options(url: str, password: str = PASSWORD, **more) -> source_caldav.Options:
    return source_caldav.Options(url=url, username=USER, password_command=prints(password), **more)


def new_calendar(server, name: str):
    return server.client().principal().make_calendar(name=name)


def put(cal, *events) -> None:
    """Plain PUTs, as a client syncing the calendar does (caldav's own save helpers bump SEQUENCE)."""
    base = str(cal.url).rstrip("/") + "/"
    for ev in events:
        response = cal.client.put(base + quote(str(ev["UID"]), safe="") + ".ics", calendar(ev).to_ical().decode(),
                                  {"Content-Type": "text/calendar; charset=utf-8"})
        assert response.status in (201, 204), response.status


@pytest.fixture
def work(radicale, request):  # noqa: F811
    cal = new_calendar(radicale, f"work {request.node.name[:30]}")
    put(cal,
        event("review@x", at(2026, 11, 3, 14), summary="Review", organizer="me@example.org",
              attendees=[("Ada@Example.org", "DECLINED"), ("bob@example.org", "ACCEPTED")], sequence=3),
        event("standup@x", dt.datetime(2026, 11, 2, 9, 30), start_params={"TZID": "W. Europe Standard Time"},
              rrule={"FREQ": "WEEKLY", "COUNT": 3}, attendees=[("ada@example.org", "ACCEPTED")]),
        event("off@x", at(2026, 11, 12, 16), status="CANCELLED", attendees=[("bob@example.org", "ACCEPTED")]))
    return cal


def test_events_on_a_caldav_calendar_become_captures(work):
    items = list(source_caldav.read(request(options(str(work.url)))))
    found = captures(items)
    assert {k: (c.at, c.outcome, c.sequence) for k, c in found.items()} == {
        "review@x": (at(2026, 11, 3, 14), Outcome.COMPLETED, 3),
        "standup@x/2026-11-02T08:30:00Z": (at(2026, 11, 2, 8, 30), Outcome.COMPLETED, 0),
        "standup@x/2026-11-09T08:30:00Z": (at(2026, 11, 9, 8, 30), Outcome.COMPLETED, 0),
        "standup@x/2026-11-16T08:30:00Z": (at(2026, 11, 16, 8, 30), Outcome.COMPLETED, 0),
        "off@x": (at(2026, 11, 12, 16), Outcome.CANCELLED, 0),
    }
    assert found["review@x"].people == (
        Person("me@example.org", "organizer", "me"),
        Person("Ada@Example.org", "attendee", "", "DECLINED"),
        Person("bob@example.org", "attendee", "", "ACCEPTED"),
    )
    assert found["review@x"].subject == "Review"
    assert last_checkpoint(items).complete


def test_an_unchanged_calendar_is_not_read_again_and_a_changed_one_is(radicale, work):  # noqa: F811
    first = last_checkpoint(list(source_caldav.read(request(options(str(work.url))))))
    assert list(source_caldav.read(request(options(str(work.url)), first.cursor))) == [Checkpoint(first.cursor)]

    put(work, event("review@x", at(2026, 11, 5, 10), summary="Review", organizer="me@example.org",
                    attendees=[("ada@example.org", "ACCEPTED")], sequence=4))  # moved, SEQUENCE bumped
    again = list(source_caldav.read(request(options(str(work.url)), first.cursor)))
    found = captures(again)
    assert (found["review@x"].at, found["review@x"].sequence) == (at(2026, 11, 5, 10), 4)
    assert last_checkpoint(again).complete and last_checkpoint(again).cursor != first.cursor


def test_the_account_url_reads_every_calendar_or_the_one_named(radicale, work):  # noqa: F811
    other = new_calendar(radicale, "home for the account test")
    put(other, event("dinner@x", at(2026, 11, 7, 19), attendees=[("carol@example.org", "ACCEPTED")]))
    everything = captures(source_caldav.read(request(options(radicale.url))))
    assert {"review@x", "off@x", "dinner@x"} <= set(everything)
    named = captures(source_caldav.read(request(options(radicale.url, calendar="home for the account test"))))
    assert set(named) == {"dinner@x"}
    with pytest.raises(CalendarSourceError) as caught:
        list(source_caldav.read(request(options(radicale.url, calendar="Holidays"))))
    assert str(caught.value).startswith(f"{radicale.url}: no calendar named 'Holidays' (the account has: ")
    assert "'home for the account test'" in str(caught.value)


def test_a_wrong_password_is_one_line_without_the_password(radicale, work):  # noqa: F811
    wrong = "not-the-s3cret; really"
    with pytest.raises(CalendarSourceError) as caught:
        list(source_caldav.read(request(options(str(work.url), password=wrong))))
    message = str(caught.value)
    assert message == (f"{work.url}: the server refused the credentials for user {USER!r} "
                       "(check username and password_command)")
    assert wrong not in message and PASSWORD not in message


def test_a_failing_password_command_and_an_unreachable_server_are_one_line(radicale):  # noqa: F811
    failing = shlex.join([sys.executable, "-c", "import sys; sys.exit('pass: dav is not in the password store')"])
    with pytest.raises(CalendarSourceError) as caught:
        list(source_caldav.read(request(source_caldav.Options(url=radicale.url, username=USER,
                                                              password_command=failing))))
    # Its error output is never shown (a failing command may print the secret there): the command and its status.
    assert str(caught.value) == f"{radicale.url}: password_command {failing!r} failed with exit status 1"
    nobody = f"http://{USER}:{PASSWORD}@127.0.0.1:{free_port()}/{USER}/"
    with pytest.raises(CalendarSourceError) as caught:
        list(source_caldav.read(request(options(nobody))))
    message = str(caught.value)
    masked = f"http://{USER}:***@127.0.0.1:{urlsplit(nobody).port}/{USER}/"
    assert message.startswith(f"{masked}: cannot reach the CalDAV server (")
    assert PASSWORD not in message and "\n" not in message


def test_the_password_command_runs_without_a_shell_and_says_why_it_failed():
    from keepwarm_plugins._password_command import PasswordCommandError, run_password_command

    tricky = "p@ss; rm -rf / && echo $HOME 'quoted'"
    silent = shlex.join([sys.executable, "-c", "pass"])
    assert run_password_command(prints(tricky)) == tricky  # no shell: nothing expanded, nothing run
    for command, expected in (
        ("", "password_command is empty: name a command that prints the password"),
        ("pass show 'dav", "password_command \"pass show 'dav\" cannot be read (No closing quotation): "
                           "check its quotes"),
        ("/nonexistent/keepwarm-pass show dav", "password_command '/nonexistent/keepwarm-pass show dav': "
                                                 "command not found"),
        (silent, f"password_command {silent!r} printed no password on its first line"),
    ):
        with pytest.raises(PasswordCommandError) as caught:
            run_password_command(command)
        assert str(caught.value) == expected
