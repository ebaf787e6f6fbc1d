"""Defects found by trying the CLI as a demanding user and a hostile tester (issue #17, second pass).

Each test names the output or input that went wrong; the clock is the suite's fixed one.
"""

from __future__ import annotations

import pytest


@pytest.fixture
def ada(run):
    assert run("contact", "add", "Ada Lovelace", "--account", "Acme").exit_code == 0
    return run


# ------------------------------------------------------ one row, one line


def test_a_promise_spanning_lines_stays_on_its_row_in_promise_list(ada):
    assert ada("promise", "add", "ada", "send the deck\nand the figures", "--due", "tomorrow").exit_code == 0
    out = ada("promise", "list").stdout
    lines = out.splitlines()
    assert len(lines) == 2  # the header and the one promise
    assert lines[1].endswith("send the deck and the figures")


def test_a_followup_reason_spanning_lines_stays_on_its_row_in_followup_list(ada):
    assert ada("followup", "add", "ada", "ask about\tthe pilot\nand the budget", "--due", "+2d").exit_code == 0
    rows = [line for line in ada("followup", "list").stdout.splitlines() if "manual" in line]
    assert len(rows) == 1
    assert rows[0].endswith("ask about the pilot and the budget")
    assert "\t" not in rows[0]


def test_agenda_and_contact_show_keep_each_entry_on_its_line(ada):
    assert ada("promise", "add", "ada", "send the deck\nand the figures", "--due", "tomorrow").exit_code == 0
    assert ada("followup", "add", "ada", "ask about\nthe pilot").exit_code == 0
    agenda = ada("agenda").stdout
    show = ada("contact", "show", "ada").stdout
    for out in (agenda, show):
        # every line is a heading, an entry or a blank: none starts with the rest of a text
        assert not any(line.startswith(("and the figures", "the pilot")) for line in out.splitlines())
    assert "ask about the pilot" in agenda
    assert "send the deck and the figures" in show


# ------------------------------------------------------ reply times


def test_an_absurd_reply_time_is_refused_in_one_line_and_nothing_is_written(ada):
    before = ada("history", "ada", "--json").json()
    result = ada("log", "ada", "-c", "email", "--responded", "--response-hours", "1e300")
    assert result.exit_code == 2
    assert len(result.stderr.strip().splitlines()) == 1
    assert "--response-hours" in result.stderr and "87,840" in result.stderr
    assert ada("history", "ada", "--json").json() == before


def test_a_stored_absurd_reply_time_is_unknown_in_health_and_backup(ada, db_path, tmp_path):
    """Stored by an older keepwarm that took any finite number: it neither shows as a 301-digit
    average nor stops the backup from restoring."""
    import sqlite3

    assert ada("log", "ada", "-c", "email", "--responded", "--response-hours", "48").exit_code == 0
    assert ada("log", "ada", "-c", "email", "--responded", "--response-hours", "2").exit_code == 0
    conn = sqlite3.connect(db_path)
    with conn:
        conn.execute("UPDATE interactions SET response_hours = 1e300 WHERE response_hours = 2")
    conn.close()
    show = ada("contact", "show", "ada").stdout
    assert "in 48 h on average" in show
    backup = tmp_path / "b.json"
    assert ada("export", "json", "-o", str(backup)).exit_code == 0
    restored = ada("--db", str(tmp_path / "new.db"), "restore", str(backup))
    assert restored.exit_code == 0, restored.stderr
    hours = sorted(i["response_hours"] for i in ada("--db", str(tmp_path / "new.db"), "history", "ada", "--json").json()
                   if i["response_hours"] is not None)
    assert hours == [48.0]


# ------------------------------------------------------ calendar publish URLs


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("http://me:s3cret@[::1/dav/", "Invalid IPv6 URL"),
        ("https://dav.example.com:99999/", "Port out of range"),
        ("https:///calendars/", "names no server"),
        ("https://dav.example.com/\x1b]0;pwned\x07/", "control character \\x1b"),
    ],
)
def test_an_unreadable_calendar_url_is_one_line_without_its_password(ada, url, expected):
    result = ada("calendar", "publish", url, "--calendar", "keepwarm", "--password-stdin", input="pw\n")
    assert result.exit_code == 2
    assert len(result.stderr.strip().splitlines()) == 1
    assert expected in result.stderr
    assert "s3cret" not in result.stderr and "\x1b" not in result.stderr


# ------------------------------------------------------ a failed command creates nothing


