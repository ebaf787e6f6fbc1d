"""The records, pydantic and the write layer load with the commands that use them (issue 19, seventh stop).

A command that stops at the lookup (`contact show` of an id that is not there, a name
that matches nobody) opened the book and read it, and imported pydantic, the eight
record models, the records' store, the write layer and the detail views on the way, for
nothing. Each test runs the program in a process of its own and looks at what it
imported (no timing is asserted), and shows that the commands that need what was taken
out still work as before.
"""

from __future__ import annotations

import json

import pytest
from startup_probe import probe

#: What a lookup that fails no longer imports: pydantic and the records, the records' store, the write layer
#: (with the daily plan it imports), the detail views.
ON_USE = {
    "pydantic",
    "pydantic_core",
    "keepwarm.model.entities",
    "keepwarm.store.contacts",
    "keepwarm.store.activity",
    "keepwarm.services.operations",
    "keepwarm.services.actions",
    "keepwarm.services.detail",
    "keepwarm.plan.daily",
}


def run(tmp_path, db, *args: str) -> dict:
    return probe(tmp_path / "home", "--db", str(db), *args)


@pytest.fixture(scope="module")
def book(tmp_path_factory):
    folder = tmp_path_factory.mktemp("records_on_use")
    db = folder / "book.db"
    added = run(folder, db, "contact", "add", "Ada Lovelace", "--account", "Engines", "--email", "ada@example.org",
                "--birthday", "1815-12-10", "--json")
    assert added["status"] == 0, added["err"]
    return folder, db, json.loads(added["out"])["id"]


def test_a_lookup_that_fails_imports_neither_pydantic_nor_the_records_nor_the_write_layer(book):
    folder, db, _ = book
    for ref in ("999999", "Nobody At All"):
        result = run(folder, db, "contact", "show", ref)
        assert result["status"] == 2
        assert result["err"].startswith("keepwarm: contact: no contact")
        assert "keepwarm.store.lookup" in result["modules"]  # the book was opened and read
        assert ON_USE & set(result["modules"]) == set()
    result = run(folder, db, "account", "show", "Nowhere Ltd")
    assert result["status"] == 2
    assert ON_USE & set(result["modules"]) == set()


def test_the_commands_that_read_or_write_records_load_them_and_work_as_before(book):
    folder, db, ada = book
    shown = run(folder, db, "contact", "show", "Ada", "--json")
    assert shown["status"] == 0, shown["err"]
    view = json.loads(shown["out"])
    assert (view["contact"]["id"], view["contact"]["account"]) == (ada, "Engines")
    assert view["contact"]["dates"] == [{"kind": "birthday", "month": 12, "day": 10, "year": 1815, "label": ""}]
    assert {"pydantic", "keepwarm.model.entities", "keepwarm.services.detail"} <= set(shown["modules"])
    edited = run(folder, db, "contact", "edit", str(ada), "--title", "Analyst")
    assert (edited["status"], edited["out"]) == (0, f"Updated contact {ada}: Ada Lovelace\n")
    assert "keepwarm.services.operations" in edited["modules"]
    listed = json.loads(run(folder, db, "contact", "list", "--json")["out"])
    assert [(p["name"], p["title"]) for p in listed] == [("Ada Lovelace", "Analyst")]
    rhythm = run(folder, db, "contact", "rhythm", "Ada", "every 3 weeks", "--json")
    assert json.loads(rhythm["out"])["rhythm_days"] == 21
    accounts = run(folder, db, "account", "edit", "Engines", "--industry", "Computing")
    assert accounts["status"] == 0, accounts["err"]
    assert [(a["name"], a["industry"], a["contacts"])
            for a in json.loads(run(folder, db, "account", "list", "--json")["out"])] == [("Engines", "Computing", 1)]


def test_bad_values_are_still_one_line_errors_naming_the_field(book):
    folder, db, _ = book
    bad_date = run(folder, db, "contact", "add", "Charles Babbage", "--birthday", "1791-02-30")
    assert bad_date["status"] == 2
    assert bad_date["err"] == "keepwarm: birthday: 1791-02-30 is not a day of 1791 (expected a real date)\n"
    long_name = run(folder, db, "account", "add", "x" * 10_001)
    assert long_name["status"] == 2
    assert long_name["err"].startswith("keepwarm: name:") and long_name["err"].count("\n") == 1
    listed = json.loads(run(folder, db, "contact", "list", "--json")["out"])
    assert [p["name"] for p in listed] == ["Ada Lovelace"]  # nothing written


def test_the_records_are_still_names_of_the_model_package():
    import keepwarm.model as model
    from keepwarm.model import Contact, ImportantDate
    from keepwarm.model.entities import RESPONSE_HOURS_MAX, Contact as Defined

    assert Contact is Defined and model.Contact is Defined
    assert ImportantDate(month=2, day=29).as_text() == "--02-29"
    assert RESPONSE_HOURS_MAX == 24 * 366 * 10
    with pytest.raises(AttributeError, match="has no attribute 'Contacts'"):
        model.Contacts  # noqa: B018 - a misspelt name is an AttributeError as before
