"""Issue 17, point 22: one imperfect row does not reject a CSV file. A row with a phone but no
name, a LinkedIn row holding only "Connected On", an `urn:li:member:` e-mail: what is valid of
each row is imported and the rest is reported with its line, column and reason. The generic
reader recognises the column names other programs write and warns about every column it
does not read."""

from __future__ import annotations

import csv
import io
from pathlib import Path

FIXTURES = Path(__file__).parent / "fixtures_io"


def people(run) -> dict[str, dict]:
    result = run("contact", "list", "--json")
    assert result.exit_code == 0, result.stderr
    return {c["name"]: c for c in result.json()}


def _google_with(tmp_path, extra: dict) -> Path:
    """The Google fixture plus one row (the header of a real Google export)."""
    text = (FIXTURES / "google_contacts.csv").read_text(encoding="utf-8")
    header = next(csv.reader(io.StringIO(text)))
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerow([extra.get(h, "") for h in header])
    path = tmp_path / "google.csv"
    path.write_text(text.rstrip("\r\n") + "\r\n" + out.getvalue(), encoding="utf-8")
    return path


def test_a_google_row_with_a_phone_and_no_name_is_imported_under_its_number(run, tmp_path):
    path = _google_with(tmp_path, {"Phone 1 - Label": "Mobile", "Phone 1 - Value": "+1 650 555 0123",
                                   "Notes": "Plumber, recommended by Kwame"})
    result = run("import", "csv", str(path), "--json")
    assert result.exit_code == 0, result.stderr
    report = result.json()
    assert report["counts"] == {"created": 4, "updated": 0, "unchanged": 0, "skipped": 0}
    [entry] = [e for e in report["created"] if e["name"] == "+1 650 555 0123"]
    assert entry["warnings"] == ["no name: named after its phone (rename it in keepwarm)"]
    plumber = people(run)["+1 650 555 0123"]
    assert (plumber["phones"], plumber["notes"]) == (["+1 650 555 0123"], "Plumber, recommended by Kwame")


def test_linkedin_rows_with_only_connected_on_or_a_member_urn_do_not_stop_the_file(run, tmp_path):
    path = tmp_path / "Connections.csv"
    path.write_text(
        "Notes:\r\n\"When exporting your connection data, you may notice that some of the email addresses are "
        "missing.\"\r\n\r\nFirst Name,Last Name,URL,Email Address,Company,Position,Connected On\r\n"
        "Wei,Zhang,https://www.linkedin.com/in/wei-zhang-example,urn:li:member:93516170,Harborline,Lead,12 Mar 2024\r\n"
        ",,,,,,07 Aug 2019\r\n"
        "Olga,Ivanova,https://www.linkedin.com/in/olga-ivanova-example,olga@mail.example,IP,Partner,03 Jan 2022\r\n",
        encoding="utf-8",
    )
    result = run("import", "csv", str(path), "--json")
    assert result.exit_code == 0, result.stderr
    report = result.json()
    assert [(e["line"], e["name"], e.get("warnings")) for e in report["created"]] == [
        (5, "Wei Zhang", ["Email Address: 'urn:li:member:93516170' is not an email address "
                          "(expected name@example.com); left out"]),
        (7, "Olga Ivanova", None),
    ]
    assert [(e["line"], e["reason"], e["invalid"]) for e in report["skipped"]] == [
        (6, "nothing tells who this is (expected a name, an email, a phone or a profile URL); "
            "not imported: Connected On", False),
    ]
    wei = people(run)["Wei Zhang"]
    assert (wei["emails"], wei["urls"], wei["account"]) == (
        [], ["https://www.linkedin.com/in/wei-zhang-example"], "Harborline")
    text = run("import", "csv", str(path), "--dry-run").stdout
    assert "  skipped    line 6              nothing tells who this is" in text


def test_generic_mode_reads_common_column_names_and_warns_about_every_other_column(run, tmp_path):
    path = tmp_path / "crm.csv"
    path.write_text(
        "Full Name,E-mail Address,Mobile Phone,Business Phone,Job Title,Company,Favourite Colour,Lead Source\n"
        "Ines Moreau,ines@moreau.example,+33 6 12 34 56 78,+33 1 40 00 00 00,Buyer,Moreau SA,teal,fair\n",
        encoding="utf-8",
    )
    result = run("import", "csv", str(path), "--json")
    assert result.exit_code == 0, result.stderr
    report = result.json()
    assert report["warnings"] == [
        "column 'Favourite Colour' is not read (expected a known field name; import it with --map 'Favourite Colour'=FIELD)",
        "column 'Lead Source' is not read (expected a known field name; import it with --map 'Lead Source'=FIELD)",
    ]
    ines = people(run)["Ines Moreau"]
    assert (ines["emails"], ines["phones"], ines["title"], ines["account"]) == (
        ["ines@moreau.example"], ["+33 6 12 34 56 78", "+33 1 40 00 00 00"], "Buyer", "Moreau SA")
    shown = run("import", "csv", str(path), "--dry-run").stdout.splitlines()
    assert shown[1] == (
        "  warning: column 'Favourite Colour' is not read (expected a known field name; "
        "import it with --map 'Favourite Colour'=FIELD)"
    )


def test_a_map_warns_about_the_columns_it_leaves_out(run):
    path = FIXTURES / "crm_export_semicolons.csv"
    result = run("import", "csv", str(path), "--map", "Full name=name", "--map", "Mail=email", "--json")
    assert result.exit_code == 0, result.stderr
    ignored = [w.split("'")[1] for w in result.json()["warnings"]]
    assert ignored == ["Org", "Position", "Labels", "Birth date", "Segment"]
