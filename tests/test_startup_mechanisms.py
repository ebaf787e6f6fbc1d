"""Work every command did at start-up for nothing, removed at its source (issue 19, the fifth stop).

Each test holds one mechanism in place, in a process of its own where the start-up
is what is looked at (no timing is asserted): pydantic's own plugins are not looked
for by the program unless asked; no model hands pydantic a built-in type as a
default factory (pydantic tokenizes its text signature); opening the store and reading
a contact import neither the backups nor the captures module; the rules' runs load
the mail and calendar sources without their readers; the control characters are made
visible as before, without a table of every lone surrogate.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys

import pytest

from keepwarm.home import settings
from keepwarm.home.session import Session
from keepwarm.model import Contact
from keepwarm.store import contacts
from keepwarm.text import controls
from startup_probe import probe

NOW = "2026-03-02T09:00:00+00:00"


@pytest.fixture(scope="module")
def book(tmp_path_factory):
    folder = tmp_path_factory.mktemp("mechanisms")
    session = Session(folder / "book.db", now=dt.datetime(2026, 3, 2, 9, tzinfo=dt.timezone.utc))
    with session.store.write() as conn:
        ada = contacts.insert_contact(conn, Contact(name="Ada Lovelace", emails=["ada@example.org"]), session.now)
    session.close()
    return folder / "book.db", ada


# ---------------------------------------------------------------- pydantic's own plugins

RECORDER = '''
import os


class Recorder:
    """A pydantic plugin that notes each validator pydantic builds while it is installed."""

    def new_schema_validator(self, schema, schema_type, schema_type_path, schema_kind, config, plugin_settings):
        with open(os.environ["RECORDED"], "a", encoding="utf-8") as out:
            out.write(f"{schema_type_path.module}.{schema_type_path.name}\\n")
        return None, None, None


plugin = Recorder()
'''


@pytest.fixture
def pydantic_plugin(tmp_path):
    """An installed distribution declaring a pydantic plugin (entry point group "pydantic"), as logfire does."""
    site = tmp_path / "site"
    info = site / "recorder_plugin-1.0.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: recorder-plugin\nVersion: 1.0\n", encoding="utf-8")
    (info / "entry_points.txt").write_text("[pydantic]\nrecorder = recorder_plugin:plugin\n", encoding="utf-8")
    (site / "recorder_plugin.py").write_text(RECORDER, encoding="utf-8")
    return site


def run_program(tmp_path, site, db, *args: str, **env_extra: str) -> tuple[subprocess.CompletedProcess, list[str]]:
    """`python -m keepwarm ...`: the program's own entry (`keepwarm.cli.main`), as its script runs it."""
    recorded = tmp_path / "recorded.txt"
    recorded.write_text("", encoding="utf-8")
    env = {**os.environ, "KEEPWARM_HOME": str(tmp_path / "home"), "KEEPWARM_NOW": NOW, "TZ": "UTC",
           "RECORDED": str(recorded), "PYTHONPATH": os.pathsep.join([str(site), *sys.path])}
    env.pop("KEEPWARM_DB", None)
    env.pop("PYDANTIC_DISABLE_PLUGINS", None)
    env.update(env_extra)
    done = subprocess.run([sys.executable, "-m", "keepwarm", "--db", str(db), *args], env=env,
                          capture_output=True, text=True, timeout=120)
    return done, recorded.read_text(encoding="utf-8").split()


def test_the_program_does_not_look_for_pydantic_plugins_unless_the_variable_asks(tmp_path, book, pydantic_plugin):
    db, ada = book
    done, recorded = run_program(tmp_path, pydantic_plugin, db, "contact", "show", str(ada))
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(f"Ada Lovelace  (#{ada})")
    assert recorded == []  # validators were built (the contact is dumped), none went through the plugin


@pytest.mark.parametrize("value", ["", "another_plugin"])
def test_a_user_who_sets_the_variable_has_pydantic_plugins_as_pydantic_documents(tmp_path, book, pydantic_plugin,
                                                                                  value):
    db, ada = book
    done, recorded = run_program(tmp_path, pydantic_plugin, db, "contact", "show", str(ada),
                                 PYDANTIC_DISABLE_PLUGINS=value)
    assert done.returncode == 0, done.stderr
    assert "keepwarm.model.entities.Contact" in " ".join(recorded)


def test_the_library_called_in_process_leaves_the_variable_alone(tmp_path, book):
    db, ada = book
    code = ("import os, contextlib, io\nfrom keepwarm.cli import cli\n"
            "with contextlib.redirect_stdout(io.StringIO()):\n"
            f"    try: cli.main({['--db', str(db), 'contact', 'show', str(ada)]!r}, prog_name='keepwarm')\n"
            "    except SystemExit: pass\n"
            "print(repr(os.environ.get('PYDANTIC_DISABLE_PLUGINS')))\n")
    env = {**os.environ, "KEEPWARM_HOME": str(tmp_path / "home"), "KEEPWARM_NOW": NOW}
    env.pop("PYDANTIC_DISABLE_PLUGINS", None)
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120)
    assert done.stdout.splitlines()[-1] == "None", done.stderr


