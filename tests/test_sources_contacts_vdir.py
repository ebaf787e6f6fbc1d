"""Address book sync with a vdir (issue #20, point 8): `keepwarm source add contacts VDIR`, then `keepwarm sync`.

Concrete cards in a folder, the CLI at the fixed clock: cards become contacts and contacts cards, a change
on one side goes to the other, a change on both is a conflict that writes neither side until resolved,
deletions wait for the user, a card that does not parse is reported by file and the others still sync.
"""

from __future__ import annotations

import threading

import pytest
from conftest import FIXED_NOW

from keepwarm.home.session import Session
from keepwarm.sources.sync import sync

ADA = (
    "BEGIN:VCARD\r\nVERSION:3.0\r\nUID:ada-1\r\nFN:Ada Lovelace\r\nN:Lovelace;Ada;;;\r\n"
    "EMAIL;TYPE=work:ada@analytical.example\r\nNICKNAME:Countess\r\nX-PHONE-APP-COLOR:teal\r\n"
    "PHOTO;ENCODING=b;TYPE=JPEG:/9j/4AAQSkZJRgABAQAAAQABAAD/\r\nEND:VCARD\r\n"
)
BOB = "BEGIN:VCARD\r\nVERSION:4.0\r\nUID:bob-2\r\nFN:Bob Stone\r\nTEL:+44 20 7946 0000\r\nEND:VCARD\r\n"


@pytest.fixture
def book(tmp_path):
    folder = tmp_path / "contacts"
    folder.mkdir()
    (folder / "ada-1.vcf").write_text(ADA, encoding="utf-8", newline="")
    (folder / "bob-2.vcf").write_text(BOB, encoding="utf-8", newline="")
    return folder


def contacts(run) -> dict[str, dict]:
    return {c["name"]: c for c in run("contact", "list", "--json").json()}


def show(run, ref: str) -> dict:
    return run("contact", "show", ref, "--json").json()["contact"]


def card(book, name: str) -> str:
    return (book / name).read_text(encoding="utf-8")


def edit_card(book, name: str, old: str, new: str) -> None:
    text = card(book, name)
    assert old in text
    (book / name).write_text(text.replace(old, new), encoding="utf-8", newline="")


def added(run, book) -> None:
    assert run("contact", "add", "Grace Hopper", "--email", "grace@navy.example").exit_code == 0
    result = run("source", "add", "contacts", str(book), "--json")
    assert result.exit_code == 0, result.stderr
    [summary] = result.json()
    assert (summary["read"], summary["new_contacts"], summary["new_cards"]) == (2, 1 + 1, 1)


def test_cards_become_contacts_and_contacts_become_cards(run, book):
    added(run, book)
    found = contacts(run)
    assert set(found) == {"Ada Lovelace", "Bob Stone", "Grace Hopper"}
    shown = show(run, "Ada Lovelace")
    assert shown["uid"] == "ada-1" and shown["emails"] == ["ada@analytical.example"]
    grace = show(run, "Grace Hopper")
    [new] = [p for p in book.iterdir() if p.name not in ("ada-1.vcf", "bob-2.vcf")]
    assert new.name == f"{grace['uid']}.vcf"
    assert "FN:Grace Hopper" in new.read_text() and "EMAIL;PREF=1:grace@navy.example" in new.read_text()
    again = run("sync", "--json").json()[0]
    assert (again["read"], again["new_contacts"], again["new_cards"], again["updated_cards"]) == (3, 0, 0, 0)


def test_a_card_edited_on_the_phone_comes_back_and_an_edit_here_goes_out_keeping_the_rest_of_the_card(run, book):
    added(run, book)
    edit_card(book, "bob-2.vcf", "TEL:+44 20 7946 0000", "TEL:+44 20 7946 0001\r\nTITLE:Chief Engineer")
    assert run("contact", "edit", "Ada Lovelace", "--title", "Analyst", "--email", "ada@analytical.example",
               "--email", "ada@home.example").exit_code == 0
    result = run("sync")
    assert result.exit_code == 0
    assert "1 updated here" in result.stdout and "1 updated in the book" in result.stdout
    bob = show(run, "Bob Stone")
    assert bob["phones"] == ["+44 20 7946 0001"] and bob["title"] == "Chief Engineer"
    ada = card(book, "ada-1.vcf")
    # Keepwarm's edit is in; the nickname, the other program's property, the photo and the work TYPE stayed.
    for line in ("TITLE:Analyst", "EMAIL;TYPE=work:ada@analytical.example", "EMAIL:ada@home.example",
                 "NICKNAME:Countess", "X-PHONE-APP-COLOR:teal", "PHOTO;ENCODING=b;TYPE=JPEG:/9j/4AAQSkZJRgABAQAAAQABAAD/",
                 "VERSION:3.0", "UID:ada-1"):
        assert line in ada.splitlines(), line
    quiet = run("sync", "--json").json()[0]
    assert (quiet["updated_contacts"], quiet["updated_cards"], quiet["waiting"]) == (0, 0, [])


