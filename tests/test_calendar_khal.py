"""A real calendar client: khal imports the export, and re-imports it after changes.

khal runs as a subprocess with its own config and vdir under tmp_path; it
never sees the user's own calendars.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
from collections import Counter

import icalendar
import pytest

from calendar_support import tool, write_config

pytestmark = pytest.mark.xdist_group("calendar-clients")

KHAL_CONFIG = """\
[calendars]
[[keepwarm]]
path = {vdir}
type = calendar

[locale]
timeformat = %H:%M
dateformat = %Y-%m-%d
longdateformat = %Y-%m-%d
datetimeformat = %Y-%m-%d %H:%M
longdatetimeformat = %Y-%m-%d %H:%M
local_timezone = Europe/Berlin
default_timezone = Europe/Berlin

[sqlite]
path = {db}
"""
FIELDS = ("uid", "start-date", "start-time", "title", "cancelled")


class Khal:
    def __init__(self, root) -> None:
        self.root = root
        self.vdir = root / "calendar"
        self.vdir.mkdir(parents=True)
        self.config = root / "khal.conf"
        self.config.write_text(KHAL_CONFIG.format(vdir=self.vdir, db=root / "khal.db"), encoding="utf-8")
        self.env = {**os.environ, "HOME": str(root), "XDG_CONFIG_HOME": str(root / "xdg-config"),
                    "XDG_DATA_HOME": str(root / "xdg-data"), "TZ": "Europe/Berlin"}

    def __call__(self, *args: str) -> str:
        done = subprocess.run([tool("khal"), "-c", str(self.config), *args], capture_output=True, text=True,
                              timeout=120, env=self.env)
        assert done.returncode == 0, f"khal {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}"
        return done.stdout

    def import_file(self, path) -> None:
        self("import", "--batch", str(path))

    def listing(self, start: str = "2026-11-20", end: str = "2027-03-01") -> list[dict]:
        args = ["list", start, end, "-df", ""]
        for field in FIELDS:
            args += ["--json", field]
        rows: list[dict] = []
        for line in self(*args).splitlines():
            if line.strip():
                rows.extend(json.loads(line))
        return rows

    def files(self) -> list[str]:
        """The events khal reads: *.ics files. (khal 0.14 leaves a temporary
        `<uid>.ics<random>` behind each time an import updates an existing UID;
        it never reads those.)"""
        return sorted(p.name for p in self.vdir.iterdir() if p.suffix == ".ics")


@pytest.fixture
def khal(tmp_path):
    return Khal(tmp_path / "khal")


@pytest.fixture
def world(home, run):
    write_config(home, **{"": {"timezone": "Europe/Berlin"}})
    for args in (
        ("contact", "add", "Ada Lovelace, Countess; \\ 😀", "--account", "Analytical Engines"),
        ("contact", "add", "Bob Stone", "--birthday", "02-28", "--work-anniversary", "2019-12-03"),
        ("followup", "add", "1", "quarterly review", "--due", "2026-11-30", "--channel", "call"),
        ("followup", "add", "Bob", "lunch to say thanks", "--due", "2026-12-02 14:00", "--channel", "meal"),
    ):
        result = run(*args)
        assert result.exit_code == 0, result.stderr
    return run


def _export(run, path, *args) -> dict[str, icalendar.Event]:
    result = run("export", "ics", "-o", str(path), *args)
    assert result.exit_code == 0, result.stderr
    return {str(e["UID"]): e for e in icalendar.Calendar.from_ical(path.read_bytes()).walk("VEVENT")}


def _uid(events, prefix: str) -> str:
    (uid,) = [u for u in events if u.startswith(prefix)]
    return uid


def test_khal_shows_every_event_on_its_day_once(world, khal, tmp_path):
    out = tmp_path / "keepwarm.ics"
    events = _export(world, out, "--dates")
    khal.import_file(out)
    rows = khal.listing()
    shown = Counter(r["uid"] for r in rows)

    followup_uids = [u for u in events if u.startswith("keepwarm-followup-")]
    assert len(followup_uids) >= 2
    for uid in followup_uids:
        assert shown[uid] == 1, uid
        (row,) = [r for r in rows if r["uid"] == uid]
        assert row["title"] == str(events[uid]["SUMMARY"])
        start = events[uid].decoded("DTSTART")
        day = start.astimezone(dt.timezone(dt.timedelta(hours=1))).date() if isinstance(start, dt.datetime) else start
        assert row["start-date"] == day.isoformat()
        assert row["cancelled"] == ""

    ada = [r for r in rows if r["uid"] == _uid(events, "keepwarm-followup-1-")][0]
    assert (ada["start-date"], ada["start-time"]) == ("2026-11-30", "")
    assert ada["title"] == "Call Ada Lovelace, Countess; \\ 😀 — quarterly review"
    lunch = [r for r in rows if r["uid"] == _uid(events, "keepwarm-followup-2-")][0]
    assert (lunch["start-date"], lunch["start-time"]) == ("2026-12-02", "14:00")  # local time in Berlin

    by_title = {r["title"]: r["start-date"] for r in rows}
    assert by_title["Bob Stone — birthday"] == "2027-02-28"  # a yearly event, expanded by khal
    assert by_title["Bob Stone — work anniversary"] == "2026-12-03"


def test_reimport_after_changes_updates_instead_of_duplicating(world, khal, tmp_path):
    out = tmp_path / "keepwarm.ics"
    events = _export(world, out)
    khal.import_file(out)
    files_before = khal.files()
    ada_uid, lunch_uid = _uid(events, "keepwarm-followup-1-"), _uid(events, "keepwarm-followup-2-")

    assert world("followup", "snooze", "1", "--until", "2026-12-08").exit_code == 0
    assert world("followup", "dismiss", "2").exit_code == 0
    _export(world, out)
    khal.import_file(out)
    khal.import_file(out)  # importing the same file twice changes nothing either

    assert khal.files() == files_before
    rows = khal.listing()
    assert all(n == 1 for n in Counter(r["uid"] for r in rows).values())
    ada = [r for r in rows if r["uid"] == ada_uid]
    assert [(r["start-date"], r["cancelled"]) for r in ada] == [("2026-12-08", "")]
    lunch = [r for r in rows if r["uid"] == lunch_uid]
    assert [r["cancelled"].strip() for r in lunch] == ["CANCELLED"]