@pytest.mark.parametrize(
    "command",
    [
        ("restore", "{backup}"),
        ("import", "csv", "{missing}"),
        ("import", "vcard", "{empty}"),
        ("import", "interactions", "{empty}"),
    ],
)
def test_a_failed_import_or_restore_leaves_no_new_database_or_folder(run, tmp_path, command):
    (tmp_path / "not-a-backup.json").write_text('{"format": "something else"}', encoding="utf-8")
    (tmp_path / "empty.vcf").write_text("", encoding="utf-8")
    names = {"backup": tmp_path / "not-a-backup.json", "missing": tmp_path / "missing.csv", "empty": tmp_path / "empty.vcf"}
    target = tmp_path / "new" / "book" / "keepwarm.db"
    result = run("--db", str(target), *(part.format(**names) for part in command))
    assert result.exit_code == 2
    assert not (tmp_path / "new").exists()


def test_a_successful_import_into_a_new_path_still_creates_it(run, tmp_path):
    source = tmp_path / "people.csv"
    source.write_text("Name,E-mail Address\nAda Lovelace,ada@example.com\n", encoding="utf-8")
    target = tmp_path / "new" / "keepwarm.db"
    assert run("--db", str(target), "import", "csv", str(source)).exit_code == 0
    assert [c["name"] for c in run("--db", str(target), "contact", "list", "--json").json()] == ["Ada Lovelace"]


def test_a_failed_import_into_an_existing_empty_book_keeps_the_book(run, tmp_path, db_path):
    assert run("contact", "add", "Ada").exit_code == 0
    assert run("contact", "rm", "ada", "--yes").exit_code == 0
    assert run("import", "csv", str(tmp_path / "missing.csv")).exit_code == 2
    assert db_path.exists()


# ------------------------------------------------------ a hostile CSV header


def test_a_huge_csv_header_is_not_printed_whole(run, tmp_path):
    huge = "x" * 50_000
    unknown = tmp_path / "unknown.csv"
    unknown.write_text(f"{huge},{huge}y\n1,2\n", encoding="utf-8")
    result = run("import", "csv", str(unknown), "--dry-run")
    assert result.exit_code == 2
    assert len(result.stderr.strip().splitlines()) == 1
    assert len(result.stderr) < 500
    mapped = tmp_path / "mapped.csv"
    mapped.write_text(f"Name,{huge}\nAda Lovelace,2\n", encoding="utf-8")
    result = run("import", "csv", str(mapped), "--map", "Name=name", "--dry-run")
    assert result.exit_code == 0
    assert "50,000 characters" in result.stdout
    assert max(len(line) for line in result.stdout.splitlines()) < 300


def test_restore_of_a_binary_file_says_a_backup_was_expected(run, tmp_path):
    blob = tmp_path / "photo.json"
    blob.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" * 10)
    result = run("--db", str(tmp_path / "new.db"), "restore", str(blob))
    assert result.exit_code == 2
    assert result.stderr == f"keepwarm: {blob}: looks like a binary file (expected text: a JSON backup made by keepwarm export json)\n"


# ------------------------------------------------------ a question without an answer (scripts)


def test_a_namesake_added_by_a_script_says_what_to_pass(ada):
    result = ada("contact", "add", "Ada Lovelace")  # standard input is empty: no answer
    assert result.exit_code == 2
    assert result.stderr.strip().splitlines()[-1] == "keepwarm: contact add: not added (pass --force to add a namesake anyway, or --merge to add these details to them)"
    assert len(ada("contact", "list", "--json").json()) == 1


def test_contact_rm_by_a_script_without_yes_says_what_to_pass(ada):
    result = ada("contact", "rm", "ada")
    assert result.exit_code == 2
    assert result.stderr.strip().splitlines()[-1] == (
        "keepwarm: contact rm: not removed (no answer; pass --yes to remove without asking)")
    assert len(ada("contact", "list", "--json").json()) == 1


@pytest.mark.parametrize("command", [("account", "show", ""), ("account", "show", "  "), ("contact", "list", "--account", "")])
def test_an_empty_account_name_is_refused_like_an_empty_contact_name(ada, command):
    assert ada("contact", "add", "Grace Hopper", "--account", "Navy").exit_code == 0
    result = ada(*command)
    assert result.exit_code == 2
    assert result.stderr == "keepwarm: account: empty (expected an id or a name)\n"


# ------------------------------------------------------ wording


