"""`keepwarm export vcard` writes each card as it is made (issue 19: every command under 400 MB).

The file of 50,000 cards was built as one string, then encoded whole, before a
byte was written: 389 MB for the command at 50,000 contacts, 326 MB written a
card at a time. The bytes are the same.
"""

from __future__ import annotations

from collections.abc import Iterator

from keepwarm.cli import io as cli_io
from keepwarm.io import vcard_export
from keepwarm.store import contacts as people


def test_cards_are_made_one_at_a_time_and_join_into_the_same_file(run, session):
    for name in ("Ada Lovelace", "Grace Hopper", "Zoë Ünal"):
        assert run("contact", "add", name, "--email", f"{name.split()[0].lower()}@example.org").exit_code == 0
    with session.store.read() as conn:
        found = people.list_contacts(conn)
    made = vcard_export.cards(found)
    assert isinstance(made, Iterator)
    first = next(made)
    assert first.startswith("BEGIN:VCARD\r\n") and first.endswith("END:VCARD\r\n") and first.count("BEGIN:VCARD") == 1
    assert first + "".join(made) == vcard_export.export(found)


def test_the_command_writes_the_cards_as_they_come_to_a_file_and_to_stdout(run, tmp_path, monkeypatch):
    for name in ("Ada Lovelace", "Grace Hopper"):
        assert run("contact", "add", name).exit_code == 0
    handed = []
    real = cli_io.write_private

    def spy(target, text):
        handed.append(type(text).__name__ if isinstance(text, str) else "pieces")
        real(target, text)

    monkeypatch.setattr(cli_io, "write_private", spy)
    target = tmp_path / "people.vcf"
    result = run("export", "vcard", "-o", str(target))
    assert result.exit_code == 0, result.stderr
    assert handed == ["pieces"]
    text = target.read_bytes().decode("utf-8")
    assert text.count("BEGIN:VCARD") == 2 and "FN:Ada Lovelace\r\n" in text and "FN:Grace Hopper\r\n" in text
    printed = run("export", "vcard")
    assert printed.exit_code == 0 and printed.stdout.replace("\r\n", "\n") == text.replace("\r\n", "\n")
