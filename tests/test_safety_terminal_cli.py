"""No stored or imported control character reaches the terminal raw from the CLI, and none is stored as typed.

The hostile texts carry what a shared vCard can: OSC 0 (sets the window
title), OSC 52 (writes the clipboard), CSI 2J (clears the screen), the 8-bit
CSI U+009B, BEL, backspace and a carriage return. They are put in the
database directly, as an older version or another tool could have stored
them; every command that shows them must print them as `\\x1b` and so on.
"""

from __future__ import annotations

import datetime as dt
import json

import pytest

from keepwarm.model import Account, Commitment, Contact, FollowUp, Interaction
from keepwarm.store import activity, followups
from keepwarm.store import contacts as people

from conftest import FIXED_NOW

TITLE = "\x1b]0;pwned\x07"
CLIPBOARD = "\x1b]52;c;SGVsbG8=\x07"
NAME = f"Eve{TITLE}Mallory{CLIPBOARD}\x1b[2J\u009b31m\x08\rX"
ACCOUNT = f"Acme{TITLE}"
RAW = ("\x1b", "\x9b", "\x07", "\x08", "\r")


def raw_controls(text: str) -> list[str]:
    return [c for c in RAW if c in text]


@pytest.fixture
def hostile(session):
    """One contact whose every text field holds escape sequences, with a touch, a promise and a follow-up."""
    now = FIXED_NOW
    with session.store.write() as conn:
        people.insert_account(conn, Account(name=ACCOUNT, notes=f"culture{CLIPBOARD}"), now)
        cid = people.insert_contact(
            conn, Contact(name=NAME, account=ACCOUNT, notes=f"n{CLIPBOARD}\nsecond", tags=[f"vip{TITLE}"]), now
        )
        activity.insert_interactions(
            conn, [Interaction(contact_id=cid, at=now - dt.timedelta(days=3), channel="email", notes=f"said{TITLE}")], now
        )
        activity.insert_commitment(conn, Commitment(contact_id=cid, text=f"send{CLIPBOARD}", due=now.date()), now)
        followups.insert_followup(conn, FollowUp(contact_id=cid, due=now.date(), reason=f"call{TITLE}"), now)
    return cid


@pytest.mark.parametrize(
    "args",
    [
        ("contact", "list"),
        ("contact", "show", "1"),
        ("history", "1"),
        ("agenda",),
        ("promise", "list"),
        ("followup", "list"),
        ("account", "list"),
        ("account", "show", "1"),
    ],
)
def test_every_listing_shows_control_characters_instead_of_sending_them(run, hostile, args):
    result = run(*args)
    assert result.exit_code == 0, result.stderr
    assert raw_controls(result.stdout) == []
    assert "\\x1b]0;pwned\\x07" in result.stdout


def test_the_name_is_shown_whole_in_its_visible_form(run, hostile):
    out = run("contact", "show", "1").stdout
    # click drops the CSI it recognises when the output is not a terminal; the rest is shown.
    assert "Eve\\x1b]0;pwned\\x07Mallory\\x1b]52;c;SGVsbG8=\\x07" in out
    assert "\\x9b31m\\x08\\x0dX" in out
    assert "n\\x1b]52;c;SGVsbG8=\\x07\nsecond" in out  # notes keep their line break


def test_an_error_quoting_what_was_typed_shows_it_visibly(run, hostile):
    result = run("contact", "show", f"nobody{TITLE}")
    assert result.exit_code == 2
    assert raw_controls(result.stderr) == []
    assert "nobody\\x1b]0;pwned\\x07" in result.stderr


def test_json_stays_valid_and_exact_with_c1_controls_escaped(run, hostile):
    result = run("contact", "show", "1", "--json")
    assert raw_controls(result.stdout) == []
    assert "\\u009b" in result.stdout
    assert json.loads(result.stdout)["contact"]["name"] == NAME


def test_on_a_terminal_the_csi_sequences_are_shown_too():
    """Where click keeps its colours (a terminal), the filter is what stands between a name and the screen."""
    import io

    from keepwarm.cli.terminal import VisibleText

    target = io.StringIO()
    VisibleText(target).write(NAME + "\n")
    assert target.getvalue() == (
        "Eve\\x1b]0;pwned\\x07Mallory\\x1b]52;c;SGVsbG8=\\x07\\x1b[2J\\x9b31m\\x08\\x0dX\n"
    )


def test_visible_forms_keep_newline_and_tab_only_in_multiline_text():
    from keepwarm.text.controls import visible

    assert visible("a\tb\nc\x1b\x7f\x85\udcff") == "a\tb\nc\\x1b\\x7f\\x85\\xff"
    assert visible("a\tb\nc", multiline=False) == "a\\x09b\\x0ac"