def test_doctor_counts_one_backup_in_the_singular(ada):
    assert ada("backup").exit_code == 0
    out = ada("doctor").stdout
    assert "0 automatic and 1 manual backup in" in out
    assert "1 manual backups" not in out


def test_a_row_wider_than_a_one_column_header_says_1_column(run, tmp_path):
    source = tmp_path / "one.csv"
    source.write_text("Name\nAda Lovelace,extra\n", encoding="utf-8")
    result = run("import", "csv", str(source), "--map", "Name=name", "--dry-run")
    assert result.exit_code == 2
    assert "line 2: 2 cells, but the header names 1 column (" in result.stderr


def test_a_touch_rate_of_one_a_month_is_said_in_the_singular(ada):
    for when in ("-10d", "-20d", "-30d", "-100d", "-200d"):
        assert ada("log", "ada", "-c", "email", "--when", when).exit_code == 0
    out = ada("contact", "show", "ada").stdout
    assert "Touch rate: 1 touch a month recently against 0.2 before" in out


# ------------------------------------------------------ writing into a pipe or a device


@pytest.mark.parametrize(
    ("command", "start"),
    [(("export", "json"), b"{"), (("export", "vcard"), b"BEGIN:VCARD"), (("export", "ics"), b"BEGIN:VCALENDAR")],
)
def test_an_export_into_a_named_pipe_writes_into_it_and_keeps_it_a_pipe(ada, tmp_path, command, start):
    """A pipe, /dev/stdout or a device is written into, as `cp` does; the temporary file and rename that
    keep a regular file whole replaced the pipe itself with a file (and, run as root, /dev/full)."""
    import os
    import stat

    pipe = tmp_path / "pipe"
    os.mkfifo(pipe)
    reader = os.open(pipe, os.O_RDONLY | os.O_NONBLOCK)  # a reader is there, so the writer does not wait
    try:
        result = ada(*command, "-o", str(pipe))
        assert result.exit_code == 0, result.stderr
        assert stat.S_ISFIFO(os.stat(pipe).st_mode)
        assert os.read(reader, 1 << 16).startswith(start)  # a small book fits in the pipe's buffer
    finally:
        os.close(reader)


def test_a_backup_refuses_a_pipe_even_with_force(ada, tmp_path):
    import os
    import stat

    pipe = tmp_path / "pipe"
    os.mkfifo(pipe)
    result = ada("backup", str(pipe), "--force")
    assert result.exit_code == 2
    assert result.stderr == f"keepwarm: {pipe}: is a device or a pipe, not a file (expected a file name for the backup)\n"
    assert stat.S_ISFIFO(os.stat(pipe).st_mode)


# ------------------------------------------------------ an edit that changes nothing


@pytest.mark.parametrize("options", [(), ("--add-tag", "vip"), ("--remove-tag", "nothere"), ("--title", "Analyst")])
def test_an_edit_that_changes_nothing_says_so_and_writes_nothing(run, options):
    assert run("contact", "add", "Ada Lovelace", "--tag", "vip", "--title", "Analyst").exit_code == 0
    before = run("export", "json").stdout
    result = run("contact", "edit", "ada", *options)
    assert result.exit_code == 0
    assert result.stdout == "Contact 1 unchanged: Ada Lovelace\n"
    assert run("export", "json").stdout == before


def test_an_edit_that_changes_something_still_says_updated(run):
    assert run("contact", "add", "Ada Lovelace").exit_code == 0
    assert run("contact", "edit", "ada", "--title", "Analyst").stdout == "Updated contact 1: Ada Lovelace\n"


def test_account_show_keeps_its_stakeholder_columns_aligned(run):
    assert run("contact", "add", "Ada Lovelace", "--account", "Acme", "--role", "champion", "--title", "Chief Analyst").exit_code == 0
    assert run("contact", "add", "Charles Babbage of the Analytical Engine", "--account", "Acme",
               "--role", "financial-approver").exit_code == 0
    out = run("account", "show", "Acme").stdout
    rows = [line for line in out.splitlines() if line.startswith("  #")]
    assert len(rows) == 2
    assert rows[0].index("champion") == rows[1].index("financial approver")
    assert rows[0].index("health") == rows[1].index("health")


# ------------------------------------------------------ empty dates, phone-named contacts


