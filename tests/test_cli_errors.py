"""Bad input: one line on stderr naming the field and what is accepted, exit 2, nothing written."""

from __future__ import annotations

import sqlite3

import pytest

RATINGS = ("--communication", "3", "--sharing", "3", "--advocacy", "3", "--conflict", "3", "--commitment", "3")


def dump(path) -> dict[str, list[tuple]] | None:
    """Every row of every table: what 'nothing written' is checked against."""
    if not path.exists():
        return None
    conn = sqlite3.connect(path)
    try:
        tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table' ORDER BY name")]
        return {t: sorted(conn.execute(f'SELECT * FROM "{t}"').fetchall(), key=repr) for t in tables}
    finally:
        conn.close()


@pytest.fixture
def world(run, db_path):
    """Ada and Adam (both match 'ada'), Grace; a promise and a follow-up, both open."""
    for args in (
        ("contact", "add", "Ada Lovelace", "--account", "Acme"),
        ("contact", "add", "Adam Smith", "--account", "Acme"),
        ("contact", "add", "Grace Hopper"),
        ("promise", "add", "grace", "send the deck", "--due", "friday"),
        ("followup", "add", "grace", "check in", "--due", "tomorrow"),
    ):
        assert run(*args).exit_code == 0
    return run


# (arguments, strings the one line must contain)
ONE_LINE_CASES = [
    # unknown enum values
    (("contact", "add", "X", "--role", "boss"), ["--role", "'boss'", "primary-contact", "champion"]),
    (("contact", "add", "X", "--style", "nice"), ["--style", "'nice'", "analytical, driver, expressive, amiable"]),
    (("contact", "add", "X", "--stage", "gone"), ["--stage", "'gone'", "prospect, new-client, active"]),
    (("contact", "add", "X", "--tier", "z"), ["--tier", "'z'", "a, b, c"]),
    (("contact", "add", "X", "--motivation", "money"), ["--motivation", "'money'", "autonomy"]),
    (("contact", "add", "X", "--channel", "fax"), ["--channel", "'fax'", "call, email"]),
    (("contact", "edit", "grace", "--stage", "gone"), ["--stage", "'gone'", "at-risk"]),
    (("contact", "list", "--role", "boss"), ["--role", "'boss'", "champion"]),
    (("log", "grace", "--channel", "fax"), ["--channel", "'fax'", "call, email, meeting"]),
    (("log", "grace", "-c", "call", "--direction", "sideways"), ["--direction", "'sideways'", "outbound, inbound"]),
    (("log", "grace", "-c", "call", "--purpose", "lunch"), ["--purpose", "'lunch'", "check-in", "recovery"]),
    (("log", "grace", "-c", "call", "--outcome", "maybe"), ["--outcome", "'maybe'", "declined"]),
    (("promise", "add", "grace", "x", "--by", "you"), ["--by", "'you'", "me, them"]),
    (("promise", "list", "--status", "late"), ["--status", "'late'", "open, done, cancelled"]),
    (("followup", "add", "grace", "x", "--channel", "pigeon"), ["--channel", "'pigeon'", "letter"]),
    (("followup", "list", "--status", "late"), ["--status", "'late'", "open, done, snoozed, dismissed"]),
    # impossible and unreadable dates
    (("contact", "add", "X", "--birthday", "02-30"), ["birthday:", "02-30 is not a day of the year"]),
    (("contact", "add", "X", "--birthday", "2026-02-29"), ["birthday:", "2026-02-29 is not a day of 2026"]),
    (("contact", "add", "X", "--birthday", "soon"), ["birthday:", "'soon'", "1985-03-14", "03-14"]),
    (("contact", "edit", "grace", "--work-anniversary", "2019-13-01"), ["work_anniversary:", "month", "12"]),
    (("contact", "add", "X", "--date", "founded"), ["date:", "'founded'", "LABEL=DATE"]),
    (("log", "grace", "-c", "call", "--when", "2026-02-30"), ["when:", "'2026-02-30' is not a day of the calendar", "2026-12-01", "tomorrow"]),
    (("log", "grace", "-c", "call", "--when", "someday"), ["when:", "'someday'", "2026-12-01", "next friday"]),
    (("log", "grace", "-c", "call", "--when", "tomorrow"), ["when:", "'tomorrow' is in the future", "followup add"]),
    (("promise", "add", "grace", "x", "--due", "2026-02-30"), ["due:", "not a day of the calendar", "+3d"]),
    (("followup", "add", "grace", "x", "--due", "2026-04-31 10:00"), ["due:", "not a day of the calendar"]),
    (("followup", "snooze", "1", "--until", "2026-02-30"), ["until:", "not a day of the calendar"]),
    (("followup", "snooze", "1", "--until", "yesterday"), ["until:", "'yesterday' is not after today"]),
    (("assess", "grace", "--trust", "3", *RATINGS, "--on", "2026-02-30"), ["on:", "not a day of the calendar"]),
    # missing contacts and records
    (("contact", "show", "nobody"), ["contact:", "no contact matches 'nobody'"]),
    (("contact", "show", "99"), ["contact:", "no contact with id 99"]),
    (("contact", "edit", "nobody", "--title", "CEO"), ["contact:", "'nobody'"]),
    (("contact", "rm", "nobody", "--yes"), ["contact:", "'nobody'"]),
    (("log", "nobody", "-c", "call"), ["contact:", "'nobody'"]),
    (("log", "grace", "nobody", "-c", "call"), ["contact:", "'nobody'"]),
    (("history", "nobody"), ["contact:", "'nobody'"]),
    (("promise", "add", "nobody", "x"), ["contact:", "'nobody'"]),
    (("promise", "list", "--contact", "nobody"), ["contact:", "'nobody'"]),
    (("followup", "add", "nobody", "x"), ["contact:", "'nobody'"]),
    (("assess", "nobody", "--trust", "3", *RATINGS), ["contact:", "'nobody'"]),
    (("promise", "done", "99"), ["promise:", "no promise with id 99"]),
    (("promise", "cancel", "99"), ["promise:", "no promise with id 99"]),
    (("followup", "done", "99"), ["follow-up:", "no follow-up with id 99"]),
    (("followup", "snooze", "99"), ["follow-up:", "no follow-up with id 99"]),
    (("followup", "dismiss", "99"), ["follow-up:", "no follow-up with id 99"]),
    (("account", "show", "Initech"), ["account:", "no account matches 'Initech'"]),
    (("contact", "list", "--account", "Initech"), ["account:", "'Initech'"]),
    # out-of-range numbers
    (("assess", "grace", "--trust", "6", *RATINGS), ["--trust", "6 is out of range (expected 1 to 5)"]),
    (("assess", "grace", "--trust", "0", *RATINGS), ["--trust", "0 is out of range (expected 1 to 5)"]),
    (("assess", "grace", "--trust", "high", *RATINGS), ["--trust", "'high' is not a whole number (expected 1 to 5)"]),
    (("assess", "grace", "--trust", "3"), ["--communication"]),
    (("log", "grace", "-c", "call", "--sentiment", "3"), ["--sentiment", "3 is out of range (expected -2 to 2)"]),
    (("log", "grace", "-c", "call", "--sentiment", "-3"), ["--sentiment", "-3 is out of range (expected -2 to 2)"]),
    # other fields
    (("contact", "add", "X", "--email", "not-an-address"), ["emails:", "'not-an-address'", "name@example.com"]),
    (("contact", "add", "   "), ["name:", "empty"]),
    (("contact", "edit", "grace", "--name", " "), ["name:", "empty"]),
    (("account", "add", "acme"), ["account:", "'acme' exists already"]),
    (("promise", "add", "grace", ""), ["text:", "empty"]),
]