def test_a_change_on_both_sides_is_a_conflict_that_writes_neither_until_resolved(run, book):
    added(run, book)
    edit_card(book, "ada-1.vcf", "FN:Ada Lovelace", "FN:Ada King")
    assert run("contact", "edit", "Ada Lovelace", "--title", "Countess of Lovelace").exit_code == 0
    before = card(book, "ada-1.vcf")
    result = run("sync", "--json")
    [summary] = result.json()
    assert summary["waiting"] == [
        {"uid": "ada-1", "name": "Ada Lovelace", "why": "conflict", "fields": ["name", "title"], "file": "ada-1.vcf"}
    ]
    assert card(book, "ada-1.vcf") == before
    assert "Ada Lovelace" in contacts(run) and "Ada King" not in contacts(run)
    text = run("sync").stdout
    assert "1 conflict, neither side written: Ada Lovelace (name, title)" in text
    listed = run("source", "conflicts", "--json").json()
    assert [(r["source"], r["uid"], r["why"]) for r in listed] == [("contacts", "ada-1", "conflict")]
    [source] = run("source", "list", "--json").json()
    assert (source["waiting"], source["problem"]) == (1, "1 card waiting (keepwarm source conflicts contacts)")

    done = run("source", "resolve", "contacts", "ada-1", "--keep", "theirs")
    assert done.exit_code == 0 and "contact updated from the card" in done.stdout
    ada = show(run, "Ada King")
    assert ada["name"] == "Ada King" and ada["title"] == ""
    assert run("source", "conflicts", "--json").json() == []
    assert run("sync", "--json").json()[0]["waiting"] == []


def test_resolving_a_conflict_with_mine_writes_the_contact_into_the_card(run, book):
    added(run, book)
    edit_card(book, "bob-2.vcf", "FN:Bob Stone", "FN:Robert Stone")
    assert run("contact", "edit", "Bob Stone", "--name", "Bobby Stone").exit_code == 0
    run("sync")
    assert run("source", "resolve", "contacts", "bob-2", "--keep", "mine").exit_code == 0
    assert "FN:Bobby Stone" in card(book, "bob-2.vcf").splitlines()
    assert run("sync", "--json").json()[0]["waiting"] == []
    assert "Bobby Stone" in contacts(run)


def test_resolve_names_what_is_wrong(run, book):
    added(run, book)
    result = run("source", "resolve", "contacts", "nobody", "--keep", "mine")
    assert result.exit_code == 2
    assert "no card 'nobody' waits in contacts (waiting: none)" in result.stderr
    assert run("source", "resolve", "nowhere", "ada-1", "--keep", "mine").exit_code == 2


def test_deletions_are_reported_and_wait_for_the_user(run, book):
    added(run, book)
    (book / "bob-2.vcf").unlink()
    assert run("contact", "rm", "Ada Lovelace", "--yes").exit_code == 0
    [summary] = run("sync", "--json").json()
    waiting = {w["uid"]: (w["why"], w["name"]) for w in summary["waiting"]}
    assert waiting == {"bob-2": ("gone_there", "Bob Stone"), "ada-1": ("gone_here", "Ada Lovelace")}
    assert "Bob Stone" in contacts(run)  # kept here
    assert (book / "ada-1.vcf").exists()  # kept in the book
    text = run("sync").stdout
    assert "1 card deleted in the book (contacts kept)" in text and "1 contact deleted here (cards kept)" in text

    # Bob: the book's deletion is accepted (kept here only, never sent again); Ada: the card comes back.
    assert run("source", "resolve", "contacts", "bob-2", "--keep", "theirs").exit_code == 0
    assert run("source", "resolve", "contacts", "ada-1", "--keep", "theirs").exit_code == 0
    assert {"Ada Lovelace", "Bob Stone"} <= set(contacts(run))
    [quiet] = run("sync", "--json").json()
    assert (quiet["waiting"], quiet["new_cards"]) == ([], 0)
    assert not (book / "bob-2.vcf").exists()


