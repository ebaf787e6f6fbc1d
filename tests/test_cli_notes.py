"""`keepwarm note`: dated notes on a person, added, listed, edited and deleted; shown by `contact show`.

Scenario tests at the fixed clock of conftest.py (Sunday 2026-11-22 09:00 UTC).
Bad input is one line on stderr, exit 2, and nothing written.
"""

from __future__ import annotations

import datetime as dt

import pytest

from conftest import FIXED_NOW
from keepwarm.model import Contact
from keepwarm.model.entities import Note
from keepwarm.store import contacts as people
from keepwarm.store import notes as stored

RAW = ("\x1b", "\x9b", "\x07", "\x08")


def _notes(run, who: str = "ada") -> list[dict]:
    result = run("note", "list", who, "--json")
    assert result.exit_code == 0, result.stderr
    return result.json()


@pytest.fixture
def ada(run) -> None:
    assert run("contact", "add", "Ada Lovelace", "--email", "ada@engines.example").exit_code == 0
    assert run("contact", "add", "Charles Babbage").exit_code == 0


def test_notes_are_added_listed_newest_first_and_shown_on_the_contact(run, ada):
    first = run("note", "add", "ada", "Met at the Royal Society dinner", "--on", "2025-03-01", "--kind", "how-we-met")
    assert (first.exit_code, first.stdout, first.stderr) == (0, "Added note 1 on Ada Lovelace, 2025-03-01\n", "")
    second = run("note", "add", "Ada", "Two kids\nloves poetry", "-k", "Family")
    assert second.stdout == "Added note 2 on Ada Lovelace, 2026-11-22\n"  # today, by default
    third = run("note", "add", "ada", "Prefers tea to coffee", "--on", "-2w", "--json")
    assert third.json() == {"id": 3, "contact_id": 1, "on": "2026-11-08", "kind": "other",
                            "text": "Prefers tea to coffee", "created_at": "2026-11-22T09:00:00Z"}

    assert [(n["id"], n["on"], n["kind"]) for n in _notes(run)] == [
        (2, "2026-11-22", "family"), (3, "2026-11-08", "other"), (1, "2025-03-01", "how_we_met")]
    assert _notes(run, "charles") == []
    listed = run("note", "list", "ada").stdout.splitlines()
    assert listed[0].split() == ["ID", "ON", "KIND", "NOTE"]
    assert listed[1].split() == ["2", "2026-11-22", "family", "Two", "kids", "loves", "poetry"]
    assert listed[3].split()[:4] == ["1", "2025-03-01", "how", "we"]

    view = run("contact", "show", "ada", "--json").json()
    assert [(n["id"], n["text"]) for n in view["notes"]] == [
        (2, "Two kids\nloves poetry"), (3, "Prefers tea to coffee"), (1, "Met at the Royal Society dinner")]
    text = run("contact", "show", "ada").stdout
    block = text[text.index("Notes (newest first)\n"):].split("\n\n")[0].splitlines()[1:]
    assert block == [
        "  #2 2026-11-22 [family] Two kids",
        "      loves poetry",
        "  #3 2026-11-08 Prefers tea to coffee",
        "  #1 2025-03-01 [how we met] Met at the Royal Society dinner",
    ]
    assert "Notes" not in run("contact", "show", "charles").stdout


def test_today_is_the_users_day_not_utcs(run, ada, monkeypatch):
    # 05:00 UTC on the 22nd is still the evening of the 21st in Los Angeles.
    monkeypatch.setenv("KEEPWARM_NOW", "2026-11-22T05:00:00+00:00")
    monkeypatch.setenv("TZ", "America/Los_Angeles")
    assert run("note", "add", "ada", "Sent flowers for the opening").stdout == (
        "Added note 1 on Ada Lovelace, 2026-11-21\n")
    refused = run("note", "add", "ada", "later", "--on", "2026-11-22")
    assert refused.exit_code == 2
    assert refused.stderr == (
        "keepwarm: on: '2026-11-22' is 2026-11-22, after today (expected today or an earlier day)\n")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("nobody", "x"), "keepwarm: contact: no contact matches 'nobody'"),
        (("ada", "   "), "keepwarm: text: empty (expected what to remember about them)"),
        (("ada", ""), "keepwarm: text: empty (expected what to remember about them)"),
        (("ada", "x", "--on", "someday"),
         "keepwarm: on: 'someday' is not a date such as 2026-12-01, today, tomorrow, +3d, -2w, next friday"),
        (("ada", "x", "--on", "tomorrow"),
         "keepwarm: on: 'tomorrow' is 2026-11-23, after today (expected today or an earlier day)"),
        (("ada", "x", "--kind", "spouse"),
         "note add: Invalid value for '--kind' / '-k': "
         "'spouse' is not one of: family, preference, gift, how-we-met, other"),
        (("ada", "likes\x1b]0;pwned\x07 tea"),
         "note add: Invalid value for 'TEXT': contains the control character \\x1b "
         "(only newlines and tabs are allowed)"),
    ],
    ids=["unknown-contact", "blank", "empty", "bad-date", "future", "unknown-kind", "escape"],
)
def test_bad_input_is_one_line_exit_2_and_nothing_written(run, ada, args, message):
    result = run("note", "add", *args)
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr.endswith(message + "\n") and result.stderr.count("\n") == 1  # click's own: "<prog> note add: "
    assert _notes(run) == [] and _notes(run, "charles") == []


