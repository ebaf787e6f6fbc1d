"""`keepwarm export ics`: what the file holds, read back by two independent parsers."""

from __future__ import annotations

import datetime as dt
import json
import os
import stat

import pytest
import vobject

from calendar_support import (
    AWKWARD_ACTION,
    AWKWARD_NAME,
    check_physical_lines,
    calendar_properties,
    long_note,
    parse_both,
    write_config,
)

UTC = dt.timezone.utc
FIXED_NOW = dt.datetime(2026, 11, 22, 9, 0, tzinfo=UTC)
REASON = "quarterly review, part 1; bring C:\\q3\\deck\nthen ask about 🇩🇪 expansion"
ONE_LINE_NAME = " ".join(AWKWARD_NAME.split())


@pytest.fixture
def out_dir(tmp_path):
    """Where exports go: apart from the keepwarm home, so a folder listing shows only them."""
    folder = tmp_path / "exports"
    folder.mkdir()
    return folder


@pytest.fixture
def world(home, run):
    """Zoë (awkward name, 2,000-character notes) and Bob; three hand-made follow-ups, user in Berlin."""
    write_config(home, **{"": {"timezone": "Europe/Berlin"}},
                 calendar={"alarm_minutes": 45, "name": "Work, people; \\ 🤝"})
    steps = [
        ("contact", "add", AWKWARD_NAME, "--notes", long_note(), "--account", "Acme, Inc.; \\ Ltd",
         "--phone", "+49 30 1234"),
        ("contact", "add", "Bob Stone", "--birthday", "1990-02-28", "--work-anniversary", "2019-12-03"),
        ("followup", "add", "1", REASON, "--due", "2026-11-30", "--channel", "call", "--action", AWKWARD_ACTION),
        ("followup", "add", "Bob", "lunch to say thanks", "--due", "2026-12-02 14:00", "--channel", "meal"),
        ("followup", "add", "Bob", "far away", "--due", "2027-06-01"),
    ]
    for args in steps:
        result = run(*args)
        assert result.exit_code == 0, result.stderr
    return run


def export(run, path, *args) -> dict:
    result = run("export", "ics", "-o", str(path), *args)
    assert result.exit_code == 0, result.stderr
    data = path.read_bytes()
    check_physical_lines(data)
    return parse_both(data)


def by_followup(parsed: dict, followup_id: int, noun: str = "followup"):
    found = [p for uid, p in parsed.items() if uid.startswith(f"keepwarm-{noun}-{followup_id}-")]
    assert len(found) == 1, sorted(parsed)
    return found[0]


def followups(run) -> dict[int, dict]:
    return {f["id"]: f for f in run("followup", "list", "--all", "--json").json()}


# ---------------------------------------------------------------- content


def test_awkward_text_survives_both_parsers_field_by_field(world, out_dir):
    out = out_dir / "follow-ups.ics"
    parsed = export(world, out)

    zoe = by_followup(parsed, 1)
    assert zoe.summary == f"Call {ONE_LINE_NAME} — quarterly review, part 1; bring C:\\q3\\deck then ask about 🇩🇪 expansion"
    assert zoe.description.startswith(REASON + "\n\nSuggested action: " + AWKWARD_ACTION + "\n\n")
    assert "Account: Acme, Inc.; \\ Ltd\nReach them: +49 30 1234" in zoe.description
    assert zoe.description.endswith("Notes:\n" + long_note().strip())
    assert len(long_note()) == 2000
    assert (zoe.start, zoe.end) == (dt.date(2026, 11, 30), dt.date(2026, 12, 1))
    assert (zoe.status, zoe.sequence, zoe.categories) == ("CONFIRMED", 0, ["keepwarm", "manual", "call"])
    assert zoe.triggers == [dt.timedelta(hours=9)]  # an all-day item: at [calendar] alarm_time on its day
    assert zoe.stamp == FIXED_NOW

    lunch = by_followup(parsed, 2)
    assert lunch.summary == "Share a meal with Bob Stone — lunch to say thanks"
    # 14:00 in Berlin (CET, UTC+1) is 13:00 UTC.
    assert (lunch.start, lunch.end) == (dt.datetime(2026, 12, 2, 13, 0, tzinfo=UTC),
                                        dt.datetime(2026, 12, 2, 13, 30, tzinfo=UTC))

    assert not [uid for uid in parsed if uid.startswith("keepwarm-followup-3-")]  # beyond 90 days
    props = calendar_properties(out.read_bytes())
    # X- and NAME values are TEXT, escaped; icalendar hands them back raw, vobject unescapes.
    assert props["X-WR-CALNAME"] == props["NAME"] == "Work\\, people\\; \\\\ 🤝"
    cal = vobject.readOne(out.read_text(encoding="utf-8"))
    assert cal.x_wr_calname.value == cal.contents["name"][0].value == "Work, people; \\ 🤝"
    assert props["VERSION"] == "2.0" and props["METHOD"] == "PUBLISH"
    assert props["PRODID"].startswith("-//keepwarm//keepwarm ")
    assert stat.S_IMODE(out.stat().st_mode) == 0o600