def test_every_bad_input_is_one_line_exit_2_and_writes_nothing(world, db_path):
    # One database for all cases keeps this fast; each case checks it is untouched.
    before = dump(db_path)
    assert before["contacts"] and before["commitments"] and before["followups"]
    for args, needles in ONE_LINE_CASES:
        result = world(*args)
        lines = result.stderr.splitlines()
        assert result.exit_code == 2, (args, result.exit_code, result.stderr)
        assert len(lines) == 1, (args, result.stderr)
        for needle in needles:
            assert needle in lines[0], (args, needle, lines[0])
        assert result.stdout == "", (args, result.stdout)
        assert dump(db_path) == before, args


def test_closing_twice_is_refused(world, db_path):
    assert world("promise", "done", "1").exit_code == 0
    assert world("followup", "dismiss", "1").exit_code == 0
    before = dump(db_path)
    for args, line in (
        (("promise", "done", "1"), "keepwarm: promise 1: is done already"),
        (("followup", "done", "1"), "keepwarm: follow-up 1: is dismissed; only open or snoozed ones can be marked done"),
        (("followup", "snooze", "1"), "keepwarm: follow-up 1: is dismissed; only open or snoozed ones can be snoozed"),
    ):
        result = world(*args)
        assert (result.exit_code, result.stderr.splitlines()) == (2, [line])
        assert dump(db_path) == before


AMBIGUOUS = [
    ("contact", "show", "ada"),
    ("contact", "edit", "ada", "--title", "CEO"),
    ("contact", "rm", "ada", "--yes"),
    ("log", "ada", "-c", "call"),
    ("log", "grace", "ada", "-c", "call"),
    ("promise", "add", "ada", "x"),
    ("followup", "add", "ada", "x"),
    ("assess", "ada", "--trust", "3", *RATINGS),
    ("history", "ada"),
]


