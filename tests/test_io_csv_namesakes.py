"""Issue 17, point 7: a CSV contact import matches people on what identifies them (email,
profile URL, UID) before their name, never merges namesakes whose emails, profile URLs or
phones disagree, adds to list fields instead of replacing them, and reports what it merged
with what. The fixtures are shaped like real LinkedIn and Google exports with namesakes."""

from __future__ import annotations

from pathlib import Path

FIXTURES = Path(__file__).parent / "fixtures_io"
LINKEDIN = str(FIXTURES / "linkedin_namesakes.csv")
GOOGLE = str(FIXTURES / "google_namesakes.csv")


def people(run) -> list[dict]:
    result = run("contact", "list", "--json")
    assert result.exit_code == 0, result.stderr
    return sorted(result.json(), key=lambda c: c["id"])


def imported(run, *args: str) -> dict:
    result = run("import", "csv", *args, "--json")
    assert result.exit_code == 0, result.stderr
    return result.json()


def backup(run) -> str:
    result = run("export", "json")
    assert result.exit_code == 0, result.stderr
    return result.stdout


def test_linkedin_namesakes_stay_three_people_and_a_reimport_changes_nothing(run):
    report = imported(run, LINKEDIN)
    johns = [c for c in people(run) if c["name"] == "John Smith"]
    assert [(c["account"], c["urls"]) for c in johns] == [
        ("Northwind Traders", ["https://www.linkedin.com/in/john-smith-4a1b2c"]),
        ("Contoso", ["https://www.linkedin.com/in/johnsmith-cfo"]),
        (None, ["https://www.linkedin.com/in/john-smith-9z8y7x"]),
    ]
    assert johns[1]["emails"] == ["john.smith@contoso.example"]
    assert [(e["line"], e.get("note")) for e in report["created"] if e["name"] == "John Smith"] == [
        (5, None),
        (6, "a new person: contact 1 of the same name has another profile URL"),
        (7, "a new person: contacts 1, 2 of the same name have another profile URL"),
    ]
    before = backup(run)
    again = imported(run, LINKEDIN)
    assert again["counts"] == {"created": 0, "updated": 0, "unchanged": 5, "skipped": 1}
    assert [e["matched_by"] for e in again["unchanged"]][:3] == [
        "profile URL https://www.linkedin.com/in/john-smith-4a1b2c",
        "email john.smith@contoso.example",
        "profile URL https://www.linkedin.com/in/john-smith-9z8y7x",
    ]
    assert backup(run) == before


def test_a_name_alone_merges_only_with_a_namesake_that_does_not_disagree(run):
    assert run("contact", "add", "John Smith", "--account", "Northwind Traders").exit_code == 0
    report = imported(run, LINKEDIN)
    # The hand-made John Smith says nothing that disagrees: the first row is him. The next two are others.
    assert [(e["line"], e["id"], e["matched_by"]) for e in report["updated"]] == [(5, 1, "name")]
    assert [c["urls"] for c in people(run) if c["name"] == "John Smith"] == [
        ["https://www.linkedin.com/in/john-smith-4a1b2c"],
        ["https://www.linkedin.com/in/johnsmith-cfo"],
        ["https://www.linkedin.com/in/john-smith-9z8y7x"],
    ]


def test_google_namesakes_are_kept_apart_and_duplicates_merge_adding_to_their_lists(run):
    lines = run("import", "csv", GOOGLE, "--dry-run").stdout.splitlines()
    assert "merged with line 2 (same email david.chen@acme.example)" in [line.strip() for line in lines]
    report = imported(run, GOOGLE)
    assert report["counts"] == {"created": 4, "updated": 2, "unchanged": 0, "skipped": 0}
    found = people(run)
    assert [(c["name"], c["account"], c["emails"], c["phones"], c["tags"]) for c in found] == [
        ("David Chen", "Acme Corp", ["david.chen@acme.example", "david@chen-family.example"],
         ["+1 415 555 0101", "+1 415 555 0102"], ["Clients", "Golf"]),
        ("David Chen", "Globex", ["dchen@globex.example"], ["+1 212 555 0199"], ["Finance"]),
        ("Sarah Kim", None, ["sarah.kim@initech.example"], ["+44 20 7946 0000"], []),
        ("Sarah Kim", "Umbrella", [], ["+82 10 1234 5678"], []),
    ]
    # The report says what was merged with what, and by what.
    merged = [(e["line"], e["id"], e["matched_by"], [w["line"] for w in e["merged_with"]]) for e in report["updated"]]
    assert merged == [(4, 1, "email david.chen@acme.example", [2]), (6, 3, "name", [5])]


def test_an_updated_export_adds_to_the_stored_lists_and_takes_nothing_away(run, tmp_path):
    imported(run, GOOGLE)
    before = backup(run)
    assert imported(run, GOOGLE)["counts"] == {"created": 0, "updated": 0, "unchanged": 6, "skipped": 0}
    assert backup(run) == before
    newer = tmp_path / "newer.csv"
    newer.write_text(
        Path(GOOGLE).read_text(encoding="utf-8").replace("+1 212 555 0199", "+1 212 555 0142"), encoding="utf-8"
    )
    report = imported(run, str(newer))
    assert [(e["line"], e["fields"]) for e in report["updated"]] == [(3, ["phones"])]
    globex = people(run)[1]
    assert globex["phones"] == ["+1 212 555 0199", "+1 212 555 0142"]