# ---------------------------------------------------------------- default factories

TOKENIZER_PROBE = """
import contextlib, io, json, sys, tokenize
from keepwarm.cli import cli

with contextlib.redirect_stdout(io.StringIO()) as out:
    try:
        cli.main({args!r}, prog_name="keepwarm")
    except SystemExit as exc:
        status = exc.code
print(json.dumps({{"status": status, "out": out.getvalue(), "patterns": tokenize._compile.cache_info().misses}}))
"""


def test_reading_a_contact_and_the_settings_tokenizes_no_signature(tmp_path, book):
    """pydantic reads a default factory's signature; a built-in type's is parsed from text by the tokenizer."""
    db, ada = book
    env = {**os.environ, "KEEPWARM_HOME": str(tmp_path / "home"), "KEEPWARM_NOW": NOW, "TZ": "UTC"}
    env.pop("KEEPWARM_DB", None)
    code = TOKENIZER_PROBE.format(args=["--db", str(db), "contact", "show", str(ada), "--json"])
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120)
    result = json.loads(done.stdout.splitlines()[-1])
    assert result["status"] == 0, done.stderr
    shown = json.loads(result["out"])
    assert shown["contact"]["emails"] == ["ada@example.org"] and shown["contact"]["tags"] == []
    assert result["patterns"] == 0  # the tokenizer never ran: its patterns were not even compiled


def test_each_record_and_each_settings_object_still_has_lists_of_its_own():
    first, second = Contact(name="A"), Contact(name="B")
    first.tags.append("x")
    first.emails.append("a@example.org")
    assert (second.tags, second.emails, Contact(name="C").dates) == ([], [], [])
    mine, yours = settings.defaults(), settings.defaults()
    mine.me.append("me@example.org")
    mine.plugins.disabled.append("warn_one_way")
    mine.sources["x"] = settings.SourceSettings(kind="ics")
    assert (yours.me, yours.plugins.disabled, yours.sources) == ([], [], {})
    validated = settings.Settings.model_validate({})
    validated.me.append("x@example.org")
    assert settings.Settings.model_validate({}).me == []


# ---------------------------------------------------------------- what the store and the runs import


def test_opening_the_store_and_reading_a_contact_import_neither_backups_nor_captures(tmp_path, book):
    db, _ = book
    result = probe(tmp_path / "home", "--db", str(db), "contact", "show", "999999")
    assert result["status"] == 2  # the one-line error at the lookup: the store was opened and read
    assert {"keepwarm.store.backups", "keepwarm.store.captures"} & set(result["modules"]) == set()


def test_the_fixed_start_up_imports_neither_the_merge_nor_the_agenda_rows_nor_the_health_history(tmp_path, book):
    """Sixth stop: `contact` commands load `services.merge` with `contact merge` and `contact add --merge`, the
    daily plan's PROMISE_KEY comes without the agenda's rows, and a contact's health history is read by the
    view that shows it: none of them by a lookup that fails."""
    db, ada = book
    result = probe(tmp_path / "home", "--db", str(db), "contact", "show", "999999")
    assert result["status"] == 2
    lazy = {"keepwarm.services.merge", "keepwarm.store.merge", "keepwarm.store.snapshots",
            "keepwarm.services.health_series", "keepwarm.store.health_history"}
    assert lazy & set(result["modules"]) == set()
    # The write layer (which imports the daily plan's PROMISE_KEY) loads with the commands that write (seventh stop).
    assert "keepwarm.plan.daily" not in result["modules"]
    shown = probe(tmp_path / "home", "--db", str(db), "contact", "show", str(ada), "--json")
    assert shown["status"] == 0
    assert isinstance(json.loads(shown["out"])["health_history"], list)
    assert "keepwarm.services.health_series" in shown["modules"]
    assert {"keepwarm.services.merge", "keepwarm.store.merge"} & set(shown["modules"]) == set()


def test_contact_merge_and_add_merge_still_merge_with_the_merge_module_loaded_on_use(tmp_path):
    db = tmp_path / "book.db"
    added = probe(tmp_path / "home", "--db", str(db), "contact", "add", "Ada Lovelace", "--email", "ada@example.org")
    assert added["status"] == 0, added["err"]
    more = probe(tmp_path / "home", "--db", str(db), "contact", "add", "Ada Lovelace", "--email", "ada@work.example",
                 "--merge")
    assert more["status"] == 0, more["err"]
    assert "keepwarm.services.merge" in more["modules"]
    other = probe(tmp_path / "home", "--db", str(db), "contact", "add", "Ada King")
    assert other["status"] == 0, other["err"]
    merged = probe(tmp_path / "home", "--db", str(db), "contact", "merge", "1", "2", "--yes", "--json")
    assert merged["status"] == 0, merged["err"]
    assert "keepwarm.services.merge" in merged["modules"]
    listed = probe(tmp_path / "home", "--db", str(db), "contact", "list", "--json")
    people = json.loads(listed["out"])
    assert [(p["name"], sorted(p["emails"])) for p in people] == [("Ada Lovelace", ["ada@example.org", "ada@work.example"])]