def test_an_ambiguous_contact_lists_the_candidates(world, db_path):
    before = dump(db_path)
    for args in AMBIGUOUS:
        result = world(*args)
        assert result.exit_code == 2, args
        assert result.stderr.splitlines() == [
            "keepwarm: contact: 'ada' matches 2 contacts; use an id or a longer name",
            "  1\tAda Lovelace\tAcme",
            "  2\tAdam Smith\tAcme",
        ], args
        assert result.stdout == "", args
        assert dump(db_path) == before, args


# ------------------------------------------------------------------ database files


def _not_sqlite(path):
    path.write_text("name,email\nAda,ada@example.com\n", encoding="utf-8")


def _other_tables(path):
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE recipes (name TEXT)")
    conn.execute("INSERT INTO recipes VALUES ('bread')")
    conn.commit()
    conn.close()


def _damaged(path):
    _other_tables(path)
    data = bytearray(path.read_bytes())
    data[100:] = b"\xee" * (len(data) - 100)
    path.write_bytes(bytes(data))


def _newer(path):
    from keepwarm.store import Store

    with Store.open(path) as store:
        with store.write() as conn:
            conn.exec_driver_sql("UPDATE alembic_version SET version_num = '9999'")


BAD_FILES = {
    "not-sqlite": (_not_sqlite, "is not a keepwarm database (not an SQLite file)"),
    "other-tables": (_other_tables, "is not a keepwarm database (it holds other tables)"),
    "damaged": (_damaged, "cannot be opened as a keepwarm database (database disk image is malformed)"),
    "newer": (_newer, "was written by a newer keepwarm (schema 9999)"),
}


@pytest.mark.parametrize("how", ["--db", "KEEPWARM_DB"])
@pytest.mark.parametrize("kind", sorted(BAD_FILES))
def test_a_file_that_is_not_a_usable_keepwarm_database(run, tmp_path, monkeypatch, db_path, how, kind):
    make, expected = BAD_FILES[kind]
    path = tmp_path / "elsewhere" / "mine.db"
    path.parent.mkdir()
    make(path)
    before = {p.name: p.read_bytes() for p in path.parent.iterdir()}
    if how == "--db":
        args = ("--db", str(path), "contact", "add", "Ada")
    else:
        monkeypatch.setenv("KEEPWARM_DB", str(path))
        args = ("contact", "add", "Ada")
    result = run(*args)
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [f"keepwarm: {path}: {expected}" + _tail(kind)]
    assert result.stdout == ""
    assert {p.name: p.read_bytes() for p in path.parent.iterdir()} == before
    assert not db_path.exists()  # and the default database was not created instead


def _tail(kind: str) -> str:
    if kind == "newer":
        from keepwarm.store.migrate import HEAD

        return f"; this program knows schemas up to {HEAD}. Upgrade keepwarm to open it; the file was not changed"
    return ""


@pytest.mark.parametrize("how", ["--db", "KEEPWARM_DB"])
def test_a_folder_given_as_the_database(run, tmp_path, monkeypatch, how):
    folder = tmp_path / "afolder"
    folder.mkdir()
    if how == "--db":
        result = run("--db", str(folder), "contact", "list")
    else:
        monkeypatch.setenv("KEEPWARM_DB", str(folder))
        result = run("contact", "list")
    assert result.exit_code == 2
    [line] = result.stderr.splitlines()
    assert "--db" in line and "is a directory" in line
    assert list(folder.iterdir()) == []


def test_the_db_option_and_variable_choose_the_file(run, tmp_path, monkeypatch, db_path):
    mine = tmp_path / "mine.db"
    theirs = tmp_path / "theirs.db"
    assert run("--db", str(mine), "contact", "add", "Ada").exit_code == 0
    monkeypatch.setenv("KEEPWARM_DB", str(theirs))
    assert run("contact", "add", "Grace").exit_code == 0
    assert [c["name"] for c in run("--db", str(mine), "contact", "list", "--json").json()] == ["Ada"]
    assert [c["name"] for c in run("contact", "list", "--json").json()] == ["Grace"]
    assert not db_path.exists()


def test_an_unreadable_database_file(run, tmp_path, monkeypatch):
    """Permission denied, simulated so that it holds when the tests run as root."""
    import pathlib

    path = tmp_path / "locked.db"
    path.write_bytes(b"SQLite format 3\x00" + b"\x00" * 200)
    before = path.read_bytes()
    real_open = pathlib.Path.open

    def deny(self, *args, **kwargs):
        if self == path:
            raise PermissionError(13, "Permission denied", str(self))
        return real_open(self, *args, **kwargs)

    monkeypatch.setattr(pathlib.Path, "open", deny)
    monkeypatch.setenv("KEEPWARM_DB", str(path))
    result = run("contact", "add", "Ada")
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [f"keepwarm: {path}: cannot be read (Permission denied)"]
    monkeypatch.undo()
    assert path.read_bytes() == before
