"""What each kind of command imports: the start-up of issue 19 cannot come back unnoticed.

A command that opens the database pays for click, SQLAlchemy, pydantic and its
own module; everything else is loaded by the command that uses it (the plugins
and the engine by the commands that evaluate, the calendar libraries by the
sources that read a calendar, vobject by the vCard commands). Timing is not
asserted (the machine's load would make it flaky): the modules are, in a
process of its own per command, run on a real database through `cli.main`.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from keepwarm.model import Channel, Contact, Direction, Interaction
from keepwarm.home.session import Session
from keepwarm.store import activity, contacts

#: Libraries and keepwarm packages no command below needs.
NEVER = ("alembic", "textual", "rich", "caldav", "icalendar", "recurring_ical_events", "x_wr_timezone", "vobject",
         "ics", "tomlkit", "keepwarm.tui", "keepwarm.calendar", "keepwarm.io", "keepwarm.sources.sync")
#: What only the commands that evaluate contacts (the engine, the plugins) need.
ENGINE = ("keepwarm.engine", "keepwarm.hosting.host", "pluggy", "keepwarm_plugins")


def imported_by(tmp_path, db, *args: str) -> tuple[int, str, set[str]]:
    code = (
        "import io, json, sys, contextlib\n"
        "from keepwarm.cli import cli\n"
        "out = io.StringIO()\n"
        "status = 0\n"
        "with contextlib.redirect_stdout(out):\n"
        "    try:\n"
        f"        cli.main({['--db', str(db), *args]!r}, prog_name='keepwarm')\n"
        "    except SystemExit as exc:\n"
        "        status = exc.code\n"
        "print(json.dumps([status, out.getvalue(), sorted(sys.modules)]))\n"
    )
    env = {**os.environ, "KEEPWARM_HOME": str(tmp_path / "home"), "KEEPWARM_NOW": "2026-03-02T09:00:00+00:00"}
    env.pop("KEEPWARM_DB", None)
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120)
    assert done.stdout, done.stderr
    status, text, modules = json.loads(done.stdout.splitlines()[-1])
    return status, text, set(modules)


def loaded(modules: set[str], prefixes: tuple[str, ...]) -> list[str]:
    return sorted(m for m in modules if any(m == p or m.startswith(p + ".") for p in prefixes))


@pytest.fixture(scope="module")
def book(tmp_path_factory):
    """A book of two people, one with a touch, written through the store."""
    import datetime as dt

    folder = tmp_path_factory.mktemp("startup")
    now = dt.datetime(2026, 3, 2, 9, tzinfo=dt.timezone.utc)
    session = Session(folder / "book.db", now=now)
    with session.store.write() as conn:
        ada = contacts.insert_contact(conn, Contact(name="Ada Lovelace", emails=["ada@example.org"]), now)
        contacts.insert_contact(conn, Contact(name="Charles Babbage"), now)
        activity.insert_interactions(conn, [Interaction(
            contact_id=ada, at=dt.datetime(2026, 2, 20, 10, tzinfo=dt.timezone.utc),
            channel=Channel.EMAIL, direction=Direction.OUTBOUND, notes="the notes on the engine")], now)
    session.close()
    return folder / "book.db", ada


@pytest.mark.parametrize("args", [
    ("contact", "list", "--json"),
    ("history", "{ada}", "--json"),
    ("contact", "show", "999999"),  # the error path: the start-up every database command pays, and no work
    ("account", "list"),
])
def test_a_command_that_only_reads_the_store_loads_no_engine_plugins_or_other_library(tmp_path, book, args):
    db, ada = book
    status, text, modules = imported_by(tmp_path, db, *(a.format(ada=ada) for a in args))
    assert status == (2 if "999999" in args else 0)
    assert "sqlalchemy" in modules  # it did open the database
    if args[0] == "history":
        assert json.loads(text)[0]["notes"] == "the notes on the engine"
    assert loaded(modules, NEVER) == []
    assert loaded(modules, ENGINE) == []


def test_contact_show_loads_the_engine_and_plugins_but_no_calendar_vcard_or_tui_library(tmp_path, book):
    db, ada = book
    status, text, modules = imported_by(tmp_path, db, "contact", "show", str(ada), "--json")
    assert status == 0
    view = json.loads(text)
    assert view["contact"]["name"] == "Ada Lovelace"
    assert [i["notes"] for i in view["recent_interactions"]] == ["the notes on the engine"]
    # the plugins were loaded, the calendar sources with them, but not the libraries they read calendars with
    assert {"keepwarm.engine.evaluate", "keepwarm_plugins.source_ics", "keepwarm_plugins.source_caldav"} <= modules
    assert loaded(modules, NEVER) == []


def test_a_calendar_read_still_loads_its_library_when_it_reads(tmp_path):
    from keepwarm_plugins._calendar_events import Window, read_calendar
    import datetime as dt

    text = ("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//t//EN\r\nBEGIN:VEVENT\r\nUID:one@example.org\r\n"
            "DTSTAMP:20260301T090000Z\r\nDTSTART:20260301T100000Z\r\nDTEND:20260301T110000Z\r\n"
            "SUMMARY:Lunch\r\nATTENDEE:mailto:ada@example.org\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n")
    utc = dt.timezone.utc
    window = Window(dt.datetime(2026, 2, 1, tzinfo=utc), dt.datetime(2026, 3, 2, tzinfo=utc), utc)
    [[capture]] = list(read_calendar(text, "test.ics", window))
    assert capture.external_id == "one@example.org"
    assert capture.at == dt.datetime(2026, 3, 1, 10, tzinfo=utc)
    assert [p.address for p in capture.people] == ["ada@example.org"]


@pytest.mark.parametrize("args", [
    ("restore", "--help"),
    ("export", "json", "--help"),
    ("import", "interactions", "--help"),
    ("source", "--help"),
    ("sync", "--help"),
    ("calendar", "--help"),
])
def test_a_command_that_is_not_run_loads_neither_the_engine_nor_the_io_it_would_run(tmp_path, book, args):
    db, _ = book
    status, text, modules = imported_by(tmp_path, db, *args)
    assert status == 0 and "Usage:" in text
    # `export json` is made by the same module as `export ics`, `sync` reports plugin problems as the agenda
    # does: neither loads the agenda's engine for that
    assert loaded(modules, ENGINE) == []
    assert loaded(modules, ("vobject", "keepwarm.io.vcard_export", "keepwarm.io.backup", "keepwarm.io.restore",
                            "keepwarm.io.demo", "keepwarm.io.imports", "icalendar", "caldav", "ics")) == []


def test_a_second_plugin_host_reads_the_same_distributions_without_parsing_their_metadata_again(monkeypatch):
    from importlib.metadata import entry_points

    from keepwarm.hosting.host import GROUP, PluginHost

    eps = list(entry_points(group=GROUP))
    assert eps, "keepwarm's own plugins are installed as entry points"
    dists = {id(ep.dist): ep.dist for ep in eps if ep.dist is not None}
    reads = []
    for dist in dists.values():
        cls = type(dist)
        original = cls.read_text
        if not getattr(original, "_counted", False):
            def counted(self, filename, _original=original):
                if filename in ("METADATA", "PKG-INFO"):
                    reads.append(id(self))
                return _original(self, filename)
            counted._counted = True
            monkeypatch.setattr(cls, "read_text", counted)
    host = PluginHost(eps=eps, plugins_dir=None, budget=0).load()
    assert len(host.infos) == len(eps)
    assert {info.name for info in host.infos.values() if info.source == "built-in"} >= {"cadence_interval", "source_ics"}
    # each distribution's metadata read once (keepwarm's own plugins all come from one), not three times per plugin
    assert reads and len(reads) == len(set(reads))
