"""vCard import and export: real-shaped files from Apple Contacts, an old phone (2.1,
quoted-printable) and a vCard 4.0 writer; encodings; malformed cards; round trips."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest

from keepwarm.home import paths

FIXTURES = Path(__file__).parent / "fixtures_io"


def fixture(name: str) -> str:
    return str(FIXTURES / name)


def contacts(run, *extra: str) -> dict[str, dict]:
    result = run(*extra, "contact", "list", "--json")
    assert result.exit_code == 0, result.stderr
    return {c["name"]: c for c in result.json()}


def backup(run, *extra: str) -> str:
    result = run(*extra, "export", "json")
    assert result.exit_code == 0, result.stderr
    return result.stdout


def line_of(name: str, needle: str, occurrence: int = 1) -> int:
    lines = (FIXTURES / name).read_bytes().decode("utf-8").splitlines()
    hits = [i + 1 for i, line in enumerate(lines) if line.startswith(needle)]
    return hits[occurrence - 1]


# ------------------------------------------------------------------ fields


def test_apple_vcard_30_lands_field_by_field(run):
    result = run("import", "vcard", fixture("apple_contacts_30.vcf"), "--json")
    assert result.exit_code == 0, result.stderr
    report = result.json()
    assert report["counts"] == {"created": 2, "updated": 0, "unchanged": 0, "skipped": 0}
    assert [(e["card"], e["line"]) for e in report["created"]] == [
        (1, 1), (2, line_of("apple_contacts_30.vcf", "BEGIN:VCARD", 2))
    ]

    jo = contacts(run)["Johanna Achterberg"]
    assert jo["uid"] == "0F6A1C0E-4B43-4D7A-8D33-6A2B8C9E1F01"
    assert jo["account"] == "Vektor Freight GmbH"
    assert jo["title"] == "Head of Network Planning"
    assert jo["emails"] == ["johanna.achterberg@vektor.example", "jo.achterberg@mail.example"]
    assert jo["phones"] == ["+49 151 2345 6789", "+49 40 555 0123"]
    assert jo["addresses"] == ["Speicherstadt 7\nBlock B, Hamburg, 20457, Germany"]
    assert jo["urls"] == ["https://vektor.example/team/achterberg"]
    # A folded NOTE with escaped commas, semicolons and a newline.
    assert jo["notes"] == (
        "Met at the Hamburg logistics summit. Prefers a short agenda sent the day before, "
        "and numbers over adjectives.\nTwo kids; sails on the Alster."
    )
    assert jo["tags"] == ["Clients", "Hamburg"]
    # Apple writes 1604 for "no year"; its anniversary is a grouped X-ABDATE.
    assert jo["dates"] == [
        {"kind": "birthday", "month": 7, "day": 19, "year": None, "label": ""},
        {"kind": "anniversary", "month": 5, "day": 3, "year": 2014, "label": ""},
    ]
    chidi = contacts(run)["Chidi Okonkwo"]
    assert chidi["account"] == "Lagos Port Services"
    assert chidi["dates"] == [{"kind": "birthday", "month": 2, "day": 11, "year": 1981, "label": ""}]


def test_vcard_21_quoted_printable_with_soft_line_breaks(run):
    assert run("import", "vcard", fixture("nokia_21_quoted_printable.vcf")).exit_code == 0
    jm = contacts(run)["Jürgen Müller"]
    assert jm["emails"] == ["juergen.mueller@bau.example"]
    assert jm["phones"] == ["+49 30 901820", "+49 170 1234567"]
    assert jm["addresses"] == ["Große Straße 12, Berlin, 10115, Deutschland"]
    assert jm["notes"] == "Kennt jeden Bauleiter in Brandenburg. Bevorzugt Anrufe vor 9 Uhr.\nMag Fußball."


def test_vcard_40_dates_uri_phone_and_uid(run):
    assert run("import", "vcard", fixture("modern_40.vcf")).exit_code == 0
    amara = contacts(run)["Amara Nwosu-Lindgren"]
    assert amara["uid"] == "3d9a2f8e-6a0b-4c8e-9f1e-7b2c5d4e6f30"
    assert amara["phones"] == ["+46-70-123-45-67"]
    assert amara["addresses"] == ["Kungsgatan 4, Stockholm, 111 43, Sweden"]
    assert amara["tags"] == ["energy", "expert:grid storage"]
    assert amara["dates"] == [
        {"kind": "birthday", "month": 4, "day": 12, "year": None, "label": ""},
        {"kind": "anniversary", "month": 9, "day": 1, "year": 2012, "label": ""},
    ]
    assert amara["notes"] == "Loves a whiteboard. Ask about the Kiruna pilot."


# ------------------------------------------------------- re-import, update


def test_reimporting_the_same_files_changes_nothing(run):
    files = [fixture(n) for n in ("apple_contacts_30.vcf", "nokia_21_quoted_printable.vcf", "modern_40.vcf")]
    assert run("import", "vcard", *files).exit_code == 0
    before = backup(run)
    again = run("import", "vcard", *files, "--json").json()
    assert again["counts"] == {"created": 0, "updated": 0, "unchanged": 4, "skipped": 0}
    assert backup(run) == before


def test_an_updated_export_updates_instead_of_duplicating(run, tmp_path):
    assert run("import", "vcard", fixture("modern_40.vcf")).exit_code == 0
    text = (FIXTURES / "modern_40.vcf").read_text(encoding="utf-8")
    changed = text.replace("TITLE:VP Engineering", "TITLE:CTO").replace(
        "EMAIL;TYPE=work;PREF=1:amara@polargrid.example",
        "EMAIL;TYPE=work;PREF=1:amara@polargrid.example\r\nEMAIL:amara.private@mail.example",
    )
    updated = tmp_path / "updated.vcf"
    updated.write_text(changed, encoding="utf-8", newline="")
    report = run("import", "vcard", str(updated), "--json").json()
    assert report["counts"]["updated"] == 1
    assert report["updated"][0]["fields"] == ["title", "emails"]
    people = contacts(run)
    assert len(people) == 1
    assert people["Amara Nwosu-Lindgren"]["title"] == "CTO"
    assert people["Amara Nwosu-Lindgren"]["emails"] == ["amara@polargrid.example", "amara.private@mail.example"]


def test_matching_falls_back_to_email_then_exact_name(run, tmp_path):
    assert run("contact", "add", "Ingrid Solberg", "--email", "INGRID@fjord.example", "--role", "champion").exit_code == 0
    assert run("contact", "add", "Tariq Aziz", "--title", "Buyer").exit_code == 0
    card = tmp_path / "two.vcf"
    card.write_text(
        "BEGIN:VCARD\nVERSION:3.0\nUID:other-system-1\nFN:Ingrid S.\nEMAIL:ingrid@fjord.example\nTITLE:CEO\nEND:VCARD\n"
        "BEGIN:VCARD\nVERSION:3.0\nUID:other-system-2\nFN:tariq aziz\nORG:Souk Trading\nEND:VCARD\n",
        encoding="utf-8",
    )
    report = run("import", "vcard", str(card), "--json").json()
    assert report["counts"] == {"created": 0, "updated": 2, "unchanged": 0, "skipped": 0}
    people = contacts(run)
    assert set(people) == {"Ingrid S.", "tariq aziz"}
    # What the card does not speak for (the role set here) is kept.
    assert people["Ingrid S."]["role"] == "champion"
    assert people["Ingrid S."]["title"] == "CEO"
    assert people["tariq aziz"]["title"] == "Buyer"
    assert people["tariq aziz"]["account"] == "Souk Trading"


def test_two_cards_with_one_name_and_different_uids_are_two_people(run, tmp_path):
    card = tmp_path / "twins.vcf"
    card.write_text(
        "BEGIN:VCARD\nVERSION:3.0\nUID:a-1\nFN:John Smith\nORG:Acme\nEND:VCARD\n"
        "BEGIN:VCARD\nVERSION:3.0\nUID:b-2\nFN:John Smith\nORG:Globex\nEND:VCARD\n",
        encoding="utf-8",
    )
    assert run("import", "vcard", str(card)).exit_code == 0
    listed = run("contact", "list", "--json").json()
    assert sorted(c["account"] for c in listed) == ["Acme", "Globex"]
    assert run("import", "vcard", str(card), "--json").json()["counts"]["unchanged"] == 2


def test_an_interrupted_import_leaves_the_database_as_it_was(run, monkeypatch, tmp_path):
    from keepwarm.io import bulk

    assert run("contact", "add", "Ingrid Solberg", "--email", "ingrid@fjord.example", "--title", "Skipper").exit_code == 0
    before = backup(run)

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    cards = tmp_path / "two.vcf"
    cards.write_text(
        "BEGIN:VCARD\nVERSION:3.0\nFN:Ingrid Solberg\nEMAIL:ingrid@fjord.example\nTITLE:Captain\nEND:VCARD\n"
        "BEGIN:VCARD\nVERSION:3.0\nFN:Tariq Aziz\nEND:VCARD\n",
        encoding="utf-8",
    )
    # Ingrid's new title is written first; then writing the new contact is interrupted (Ctrl-C).
    with monkeypatch.context() as patch:
        patch.setattr(bulk.Staged, "copy", interrupted)
        result = run("import", "vcard", str(cards))
    assert result.exit_code != 0
    assert backup(run) == before
    assert contacts(run)["Ingrid Solberg"]["title"] == "Skipper"


def test_dry_run_reports_the_same_and_writes_nothing(run):
    before = backup(run)
    dry = run("import", "vcard", fixture("apple_contacts_30.vcf"), "--dry-run", "--json").json()
    assert dry["dry_run"] is True
    assert dry["counts"]["created"] == 2
    assert backup(run) == before
    real = run("import", "vcard", fixture("apple_contacts_30.vcf"), "--json").json()
    assert real["created"] == [{**e, "id": e["id"]} for e in dry["created"]]


# -------------------------------------------------------------- encodings


CARD = "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Jürgen Müller\r\nORG:Bäckerei Größe\r\nNOTE:Café – bitte pünktlich\r\nEND:VCARD\r\n"


@pytest.mark.parametrize(
    "codec, data",
    [
        ("utf-8", CARD.encode("utf-8")),
        ("utf-8", b"\xef\xbb\xbf" + CARD.encode("utf-8")),
        ("utf-16-le", b"\xff\xfe" + CARD.encode("utf-16-le")),
        ("utf-16-be", b"\xfe\xff" + CARD.encode("utf-16-be")),
        ("utf-16-le", CARD.encode("utf-16-le")),
        ("cp1252", CARD.encode("cp1252")),
    ],
    ids=["utf8", "utf8-bom", "utf16le-bom", "utf16be-bom", "utf16-no-bom", "cp1252"],
)
def test_encodings_are_detected(run, tmp_path, codec, data):
    path = tmp_path / "card.vcf"
    path.write_bytes(data)
    result = run("import", "vcard", str(path), "--json")
    assert result.exit_code == 0, result.stderr
    assert result.json()["sources"][0]["encoding"] == codec
    person = contacts(run)["Jürgen Müller"]
    assert person["account"] == "Bäckerei Größe"
    assert person["notes"] == "Café – bitte pünktlich"


def test_a_guessed_encoding_is_said_in_the_report(run, tmp_path):
    path = tmp_path / "latin1.vcf"
    path.write_bytes("BEGIN:VCARD\nVERSION:3.0\nFN:Zoë Ñúñez\nEND:VCARD\n".encode("latin-1"))
    result = run("import", "vcard", str(path))
    assert result.exit_code == 0
    first = result.stdout.splitlines()[0]
    assert first.startswith(f"{path}: vCard, cp1252 (not UTF-8 (line 3); read as Windows-1252")
    assert "Zoë Ñúñez" in contacts(run)


def test_a_named_encoding_that_does_not_fit_is_one_clear_line(run, tmp_path):
    path = tmp_path / "latin1.vcf"
    path.write_bytes("BEGIN:VCARD\nVERSION:3.0\nFN:Zoë\nEND:VCARD\n".encode("latin-1"))
    result = run("import", "vcard", str(path), "--encoding", "utf-8")
    assert result.exit_code == 2
    assert result.stderr == f"keepwarm: {path}: is not valid utf-8 (byte 0xeb at offset 29); save it as UTF-8 or name its encoding with --encoding\n"


# ------------------------------------------------------------- bad input


def test_a_malformed_card_in_the_middle_stops_the_whole_import(run):
    before = backup(run)
    result = run("import", "vcard", fixture("broken_middle.vcf"))
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr == (
        f"keepwarm: {fixture('broken_middle.vcf')}: card 2 (line 6): line 9: 'this line has no colon at all' "
        "is not a vCard property (expected NAME:value); nothing was imported "
        "(fix the file, or use --skip-invalid to import the rest)\n"
    )
    assert backup(run) == before


def test_skip_invalid_imports_the_rest_and_lists_what_was_skipped(run):
    result = run("import", "vcard", fixture("broken_middle.vcf"), "--skip-invalid", "--json")
    assert result.exit_code == 0
    report = result.json()
    assert [e["name"] for e in report["created"]] == ["Ingrid Solberg", "Tariq Aziz"]
    assert report["skipped"] == [{
        "action": "skipped", "file": fixture("broken_middle.vcf"), "line": 6, "card": 2, "name": "",
        "reason": "line 9: 'this line has no colon at all' is not a vCard property (expected NAME:value)",
        "invalid": True,
    }]
    assert set(contacts(run)) == {"Ingrid Solberg", "Tariq Aziz"}


def test_a_card_without_end(run):
    result = run("import", "vcard", fixture("missing_end.vcf"))
    assert result.exit_code == 2
    assert result.stderr.startswith(
        f"keepwarm: {fixture('missing_end.vcf')}: card 2 (line 6): no END:VCARD before the next BEGIN:VCARD on line 10"
    )
    assert contacts(run) == {}


def test_a_bad_email_is_left_out_with_a_warning_naming_the_property(run):
    result = run("import", "vcard", fixture("bad_email.vcf"))
    assert result.exit_code == 0, result.stderr
    assert "warning: EMAIL: 'bjorn(at)dahl.example' is not an email " \
        "address (expected name@example.com); that address was left out\n" in result.stdout
    assert "(1 warning)" in result.stdout
    assert contacts(run)["Bjørn Dahl"]["emails"] == []


def test_one_bad_file_among_several_leaves_the_database_as_it_was(run):
    result = run("import", "vcard", fixture("modern_40.vcf"), fixture("broken_middle.vcf"))
    assert result.exit_code == 2
    assert contacts(run) == {}


@pytest.mark.parametrize(
    "content, message",
    [
        (b"Name,Email\nAda,ada@example.com\n", "line 1: expected BEGIN:VCARD, found 'Name,Email'"),
        (b"", "line 1: no vCard in this file (expected BEGIN:VCARD ... END:VCARD)"),
        (b"BEGIN:VCARD\nVERSION:3.0\nNOTE:no name here\nEND:VCARD\n", "card 1 (line 1): no name (expected an FN or N property)"),
        (b"BEGIN:VCARD\nVERSION:4.0\nFN:Al\nBDAY:1980-02-30\nEND:VCARD\n",
         "card 1 (line 1): BDAY: '1980-02-30' is not a day of the calendar"),
        (b"BEGIN:VCARD\nVERSION:4.0\nFN:Al\nX-KEEPWARM-ROLE:boss\nEND:VCARD\n",
         "card 1 (line 1): X-KEEPWARM-ROLE: 'boss' is not one of: primary_contact"),
    ],
    ids=["csv-given", "empty", "no-name", "bad-birthday", "bad-role"],
)
def test_bad_input_is_one_line_with_file_and_place(run, tmp_path, content, message):
    path = tmp_path / "input.vcf"
    path.write_bytes(content)
    result = run("import", "vcard", str(path))
    assert result.exit_code == 2
    assert result.stderr.startswith(f"keepwarm: {path}: {message}")
    assert result.stderr.count("\n") == 1
    assert contacts(run) == {}


def test_binary_and_missing_files(run, tmp_path):
    blob = tmp_path / "photo.vcf"
    blob.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01")
    result = run("import", "vcard", str(blob))
    assert (result.exit_code, result.stderr) == (2, f"keepwarm: {blob}: looks like a binary file (expected text: a .vcf or .csv file)\n")
    missing = tmp_path / "nope.vcf"
    result = run("import", "vcard", str(missing))
    assert (result.exit_code, result.stderr) == (2, f"keepwarm: {missing}: no such file\n")


# ------------------------------------------------------------------ export


def _rich_contact(run) -> None:
    assert run("user", "add", "sam").exit_code == 0  # an owner is one of the book's users (migration 0019)
    result = run(
        "contact", "add", "Zoë Ñúñez-Okafor", "--account", "Acme, Inc; Ltd", "--title", "VP, Sales",
        "--email", "zoe@acme.example", "--email", "z.private@mail.example", "--phone", "+1 (555) 010-0100",
        "--role", "champion", "--style", "amiable", "--motivation", "learning", "--motivation", "legacy",
        "--interest", "college football, NCAA", "--interest", "sailing", "--channel", "call",
        "--best-time", "mornings, before 10", "--birthday", "02-29", "--work-anniversary", "2019-03-01",
        "--date", "company founded; firm=1837-05-02", "--tier", "a", "--stage", "at_risk",
        "--tag", "vip", "--tag", "expert:sailing", "--tag", "a,b", "--notes", "Line one\nLine two; with, commas \\ ok",
        "--owner", "sam", "--do-not-contact",
    )
    assert result.exit_code == 0, result.stderr


def test_vcard_export_reimports_losslessly(run, tmp_path):
    # No daily capacity: six new people would be spread over two days (tests/test_agenda_capacity.py), a snooze
    # the first book does not have.
    paths.config_file().parent.mkdir(parents=True, exist_ok=True)
    paths.config_file().write_text("[agenda]\ncapacity = 0\n", encoding="utf-8")
    _rich_contact(run)
    assert run("contact", "add", "Plain Person").exit_code == 0
    files = [fixture(n) for n in ("apple_contacts_30.vcf", "nokia_21_quoted_printable.vcf", "modern_40.vcf")]
    assert run("import", "vcard", *files).exit_code == 0  # anniversaries, yearless birthdays, UIDs of all shapes
    out = tmp_path / "out.vcf"
    result = run("export", "vcard", "-o", str(out))
    assert result.exit_code == 0
    assert result.stderr == f"Wrote 6 contacts to {out}\n"
    other = tmp_path / "other.db"
    assert run("--db", str(other), "import", "vcard", str(out)).exit_code == 0
    mine, theirs = contacts(run), contacts(run, "--db", str(other))
    assert set(mine) == set(theirs)
    for name in mine:
        a, b = dict(mine[name]), dict(theirs[name])
        a.pop("id"), b.pop("id")
        assert a == b
    # And back into the database it came from: nothing to change.
    assert run("import", "vcard", str(out), "--json").json()["counts"]["unchanged"] == 6


def test_vcard_export_is_40_folded_crlf_and_private(run, tmp_path):
    _rich_contact(run)
    folder = tmp_path / "exports"
    folder.mkdir()
    out = folder / "out.vcf"
    out.write_text("old content", encoding="utf-8")
    os.chmod(out, 0o644)
    assert run("export", "vcard", "-o", str(out)).exit_code == 0
    data = out.read_bytes()
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    assert data.startswith(b"BEGIN:VCARD\r\nVERSION:4.0\r\n")
    assert b"\r\n" in data and b"\n" not in data.replace(b"\r\n", b"")
    assert all(len(line) <= 75 for line in data.split(b"\r\n"))
    text = data.decode("utf-8")
    assert "BDAY:--0229\r\n" in text
    assert "X-KEEPWARM-ROLE:champion\r\n" in text
    assert "CATEGORIES:vip,expert:sailing,a\\,b\r\n" in text
    assert [p.name for p in folder.iterdir()] == ["out.vcf"]  # no temporary file left behind


def test_vcard_export_filters_and_stdout(run):
    assert run("contact", "add", "Ann Acme", "--account", "Acme").exit_code == 0
    assert run("contact", "add", "Bob Globex", "--account", "Globex").exit_code == 0
    result = run("export", "vcard", "--account", "Acme")
    assert result.exit_code == 0
    assert result.stdout.count("BEGIN:VCARD") == 1
    assert "FN:Ann Acme" in result.stdout and "Bob" not in result.stdout


def test_import_report_as_text(run):
    result = run("import", "vcard", fixture("broken_middle.vcf"), "--skip-invalid")
    assert result.exit_code == 0
    assert result.stdout.splitlines() == [
        f"{fixture('broken_middle.vcf')}: vCard, utf-8",
        "  created    card 1 (line 1)     Ingrid Solberg",
        "  created    card 3 (line 11)    Tariq Aziz",
        "  skipped    card 2 (line 6)     line 9: 'this line has no colon at all' is not a vCard property (expected NAME:value)",
        "contacts: 2 created, 0 updated, 0 unchanged, 1 skipped",
    ]
    assert json.loads(run("contact", "list", "--json").stdout)[0]["name"] == "Ingrid Solberg"


def test_the_tui_imports_a_file_by_its_extension(session, tmp_path):
    from keepwarm.services import operations
    from keepwarm.errors import UserError

    assert operations.import_file(session, FIXTURES / "modern_40.vcf") == (
        "contacts: 1 created, 0 updated, 0 unchanged, 0 skipped"
    )
    assert operations.import_file(session, FIXTURES / "google_contacts.csv").startswith("contacts: 3 created")
    other = tmp_path / "notes.docx"
    other.write_bytes(b"PK")
    with pytest.raises(UserError, match=r"is not a \.vcf or \.csv file"):
        operations.import_file(session, other)
