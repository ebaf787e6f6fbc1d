"""Issue #20, point 6: two contacts who are one person made one (`keepwarm contact merge`), and the doctor
naming the contacts who may be one person."""

from __future__ import annotations

import datetime as dt
import sqlite3

import pytest

from keepwarm.doctor.duplicates import Person, likely_duplicates
from keepwarm.store.schema import contacts, metadata

from conftest import FIXED_NOW


def ok(result):
    assert result.exit_code == 0, result.stderr
    return result


@pytest.fixture
def twins(run):
    """Ann Lee (#1), entered twice: once from a business card, once from a mail signature (#2); Bob (#3)."""
    ok(run("contact", "add", "Ann Lee", "--account", "Acme", "--email", "ann@acme.example", "--tier", "a",
           "--title", "CTO", "--notes", "Met at the Lisbon summit."))
    ok(run("contact", "add", "Ann  Lee", "--account", "Acme", "--email", "ANN@acme.example", "--email",
           "ann.lee@mail.example", "--phone", "+1 555 0100", "--tag", "golf", "--title", "Chief Technology Officer",
           "--notes", "Two kids; likes sailing.", "--yes"))
    ok(run("contact", "add", "Bob Stone", "--account", "Acme"))
    ok(run("log", "1", "--channel", "call", "--when", "2026-11-02"))
    ok(run("log", "2", "--channel", "email", "--when", "2026-11-20", "--direction", "inbound"))
    ok(run("log", "2", "--channel", "meeting", "--when", "2026-10-01"))
    ok(run("promise", "add", "2", "send the security whitepaper", "--due", "2026-11-30"))
    ok(run("assess", "2", "--trust", "4", "--communication", "4", "--sharing", "3", "--advocacy", "3",
           "--conflict", "3", "--commitment", "4"))
    ok(run("agenda", "--json"))  # the rules' follow-ups exist for both, as they would in a book in use
    return run


def _rows_referring_to(db_path, contact_id: int) -> dict[str, int]:
    """Every row of every table that refers to this contact through a foreign key."""
    found = {}
    conn = sqlite3.connect(db_path)
    try:
        for table in metadata.sorted_tables:
            for fk in table.foreign_keys:
                if fk.column is contacts.c.id:
                    n = conn.execute(f"SELECT count(*) FROM {table.name} WHERE {fk.parent.name} = ?",
                                     (contact_id,)).fetchone()[0]
                    if n:
                        found[f"{table.name}.{fk.parent.name}"] = n
    finally:
        conn.close()
    return found


def test_a_merge_moves_the_history_joins_the_fields_and_names_what_it_did_not_keep(twins, db_path):
    before = {c: ok(twins("history", str(c), "--json")).json() for c in (1, 2)}
    result = ok(twins("contact", "merge", "1", "2", "--yes"))
    assert result.stdout.splitlines()[0] == "Merged #2 Ann  Lee into #1 Ann Lee"
    assert "keeps title 'CTO'; #2 has 'Chief Technology Officer', not kept" in result.stdout
    assert "keeps tier 'a'; #2 has 'b', not kept" in result.stdout
    assert "  moves 2 interactions, 1 promise, 2 follow-ups, 1 assessment\n" in result.stdout

    shown = ok(twins("contact", "show", "1", "--json")).json()
    contact = shown["contact"]
    assert contact["emails"] == ["ann@acme.example", "ann.lee@mail.example"]  # the same address once
    assert contact["phones"] == ["+1 555 0100"] and contact["tags"] == ["golf"]
    assert contact["title"] == "CTO" and contact["tier"] == "a"
    assert contact["notes"] == "Met at the Lisbon summit.\n\nTwo kids; likes sailing."
    assert [p["text"] for p in shown["open_promises"]] == ["send the security whitepaper"]
    assert len(shown["assessments"]) == 1
    # Every touch of both, once each; the totals the engine reads follow (last touch: the 20th, from #2).
    after = ok(twins("history", "1", "--json")).json()
    assert sorted(i["id"] for i in after) == sorted(i["id"] for i in before[1] + before[2])
    assert shown["stats"]["last_touch"].startswith("2026-11-20")
    assert shown["stats"]["touches_total"] == 3

    gone = twins("contact", "show", "2")
    assert gone.exit_code == 2 and "no contact with id 2" in gone.stderr
    assert _rows_referring_to(db_path, 2) == {}


