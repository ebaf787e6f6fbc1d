"""Issue #20, point 2 (its first half): links between people, who knows whom, recorded with `keepwarm link`,
shown on both contacts, carried by the backup and by a merge (the rules read them: tests/test_links_rules.py)."""

from __future__ import annotations

import json
import sqlite3

import pytest


def ok(result):
    assert result.exit_code == 0, result.stderr
    return result


@pytest.fixture
def book(run):
    for name, account in (("Ann Lee", "Acme"), ("Bob Stone", "Acme"), ("Cy Young", None)):
        ok(run("contact", "add", name, *(("--account", account) if account else ())))
    return run


def test_a_link_reads_from_both_sides_and_the_same_link_is_not_made_twice(book):
    assert ok(book("link", "ann", "bob", "--as", "reports to")).stdout == "Linked: Ann Lee reports to Bob Stone\n"
    again = ok(book("link", "Ann Lee", "2", "--as", "reports-to"))
    assert again.stdout == "Already linked: Ann Lee reports to Bob Stone\n"
    assert ok(book("link", "cy", "bob", "--as", "spouse")).stdout == "Linked: Cy Young is the partner of Bob Stone\n"
    assert ok(book("link", "bob", "cy", "--as", "partner")).stdout.startswith("Already linked:")  # either way round
    ok(book("link", "cy", "ann", "--as", "college roommate"))
    bob = ok(book("contact", "show", "bob", "--json")).json()["links"]
    assert [(k["says"], k["other"]) for k in bob] == [("manages", "Ann Lee"), ("is the partner of", "Cy Young")]
    text = ok(book("contact", "show", "cy")).stdout
    assert "\nLinks\n  knows (college roommate) Ann Lee (#1)\n  is the partner of Bob Stone (#2)\n" in text
    listed = ok(book("links", "--json")).json()
    assert len(listed) == 6 and {row["contact_id"] for row in listed} == {1, 2, 3}


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("link", "ann", "ann", "--as", "partner"), "link: a contact cannot be linked to themselves (both are #1)"),
        (("link", "ann", "zed", "--as", "partner"), "contact: no contact matches 'zed'"),
        (("link", "ann", "bob", "--as", "  "), "link --as: empty (expected reports-to, introduced-by, partner, "
                                               "former-colleague, mentor-of, or a label of your own)"),
        (("unlink", "ann", "cy"), "unlink: no link between contacts 1 and 3"),
    ],
    ids=["themselves", "unknown", "empty-kind", "no-link"],
)
def test_bad_links_are_one_line_and_write_nothing(book, db_path, args, message):
    before = db_path.read_bytes()
    result = book(*args)
    assert result.exit_code == 2
    assert result.stderr.strip() == f"keepwarm: {message}"
    assert db_path.read_bytes() == before


def test_unlink_removes_one_kind_or_every_link_between_two(book):
    ok(book("link", "ann", "bob", "--as", "reports-to"))
    ok(book("link", "ann", "bob", "--as", "former colleague"))
    assert ok(book("unlink", "bob", "ann", "--as", "reports-to")).stdout == "Removed 1 link between Bob Stone and Ann Lee\n"
    assert [k["says"] for k in ok(book("contact", "show", "ann", "--json")).json()["links"]] == [
        "is a former colleague of"]
    assert ok(book("unlink", "ann", "bob")).stdout == "Removed 1 link between Ann Lee and Bob Stone\n"
    assert ok(book("links")).stdout == "No links yet (keepwarm link A B --as reports-to).\n"


def test_a_merge_moves_the_links_and_drops_one_between_the_two(book):
    ok(book("contact", "add", "Ann Lee", "--yes"))  # #4: Ann again
    ok(book("link", "4", "bob", "--as", "reports-to"))
    ok(book("link", "1", "bob", "--as", "reports-to"))  # both had it: one stays
    ok(book("link", "4", "cy", "--as", "mentor-of"))
    ok(book("link", "4", "1", "--as", "knows"))  # a link between the two: it would join Ann to herself
    ok(book("contact", "merge", "1", "4", "--yes"))
    ann = ok(book("contact", "show", "1", "--json")).json()["links"]
    assert [(k["says"], k["other"]) for k in ann] == [("reports to", "Bob Stone"), ("mentors", "Cy Young")]


def test_links_go_out_in_the_backup_and_come_back_and_a_link_to_nobody_is_refused(book, tmp_path, monkeypatch):
    ok(book("link", "ann", "bob", "--as", "introduced-by"))
    ok(book("link", "cy", "ann", "--as", "college roommate"))
    text = ok(book("export", "json")).stdout
    data = json.loads(text)
    assert data["version"] == 5
    assert [(k["contact_id"], k["other_id"], k["kind"], k["label"]) for k in data["links"]] == [
        (1, 2, "introduced-by", ""), (1, 3, "knows", "college roommate")]
    path = tmp_path / "backup.json"
    path.write_text(text, encoding="utf-8")
    monkeypatch.setenv("KEEPWARM_HOME", str(tmp_path / "elsewhere"))
    ok(book("restore", str(path)))
    assert ok(book("export", "json")).stdout == text  # byte for byte
    data["links"][0]["other_id"] = 99
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(data), encoding="utf-8")
    monkeypatch.setenv("KEEPWARM_HOME", str(tmp_path / "third"))
    refused = book("restore", str(bad))
    assert refused.exit_code == 2
    assert "links[0].other_id: no contact with id 99 in this backup" in refused.stderr


def test_the_contact_screen_shows_who_they_know(session):
    from tui_support import build_history, settle, settle_until, sync, use_test_rules

    from keepwarm.services import links
    from keepwarm.tui.app import KeepwarmApp
    from keepwarm.tui.screens.contact_detail import ContactScreen

    ids = build_history(session)
    use_test_rules(session)
    links.link(session, ids["katherine"], ids["mary"], links.kind_of("reports to")[0])

    @sync
    async def look() -> str:
        app = KeepwarmApp(session)
        async with app.run_test(size=(110, 34)) as pilot:
            await settle(pilot)
            app.open_contact(ids["mary"])
            await settle_until(pilot, lambda: isinstance(app.screen, ContactScreen) and app.screen.contact is not None)
            return str(app.screen.query_one("#detail-profile").content)

    assert f"Links          manages Katherine Johnson (#{ids['katherine']})" in look()
