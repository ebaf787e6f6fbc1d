"""Every command given a contact that is not there stops before pydantic, the records and the write layer (issue 19).

`contact show 999999` already stopped at the lookup (tests/test_startup_records_on_use.py);
the activity, note and link commands imported pydantic, the records, their stores and the
write layer at the top of their modules, and read the settings (with pydantic) for the
clock before they looked up whom they were given. Each case runs in a process of its own
and looks at what it imported (no timing is asserted); the last test shows the same
commands still work on a contact that is there.
"""

from __future__ import annotations

import json

import pytest
from test_startup_records_on_use import ON_USE, run

#: Loaded by a command that read the settings (the zone of the clock) or parsed a relationship kind.
SETTINGS = {"keepwarm.home.settings", "keepwarm.services.links", "keepwarm.services.notes"}

RATINGS = ("--trust", "4", "--communication", "3", "--sharing", "3", "--advocacy", "2", "--conflict", "3",
           "--commitment", "4")

FAILED_LOOKUPS = [
    ("history", "999999"),
    ("log", "999999", "--channel", "email", "--when", "yesterday"),
    ("log", "Ada", "Nobody At All", "--channel", "call"),
    ("followup", "add", "999999", "send the report", "--due", "tomorrow"),
    ("followup", "list", "--contact", "Nobody At All"),
    ("promise", "add", "999999", "the slides", "--due", "friday"),
    ("promise", "list", "--contact", "999999"),
    ("assess", "999999", *RATINGS),
    ("note", "add", "999999", "likes sailing"),
    ("note", "list", "Nobody At All"),
    ("link", "Ada", "999999", "--as", "mentor-of"),
    ("unlink", "999999", "Ada"),
    ("links", "999999"),
]

#: The export of one account's people stops at the account's lookup, and the import/export module no longer
#: imports the CSV reader (and with it the records) for the names of its formats.
FAILED_ACCOUNT_LOOKUPS = [
    ("export", "vcard", "--account", "Nowhere Ltd"),
]


@pytest.fixture(scope="module")
def book(tmp_path_factory):
    folder = tmp_path_factory.mktemp("every_command")
    db = folder / "book.db"
    added = run(folder, db, "contact", "add", "Ada Lovelace", "--email", "ada@example.org", "--json")
    assert added["status"] == 0, added["err"]
    added = run(folder, db, "contact", "add", "Charles Babbage", "--json")
    assert added["status"] == 0, added["err"]
    return folder, db


@pytest.mark.parametrize("args", FAILED_LOOKUPS, ids=lambda args: " ".join(args[:2]))
def test_a_failed_lookup_loads_neither_pydantic_nor_the_records_nor_the_write_layer(book, args):
    folder, db = book
    result = run(folder, db, *args)
    assert result["status"] == 2
    assert result["err"].startswith("keepwarm: contact: no contact"), result["err"]
    assert result["err"].count("\n") == 1
    assert "keepwarm.store.lookup" in result["modules"]  # the book was opened and read
    assert (ON_USE | SETTINGS) & set(result["modules"]) == set()


@pytest.mark.parametrize("args", FAILED_ACCOUNT_LOOKUPS, ids=lambda args: " ".join(args[:2]))
def test_a_failed_account_lookup_loads_neither_pydantic_nor_the_records(book, args):
    folder, db = book
    result = run(folder, db, *args)
    assert (result["status"], result["err"]) == (2, "keepwarm: account: no account matches 'Nowhere Ltd'\n")
    assert ON_USE & set(result["modules"]) == set()


#: Bad arguments to the commands that run the engine: refused before the engine (or the records) is imported.
BAD_ARGUMENTS = [
    (("agenda", "--limit", "0"), "Invalid value for '--limit'"),
    (("digest", "--limit", "0"), "Invalid value for '--limit'"),
    (("digest", "--mail", "not an address"), "keepwarm: --mail: 'not an address' is not an e-mail address"),
    (("dashboard", "--weeks", "3"), "No such option '--weeks'"),
    (("rules", "show", "--color"), "No such option '--color'"),
]
ENGINE = {"keepwarm.engine.agenda", "keepwarm.engine.evaluate", "keepwarm.hosting.host", "keepwarm.rules.loading"}


