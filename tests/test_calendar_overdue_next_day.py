"""Overdue follow-ups move to each new today, in a published calendar too (issue #20, point 7), while a run with
nothing changed rewrites nothing. The clock is the tests' fixed one (Sunday 22 November 2026, 09:00 UTC), moved a
day on through KEEPWARM_NOW."""

from __future__ import annotations

import datetime as dt

import pytest

from test_calendar_overdue import late_world  # noqa: F401 -- the scenario: two late follow-ups, one timed, one ahead
from test_calendar_radicale import PASSWORD, USER, ours, radicale  # noqa: F401 -- the real Radicale server

NEXT_DAY = "2026-11-23T09:00:00+00:00"


def publish(run, server, name: str):
    result = run("calendar", "publish", server.url, "--user", USER, "--password-stdin", "--calendar", name,
                 input=PASSWORD + "\n")
    assert result.exit_code == 0, result.stderr
    return result


def on_server(server, name: str) -> dict[str, object]:
    return {str(c["SUMMARY"]): c for c in ours(server.components(name)).values()}


@pytest.mark.slow
@pytest.mark.xdist_group("calendar-clients")
def test_a_new_day_moves_the_late_events_on_the_server_and_leaves_the_rest(late_world, radicale, monkeypatch):  # noqa: F811
    name = "kw overdue next day"
    publish(late_world, radicale, name)
    first = on_server(radicale, name)
    ahead = {summary for summary in first if "late:" not in summary}  # the quarterly review, the cadence's check-ins
    drawings = first["205 days late: Email Ada Lovelace — send the engine drawings"]

    # Published again the same day: every event on the server matches (X-KEEPWARM-HASH), none is rewritten.
    again = publish(late_world, radicale, name)
    assert f"0 created, 0 updated, 0 deleted, {len(first)} unchanged." in again.stdout

    monkeypatch.setenv("KEEPWARM_NOW", NEXT_DAY)
    moved = publish(late_world, radicale, name)
    assert f"0 created, 3 updated, 0 deleted, {len(ahead)} unchanged." in moved.stdout
    second = on_server(radicale, name)
    assert set(second) == ahead | {
        "206 days late: Email Ada Lovelace — send the engine drawings",
        "2 days late: Reach out to Bob Stone — thank him for the intro",
        "5 days late: Call Bob Stone — call about the renewal",
    }
    later = second["206 days late: Email Ada Lovelace — send the engine drawings"]
    assert later["UID"] == drawings["UID"]
    assert later.decoded("DTSTART") == dt.date(2026, 11, 23)
    assert int(later["SEQUENCE"]) > int(drawings["SEQUENCE"])
    assert [a.decoded("TRIGGER") for a in later.walk("VALARM")] == [dt.timedelta(hours=9)]  # 09:00 on the new day
    assert all(second[summary]["SEQUENCE"] == first[summary]["SEQUENCE"] for summary in ahead)  # not late: untouched


def test_a_new_day_moves_only_the_late_events_of_an_export(late_world, tmp_path, monkeypatch):  # noqa: F811
    from test_calendar_overdue import export

    out = tmp_path / "cal.ics"
    first = {p.uid: p for p in export(late_world, out).values()}
    assert out.read_bytes() == (export(late_world, out) and out.read_bytes())  # the same day: byte for byte
    monkeypatch.setenv("KEEPWARM_NOW", NEXT_DAY)
    second = {p.uid: p for p in export(late_world, out).values()}
    moved = {uid for uid in second if (second[uid].start, second[uid].sequence) != (first[uid].start, first[uid].sequence)}
    assert sorted(second[uid].summary.split(":")[0] for uid in moved) == ["2 days late", "206 days late", "5 days late"]
    assert {second[uid].start for uid in moved} == {dt.date(2026, 11, 23)}
