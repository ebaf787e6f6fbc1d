"""CSV imports: Google Contacts, Outlook (Windows-1252 and UTF-16), LinkedIn Connections,
a generic CRM export with --map, bad rows, and a history of interactions."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures_io"


def fixture(name: str) -> str:
    return str(FIXTURES / name)


def contacts(run) -> dict[str, dict]:
    result = run("contact", "list", "--json")
    assert result.exit_code == 0, result.stderr
    return {c["name"]: c for c in result.json()}


def backup(run) -> str:
    result = run("export", "json")
    assert result.exit_code == 0, result.stderr
    return result.stdout


def imported(run, *args: str) -> dict:
    result = run("import", *args, "--json")
    assert result.exit_code == 0, result.stderr
    return result.json()


# ------------------------------------------------------------------ Google


def test_google_contacts_field_by_field(run):
    report = imported(run, "csv", fixture("google_contacts.csv"))
    assert report["sources"][0]["format"] == "Google Contacts CSV"
    # The first row's notes and address span several lines: the next row starts on line 6.
    assert [(e["line"], e["name"]) for e in report["created"]] == [
        (2, "Lucía Fernández"), (6, "Kwame Mensah"), (7, "noname@example.org")
    ]
    people = contacts(run)
    lucia = people["Lucía Fernández"]
    assert lucia["account"] == "Aurora Foods"
    assert lucia["title"] == "Procurement Director"
    assert lucia["emails"] == ["lucia.fernandez@aurora.example", "lucia.f@correo.example"]
    assert lucia["phones"] == ["+34 612 345 678", "+34 91 555 0100"]
    assert lucia["addresses"] == ["Calle Mayor 10, Madrid 28013, Spain"]
    assert lucia["urls"] == ["https://aurora.example/lucia"]
    assert lucia["notes"] == "Met at the Madrid food fair.\nAllergic to shellfish."
    assert lucia["tags"] == ["Clients", "Spain"]
    assert lucia["dates"] == [
        {"kind": "birthday", "month": 10, "day": 2, "year": 1979, "label": ""},
        {"kind": "anniversary", "month": 6, "day": 21, "year": 2008, "label": ""},
    ]
    kwame = people["Kwame Mensah"]
    assert kwame["emails"] == ["kwame@gcs.example", "k.mensah@gcs.example"]  # two values in one cell
    assert kwame["dates"] == [{"kind": "birthday", "month": 3, "day": 14, "year": None, "label": ""}]
    assert kwame["tags"] == ["starred"]
    assert people["noname@example.org"]["notes"] == "Just an email address."


def test_google_reimport_is_idempotent_and_an_edited_export_updates(run, tmp_path):
    imported(run, "csv", fixture("google_contacts.csv"))
    before = backup(run)
    again = imported(run, "csv", fixture("google_contacts.csv"))
    assert again["counts"] == {"created": 0, "updated": 0, "unchanged": 3, "skipped": 0}
    assert backup(run) == before
    edited = tmp_path / "google.csv"
    edited.write_text(
        (FIXTURES / "google_contacts.csv").read_text(encoding="utf-8").replace("Procurement Director", "Chief Procurement Officer"),
        encoding="utf-8",
    )
    report = imported(run, "csv", str(edited))
    assert report["counts"] == {"created": 0, "updated": 1, "unchanged": 2, "skipped": 0}
    assert report["updated"][0]["fields"] == ["title"]
    assert contacts(run)["Lucía Fernández"]["title"] == "Chief Procurement Officer"


# ----------------------------------------------------------------- Outlook


def test_outlook_in_windows_1252(run):
    result = run("import", "csv", fixture("outlook_contacts_cp1252.csv"))
    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines()[0] == (
        f"{fixture('outlook_contacts_cp1252.csv')}: Outlook CSV, cp1252 (not UTF-8 (line 2); read as "
        "Windows-1252: if names look wrong, import again with --encoding)"
    )
    francois = contacts(run)["François Lefèvre"]
    assert francois["title"] == "Directeur des achats"  # not the "Title" column (that is M./Mrs.)
    assert francois["account"] == "Verrerie Lefèvre & Fils"
    assert francois["emails"] == ["francois.lefevre@verre.example"]
    assert francois["phones"] == ["+33 6 12 34 56 78", "+33 4 72 00 11 22"]
    assert francois["addresses"] == ["12 quai Saint-Vincent, Lyon, 69001, France"]
    assert francois["urls"] == ["https://verre.example"]
    assert francois["interests"] == ["cyclisme", "œnologie"]
    assert francois["tags"] == ["Clients", "VIP"]
    assert francois["notes"] == "Préfère le téléphone. Déteste les réunions après 17h."
    # Outlook's 0/0/00 means no date.
    assert francois["dates"] == [{"kind": "birthday", "month": 3, "day": 14, "year": 1972, "label": ""}]
    assert contacts(run)["Søren Kierkegård"]["dates"] == []


def test_outlook_unicode_export_is_utf16_with_tabs(run, tmp_path):
    text = (FIXTURES / "outlook_contacts_cp1252.csv").read_bytes().decode("cp1252")
    rows = list(csv.reader(io.StringIO(text)))
    out = io.StringIO()
    csv.writer(out, delimiter="\t", lineterminator="\r\n").writerows(rows)
    path = tmp_path / "outlook_unicode.csv"
    path.write_bytes(b"\xff\xfe" + out.getvalue().encode("utf-16-le"))
    report = imported(run, "csv", str(path))
    assert report["sources"][0] == {"file": str(path), "format": "Outlook CSV", "encoding": "utf-16-le", "note": ""}
    assert contacts(run)["François Lefèvre"]["interests"] == ["cyclisme", "œnologie"]


# ---------------------------------------------------------------- LinkedIn


def test_linkedin_connections_after_its_preamble(run):
    report = imported(run, "csv", fixture("linkedin_connections.csv"))
    assert report["sources"][0]["format"] == "LinkedIn Connections CSV"
    assert [(e["line"], e["name"]) for e in report["created"]] == [(5, "Wei Zhang"), (6, "Olga Ivanova")]
    people = contacts(run)
    assert people["Olga Ivanova"]["account"] == "Ivanova, Petrov & Partners"
    assert people["Olga Ivanova"]["title"] == "Partner"
    assert people["Olga Ivanova"]["emails"] == ["olga.ivanova@mail.example"]
    assert people["Wei Zhang"]["emails"] == []
    assert people["Wei Zhang"]["urls"] == ["https://www.linkedin.com/in/wei-zhang-example"]
    assert imported(run, "csv", fixture("linkedin_connections.csv"))["counts"]["unchanged"] == 2


# ---------------------------------------------------------------- generic


MAP = ["--map", "Full name=name", "--map", "Mail=email", "--map", "Org=account", "--map", "Position=title",
       "--map", "Labels=tags", "--map", "Birth date=birthday", "--map", "Segment=tier"]


def test_generic_csv_with_a_map(run):
    report = imported(run, "csv", fixture("crm_export_semicolons.csv"), *MAP)
    assert report["sources"][0]["format"] == "CSV with a column map"
    people = contacts(run)
    hiroshi = people["Hiroshi Tanaka"]
    assert (hiroshi["account"], hiroshi["title"], hiroshi["tier"]) == ("Kaizen Robotics", "CTO", "a")
    assert hiroshi["emails"] == ["hiroshi@kaizen.example"]
    assert hiroshi["tags"] == ["robotics", "expert:automation"]
    assert hiroshi["dates"] == [{"kind": "birthday", "month": 8, "day": 30, "year": 1975, "label": ""}]
    assert people["Nomvula Dlamini"]["dates"][0]["year"] is None


def test_headers_that_are_field_names_need_no_map(run, tmp_path):
    path = tmp_path / "simple.csv"
    path.write_text("Name,Email,Company,Role,Style,Interests\nAda Lovelace,ada@engines.example,Engines,champion,"
                    "Analytical,\"poetry; mathematics\"\n", encoding="utf-8")
    imported(run, "csv", str(path))
    ada = contacts(run)["Ada Lovelace"]
    assert (ada["account"], ada["role"], ada["style"]) == ("Engines", "champion", "analytical")
    assert ada["interests"] == ["poetry", "mathematics"]


@pytest.mark.parametrize(
    "args, message",
    [
        (["--map", "Email Address=email"], "--map: {f} has no column 'Email Address' (its columns: Full name, Mail, Org, Position, Labels, Birth date, Segment)"),
        (["--map", "Mail=favourite colour"], "--map: 'favourite colour' is not a field (expected one of: "),
        (["--map", "Mail"], "--map: 'Mail' is not COLUMN=FIELD (expected e.g. 'Full name=name')"),
    ],
    ids=["no-such-column", "no-such-field", "not-a-pair"],
)
def test_map_mistakes(run, args, message):
    result = run("import", "csv", fixture("crm_export_semicolons.csv"), *args)
    assert result.exit_code == 2
    assert result.stderr.startswith("keepwarm: " + message.format(f=fixture("crm_export_semicolons.csv")))
    assert contacts(run) == {}


def test_unrecognised_headers_ask_for_a_map(run, tmp_path):
    path = tmp_path / "odd.csv"
    path.write_text("Kunde,Telefonnummer\nMüller,123\n", encoding="utf-8")
    result = run("import", "csv", str(path))
    assert result.exit_code == 2
    assert result.stderr == (
        f"keepwarm: {path}: line 1: the columns (Kunde, Telefonnummer) are not a Google, Outlook or LinkedIn export; "
        "say which column holds what with --map COLUMN=FIELD (e.g. --map 'Full name=name' --map 'Mail=email')\n"
    )


# ------------------------------------------------------------- bad rows


def test_bad_rows_stop_the_import_and_leave_the_database_as_it_was(run):
    assert run("contact", "add", "Already Here").exit_code == 0
    before = backup(run)
    result = run("import", "csv", fixture("contacts_bad_rows.csv"))
    assert result.exit_code == 2
    assert result.stderr == (
        f"keepwarm: {fixture('contacts_bad_rows.csv')}: line 3: 6 cells, but the header names 4 columns "
        "(is a value with a comma or semicolon not in quotes?); nothing was imported "
        "(fix the file, or use --skip-invalid to import the rest)\n"
    )
    assert backup(run) == before


def test_skip_invalid_lists_each_bad_row_with_its_reason(run):
    report = imported(run, "csv", fixture("contacts_bad_rows.csv"), "--skip-invalid")
    # A bad email or date is left out of its row with a warning; the rest of the row is imported.
    assert [e["name"] for e in report["created"]] == ["Ana Souza", "Carlos Ruiz", "Dana Levi", "Eve Martin"]
    assert [(e["line"], e["reason"]) for e in report["skipped"]] == [
        (3, "6 cells, but the header names 4 columns (is a value with a comma or semicolon not in quotes?)"),
    ]
    assert [(e["line"], e.get("warnings")) for e in report["created"]][1:3] == [
        (4, ["Email: 'carlos(at)ruiz.example' is not an email address (expected name@example.com); left out"]),
        (5, ["Birthday: '1988-13-40' is not a day of the calendar (expected 19850314, 1985-03-14, --0314 or --03-14 "
             "without a year); left out"]),
    ]
    people = contacts(run)
    assert set(people) == {"Ana Souza", "Carlos Ruiz", "Dana Levi", "Eve Martin"}
    assert (people["Carlos Ruiz"]["emails"], people["Carlos Ruiz"]["account"]) == ([], "Ruiz SA")
    assert (people["Dana Levi"]["emails"], people["Dana Levi"]["dates"]) == (["dana@levi.example"], [])


def test_an_unclosed_quote_is_reported_at_its_line(run, tmp_path):
    path = tmp_path / "quote.csv"
    path.write_text('Name,Email\nAna,ana@x.example\n"Bea,bea@x.example\n', encoding="utf-8")
    result = run("import", "csv", str(path), "--skip-invalid", "--json")
    assert result.exit_code == 0
    report = result.json()
    assert [e["name"] for e in report["created"]] == ["Ana"]
    assert report["skipped"][0]["line"] == 3
    assert "is a quote left open?" in report["skipped"][0]["reason"]


def test_csv_dry_run(run):
    report = imported(run, "csv", fixture("google_contacts.csv"), "--dry-run")
    assert report["dry_run"] is True and report["counts"]["created"] == 3
    assert contacts(run) == {}


# ------------------------------------------------------------ interactions


def test_interactions_history_field_by_field_and_idempotent(run):
    imported(run, "csv", fixture("google_contacts.csv"))
    report = imported(run, "interactions", fixture("interactions_history.csv"))
    assert report["counts"] == {"created": 4, "updated": 0, "unchanged": 0, "skipped": 0}
    assert [e["line"] for e in report["created"]] == [2, 4, 5, 6]
    lucia = run("history", "Lucía", "--json").json()
    assert [(i["at"], i["channel"], i["purpose"], i["outcome"]) for i in lucia] == [
        ("2026-10-02T09:00:00Z", "meeting", "business", "cancelled"),
        ("2026-09-01T10:30:00Z", "call", "check_in", "completed"),
    ]
    assert lucia[1]["notes"] == "Asked about the autumn tender.\nShe will know more next week."
    assert lucia[1]["sentiment"] == 1
    kwame = run("history", "Kwame", "--json").json()
    meal, email = kwame
    assert (meal["channel"], meal["direction"], meal["purpose"], meal["sentiment"]) == ("meal", "inbound", "entertainment", 2)
    assert (email["at"], email["direction"], email["responded"], email["response_hours"]) == (
        "2026-09-08T12:00:00Z", "outbound", True, 5.5)

    before = backup(run)
    again = imported(run, "interactions", fixture("interactions_history.csv"))
    assert again["counts"] == {"created": 0, "updated": 0, "unchanged": 4, "skipped": 0}
    assert backup(run) == before


def test_corrected_notes_update_the_touch(run, tmp_path):
    imported(run, "csv", fixture("google_contacts.csv"))
    imported(run, "interactions", fixture("interactions_history.csv"))
    fixed = tmp_path / "fixed.csv"
    fixed.write_text(
        (FIXTURES / "interactions_history.csv").read_text(encoding="utf-8").replace(
            "Sent the port congestion report.", "Sent the port congestion report for Q3."),
        encoding="utf-8",
    )
    report = imported(run, "interactions", str(fixed))
    assert report["counts"] == {"created": 0, "updated": 1, "unchanged": 3, "skipped": 0}
    assert report["updated"][0]["fields"] == ["notes"]
    assert run("history", "Kwame", "--json").json()[1]["notes"] == "Sent the port congestion report for Q3."


def test_interactions_bad_rows(run):
    imported(run, "csv", fixture("google_contacts.csv"))
    before = backup(run)
    result = run("import", "interactions", fixture("interactions_bad.csv"))
    assert result.exit_code == 2
    assert result.stderr.startswith(
        f"keepwarm: {fixture('interactions_bad.csv')}: line 3: no contact is called 'Nobody Known' "
        "(import or add the contact first) (and 2 more problems)"
    )
    assert backup(run) == before
    report = imported(run, "interactions", fixture("interactions_bad.csv"), "--skip-invalid")
    assert [(e["line"], e["reason"]) for e in report["skipped"]] == [
        (3, "no contact is called 'Nobody Known' (import or add the contact first)"),
        (4, "Date: 'someday' is not a date such as 2026-12-01, today, tomorrow, +3d, -2w, next friday, "
            "optionally with a time like 14:00"),
        (5, "Channel: 'fax' is not one of: call, email, meeting, text, social, event, letter, gift, meal"),
    ]
    assert report["counts"]["created"] == 1


def test_interactions_without_the_needed_columns(run, tmp_path):
    path = tmp_path / "h.csv"
    path.write_text("When,Who,Subject\n2026-01-01,Ada,hello\n", encoding="utf-8")
    result = run("import", "interactions", str(path))
    assert result.exit_code == 2
    assert result.stderr == (
        f"keepwarm: {path}: line 1: no column for channel (expected headers such as date, contact or email, "
        "channel; or name them with --map COLUMN=FIELD)\n"
    )
    assert run("contact", "add", "Ada").exit_code == 0
    mapped = tmp_path / "mapped.csv"
    mapped.write_text("When,Who,Kind\n2026-01-01,Ada,Phone\n", encoding="utf-8")
    report = imported(run, "interactions", str(mapped), "--map", "Kind=channel")
    assert report["counts"]["created"] == 1
    touch = run("history", "Ada", "--json").json()[0]
    assert (touch["at"], touch["channel"], touch["direction"], touch["purpose"]) == (
        "2026-01-01T12:00:00Z", "call", "outbound", "check_in")