def test_every_open_followup_in_the_horizon_is_exported_once(world, out_dir):
    parsed = export(world, out_dir / "a.ics")
    items = followups(world)
    horizon = dt.date(2026, 11, 22) + dt.timedelta(days=90)
    expected = {i for i, f in items.items() if f["status"] in ("open", "snoozed")
                and dt.date.fromisoformat(f["snoozed_until"] or f["due"]) <= horizon}
    exported = {int(uid.split("-")[2]) for uid in parsed if uid.startswith("keepwarm-followup-")}
    assert exported == expected
    assert len(expected) >= 4  # the three of ours in range, and the engine's own check-ins


def test_description_carries_the_engines_tips_warnings_and_suggestions(world, out_dir, session):
    parsed = export(world, out_dir / "a.ics")
    from keepwarm.engine.evaluate import evaluate

    ev = evaluate(session, persist=False)
    tips, suggestions = ev.tips(1), ev.suggestions(1)
    assert tips, "the built-in tip plugins say something about every contact"
    description = by_followup(parsed, 1).description
    assert "How to talk to them:\n" in description
    for tip in tips:
        assert f"- {tip.text}" in description
    for suggestion in suggestions[:3]:
        assert suggestion.text in description
    for warning in ev.warnings.get(1, []):
        assert warning.message in description


def test_the_same_data_exports_to_the_same_bytes(world, out_dir):
    first, second = out_dir / "1.ics", out_dir / "2.ics"
    export(world, first)
    export(world, second)
    assert first.read_bytes() == second.read_bytes()


def test_standard_output_is_the_default(world):
    result = world("export", "ics")
    assert result.exit_code == 0
    assert result.stdout.startswith("BEGIN:VCALENDAR")
    assert result.stdout.rstrip().endswith("END:VCALENDAR")
    assert "UID:keepwarm-followup-1-" in result.stdout


# ---------------------------------------------------------------- updates


def test_reexport_keeps_uids_and_raises_sequence_only_for_what_changed(world, out_dir):
    out = out_dir / "cal.ics"
    before = export(world, out)
    assert world("followup", "snooze", "1", "--until", "2026-12-08").exit_code == 0
    after = export(world, out)
    assert set(after) == set(before)
    zoe_before, zoe_after = by_followup(before, 1), by_followup(after, 1)
    assert zoe_after.uid == zoe_before.uid
    assert zoe_after.start == dt.date(2026, 12, 8)
    assert zoe_after.sequence > zoe_before.sequence
    assert by_followup(after, 2).sequence == by_followup(before, 2).sequence == 0


def test_done_and_dismissed_come_back_cancelled_to_the_same_target_only(world, out_dir):
    out, other = out_dir / "cal.ics", out_dir / "other.ics"
    before = export(world, out)
    assert world("followup", "dismiss", "1").exit_code == 0
    assert world("followup", "done", "2").exit_code == 0
    after = export(world, out)
    for followup_id in (1, 2):
        item = by_followup(after, followup_id)
        assert item.status == "CANCELLED"
        assert item.sequence > by_followup(before, followup_id).sequence
        assert item.triggers == []
        assert item.start == by_followup(before, followup_id).start
    # Once more: a file exported but never imported must not lose the cancellation.
    again = export(world, out)
    assert by_followup(again, 1).status == "CANCELLED"
    assert by_followup(again, 1).sequence == by_followup(after, 1).sequence
    # A target that never had them gets no cancellations.
    fresh = export(world, other)
    assert not [uid for uid in fresh if uid.startswith(("keepwarm-followup-1-", "keepwarm-followup-2-"))]