def test_deleting_the_card_too_and_writing_a_deleted_card_again(run, book):
    added(run, book)
    (book / "bob-2.vcf").unlink()
    assert run("contact", "rm", "Ada Lovelace", "--yes").exit_code == 0
    run("sync")
    assert run("source", "resolve", "contacts", "ada-1", "--keep", "mine").exit_code == 0
    assert not (book / "ada-1.vcf").exists()
    assert run("source", "resolve", "contacts", "bob-2", "--keep", "mine").exit_code == 0
    assert "FN:Bob Stone" in card(book, "bob-2.vcf")
    assert run("sync", "--json").json()[0]["waiting"] == []


def test_a_card_that_does_not_parse_is_named_and_the_others_still_sync(run, book):
    (book / "broken.vcf").write_text("BEGIN:VCARD\r\nVERSION:3.0\r\nUID:x-3\r\nFN:Cleo\r\nBDAY:2020-02-31\r\nEND:VCARD\r\n")
    (book / "half.vcf").write_text("BEGIN:VCARD\r\nVERSION:3.0\r\nFN:No End\r\n")
    result = run("source", "add", "contacts", str(book))
    assert result.exit_code == 1
    assert "2 cards not synced (broken.vcf: line 1: BDAY: '2020-02-31' is not a day of the calendar" in result.stdout
    assert "half.vcf: no END:VCARD before the end of the file" in result.stdout
    assert set(contacts(run)) == {"Ada Lovelace", "Bob Stone"}  # no half-written contact for either
    assert (book / "half.vcf").read_bytes() == b"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:No End\r\n"  # left as it was


def test_hostile_text_in_a_card_never_reaches_the_terminal_raw(run, book):
    (book / "evil.vcf").write_text(
        "BEGIN:VCARD\r\nVERSION:3.0\r\nUID:evil-\x1b]0;owned\x07\r\nFN:Eve \x1b[2J\x1b[31mRed\r\nEND:VCARD\r\n"
    )
    assert run("contact", "add", "Zed", "--email", "zed@example.org").exit_code == 0
    result = run("source", "add", "contacts", str(book))
    assert "\x1b" not in result.stdout + result.stderr
    assert "Eve \\x1b[2J\\x1b[31mRed" in contacts(run)
    assert run("contact", "edit", "Zed", "--title", "CTO").exit_code == 0
    (book / "evil.vcf").write_text(card(book, "evil.vcf").replace("FN:", "FN:Dr "))
    assert run("contact", "edit", "Eve \\x1b[2J\\x1b[31mRed", "--title", "X").exit_code == 0
    result = run("sync")
    assert "\x1b" not in result.stdout + result.stderr and "conflict" in result.stdout
    listed = run("source", "conflicts")
    assert "\x1b" not in listed.stdout and "\\x1b" in listed.stdout


def test_a_card_keepwarm_cannot_edit_is_named_and_left_as_it_is(run, book):
    added(run, book)
    edit_card(book, "ada-1.vcf", "/9j/4AAQSkZJRgABAQAAAQABAAD/", "/9j/4AAQSkZJRgABAQAAAQABAAD")  # bad base64
    before = card(book, "ada-1.vcf")
    assert run("contact", "edit", "Ada Lovelace", "--title", "Analyst").exit_code == 0
    assert run("contact", "edit", "Bob Stone", "--title", "Engineer").exit_code == 0
    result = run("sync", "--json")
    assert result.exit_code == 1
    [summary] = result.json()
    assert summary["updated_cards"] == 1 and "TITLE:Engineer" in card(book, "bob-2.vcf")
    [problem] = summary["unreadable"]
    assert problem.startswith("ada-1.vcf: cannot be read as a vCard (") and problem.endswith("(not written)")
    assert card(book, "ada-1.vcf") == before


def test_a_folder_that_is_not_there_adds_nothing(run, tmp_path):
    result = run("source", "add", "contacts", str(tmp_path / "nope"))
    assert result.exit_code == 2
    assert result.stderr.strip().endswith("no such folder (check the source's path; a vdir is a folder of .vcf "
                                          "files); the source was not added (fix it and add it again, or add it as "
                                          "it is with --no-sync)")
    assert run("source", "list", "--json").json() == []


def test_a_dry_run_writes_nothing_on_either_side(run, book):
    assert run("contact", "add", "Grace Hopper").exit_code == 0
    assert run("source", "add", "contacts", str(book), "--no-sync").exit_code == 0
    [summary] = run("sync", "--dry-run", "--json").json()
    assert (summary["new_contacts"], summary["new_cards"], summary["dry_run"]) == (2, 1, True)
    assert sorted(p.name for p in book.iterdir()) == ["ada-1.vcf", "bob-2.vcf"]
    assert set(contacts(run)) == {"Grace Hopper"}


