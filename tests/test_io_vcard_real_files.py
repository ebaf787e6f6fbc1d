"""vCards as other programs really write them (issue #17, points 10 and 21): an Android phone's
Shift_JIS export, PROFILE lines, vCard 2.1 backslash continuations, CR CR LF line ends, escaped
URLs, text birthdays, trailing backslashes, mistyped e-mails, exporters that give every card the
same UID; and the export's folding of multi-byte text and its control characters."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import vobject


def contacts(run) -> dict[str, dict]:
    result = run("contact", "list", "--json")
    assert result.exit_code == 0, result.stderr
    return {c["name"]: c for c in result.json()}


def imported(run, path: Path, *extra: str) -> dict:
    result = run("import", "vcard", str(path), "--json", *extra)
    assert result.exit_code == 0, result.stderr
    return result.json()


def warnings_of(report: dict) -> list[dict]:
    """Every record's warnings, in the file's order, each with the card it is about."""
    found = []
    for action in ("created", "updated", "unchanged", "skipped"):
        for entry in report[action]:
            where = {k: entry[k] for k in ("file", "line", "card") if k in entry}
            found += [{**where, "name": entry["name"], "warning": w} for w in entry.get("warnings", [])]
    return sorted(found, key=lambda w: (w["file"], w["line"]))


def qp(text: str, charset: str) -> str:
    return "".join(f"={b:02X}" for b in text.encode(charset))


# ------------------------------------------------------------------ point 21: reading


def android_shift_jis_card() -> bytes:
    """An Android (docomo/au era) export: plain values in Shift_JIS, the note quoted-printable."""
    sjis = lambda text: text.encode("shift_jis")  # noqa: E731
    return b"".join([
        b"BEGIN:VCARD\r\n",
        b"VERSION:2.1\r\n",
        b"N;CHARSET=SHIFT_JIS:" + sjis("山田;太郎;;;") + b"\r\n",
        b"FN;CHARSET=SHIFT_JIS:" + sjis("山田 太郎") + b"\r\n",
        b"X-PHONETIC-LAST-NAME;CHARSET=SHIFT_JIS:" + sjis("ﾔﾏﾀﾞ") + b"\r\n",
        b"TEL;CELL:090-1234-5678\r\n",
        b"EMAIL;HOME:taro.yamada@docomo.example\r\n",
        b"ORG;CHARSET=SHIFT_JIS:" + sjis("山田商事株式会社") + b"\r\n",
        b"NOTE;CHARSET=SHIFT_JIS;ENCODING=QUOTED-PRINTABLE:" + qp("東京の展示会で名刺交換", "shift_jis").encode() + b"\r\n",
        b"END:VCARD\r\n",
    ])


def test_charset_on_plain_values_reads_a_shift_jis_android_card(run, tmp_path):
    path = tmp_path / "android.vcf"
    path.write_bytes(android_shift_jis_card())
    report = imported(run, path)
    assert [e["name"] for e in report["created"]] == ["山田 太郎"]
    taro = contacts(run)["山田 太郎"]
    assert taro["account"] == "山田商事株式会社"
    assert taro["notes"] == "東京の展示会で名刺交換"
    assert taro["phones"] == ["090-1234-5678"]


def test_a_charset_that_contradicts_a_utf8_file_does_not_garble_it(run, tmp_path):
    path = tmp_path / "mislabelled.vcf"
    path.write_bytes("BEGIN:VCARD\r\nVERSION:2.1\r\nFN;CHARSET=ISO-8859-1:Zoë Ångström\r\nEND:VCARD\r\n".encode())
    imported(run, path)
    assert list(contacts(run)) == ["Zoë Ångström"]


@pytest.mark.parametrize("profile", ["PROFILE:VCard", "PROFILE:vcard", "PROFILE:VCARD"])
def test_a_profile_line_in_any_case_is_accepted(run, tmp_path, profile):
    path = tmp_path / "profile.vcf"
    path.write_text(
        f"BEGIN:VCARD\r\nVERSION:3.0\r\n{profile}\r\nN:Lovelace;Ada;;;\r\nFN:Ada Lovelace\r\n"
        "EMAIL;TYPE=INTERNET:ada@engine.example\r\nEND:VCARD\r\n",
        newline="",
    )
    report = imported(run, path)
    assert report["counts"]["created"] == 1
    assert contacts(run)["Ada Lovelace"]["emails"] == ["ada@engine.example"]


def test_a_vcard_21_backslash_continuation_keeps_the_rest_of_the_note(run, tmp_path):
    path = tmp_path / "nokia.vcf"
    path.write_text(
        "BEGIN:VCARD\r\nVERSION:2.1\r\nN:Babbage;Charles\r\nFN:Charles Babbage\r\n"
        "NOTE:Wants the difference engine demo \\\r\nbefore the board meets in March\r\n"
        "TEL;WORK;VOICE:+44 20 7946 0018\r\nEND:VCARD\r\n",
        newline="",
    )
    imported(run, path)
    charles = contacts(run)["Charles Babbage"]
    assert charles["notes"] == "Wants the difference engine demo \nbefore the board meets in March"
    assert charles["phones"] == ["+44 20 7946 0018"]


def test_cr_cr_lf_line_ends_keep_folded_lines_whole(run, tmp_path):
    path = tmp_path / "double_cr.vcf"
    path.write_bytes(
        b"BEGIN:VCARD\r\r\nVERSION:3.0\r\r\nFN:Grace Hopper\r\r\n"
        b"NOTE:Navy, then UNIVAC; ask about COBOL and the nanosecond wi\r\r\n re she hands out\r\r\n"
        b"EMAIL:grace@navy.example\r\r\nEND:VCARD\r\r\n"
    )
    imported(run, path)
    grace = contacts(run)["Grace Hopper"]
    assert grace["notes"] == "Navy, then UNIVAC; ask about COBOL and the nanosecond wire she hands out"
    assert grace["emails"] == ["grace@navy.example"]


def test_escaped_colons_in_urls_are_unescaped(run, tmp_path):
    path = tmp_path / "url.vcf"
    path.write_text(
        "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Alan Turing\r\nURL:http\\://turing.example/home\r\n"
        "item1.URL;type=pref:https\\://bletchley.example/people?id=7\\,8\r\nEND:VCARD\r\n",
        newline="",
    )
    imported(run, path)
    assert contacts(run)["Alan Turing"]["urls"] == ["http://turing.example/home", "https://bletchley.example/people?id=7,8"]


@pytest.mark.parametrize("bday", ["BDAY;VALUE=text:circa 1800", "BDAY:circa 1800"], ids=["value-text", "plain"])
def test_a_text_birthday_is_kept_as_a_note_with_a_warning(run, tmp_path, bday):
    path = tmp_path / "bday.vcf"
    path.write_text(
        f"BEGIN:VCARD\r\nVERSION:4.0\r\nFN:Ada Byron\r\nNOTE:Poet's daughter\r\n{bday}\r\nEND:VCARD\r\n",
        newline="",
    )
    report = imported(run, path)
    assert warnings_of(report) == [{
        "file": str(path), "line": 1, "card": 1, "name": "Ada Byron",
        "warning": "BDAY 'circa 1800' is not a date: kept in the notes",
    }]
    ada = contacts(run)["Ada Byron"]
    assert ada["notes"] == "Poet's daughter\n\nBirthday: circa 1800"
    assert ada["dates"] == []
    again = imported(run, path)  # the note it made is the note it finds: nothing changes
    assert again["counts"]["unchanged"] == 1


def test_a_trailing_backslash_does_not_become_a_literal_eof(run, tmp_path):
    path = tmp_path / "trailing.vcf"
    path.write_text(
        "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Edsger Dijkstra\r\nNOTE:Path in C:\\\\structured\\\r\nEND:VCARD\r\n",
        newline="",
    )
    imported(run, path)
    assert contacts(run)["Edsger Dijkstra"]["notes"] == "Path in C:\\structured"


def test_an_invalid_email_drops_that_field_with_a_warning_not_the_card(run, tmp_path):
    path = tmp_path / "typo.vcf"
    path.write_text(
        "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Margaret Hamilton\r\nEMAIL;TYPE=WORK:margaret at mit.example\r\n"
        "EMAIL;TYPE=HOME:margaret@apollo.example\r\nTEL:+1 617 555 0142\r\nEND:VCARD\r\n",
        newline="",
    )
    report = imported(run, path)
    assert report["counts"]["created"] == 1
    assert [w["warning"] for w in warnings_of(report)] == [
        "EMAIL: 'margaret at mit.example' is not an email address (expected name@example.com); that address was left out"
    ]
    margaret = contacts(run)["Margaret Hamilton"]
    assert margaret["emails"] == ["margaret@apollo.example"]
    assert margaret["phones"] == ["+1 617 555 0142"]
    text = run("import", "vcard", str(path))
    assert "(1 warning)" in text.stdout.splitlines()[-1]


# ------------------------------------------------------------------ point 10: one UID, several people


def same_uid_file(path: Path, people: list[tuple[str, str]]) -> Path:
    cards = [
        f"BEGIN:VCARD\r\nVERSION:3.0\r\nUID:00000000-0000-0000-0000-000000000000\r\nFN:{name}\r\n"
        + (f"EMAIL:{email}\r\n" if email else "")
        + "END:VCARD\r\n"
        for name, email in people
    ]
    path.write_text("".join(cards), newline="")
    return path


def test_cards_sharing_one_uid_but_naming_different_people_are_not_merged(run, tmp_path):
    path = same_uid_file(tmp_path / "one_uid.vcf", [
        ("Ada Lovelace", "ada@engine.example"),
        ("Charles Babbage", "charles@engine.example"),
        ("Mary Somerville", ""),
    ])
    report = imported(run, path)
    assert report["counts"] == {"created": 3, "updated": 0, "unchanged": 0, "skipped": 0}
    assert [(w["card"], w["warning"]) for w in warnings_of(report)] == [
        (2, "has the same UID as card 1 (line 1), 'Ada Lovelace': a different person, imported on its own without that UID"),
        (3, "has the same UID as card 1 (line 1), 'Ada Lovelace': a different person, imported on its own without that UID"),
    ]
    people = contacts(run)
    assert sorted(people) == ["Ada Lovelace", "Charles Babbage", "Mary Somerville"]
    assert people["Ada Lovelace"]["uid"] == "00000000-0000-0000-0000-000000000000"
    assert people["Charles Babbage"]["emails"] == ["charles@engine.example"]
    assert len({p["uid"] for p in people.values()}) == 3
    again = imported(run, path)  # the same file again changes nothing
    assert again["counts"] == {"created": 0, "updated": 0, "unchanged": 3, "skipped": 0}


def test_the_same_persons_card_repeated_merges_and_says_so(run, tmp_path):
    path = same_uid_file(tmp_path / "repeated.vcf", [
        ("Ada Lovelace", "ada@engine.example"),
        ("ADA LOVELACE", "ada@engine.example"),   # the same name (case aside)
        ("Ada King", "ada@engine.example"),       # renamed, but the same address
    ])
    report = imported(run, path)
    assert report["counts"]["created"] == 1
    assert [w["warning"] for w in warnings_of(report)] == [
        "has the same UID as card 1 (line 1), 'Ada Lovelace': the same person, merged into one contact",
    ] * 2
    assert list(contacts(run)) == ["Ada King"]


def test_a_large_file_with_one_uid_does_not_collapse_into_one_contact(run, tmp_path):
    path = same_uid_file(tmp_path / "many.vcf", [(f"Person {i:04d}", f"p{i}@example.com") for i in range(2000)])
    report = imported(run, path)
    assert report["counts"]["created"] == 2000
    assert len(warnings_of(report)) == 1999
    assert len(contacts(run)) == 2000


# ------------------------------------------------------------------ point 21: writing


_RAW_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x0c\x0e-\x1f\x7f-\x9f]")


def test_export_folds_at_75_octets_never_inside_a_utf8_character(run, tmp_path):
    # 30 characters of Japanese are 90 octets: vobject, counting characters, left such lines unfolded.
    note = "東京の展示会で名刺交換、来月の見積もりについて相談したいとのこと。"
    assert run("contact", "add", "山田 太郎", "--notes", note, "--title", "営業部長" * 8).exit_code == 0
    out = tmp_path / "out.vcf"
    assert run("export", "vcard", "-o", str(out)).exit_code == 0
    data = out.read_bytes()
    physical = data.split(b"\r\n")
    assert max(len(line) for line in physical) <= 75
    for line in physical:
        line.decode("utf-8")  # each physical line is whole UTF-8: no character was cut in two
    unfolded = data.decode("utf-8").replace("\r\n ", "")
    assert f"NOTE:{note}\r\n" in unfolded
    assert f"TITLE:{'営業部長' * 8}\r\n" in unfolded
    # and keepwarm reads its own file back to the same contact
    (tmp_path / "db2").mkdir()
    again = run("--db", str(tmp_path / "db2" / "x.db"), "import", "vcard", str(out), "--json")
    assert again.exit_code == 0, again.stderr
    back = run("--db", str(tmp_path / "db2" / "x.db"), "contact", "list", "--json").json()
    assert back[0]["notes"] == note


def test_export_writes_no_raw_control_characters(session, tmp_path):
    from keepwarm.io.vcard_export import export
    from keepwarm.model import Contact

    hostile = Contact(name="Eve", notes="line one\r\nline two\x1b]52;c;aGk=\x07 \x9b2J end", best_time="mornings")
    hostile.title = "CTO\x1b]0;owned\x07"  # as read from an old database, before any input check
    text = export([hostile])
    assert not _RAW_CONTROLS.search(text)
    assert "\x1b" not in text and "\x07" not in text
    assert "\x9b" not in text
    card = vobject.readOne(text)  # shown as text (as in the terminal), line breaks kept
    assert card.note.value == "line one\nline two\\x1b]52;c;aGk=\\x07 \\x9b2J end"
    assert card.title.value == "CTO\\x1b]0;owned\\x07"


def test_one_uid_in_two_files_of_one_import_is_checked_too(run, tmp_path):
    one = same_uid_file(tmp_path / "a.vcf", [("Ada Lovelace", "ada@engine.example")])
    two = same_uid_file(tmp_path / "b.vcf", [("Charles Babbage", "charles@engine.example")])
    result = run("import", "vcard", str(one), str(two), "--json")
    assert result.exit_code == 0, result.stderr
    report = result.json()
    assert report["counts"]["created"] == 2
    assert warnings_of(report)[0]["warning"] == (
        f"has the same UID as {one}: card 1 (line 1), 'Ada Lovelace': a different person, "
        "imported on its own without that UID"
    )
    assert sorted(contacts(run)) == ["Ada Lovelace", "Charles Babbage"]