def test_a_followup_snoozed_past_the_horizon_moves_instead_of_lingering(world, out_dir):
    out = out_dir / "cal.ics"
    export(world, out)
    assert world("followup", "snooze", "1", "--until", "2027-09-01").exit_code == 0
    after = export(world, out)
    assert by_followup(after, 1).start == dt.date(2027, 9, 1)
    assert by_followup(after, 1).status == "CONFIRMED"
    # A new target only gets what is within the horizon.
    assert not [u for u in export(world, out_dir / "new.ics") if u.startswith("keepwarm-followup-1-")]


# ---------------------------------------------------------------- options


def test_todos_have_due_dates_and_completed_ones_say_so(world, out_dir):
    out = out_dir / "todo.ics"
    parsed = export(world, out, "--todo")
    assert {p.kind for p in parsed.values()} == {"VTODO"}
    zoe, lunch = by_followup(parsed, 1, "todo"), by_followup(parsed, 2, "todo")
    assert (zoe.start, zoe.status) == (dt.date(2026, 11, 30), "NEEDS-ACTION")
    assert b"DUE;VALUE=DATE:20261130" in out.read_bytes()
    assert lunch.start == dt.datetime(2026, 12, 2, 13, 0, tzinfo=UTC)
    # An absolute reminder: 09:00 in Berlin on the due day (all day: alarm_time, not minutes before midnight).
    assert zoe.triggers == [dt.datetime(2026, 11, 30, 8, 0, tzinfo=UTC)]
    assert lunch.triggers == [dt.datetime(2026, 12, 2, 12, 15, tzinfo=UTC)]  # timed: 45 minutes before
    assert world("followup", "done", "1").exit_code == 0
    after = export(world, out, "--todo")
    assert by_followup(after, 1, "todo").status == "COMPLETED"


def test_dates_become_yearly_events_only_when_asked(world, out_dir):
    plain = export(world, out_dir / "plain.ics")
    assert not [uid for uid in plain if uid.startswith("keepwarm-date-")]
    parsed = export(world, out_dir / "dates.ics", "--dates")
    dates = {p.summary: p for uid, p in parsed.items() if uid.startswith("keepwarm-date-")}
    assert set(dates) == {"Bob Stone — birthday", "Bob Stone — work anniversary"}
    birthday = dates["Bob Stone — birthday"]
    assert birthday.rrule == "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=28"
    assert (birthday.start, birthday.end) == (dt.date(1990, 2, 28), dt.date(1990, 3, 1))
    assert birthday.categories == ["keepwarm", "birthday"]
    assert dates["Bob Stone — work anniversary"].start == dt.date(2019, 12, 3)


def test_contact_and_account_narrow_the_export(world, out_dir):
    only_bob = export(world, out_dir / "bob.ics", "--contact", "bob", "--dates")
    assert only_bob and all("Bob Stone" in p.summary for p in only_bob.values())
    acme = export(world, out_dir / "acme.ics", "--account", "acme")
    assert acme and all(ONE_LINE_NAME in p.summary for p in acme.values())


def test_alarm_minutes_option_overrides_the_config(world, out_dir):
    parsed = export(world, out_dir / "a.ics", "--alarm-minutes", "10")
    assert by_followup(parsed, 2).triggers == [dt.timedelta(minutes=-10)]
    assert by_followup(parsed, 1).triggers == [dt.timedelta(hours=9)]  # all day: on its day, at alarm_time
    zero = export(world, out_dir / "z.ics", "--alarm-minutes", "0")
    # At the start of a timed one, as an absolute UTC time.
    assert by_followup(zero, 2).triggers == [dt.datetime(2026, 12, 2, 13, 0, tzinfo=UTC)]
    assert by_followup(zero, 1).triggers == [dt.timedelta(hours=9)]