def test_the_person_has_one_follow_up_per_rule_after_the_merge(twins, db_path):
    conn = sqlite3.connect(db_path)
    open_rules = "SELECT rule_key FROM followups WHERE contact_id = ? AND status IN ('open', 'snoozed') " \
                 "AND source != 'manual' ORDER BY rule_key"
    assert conn.execute(open_rules, (1,)).fetchall() and conn.execute(open_rules, (2,)).fetchall()
    shared = set(conn.execute(open_rules, (1,)).fetchall()) & set(conn.execute(open_rules, (2,)).fetchall())
    conn.close()
    assert shared  # both have one from the same rule: the case this is about

    result = ok(twins("contact", "merge", "1", "2", "--yes"))
    assert f"dismisses {len(shared)} follow-up" in result.stdout

    conn = sqlite3.connect(db_path)
    keys = [k for (k,) in conn.execute(open_rules, (1,))]
    conn.close()
    assert len(keys) == len(set(keys))
    agenda = ok(twins("agenda", "--json")).json()
    for_ann = [i["followup"]["rule_key"] for i in agenda["items"] if i["contact"]["id"] == 1]
    assert len(for_ann) == len(set(for_ann))
    assert all(i["contact"]["id"] != 2 for i in agenda["items"])


def test_a_dry_run_says_what_it_would_do_and_writes_nothing(twins, db_path):
    before = db_path.read_bytes()
    result = ok(twins("contact", "merge", "1", "2", "--dry-run", "--json"))
    plan = result.json()
    assert plan["written"] is False and plan["kept"] == 1 and plan["merged"] == 2
    assert plan["moved"]["interactions"] == 2
    assert {"field": "tier", "kept": "a", "not_kept": "b"} in plan["conflicts"]
    assert db_path.read_bytes() == before
    assert ok(twins("contact", "show", "2", "--json")).json()["contact"]["name"] == "Ann  Lee"


@pytest.mark.parametrize(
    ("args", "stdin", "message"),
    [
        (("1", "1"), None, "contact merge: a contact cannot be merged with itself (both are #1)"),
        (("1", "99"), None, "contact: no contact with id 99"),
        (("1", "2"), "", "contact merge: not merged (no answer; pass --yes to merge without asking)"),
    ],
    ids=["itself", "unknown", "no-answer"],
)
def test_a_merge_that_cannot_or_may_not_be_done_changes_nothing(twins, db_path, args, stdin, message):
    before = db_path.read_bytes()
    result = twins("contact", "merge", *args, input=stdin)
    assert result.exit_code == 2
    assert result.stderr.rstrip().splitlines()[-1] == f"keepwarm: {message}"
    assert db_path.read_bytes() == before


def test_declining_at_the_question_merges_nothing(twins, db_path):
    before = db_path.read_bytes()
    result = twins("contact", "merge", "1", "2", input="n\n")
    assert result.exit_code == 1
    assert "Merge #2 into #1 and remove #2? [y/N]" in result.stderr
    assert db_path.read_bytes() == before


def test_a_hostile_name_is_shown_with_its_controls_made_visible(run, db_path):
    ok(run("contact", "add", "Eve"))
    ok(run("contact", "add", "Eve", "--yes"))
    conn = sqlite3.connect(db_path)  # as a foreign file or another program could have written it
    conn.execute("UPDATE contacts SET name = ? WHERE id = 1", ("Eve\x1b[2J\x1b]0;pwned\x07",))
    conn.commit()
    conn.close()
    result = ok(run("contact", "merge", "2", "1", "--yes"))
    assert "\x1b" not in result.stdout and "\x07" not in result.stdout
    assert result.stdout.startswith("Merged #1 Eve")


# ------------------------------------------------------------------ the doctor's list