def test_edit_changes_what_is_given_and_refuses_bad_values(run, ada):
    run("note", "add", "ada", "likes sailing", "--on", "2026-10-01")
    edited = run("note", "edit", "1", "--text", "loves sailing on the Solent", "--kind", "preference")
    assert (edited.exit_code, edited.stdout) == (0, "Updated note 1\n")
    assert _notes(run) == [{"id": 1, "contact_id": 1, "on": "2026-10-01", "kind": "preference",
                            "text": "loves sailing on the Solent", "created_at": "2026-11-22T09:00:00Z"}]
    assert run("note", "edit", "1", "--on", "2026-10-02").stdout == "Updated note 1\n"
    assert run("note", "edit", "1", "--kind", "preference").stdout == "Note 1 unchanged\n"
    before = _notes(run)
    for args, message in (
        (("1", "--text", " "), "keepwarm: text: empty (expected what to remember about them)"),
        (("1", "--on", "+1w"),
         "keepwarm: on: '+1w' is 2026-11-29, after today (expected today or an earlier day)"),
        (("7", "--text", "x"), "keepwarm: note: no note with id 7"),
    ):
        result = run("note", "edit", *args)
        assert (result.exit_code, result.stderr) == (2, message + "\n")
    assert _notes(run) == before


def test_delete_asks_first_or_takes_yes(run, ada):
    run("note", "add", "ada", "gift idea: a book of Byron's letters", "-k", "gift", "--on", "2026-11-20")
    unanswered = run("note", "delete", "1", input="")
    assert unanswered.exit_code == 2
    assert unanswered.stderr.splitlines()[-1] == (
        "keepwarm: note delete: not deleted (no answer; pass --yes to delete without asking)")
    assert "Delete note 1 on Ada Lovelace (2026-11-20: gift idea: a book of Byron's letters)?" in unanswered.stderr
    declined = run("note", "delete", "1", input="n\n")
    assert declined.exit_code == 1
    assert len(_notes(run)) == 1
    accepted = run("note", "delete", "1", input="y\n")
    assert (accepted.exit_code, accepted.stdout) == (0, "Deleted note 1\n")
    assert _notes(run) == []
    again = run("note", "add", "ada", "second", "--json").json()["id"]
    assert run("note", "delete", str(again), "--yes").stdout == f"Deleted note {again}\n"
    gone = run("note", "delete", str(again), "--yes")
    assert (gone.exit_code, gone.stderr) == (2, f"keepwarm: note: no note with id {again}\n")


def test_removing_a_contact_removes_their_notes(run, ada, session):
    run("note", "add", "ada", "one")
    run("note", "add", "charles", "two")
    assert run("contact", "rm", "ada", "--yes").exit_code == 0
    with session.store.read() as conn:
        left = conn.exec_driver_sql("SELECT contact_id, text FROM contact_notes").all()
    assert left == [(2, "two")]


def test_a_stored_escape_sequence_never_reaches_the_terminal(run, session):
    with session.store.write() as conn:
        cid = people.insert_contact(conn, Contact(name="Eve"), FIXED_NOW)
        stored.insert_note(conn, Note(contact_id=cid, on=dt.date(2026, 11, 1), kind="gift",
                                      text="a book\x1b]52;c;SGVsbG8=\x07\x9b2J\nsecond\x08 line"), FIXED_NOW)
    for args in (("note", "list", "eve"), ("note", "list", "eve", "--json"), ("contact", "show", "eve"),
                 ("contact", "show", "eve", "--json"), ("note", "delete", "1")):
        result = run(*args, input="n\n")
        shown = result.stdout + result.stderr
        assert not [c for c in RAW if c in shown], args
        assert "\\x1b]52;c;SGVsbG8=" in shown or "\\u001b]52;c;SGVsbG8=" in shown, args


def test_the_command_line_and_the_app_write_notes_through_the_same_functions():
    import inspect

    from keepwarm.cli import notes as cli_notes
    from keepwarm.tui.screens import contact_detail
    from keepwarm.tui.widgets import note_form

    assert "store.write()" not in inspect.getsource(cli_notes)
    assert "check_note(" in inspect.getsource(cli_notes) and "check_note(" in inspect.getsource(note_form)
    assert "notes.add_note" in inspect.getsource(contact_detail)  # called through the app's undo journal
