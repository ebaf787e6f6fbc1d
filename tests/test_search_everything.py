"""Issue #20, point 1: `keepwarm search` finds contacts by any field and touches, promises and notes by their
text, ranked, with the match in context; the index (migration 0013) kept in step by triggers, bulk loads,
restores, merges, and made again by `keepwarm doctor --rebuild-search`.

Scenario tests at the fixed clock of conftest.py (Sunday 2026-11-22 09:00 UTC).
"""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import text

from keepwarm.services import search as service
from keepwarm.store import Store
from keepwarm.store import search as index

RAW = ("\x1b", "\x9b", "\x07", "\x08")


def ok(result):
    assert result.exit_code == 0, result.stderr
    return result


def found(run, *words: str, **options) -> list[tuple[str, str, str]]:
    """(kind, contact, context) of each result, best first."""
    args = ["search", *words, "--json"]
    for key, value in options.items():
        args += [f"--{key}", str(value)]
    return [(f["kind"], f["contact"], f["context"]) for f in ok(run(*args)).json()]


def names(run, *words: str) -> list[str]:
    return [contact for kind, contact, _ in found(run, *words, kind="contacts")]


@pytest.fixture
def both(run, backend):
    """The CLI on a new book on each store: a SQLite file, then a PostgreSQL database (migration 0020's index,
    store/search_server.py), each scenario asserting the same results on both."""

    def invoke(*args: str, input: str | None = None):
        return run("--db", backend.db, *args, input=input)

    return invoke


@pytest.fixture
def book(run):
    """Ada (#1) of Analytical Engines, Charles (#2) who mentions her, Grace (#3), and their words."""
    return _filled(run)


@pytest.fixture
def book_both(both):
    """`book` on each store."""
    return _filled(both)


def _filled(run):
    ok(run("contact", "add", "Ada Lovelace", "--account", "Analytical Engines", "--email", "ada@engines.example",
           "--phone", "+44 20 7946 0958", "--tag", "poetry", "--title", "Countess", "--interest", "mathematics",
           "--role", "champion"))
    ok(run("contact", "add", "Charles Babbage", "--notes", "Worked with Lovelace on the engine notes."))
    ok(run("contact", "add", "Grace Hopper", "--title", "Rear Admiral", "--interest", "compilers"))
    ok(run("log", "3", "--channel", "call", "--when", "2026-11-02", "--notes", "Talked about Lovelace's notes."))
    ok(run("log", "3", "--channel", "meeting", "--when", "2026-11-10", "--notes", "Debugging the moth story."))
    ok(run("promise", "add", "2", "send the difference engine drawings", "--due", "2026-12-01"))
    ok(run("note", "add", "1", "Her daughter is called Annabella; likes horses", "--on", "2026-10-01"))
    return run


def test_a_name_outranks_notes_and_touches_and_each_kind_says_whose_it_is(book_both):
    assert found(book_both, "lovelace") == [
        ("contact", "Ada Lovelace", "Ada Lovelace"),
        ("contact", "Charles Babbage", "Worked with Lovelace on the engine notes."),
        ("touch", "Grace Hopper", "Talked about Lovelace's notes."),
    ]
    hit = ok(book_both("search", "lovelace", "--json", "--limit", "1")).json()[0]
    assert hit == {"kind": "contact", "id": 1, "contact_id": 1, "contact": "Ada Lovelace", "day": None,
                   "context": "Ada Lovelace", "matched": [[4, 12]]}
    assert found(book_both, "engine") == [
        ("contact", "Ada Lovelace", "Analytical Engines"),
        ("contact", "Charles Babbage", "Worked with Lovelace on the engine notes."),
        ("promise", "Charles Babbage", "send the difference engine drawings"),
    ]
    text = ok(book_both("search", "annabella")).stdout.splitlines()
    assert text[0].split() == ["KIND", "DAY", "CONTACT", "MATCH"]
    assert text[1].split() == ["note", "2026-10-01", "Ada", "Lovelace", "(#1)", "Her", "daughter", "is", "called",
                               "«Annabella»;", "likes", "horses"]
    assert ok(book_both("search", "moth", "--json")).json()[0]["day"] == "2026-11-10"


def test_every_field_a_user_would_search_finds_the_contact(book_both):
    for words in (["countess"], ["analytical"], ["ada@engines.example"], ["engines.example"], ["7946"],
                  ["442079460958"], ["poetry"], ["mathematics"], ["champion"], ["rear", "admiral"], ["compil"]):
        assert names(book_both, *words) in (["Ada Lovelace"], ["Grace Hopper"]), words