def test_likely_duplicates_are_one_email_one_name_at_one_account_or_names_alike():
    people = [
        Person(1, "Ann Lee", "ann lee", 7),
        Person(2, "Lee, Ann", "lee, ann", 7),  # word order and a comma: alike
        Person(3, "Ann Lee", "ann lee", 8),  # a namesake at another company: not listed
        Person(4, "Bob Stone", "bob stone", None),
        Person(5, "Robert Stone", "robert stone", None),
        Person(6, "Cy Young 2", "cy young 2", 9),
        Person(7, "Cy Young 3", "cy young 3", 9),  # told apart by their digits on purpose
        Person(8, "Dee", "dee", None),
    ]
    pairs = likely_duplicates(people, {4: {"bob@stone.example"}, 8: {"BOB@stone.example".lower()}})
    found = {(p.first.id, p.second.id): p.why for p in pairs}
    assert found == {
        (1, 2): found[(1, 2)],
        (4, 8): "both have the e-mail bob@stone.example",
    }
    assert found[(1, 2)].startswith("names alike, ")
    same = likely_duplicates([Person(1, "Ann Lee", "ann lee", 7), Person(2, "Ann Lee", "ann lee", None)], {})
    assert [(p.first.id, p.second.id, p.why) for p in same] == [(1, 2, "the same name")]


def test_the_doctor_lists_them_with_the_merge_command_and_does_not_fail_for_them(run, db_path):
    ok(run("contact", "add", "Ann Lee", "--account", "Acme"))
    ok(run("contact", "add", "Lee, Ann", "--account", "Acme"))
    ok(run("contact", "add", "Ann Lee", "--account", "Globex", "--yes"))
    result = run("doctor")
    lines = result.stdout.splitlines()
    listed = [line for line in lines if "duplicates" in line]
    assert listed == [
        "MAYBE    duplicates   #1 Ann Lee and #2 Lee, Ann may be one person (names alike, 93%)",
    ]
    fix = lines[lines.index(listed[0]) + 1].strip()
    assert fix == "fix: keepwarm contact merge 1 2"  # the default database: no --db
    report = run("doctor", "--json").json()
    assert [f["maybe"] for f in report["findings"] if f["check"] == "duplicates"] == [True]
    assert ok(run("contact", "merge", "1", "2", "--yes"))
    again = run("doctor", "--json").json()
    assert [f["ok"] for f in again["findings"] if f["check"] == "duplicates"] == [True]


def test_tables_and_fields_added_later_merge_too_notes_move_and_a_rhythm_fills_a_blank(run):
    ok(run("contact", "add", "Ann Lee", "--account", "Acme"))
    ok(run("contact", "add", "Ann Lee", "--yes"))
    ok(run("note", "add", "2", "Two kids; likes sailing.", "--kind", "family"))
    ok(run("contact", "rhythm", "2", "every 3 weeks"))
    result = ok(run("contact", "merge", "1", "2", "--yes"))
    assert "  moves 1 follow-up, 1 note\n" in result.stdout
    assert "  adds from #2: rhythm\n" in result.stdout
    shown = ok(run("contact", "show", "1", "--json")).json()
    assert [n["text"] for n in shown["notes"]] == ["Two kids; likes sailing."]
    assert shown["contact"]["rhythm_days"] == 21


def test_a_snooze_the_second_contact_brings_holds_what_the_first_had_planned(run):
    """The merged person is snoozed as #2 was, and #1's own plans wait for that day as `contact snooze` makes them."""
    ok(run("contact", "add", "Ann Lee", "--account", "Acme"))
    ok(run("contact", "add", "Ann Lee", "--yes"))
    ok(run("followup", "add", "1", "send the slides", "--due", "2026-12-10"))
    ok(run("contact", "snooze", "2", "until 2027-03-01"))
    result = ok(run("contact", "merge", "1", "2", "--yes"))
    assert "  adds from #2: snooze\n" in result.stdout
    agenda = ok(run("agenda", "--json", "--days", "120")).json()
    planned = [i for i in agenda["items"] if i["followup"]["rule_key"] == "manual"]
    assert [(i["followup"]["reason"], i["followup"]["status"], i["due"]) for i in planned] == [
        ("send the slides", "snoozed", "2027-03-01")]
    assert ok(run("contact", "show", "1", "--json")).json()["contact"]["snoozed_until"] == "2027-03-01"
    # Waking the merged person brings the plan back to its own day.
    ok(run("contact", "snooze", "1", "--clear"))
    agenda = ok(run("agenda", "--json", "--days", "30")).json()
    planned = [i for i in agenda["items"] if i["followup"]["rule_key"] == "manual"]
    assert [(i["followup"]["status"], i["due"]) for i in planned] == [("open", "2026-12-10")]
