"""What the start-up every database command pays may load, and what it may build (issue 19).

The fixed start-up (`contact show` of an id that is not there: the interpreter,
click, the command's module, opening the store, a one-line error) is bounded
below by importing click, SQLAlchemy and pydantic; everything of keepwarm's own
beyond the store's tables and the record models is loaded by the command that
uses it. These tests hold that mechanism in place in a process of its own per
command (no timing is asserted): which modules are imported, and which pydantic
models had their validator built.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from keepwarm.home.session import Session
from keepwarm.model import Contact
from keepwarm.store import contacts
from startup_probe import probe


def run(tmp_path, *args: str, config: str | None = None) -> dict:
    home = tmp_path / "home"
    if config is not None:
        (home / "config").mkdir(parents=True)
        (home / "config" / "config.toml").write_text(config, encoding="utf-8")
    return probe(home, *args)


def loaded(modules: list[str], prefixes: tuple[str, ...]) -> list[str]:
    return sorted(m for m in modules if any(m == p or m.startswith(p + ".") for p in prefixes))


@pytest.fixture(scope="module")
def book(tmp_path_factory):
    import datetime as dt

    folder = tmp_path_factory.mktemp("lean")
    session = Session(folder / "book.db", now=dt.datetime(2026, 3, 2, 9, tzinfo=dt.timezone.utc))
    with session.store.write() as conn:
        ada = contacts.insert_contact(conn, Contact(name="Ada Lovelace"), session.now)
    session.close()
    return folder / "book.db", ada


def test_the_fixed_start_up_reads_no_settings_loads_no_plugin_api_and_builds_no_validator(tmp_path, book):
    db, _ = book
    result = run(tmp_path, "--db", str(db), "contact", "show", "999999")
    assert result["status"] == 2  # the one-line error at the lookup: the store was opened
    assert "sqlalchemy" in result["modules"]
    # the settings (six models and the TOML parser) are read by the commands that use them, the plugin API's
    # types with the engine that needs them
    assert loaded(result["modules"], ("keepwarm.home.settings", "tomllib", "keepwarm.api", "keepwarm.engine")) == []
    # the record models are defined, but no validator or serializer is built for a command that builds no record
    assert result["built"] == []


def test_contact_show_still_reads_the_settings_when_it_needs_the_time_zone(tmp_path, book):
    db, ada = book
    result = run(tmp_path, "--db", str(db), "contact", "show", str(ada), config='timezone = "Asia/Tokyo"\n')
    assert result["status"] == 0
    assert result["out"].startswith(f"Ada Lovelace  (#{ada})")
    assert "keepwarm.home.settings.Settings" in result["built"]


def test_a_broken_settings_file_is_still_a_one_line_error(tmp_path, book):
    db, ada = book
    result = run(tmp_path, "--db", str(db), "contact", "show", str(ada), config="timezone = \n")
    assert result["status"] == 2
    assert "tomllib" in result["modules"]


def test_contact_show_loads_the_plugins_without_the_mail_header_registry_or_the_source_options_models(tmp_path, book):
    db, ada = book
    result = run(tmp_path, "--db", str(db), "contact", "show", str(ada), "--json")
    assert result["status"] == 0
    assert json.loads(result["out"])["contact"]["name"] == "Ada Lovelace"
    assert {"keepwarm_plugins.source_imap", "keepwarm_plugins.source_maildir"} <= set(result["modules"])
    # the mail sources read headers with the compat32 parser; `email.policy` is imported by no one here
    assert loaded(result["modules"], ("email.policy", "email.headerregistry", "email._header_value_parser")) == []
    # a source kind's options are checked when a source is added or read; the rules' sections are read by every run
    assert "keepwarm_plugins.cadence_interval.Settings" in result["built"]
    assert loaded(result["built"], ("keepwarm_plugins.source_imap", "keepwarm_plugins.source_maildir",
                                    "keepwarm_plugins.source_mbox", "keepwarm_plugins.source_ics",
                                    "keepwarm_plugins._calendar_read")) == []


GC_PROBE = """
import gc, json, sys
collections = []
gc.callbacks.append(lambda phase, info: collections.append(info["generation"]) if phase == "start" else None)
import keepwarm.cli as command_line

seen = {{}}
done = command_line._start_up_done

def spy():
    seen["before"] = {{"collections": len(collections) - started, "enabled": gc.isenabled(),
                      "command loaded": "keepwarm.cli.contacts" in sys.modules}}
    done()
    seen["after"] = {{"enabled": gc.isenabled(), "frozen": gc.get_freeze_count(),
                     "young": len(gc.get_objects(0)), "oldest": len(gc.get_objects(2))}}

command_line._start_up_done = spy
sys.argv = ["keepwarm", *{args!r}]
started = len(collections)
try:
    {call}
except SystemExit as exc:
    seen["status"] = exc.code
seen["at exit"] = {{"frozen": gc.get_freeze_count()}}
print(json.dumps(seen))
"""


@pytest.mark.parametrize("call", ["command_line.main()", "command_line.cli.main(prog_name='keepwarm')"])
def test_the_program_collects_no_garbage_while_it_starts_nor_as_it_exits(tmp_path, book, call):
    db, _ = book
    env = {**os.environ, "KEEPWARM_HOME": str(tmp_path / "home"), "TZ": "UTC"}
    env.pop("KEEPWARM_DB", None)
    code = GC_PROBE.format(args=["--db", str(db), "contact", "show", "999999"], call=call)
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120)
    seen = json.loads(done.stdout.splitlines()[-1])
    assert seen["status"] == 2
    assert seen["before"]["command loaded"]  # click resolved the command (its module loaded) before the group ran
    if call == "command_line.main()":  # the program: no collection during the start-up, then collected as usual
        assert seen["before"] == {"collections": 0, "enabled": False, "command loaded": True}
        # what the start-up made is in the oldest generation (not frozen: the engine's run moves its own objects
        # there the same way, and skips that when someone else froze objects)
        after = seen["after"]
        assert after["enabled"] and after["frozen"] == 0 and after["young"] < 1_000 < 10_000 < after["oldest"]
        # and when the command is done, the heap is frozen: Python's collection at exit does not walk it again
        assert seen["at exit"]["frozen"] > 10_000
    else:  # `cli.main`, as tests and embedders call it in their own process: the collector is left as it was
        assert seen["before"]["enabled"] and seen["before"]["collections"] > 0
        assert seen["after"]["enabled"] and seen["after"]["frozen"] == 0 and seen["at exit"]["frozen"] == 0


def test_contact_show_reads_the_contacts_account_as_stored_without_building_its_validator(tmp_path):
    import datetime as dt

    session = Session(tmp_path / "firm.db", now=dt.datetime(2026, 3, 2, 9, tzinfo=dt.timezone.utc))
    with session.store.write() as conn:
        contacts.ensure_account(conn, "Analytical Engines", session.now)
        grace = contacts.insert_contact(conn, Contact(name="Grace Hopper", account="Analytical Engines"), session.now)
    session.close()
    result = run(tmp_path, "--db", str(tmp_path / "firm.db"), "contact", "show", str(grace), "--json")
    assert result["status"] == 0, result["err"]
    assert json.loads(result["out"])["contact"]["account"] == "Analytical Engines"
    # the stored account was validated on its way in: read back, it is not validated again
    assert "keepwarm.model.entities.Account" not in result["built"]