def test_removing_a_contacts_source_keeps_the_contacts_and_the_cards(run, book):
    added(run, book)
    result = run("source", "rm", "contacts")
    assert result.exit_code == 0
    assert set(contacts(run)) == {"Ada Lovelace", "Bob Stone", "Grace Hopper"}
    assert len(list(book.iterdir())) == 3


def test_doctor_asks_for_no_mail_address_for_an_address_book(run, book):
    added(run, book)
    result = run("doctor")
    assert "1 source configured and readable by their plugins" in result.stdout
    assert "me: not set" not in result.stdout


def test_a_folder_of_address_books_is_read_whole_and_new_cards_go_to_the_book_named(run, tmp_path):
    root = tmp_path / "contacts"
    for name, text in (("family", ADA), ("work", BOB)):
        (root / name).mkdir(parents=True)
        (root / name / f"{name}.vcf").write_text(text, encoding="utf-8", newline="")
    (root / ".git").mkdir()
    (root / ".git" / "stray.vcf").write_text(BOB.replace("bob-2", "hidden-9"), encoding="utf-8")
    assert run("contact", "add", "Grace Hopper").exit_code == 0
    result = run("source", "add", "contacts", str(root), "--set", "book=work", "--json")
    assert result.exit_code == 0, result.stderr
    [summary] = result.json()
    assert (summary["read"], summary["new_contacts"], summary["new_cards"]) == (2, 2, 1)
    grace = show(run, "Grace Hopper")
    assert sorted(p.name for p in (root / "work").iterdir()) == sorted([f"{grace['uid']}.vcf", "work.vcf"])
    assert set(contacts(run)) == {"Ada Lovelace", "Bob Stone", "Grace Hopper"}

    bad = run("source", "add", "contacts", str(root), "--name", "other", "--set", "book=nowhere")
    assert bad.exit_code == 2 and "nowhere: no such address book (check the source's book)" in bad.stderr


def test_a_contact_entered_on_both_sides_before_the_first_sync_is_met_by_e_mail_not_doubled(run, book):
    assert run("contact", "add", "Ada Lovelace", "--email", "ADA@analytical.example").exit_code == 0
    assert run("contact", "add", "Ada L.", "--email", "ada.l@elsewhere.example").exit_code == 0
    [summary] = run("source", "add", "contacts", str(book), "--json").json()
    # Ada's synced fields differ only in the case of her address: a conflict to look at, not a second Ada.
    assert [(w["uid"], w["name"], w["why"], w["fields"]) for w in summary["waiting"]] == [
        ("ada-1", "Ada Lovelace", "conflict", ["emails"])
    ]
    assert (summary["new_contacts"], summary["new_cards"]) == (1, 1)  # Bob here, Ada L. in the book
    assert sorted(contacts(run)) == ["Ada L.", "Ada Lovelace", "Bob Stone"]
    assert run("source", "resolve", "contacts", "ada-1", "--keep", "theirs").exit_code == 0
    assert show(run, "Ada Lovelace")["emails"] == ["ada@analytical.example"]
    [again] = run("sync", "--json").json()
    assert (again["waiting"], again["new_cards"], again["new_contacts"]) == ([], 0, 0)
    assert len(list(book.glob("*.vcf"))) == 3



class _StopAfter(threading.Event):
    """A user's stop that comes after the first LOOKS at it: the sync checks it before each source and each card."""

    def __init__(self, looks: int) -> None:
        super().__init__()
        self.looks = looks

    def is_set(self) -> bool:
        self.looks -= 1
        return self.looks < 0


def test_an_address_book_sync_stopped_by_the_user_says_so_and_the_next_sync_finishes_it(run, book):
    assert run("source", "add", "contacts", str(book), "--no-sync").exit_code == 0
    session = Session(now=FIXED_NOW)
    try:
        [summary] = sync(session, cancel=_StopAfter(2))  # the source, the first card, then stopped
    finally:
        session.close()
    assert summary.stopped and summary.to_json()["stopped"] is True and summary.new_here == 1
    assert "(stopped; the next sync goes on from here)" in summary.line()
    assert len(contacts(run)) == 1
    result = run("sync", "--json")
    assert result.exit_code == 0
    [done] = result.json()
    assert (done["stopped"], done["new_contacts"]) == (False, 1)
    assert set(contacts(run)) == {"Ada Lovelace", "Bob Stone"}