@pytest.mark.parametrize(
    "command",
    [("promise", "add", "ada", "send the deck", "--due", ""), ("followup", "add", "ada", "ask", "--due", ""),
     ("agenda", "--on", ""), ("promise", "add", "ada", "send the deck", "--due", "  ")],
)
def test_an_empty_date_is_refused_alike_everywhere(ada, command):
    result = ada(*command)
    assert result.exit_code == 2
    field = "on" if command[0] == "agenda" else "due"
    assert result.stderr.startswith(f"keepwarm: {field}: empty (expected a date such as 2026-12-01")
    assert ada("promise", "list", "--json").json() == []


def test_a_contact_named_after_its_phone_is_not_called_plus_one(run, tmp_path):
    source = tmp_path / "phones.csv"
    source.write_text("First Name,Last Name,Mobile Phone\n,,+1 555 0199\n", encoding="utf-8")
    assert run("import", "csv", str(source)).exit_code == 0
    out = run("agenda", "--days", "90").stdout
    assert "Check in with +1 555 0199:" in out
    assert "with +1:" not in out and "with +1 (" not in out


@pytest.mark.parametrize("limit", ["99999999999999999999", "9223372036854775808"])
def test_a_history_limit_beyond_sqlites_integers_is_one_line(ada, limit):
    result = ada("history", "ada", "--limit", limit)
    assert result.exit_code == 2
    assert result.stderr.strip().endswith(f"{limit} is out of range (expected 1 to 9223372036854775807)")


def test_the_largest_history_limit_still_lists(ada):
    assert ada("log", "ada", "-c", "email").exit_code == 0
    assert len(ada("history", "ada", "--limit", "9223372036854775807", "--json").json()) == 1


def test_agenda_days_out_of_range_is_worded_as_every_other_range(ada):
    result = ada("agenda", "--days", "367")
    assert result.exit_code == 2
    assert result.stderr.endswith(" agenda: Invalid value for '--days': 367 is out of range (expected 0 to 366)\n")


# ------------------------------------------------------ exports to standard output


def test_export_vcard_to_standard_output_is_the_same_bytes_as_to_a_file(ada, tmp_path):
    """The CLI's text filter showed every CR of the vCard's CRLF as the text \\x0d, so
    `keepwarm export vcard > everyone.vcf` wrote a broken file."""
    from click.testing import CliRunner

    from keepwarm.cli import cli

    target = tmp_path / "everyone.vcf"
    assert ada("export", "vcard", "-o", str(target)).exit_code == 0
    result = CliRunner().invoke(cli, ["export", "vcard"], catch_exceptions=False)
    assert result.exit_code == 0
    assert result.stdout_bytes == target.read_bytes()
    assert result.stdout_bytes.startswith(b"BEGIN:VCARD\r\nVERSION:4.0\r\n")


def test_a_history_file_finds_a_contact_whose_name_held_an_escape_sequence(run, tmp_path):
    """The contact's name is stored with the sequence made visible; the history file names
    them the raw way the same exporter wrote them."""
    people = tmp_path / "people.csv"
    people.write_text("Name,E-mail\nEv\x1b[2Jil Corp,\n", encoding="utf-8")
    assert run("import", "csv", str(people), "--map", "Name=name").exit_code == 0
    touches = tmp_path / "touches.csv"
    touches.write_text("date,contact,channel,notes\n2026-11-01,Ev\x1b[2Jil Corp,email,hello\n"
                       "2026-11-02,Nobody\x1b[1m,email,x\n", encoding="utf-8")
    result = run("import", "interactions", str(touches), "--skip-invalid")
    assert result.exit_code == 0
    assert "1 created" in result.stdout
    assert "no contact is called 'Nobody\\x1b[1m'" in result.stdout
    assert [i["notes"] for i in run("history", "1", "--json").json()] == ["hello"]


def test_an_ambiguous_name_lists_each_candidates_account(run):
    assert run("contact", "add", "John Doe", "--account", "Acme").exit_code == 0
    assert run("contact", "add", "John Doe", "--account", "Globex", "--force").exit_code == 0
    assert run("contact", "add", "Johnny Walker").exit_code == 0
    result = run("history", "john")
    assert result.exit_code == 2
    assert result.stderr.splitlines()[1:] == ["  1\tJohn Doe\tAcme", "  2\tJohn Doe\tGlobex", "  3\tJohnny Walker"]


def test_backup_to_dash_is_refused_rather_than_a_file_named_dash(ada, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = ada("backup", "-")
    assert result.exit_code == 2
    assert result.stderr.startswith("keepwarm: FILE: '-' is standard output, and a backup is a database file")
    assert not (tmp_path / "-").exists()