def test_every_word_must_match_and_the_last_is_a_prefix_while_typing(book_both):
    assert names(book_both, "lov") == ["Ada Lovelace", "Charles Babbage"]
    assert names(book_both, "ada", "lov") == ["Ada Lovelace"]
    assert names(book_both, "grace", "lov") == []
    # A space after the last word: it is finished, and matches whole words only.
    assert index.match_expression("ada lov ") == '"ada" "lov"'
    assert index.match_expression("ada lov") == '"ada" "lov"*'


def test_case_and_accents_do_not_matter_in_any_script(both):
    for name in ("Zoë Müller", "Дмитрий Иванов", "Ηλέκτρα Παπαδοπούλου", "山田太郎", "Ørjan Ødegård"):
        ok(both("contact", "add", name))
    assert names(both, "zoe") == ["Zoë Müller"]
    assert names(both, "ZOË", "MULLER") == ["Zoë Müller"]
    assert names(both, "muller") == ["Zoë Müller"]
    assert names(both, "ДМИТРИЙ") == ["Дмитрий Иванов"]
    assert names(both, "иванов") == ["Дмитрий Иванов"]
    assert names(both, "ηλέκτρα") == ["Ηλέκτρα Παπαδοπούλου"]
    assert names(both, "ηλεκτρα") == ["Ηλέκτρα Παπαδοπούλου"]  # unicode61 keeps Greek accents: folded apart
    assert names(both, "ΠΑΠΑΔΟΠΟΥΛΟΥ") == ["Ηλέκτρα Παπαδοπούλου"]
    assert names(both, "ΠΑΠΑΔ") == ["Ηλέκτρα Παπαδοπούλου"]
    assert names(both, "дмитрии") == []  # й is a letter of its own, not и with an accent
    assert names(both, "山田太郎") == ["山田太郎"]
    assert names(both, "山田") == ["山田太郎"]  # as a prefix of the run of characters
    assert names(both, "ødegard") == ["Ørjan Ødegård"]  # å is a with a ring; ø is a letter of its own


ADA = {"Ada Lovelace"}


@pytest.mark.parametrize(
    "typed, contacts",
    [
        ('"', set()), ("*", set()), ("AND", set()), ("NEAR(", set()), ("-", set()), (":", set()),
        ('ada" OR "x', set()),  # "or" and "x" are words to find too, and no text of Ada's has them
        ("ada AND", set()), ("ada NOT grace", set()), ("NEAR(ada", set()), ("{name}: ada", set()),
        ("-ada", ADA), ("ada*", ADA), ("(ada", ADA), ('"ada', ADA), ("^ada", ADA), ("ada +", ADA), ("ada:", ADA),
        ("ada -", ADA), ("ada --", ADA),
    ],
)
def test_what_is_typed_is_plain_words_and_never_an_error(book_both, typed, contacts):
    result = book_both("search", typed, "--json")
    assert (result.exit_code, result.stderr) == (0, "")
    assert {f["contact"] for f in result.json()} == contacts


def test_greek_and_cyrillic_accents_do_not_matter_in_texts_and_their_edits(book_both, backend):
    ok(book_both("log", "2", "--channel", "call", "--notes", "Ήπιαμε καφέ στην Αθήνα; ёлка"))
    assert found(book_both, "ηπιαμε", "καφε") == [("touch", "Charles Babbage", "Ήπιαμε καφέ στην Αθήνα; ёлка")]
    assert found(book_both, "ЕЛКА") == [("touch", "Charles Babbage", "Ήπιαμε καφέ στην Αθήνα; ёлка")]
    touch = found(book_both, "αθηνα")
    assert len(touch) == 1
    ok(book_both("promise", "add", "3", "να στείλω το βιβλίο", "--due", "2026-12-10"))
    assert found(book_both, "στειλω") == [("promise", "Grace Hopper", "να στείλω το βιβλίο")]
    ok(book_both("contact", "rm", "2", "--yes"))  # the touch goes: its words, folded as they were, come out
    assert found(book_both, "αθηνα") == []
    if backend.name == "sqlite":  # the doctor reads a SQLite file
        assert _doctor_search(book_both) == [("search", True)]


def test_hostile_text_reaches_no_terminal(both, backend):
    ok(both("contact", "add", "Mallory", "--notes", "ok"))
    with Store.open(backend.db) as store, store.write() as conn:  # as an import or a plugin might write
        conn.execute(text("UPDATE contacts SET name = :name, notes = :notes WHERE id = 1"),
                     {"name": "Mal\x1b]52;c;aGk=\x07lory", "notes": "trap\x1b[2J\x9bhere"})
    for args in (["search", "trap"], ["search", "trap", "--json"], ["search", "mal"]):
        result = ok(both(*args))
        assert not any(ch in result.stdout for ch in RAW), args
    assert "\\x1b[2J" in ok(both("search", "trap")).stdout