def test_an_imported_card_is_cleaned_and_the_report_says_where(run, tmp_path):
    card = tmp_path / "evil.vcf"
    card.write_bytes(
        b"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Eve\x1b]0;pwned\x07 Mallory\r\nORG:Acme\xc2\x9b2J\r\n"
        b"NOTE:one\x1b]52;c;SGVsbG8=\x07\\ntwo\r\nEMAIL:eve@example.com\r\nEND:VCARD\r\n"
    )
    result = run("import", "vcard", str(card))
    assert result.exit_code == 0, result.stderr
    assert raw_controls(result.stdout) == []
    assert "Eve\\x1b]0;pwned\\x07 Mallory (control characters shown as \\xNN in: FN, ORG, NOTE)" in result.stdout
    shown = run("contact", "show", "1", "--json").json()["contact"]
    assert (shown["name"], shown["account"], shown["notes"]) == (
        "Eve\\x1b]0;pwned\\x07 Mallory", "Acme\\x9b2J", "one\\x1b]52;c;SGVsbG8=\\x07\ntwo"
    )
    report = run("import", "vcard", str(card), "--json").json()
    assert report["unchanged"][0]["cleaned"] == ["FN", "ORG", "NOTE"]


@pytest.mark.parametrize(
    "args, option",
    [
        (("contact", "add", f"Eve{TITLE}"), "NAME"),
        (("contact", "add", "Eve", "--account", "Acme\x9b2J"), "--account"),
        (("contact", "add", "Eve", "--tag", "a\x08b"), "--tag"),
        (("contact", "add", "Eve", "--title", "CEO\r"), "--title"),
        (("contact", "add", "Eve", "--email", "eve@example.com\x1b[2J"), "--email"),
        (("contact", "add", "Eve", "--notes", f"fine\n{CLIPBOARD}"), "--notes"),
        (("account", "add", f"Acme{TITLE}"), "NAME"),
    ],
)
def test_typed_text_with_a_control_character_is_refused_and_nothing_is_written(run, args, option):
    result = run(*args)
    assert result.exit_code == 2
    assert f"Invalid value for '{option}'" in result.stderr and "control character \\x" in result.stderr
    assert raw_controls(result.stderr) == []
    assert run("contact", "list", "--json").json() == []


def test_notes_keep_newlines_and_tabs(run):
    result = run("contact", "add", "Eve", "--notes", "one\n\ttwo")
    assert result.exit_code == 0, result.stderr
    assert run("contact", "show", "1", "--json").json()["contact"]["notes"] == "one\n\ttwo"


def test_the_vcard_export_writes_no_raw_control_character(run, hostile, tmp_path):
    target = tmp_path / "out.vcf"
    result = run("export", "vcard", "-o", str(target))
    assert result.exit_code == 0, result.stderr
    text = target.read_bytes().decode("utf-8")
    assert raw_controls(text.replace("\r\n", "")) == []
    assert "FN:Eve\\\\x1b]0\\;pwned\\\\x07Mallory" in text  # vCard escapes the backslash and ; itself


def test_imported_touch_notes_keep_their_escape_sequences_as_visible_text(run, tmp_path):
    assert run("contact", "add", "Ann").exit_code == 0
    sheet = tmp_path / "touches.csv"
    sheet.write_text(f"date,contact,channel,notes\n2026-11-20,Ann,email,\"ok{CLIPBOARD}\"\n", encoding="utf-8")
    result = run("import", "interactions", str(sheet))
    assert result.exit_code == 0, result.stderr
    [touch] = run("history", "Ann", "--json").json()
    assert touch["notes"] == "ok\\x1b]52;c;SGVsbG8=\\x07"


def test_the_json_backup_escapes_c1_controls_and_restores_them_exactly(run, hostile, tmp_path, monkeypatch):
    exported = run("export", "json")
    assert exported.exit_code == 0, exported.stderr
    assert raw_controls(exported.stdout) == [] and "\\u009b" in exported.stdout
    path = tmp_path / "backup.json"
    path.write_text(exported.stdout, encoding="utf-8")
    monkeypatch.setenv("KEEPWARM_HOME", str(tmp_path / "elsewhere"))
    assert run("restore", str(path)).exit_code == 0
    assert run("contact", "show", "1", "--json").json()["contact"]["name"] == NAME


def test_an_import_warning_about_a_bad_value_quotes_it_visibly(run, tmp_path):
    card = tmp_path / "bad.vcf"
    card.write_bytes(b"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Eve\r\nEMAIL:not-an-email\x1b]0;pwned\x07\r\nEND:VCARD\r\n")
    result = run("import", "vcard", str(card))
    assert result.exit_code == 0, result.stderr  # the bad address is left out with a warning, the card kept
    both = result.stdout + result.stderr
    assert raw_controls(both) == []
    assert "not-an-email" in both and "x1b]0;pwned" in both  # quoted with repr: the backslash is doubled
    assert [(c["name"], c["emails"]) for c in run("contact", "list", "--json").json()] == [("Eve", [])]