@pytest.mark.parametrize(("args", "said"), BAD_ARGUMENTS, ids=[" ".join(args[:2]) for args, _ in BAD_ARGUMENTS])
def test_a_bad_argument_to_an_engine_command_loads_neither_the_engine_nor_the_records(book, args, said):
    folder, db = book
    result = run(folder, db, *args)
    assert result["status"] == 2
    assert said in result["err"], result["err"]
    assert (ON_USE | ENGINE) & set(result["modules"]) == set()


def test_the_engine_commands_still_run_the_engine(book):
    folder, db = book
    digest = run(folder, db, "digest", "--json")
    assert digest["status"] == 0, digest["err"]
    assert "keepwarm.engine.agenda" in digest["modules"]
    assert json.loads(digest["out"])["date"] == "2026-03-02"
    shown = run(folder, db, "rules", "show", "--json")
    assert shown["status"] == 0, shown["err"]
    assert "keepwarm.rules.loading" in shown["modules"] and json.loads(shown["out"])


def test_a_backup_onto_the_book_itself_is_refused_before_the_doctors_checks_load(book):
    folder, db = book
    result = run(folder, db, "backup", str(db))
    assert (result["status"], result["err"]) == (2, f"keepwarm: {db}: is the database itself (expected another file name)\n")
    assert ({"keepwarm.doctor.checks", "keepwarm.home.settings"} | ON_USE) & set(result["modules"]) == set()


def test_an_account_export_still_holds_that_accounts_people(book):
    folder, db = book
    assert run(folder, db, "contact", "edit", "Charles", "--account", "Engines")["status"] == 0
    out = folder / "engines.vcf"
    cards = run(folder, db, "export", "vcard", "--account", "engines", "--output", str(out))
    assert cards["status"] == 0, cards["err"]
    assert [line for line in out.read_text().splitlines() if line.startswith("FN")] == ["FN:Charles Babbage"]


def test_the_same_commands_work_on_a_contact_that_is_there(book):
    folder, db = book
    assert run(folder, db, "log", "Ada", "--channel", "email", "--when", "yesterday")["out"] == (
        "Logged email with Ada Lovelace\n")
    touches = json.loads(run(folder, db, "history", "Ada", "--json")["out"])
    assert [(t["channel"], t["at"][:10]) for t in touches] == [("email", "2026-03-01")]
    assert run(folder, db, "followup", "add", "Ada", "send the report", "--due", "tomorrow")["status"] == 0
    plans = json.loads(run(folder, db, "followup", "list", "--contact", "Ada", "--json")["out"])
    assert [f["due"] for f in plans if f["reason"] == "send the report"] == ["2026-03-03"]  # beside the rules' own
    assert run(folder, db, "promise", "add", "Ada", "the slides", "--due", "2026-03-06")["status"] == 0
    promises = json.loads(run(folder, db, "promise", "list", "--contact", "Ada", "--json")["out"])
    assert [(p["text"], p["due"], p["contact"]) for p in promises] == [("the slides", "2026-03-06", "Ada Lovelace")]
    assert run(folder, db, "assess", "Ada", *RATINGS)["out"] == "Assessed Ada Lovelace: mean 3.2 of 5\n"
    assert run(folder, db, "note", "add", "Ada", "likes sailing", "--on", "2026-02-01")["out"].startswith(
        "Added note ")
    notes = json.loads(run(folder, db, "note", "list", "Ada", "--json")["out"])
    assert [(n["text"], n["on"]) for n in notes] == [("likes sailing", "2026-02-01")]
    linked = run(folder, db, "link", "Ada", "Charles", "--as", "mentor-of")
    assert linked["out"] == "Linked: Ada Lovelace mentors Charles Babbage\n", linked["err"]
    listed = json.loads(run(folder, db, "links", "Charles", "--json")["out"])
    assert [(seen["other"], seen["says"]) for seen in listed] == [("Ada Lovelace", "is mentored by")]
    assert run(folder, db, "unlink", "Ada", "Charles")["out"] == (
        "Removed 1 link between Ada Lovelace and Charles Babbage\n")


def test_a_bad_date_for_a_contact_that_is_there_is_still_a_one_line_error(book):
    folder, db = book
    result = run(folder, db, "followup", "add", "Ada", "call back", "--due", "the 45th")
    assert result["status"] == 2
    assert result["err"].startswith("keepwarm: due:") and result["err"].count("\n") == 1
    result = run(folder, db, "log", "Ada", "--channel", "call", "--when", "2026-03-09")
    assert result["err"] == ("keepwarm: when: '2026-03-09' is in the future "
                             "(log what happened; plan with `keepwarm followup add`)\n")
