"""`calendar publish` against the real Radicale server once events were deleted, on a calendar
the user may not write, and with a password written into the URL (issue #17, point 11)."""

from __future__ import annotations

import pytest

from test_calendar_radicale import (  # noqa: F401 -- the fixtures, shared with the main Radicale tests
    PASSWORD,
    USER,
    calendar_name,
    ours,
    publish,
    radicale,
    world,
)

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("calendar-clients")]


def test_publish_again_after_a_deletion_is_not_an_error(world, radicale, calendar_name):
    assert publish(world, radicale, calendar_name).exit_code == 0
    assert world("followup", "done", "2").exit_code == 0
    first = publish(world, radicale, calendar_name)
    assert first.exit_code == 0, first.stderr
    assert "1 deleted" in first.stdout
    # The sync-token listing now names the deleted object; loading it is a 404: gone, not an error.
    again = publish(world, radicale, calendar_name)
    assert again.exit_code == 0, again.stderr
    kept = len(ours(radicale.components(calendar_name)))
    assert again.stdout.strip().endswith(f": 0 created, 0 updated, 0 deleted, {kept} unchanged.")
    assert world("followup", "add", "2", "send the slides", "--due", "2026-11-28").exit_code == 0
    third = publish(world, radicale, calendar_name)
    assert third.exit_code == 0, third.stderr
    assert third.stdout.strip().endswith(f": 1 created, 0 updated, 0 deleted, {kept} unchanged.")
    assert len(ours(radicale.components(calendar_name))) == kept + 1


def test_a_calendar_the_user_may_not_use_is_forbidden_not_refused_credentials(world, radicale):
    other = radicale.url.replace(f"/{USER}/", "/bob/")
    result = world("calendar", "publish", other, "--user", USER, "--password-stdin", input=PASSWORD + "\n")
    assert result.exit_code == 2
    assert result.stderr.strip().splitlines() == [
        f"keepwarm: {other}: the server refused access for user 'ada' (HTTP 403 forbidden: "
        "the credentials were accepted, but this account may not use that calendar)"
    ]


def _with_password(url: str, password: str) -> str:
    from urllib.parse import quote

    return url.replace("http://", f"http://{USER}:{quote(password, safe='')}@", 1)


def test_a_password_in_the_url_is_never_echoed(world, radicale, calendar_name):
    from urllib.parse import quote

    wrong = "hunter2-wrong"
    url = _with_password(radicale.url, wrong)
    refused = world("calendar", "publish", url, "--calendar", calendar_name)
    assert refused.exit_code == 2
    assert wrong not in refused.stdout + refused.stderr
    assert refused.stderr.strip().splitlines() == [
        f"keepwarm: {radicale.url.replace('http://', 'http://ada:***@')}: the server refused the credentials "
        "(no user given; use --user) (check the user name and password)"
    ]

    good = _with_password(radicale.url, PASSWORD)
    published = world("calendar", "publish", good, "--calendar", calendar_name)
    assert published.exit_code == 0, published.stderr
    everything = published.stdout + published.stderr
    assert PASSWORD not in everything and quote(PASSWORD, safe="") not in everything
    assert f"Published to http://127.0.0.1:{radicale.port}/ada/" in published.stdout

    unreachable = _with_password(f"http://127.0.0.1:{radicale.port + 1 if radicale.port < 65535 else 1}/ada/", wrong)
    gone = world("calendar", "publish", unreachable)
    assert gone.exit_code == 2
    assert wrong not in gone.stdout + gone.stderr
    assert gone.stderr.count("\n") == 1

    odd = world("calendar", "publish", f"ftp://ada:{wrong}@example.com/cal")
    assert odd.exit_code == 2
    assert wrong not in odd.stderr and "ftp://ada:***@example.com/cal" in odd.stderr
