"""Issue #20, point 6: adding someone who is in the book already offers to add the new details to them instead
(`contact add --merge`; in the app, "Add these details to ..." beside "Open ..."), as a merge adds a second
contact's."""

from __future__ import annotations

from textual.widgets import Input, OptionList
from tui_support import build_history, settle, settle_until, sync, type_text, use_test_rules

from keepwarm.store import contacts as people
from keepwarm.tui.app import KeepwarmApp
from keepwarm.tui.screens.contact_detail import ContactScreen
from keepwarm.tui.widgets.confirm import PickScreen


def ok(result):
    assert result.exit_code == 0, result.stderr
    return result


def test_merge_adds_the_new_details_to_the_one_in_the_book(run, db_path):
    ok(run("contact", "add", "Ada Lovelace", "--account", "Analytical Engines", "--title", "CTO",
           "--email", "ada@engines.example"))
    result = ok(run("contact", "add", "ada  lovelace", "--email", "ADA@engines.example", "--email",
                    "countess@home.example", "--phone", "+44 20 7946 0000", "--title", "Countess", "--merge"))
    assert result.stdout.splitlines() == [
        "Added to contact 1: Ada Lovelace",
        "  adds emails, phones",
        "  keeps title 'CTO', not 'Countess'",
    ]
    people_now = ok(run("contact", "list", "--json")).json()
    assert [(c["id"], c["name"]) for c in people_now] == [(1, "Ada Lovelace")]
    shown = ok(run("contact", "show", "1", "--json")).json()["contact"]
    assert shown["emails"] == ["ada@engines.example", "countess@home.example"]
    assert shown["phones"] == ["+44 20 7946 0000"] and shown["title"] == "CTO"


def test_merge_with_nobody_to_merge_into_adds_a_new_contact_and_json_says_what_it_did(run):
    assert ok(run("contact", "add", "Grace Hopper", "--merge")).stdout == "Added contact 1: Grace Hopper\n"
    report = ok(run("contact", "add", "Grace Hopper", "--tag", "navy", "--merge", "--json")).json()
    assert report["added_to"] == 1 and report["filled"] == ["tags"] and report["conflicts"] == []
    assert report["contact"]["tags"] == ["navy"]


def test_merge_refuses_when_several_contacts_match_and_writes_nothing(run, db_path):
    ok(run("contact", "add", "Ann Lee", "--account", "Acme"))
    ok(run("contact", "add", "Ann Lee", "--account", "Globex", "--yes"))
    before = db_path.read_bytes()
    result = run("contact", "add", "Ann Lee", "--phone", "+1 555 0100", "--merge")
    assert result.exit_code == 2
    assert result.stderr.strip() == (
        "keepwarm: contact add --merge: 2 contacts have this name or e-mail (Ann Lee (id 1, Acme): same name; "
        "Ann Lee (id 2, Globex): same name); merge them first (keepwarm contact merge) or edit the one you mean")
    assert db_path.read_bytes() == before


@sync
async def test_the_app_adds_the_details_to_the_contact_in_the_book_when_asked(session):
    ids = build_history(session)
    use_test_rules(session)
    app = KeepwarmApp(session)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("a")
        await pilot.pause()
        await type_text(pilot, "ada lovelace")
        app.screen.query_one("#in-phones", Input).value = "+44 20 7946 0000"
        await pilot.pause()
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, PickScreen)
        second = str(app.screen.query_one(OptionList).get_option_at_index(1).prompt)
        assert second == f"Add these details to Ada Lovelace (id {ids['ada']}, Analytical Engines)"
        await pilot.press("down", "enter")
        await settle_until(pilot, lambda: isinstance(app.screen, ContactScreen) and app.screen.contact is not None)
        assert app.screen.contact_id == ids["ada"]
        assert "+44 20 7946 0000" in str(app.screen.query_one("#detail-profile").content)
    with session.store.read() as conn:
        assert people.find_by_exact_name(conn, "Ada Lovelace") == [ids["ada"]]
        assert people.get_contact(conn, ids["ada"]).phones == ["+44 20 7946 0000"]