def test_export_writes_a_summary_line_on_stderr_and_nothing_else_on_stdout(world, out_dir):
    out = out_dir / "cal.ics"
    result = world("export", "ics", "-o", str(out))
    assert result.stdout == ""
    assert result.stderr.strip().splitlines()[-1].startswith("Wrote ")
    assert str(out) in result.stderr


# ---------------------------------------------------------------- bad input


@pytest.mark.parametrize("days", ["0", "-3", "abc", "2.5", "99999"])
def test_a_horizon_that_is_not_a_positive_number_is_one_line_and_writes_nothing(world, out_dir, days):
    out = out_dir / "cal.ics"
    result = world("export", "ics", "-o", str(out), "--days", days)
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "--days" in lines[0], result.stderr
    assert not out.exists()


def test_an_unknown_time_zone_in_the_config_is_one_line(world, home, out_dir):
    write_config(home, **{"": {"timezone": "Mars/Olympus_Mons"}})
    out = out_dir / "cal.ics"
    result = world("export", "ics", "-o", str(out))
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "Mars/Olympus_Mons" in lines[0] and "IANA" in lines[0]
    assert not out.exists()


def test_unwritable_targets_are_one_line_each(world, out_dir):
    blocker = out_dir / "a-file"
    blocker.write_text("x")
    for target, words in [
        (out_dir, "is a folder"),
        (out_dir / "missing" / "cal.ics", "does not exist"),
        (blocker / "cal.ics", "does not exist"),
    ]:
        result = world("export", "ics", "-o", str(target))
        assert result.exit_code == 2, target
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and words in lines[0] and str(target) in lines[0]
    assert sorted(p.name for p in out_dir.iterdir()) == ["a-file"]


def test_a_failed_write_leaves_the_old_file_and_no_debris(world, out_dir, monkeypatch, home):
    out = out_dir / "cal.ics"
    out.write_bytes(b"the previous export")
    out.chmod(0o644)

    def refuse(src, dst):
        raise OSError(28, "No space left on device")

    with monkeypatch.context() as patch:  # undo only this, not the isolated home of the fixtures
        patch.setattr(os, "replace", refuse)
        result = world("export", "ics", "-o", str(out))
    assert result.exit_code == 2
    assert result.stderr.strip().splitlines() == [f"keepwarm: {out}: cannot be written (No space left on device)"]
    assert out.read_bytes() == b"the previous export"
    assert sorted(p.name for p in out_dir.iterdir()) == ["cal.ics"]
    assert not (home / "data" / "calendar-exports.json").exists()
    # And a successful export replaces it, private.
    export(world, out)
    assert stat.S_IMODE(out.stat().st_mode) == 0o600


def test_an_unknown_contact_is_one_line(world, out_dir):
    result = world("export", "ics", "-o", str(out_dir / "x.ics"), "--contact", "nobody")
    assert result.exit_code == 2
    assert result.stderr.strip().splitlines() == ["keepwarm: contact: no contact matches 'nobody'"]


def test_the_export_record_is_private_json_naming_what_was_written(world, out_dir, home):
    out = out_dir / "cal.ics"
    parsed = export(world, out)
    record = home / "data" / "calendar-exports.json"
    assert stat.S_IMODE(record.stat().st_mode) == 0o600
    data = json.loads(record.read_text())
    (key, target), = data["targets"].items()
    assert str(out) in key
    assert set(target["entries"]) == set(parsed)


def test_a_deleted_contact_and_a_do_not_contact_one_are_cancelled_too(world, out_dir):
    out = out_dir / "cal.ics"
    before = export(world, out)
    bob_uids = {uid for uid, p in before.items() if "Bob Stone" in p.summary}
    zoe_uids = {uid for uid, p in before.items() if ONE_LINE_NAME in p.summary}
    assert bob_uids and zoe_uids
    assert world("contact", "rm", "Bob", "--yes").exit_code == 0
    assert world("contact", "edit", "1", "--do-not-contact").exit_code == 0
    after = export(world, out)
    for uid in bob_uids | zoe_uids:
        assert after[uid].status == "CANCELLED", uid
        assert after[uid].sequence > before[uid].sequence
        assert after[uid].start == before[uid].start
        assert after[uid].triggers == []
    assert set(after) == set(before)