def test_a_contact_written_with_an_address_still_gets_the_mail_captured_from_it(tmp_path):
    """The captures module is imported by the write that needs it: a new contact's captured mail becomes touches."""
    from keepwarm.store import activity, captures

    session = Session(tmp_path / "book.db", now=dt.datetime(2026, 3, 2, 9, tzinfo=dt.timezone.utc))
    row = captures.Row(external_id="m1@x", at=dt.datetime(2026, 3, 1, 9, tzinfo=dt.timezone.utc), channel="email",
                       purpose=None, outcome="completed", from_me=False, message_id="m1@x", sequence=0,
                       subject=None, people=(("grace@example.org", "Grace", "from", ""),), refs=(), digest="d1")
    with session.store.write() as conn:
        captures.save(conn, "mail", [row], session.now)
        grace = contacts.insert_contact(conn, Contact(name="Grace Hopper", emails=["Grace@example.org"]), session.now)
    with session.store.read() as conn:
        touches = activity.list_interactions(conn, grace)
    session.close()
    assert [(t.channel.value, t.direction.value) for t in touches] == [("email", "inbound")]


def test_the_rules_runs_load_the_mail_and_calendar_sources_without_their_readers(tmp_path, book):
    db, ada = book
    result = probe(tmp_path / "home", "--db", str(db), "contact", "show", str(ada), "--json")
    assert result["status"] == 0
    assert json.loads(result["out"])["contact"]["name"] == "Ada Lovelace"
    sources = {"keepwarm_plugins.source_imap", "keepwarm_plugins.source_maildir", "keepwarm_plugins.source_mbox",
               "keepwarm_plugins.source_ics", "keepwarm_plugins.source_vdir", "keepwarm_plugins.source_caldav"}
    assert sources <= set(result["modules"])
    assert {"keepwarm_plugins._mail_headers", "keepwarm_plugins._calendar_events"} & set(result["modules"]) == set()


PATTERN_PROBE = """
import contextlib, io, json, sys
import re._compiler
compiled = []
compile_pattern = re._compiler.compile
re._compiler.compile = lambda p, flags=0: compiled.append(p) or compile_pattern(p, flags)
from keepwarm.cli import cli

with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
    try:
        cli.main({args!r}, prog_name="keepwarm")
    except SystemExit as exc:
        status = exc.code
from keepwarm.text import dates
print(json.dumps({{"status": status, "patterns": [p for p in compiled if isinstance(p, str)],
                  "typed": str(dates.parse_day("in 2 weeks", dates.dt.date(2026, 3, 2)))}}))
"""


def test_the_fixed_start_up_compiles_no_pattern_it_does_not_use(tmp_path, book):
    db, _ = book
    env = {**os.environ, "KEEPWARM_HOME": str(tmp_path / "home"), "KEEPWARM_NOW": NOW, "TZ": "UTC"}
    env.pop("KEEPWARM_DB", None)
    code = PATTERN_PROBE.format(args=["--db", str(db), "contact", "show", "999999"])
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120)
    result = json.loads(done.stdout.splitlines()[-1])
    assert result["status"] == 2, done.stderr
    # a typed date's shapes (+3d, in 2 weeks, 3 days ago, 2pm), what json leaves raw, a backup's name, a
    # mail's Message-ID: each compiled by the command that reads or writes one, not at start-up
    unused = [p for p in result["patterns"] if "(?P<unit>" in p or "(?P<ampm>" in p or "\\.bak$" in p
              or p == "[\x7f-\x9f\ud800-\udfff]" or p.startswith("<([^<>")]
    assert unused == []
    assert result["typed"] == "2026-03-16"  # and a date typed afterwards is still read


# ---------------------------------------------------------------- control characters


def _old_shown(code: int) -> str:
    if 0xDC80 <= code <= 0xDCFF:
        return f"\\x{code - 0xDC00:02x}"
    return f"\\u{code:04x}" if code > 0xFF else f"\\x{code:02x}"


def test_every_control_character_and_lone_surrogate_is_shown_as_the_table_says():
    controls_and_surrogates = [*range(0x20), 0x7F, *range(0x80, 0xA0), *range(0xD800, 0xE000)]
    single = controls.translation(multiline=False)
    multi = controls.translation(multiline=True)
    assert single == {code: _old_shown(code) for code in controls_and_surrogates}
    assert multi == {code: shown for code, shown in single.items() if code not in (0x09, 0x0A)}
    everything = "".join(map(chr, range(0x110000)))
    assert controls.visible(everything, multiline=False) == everything.translate(single)
    assert controls.visible(everything) == everything.translate(multi)
    for text, first in [("plain é", None), ("a\tb\x1b[31m", "\\x09"), ("x\udcff\x9b", "\\xff"), ("\ud800", "\\ud800")]:
        assert controls.first_control(text) == first
    assert controls.first_control("a\tb\x1b", multiline=True) == "\\x1b"
    assert controls.json_escaped('"caf\u00e9 \x9b \udc80"') == '"caf\u00e9 \\u009b \\udc80"'