def test_triggers_follow_edits_deletes_and_account_renames(book_both):
    ok(book_both("contact", "edit", "1", "--name", "Augusta King", "--email", "augusta@king.example", "--tag", "verse"))
    assert names(book_both, "ada") == []
    assert names(book_both, "augusta") == ["Augusta King"]
    assert names(book_both, "king.example") == ["Augusta King"]
    assert names(book_both, "verse") == ["Augusta King"]
    assert names(book_both, "poetry") == []
    ok(book_both("account", "edit", "Analytical Engines", "--name", "Difference Works"))
    assert names(book_both, "difference") == ["Augusta King"]
    assert names(book_both, "analytical") == []
    ok(book_both("note", "edit", "1", "--text", "Likes the opera"))
    assert found(book_both, "annabella") == []
    assert found(book_both, "opera") == [("note", "Augusta King", "Likes the opera")]
    ok(book_both("note", "delete", "1", "--yes"))
    assert found(book_both, "opera") == []
    ok(book_both("contact", "rm", "3", "--yes"))
    assert found(book_both, "moth") == []  # their touches went with them
    assert names(book_both, "grace") == []


def test_a_merge_leaves_one_contact_found_by_both_sets_of_words(book_both):
    ok(book_both("contact", "add", "A. Lovelace", "--email", "countess@byron.example", "--tag", "byron", "--yes"))
    ok(book_both("log", "4", "--channel", "email", "--when", "2026-11-05", "--notes", "Sent the Bernoulli numbers."))
    ok(book_both("contact", "merge", "1", "4", "--yes"))
    assert names(book_both, "byron") == ["Ada Lovelace"]
    assert names(book_both, "countess@byron.example") == ["Ada Lovelace"]
    assert found(book_both, "bernoulli") == [("touch", "Ada Lovelace", "Sent the Bernoulli numbers.")]
    assert [n for n in names(book_both, "lovelace") if "Lovelace" in n] == ["Ada Lovelace"]


def test_a_bulk_import_is_indexed_and_its_corrections_too(book, tmp_path):
    csv = tmp_path / "touches.csv"
    csv.write_text(
        "Date,Contact,Channel,Direction,Notes\n"
        "2026-09-01 10:00,Grace Hopper,call,outbound,Discussed the nanosecond wire\n"
        "2026-09-02 10:00,Charles Babbage,email,inbound,Asked about the analytical engine\n"
        "2026-09-03 10:00,Charles Babbage,email,outbound,\n",
        encoding="utf-8",
    )
    ok(book("import", "interactions", str(csv)))
    assert found(book, "nanosecond") == [("touch", "Grace Hopper", "Discussed the nanosecond wire")]
    csv.write_text(csv.read_text(encoding="utf-8").replace("nanosecond wire", "picosecond wire"), encoding="utf-8")
    ok(book("import", "interactions", str(csv)))  # the same touch, its notes corrected
    assert found(book, "nanosecond") == []
    assert found(book, "picosecond") == [("touch", "Grace Hopper", "Discussed the picosecond wire")]
    # The trigger the import set aside is back: a touch logged after is found.
    ok(book("log", "2", "--channel", "call", "--notes", "Punched cards again"))
    assert found(book, "punched") == [("touch", "Charles Babbage", "Punched cards again")]
    assert _doctor_search(book) == [("search", True)]


def _doctor_search(run) -> list[tuple[str, bool]]:
    report = run("doctor", "--json").json()
    return [(f["check"], f["ok"]) for f in report["findings"] if f["check"] == "search"]


def test_a_restored_backup_is_found_as_the_original(book, tmp_path):
    ok(book("export", "json", "-o", str(tmp_path / "all.json")))
    before = {words: found(book, words) for words in ("lovelace", "engine", "annabella", "moth", "7946")}
    other = tmp_path / "other.db"
    ok(book("--db", str(other), "restore", str(tmp_path / "all.json")))
    after = {words: _found_in(book, other, words) for words in before}
    assert after == before
    assert all(before.values())
    doctor = book("--db", str(other), "doctor", "--json").json()
    assert [(f["check"], f["ok"]) for f in doctor["findings"] if f["check"] == "search"] == [("search", True)]


def _found_in(run, db: Path, words: str) -> list[tuple[str, str, str]]:
    return [(f["kind"], f["contact"], f["context"]) for f in ok(run("--db", str(db), "search", words, "--json")).json()]


@pytest.mark.parametrize(
    "damage, says",
    [
        ("DROP TRIGGER trg_search_interactions_insert", "1 of its 22 triggers missing (trg_search_interactions_insert)"),
        ("DELETE FROM search_contacts WHERE rowid = 2", "search_contacts: 1 rows not indexed, 0 indexed that are gone"),
        ("DROP TABLE search_notes", "the search table search_notes missing"),
        ("INSERT INTO search_promises (rowid, text) VALUES (99, 'a promise that is gone')",
         "search_promises: 0 rows not indexed, 1 indexed that are gone"),
        ("INSERT INTO search_interactions (search_interactions) VALUES ('delete-all')",
         "search_interactions: 2 rows not indexed, 0 indexed that are gone"),
    ],
)
def test_the_doctor_finds_a_damaged_index_and_rebuilds_it(book, db_path, damage, says):
    with sqlite3.connect(db_path) as conn:
        conn.execute(damage)
    result = book("doctor")
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    problem = next(i for i, line in enumerate(lines) if line.split()[:2] == ["PROBLEM", "search"])
    assert says in lines[problem]
    assert lines[problem + 1].split()[-2:] == ["doctor", "--rebuild-search"]
    fixed = book("doctor", "--rebuild-search")
    assert fixed.stdout.startswith("Rebuilt the search index.\n")
    assert _doctor_search(book) == [("search", True)]
    assert found(book, "lovelace")[:2] == [("contact", "Ada Lovelace", "Ada Lovelace"),
                                          ("contact", "Charles Babbage", "Worked with Lovelace on the engine notes.")]
    assert found(book, "annabella") == [("note", "Ada Lovelace", "Her daughter is called Annabella; likes horses")]
    ok(book("log", "2", "--channel", "call", "--notes", "Punched cards again"))  # its triggers are back
    assert found(book, "punched") == [("touch", "Charles Babbage", "Punched cards again")]


def test_a_search_without_its_index_says_how_to_make_it_again(book, db_path):
    with sqlite3.connect(db_path) as conn:
        conn.execute("DROP TABLE search_interactions")
    result = book("search", "moth")
    assert result.exit_code == 2
    assert result.stderr.startswith("keepwarm: the search index cannot be read (no such table: search_interactions)")
    assert result.stderr.rstrip().endswith("`keepwarm doctor --rebuild-search` makes it again")
    assert book("doctor", "--rebuild-search").stdout.startswith("Rebuilt the search index.\n")
    assert found(book, "moth") == [("touch", "Grace Hopper", "Debugging the moth story.")]


def test_an_older_book_is_indexed_by_its_upgrade(home, tmp_path, run):
    old = tmp_path / "old.db"
    shutil.copy(Path(__file__).parent / "fixtures_db" / "schema_0012.db", old)
    with sqlite3.connect(old) as conn:
        name, notes = conn.execute("SELECT c.name, i.notes FROM interactions i JOIN contacts c ON c.id = i.contact_id "
                                   "WHERE i.notes != ''").fetchone()
    word = max(notes.split(), key=len).strip(".,;")
    hits = ok(run("--db", str(old), "search", word, "--kind", "interactions", "--json")).json()
    assert [(h["contact"], h["context"]) for h in hits] == [(name, notes)]


def test_bad_options_are_one_line_and_exit_2(book):
    for args, message in ((["--limit", "0"], "--limit: 0 (expected 1 to 500)"),
                          (["--kind", "people"], "'people' is not one of")):
        result = book("search", "ada", *args)
        assert result.exit_code == 2
        assert message in result.stderr
        assert result.stdout == ""


def test_one_core_function_gives_both_faces_the_same_results(book, session):
    hits = service.find(session, "lovelace", limit=5)
    assert [(h.label, h.contact, h.context) for h in hits] == found(book, "lovelace")
    assert [matched for h in hits for text, matched in h.pieces if matched] == [True, True, True]
    assert service.find(session, "  ") == []


def test_a_backup_copy_opened_in_place_of_the_book_finds_the_same(book, tmp_path):
    copy = tmp_path / "copy.db"
    ok(book("backup", str(copy)))
    before = {words: found(book, words) for words in ("lovelace", "engine", "annabella", "moth")}
    ok(book("log", "1", "--channel", "call", "--notes", "Written after the backup"))
    assert found(book, "written")  # in the book, not in the copy
    assert _found_in(book, copy, "written") == []
    assert {words: _found_in(book, copy, words) for words in before} == before
    doctor = book("--db", str(copy), "doctor", "--json").json()
    assert [(f["check"], f["ok"]) for f in doctor["findings"] if f["check"] == "search"] == [("search", True)]
