"""Issue #20, point 5: adding a contact in the app can be undone with `u`, as every other change can.

The new person's id is not known before the write: the journal learns it from the
change's result and keeps "no rows" for it, so that `u` removes the person with
every row of theirs (services/undo.py). Adding details to someone already in the
book ("Add these details to ...") is undone as any change of that person is.
Driven with Pilot against a temporary database at the fixed clock (conftest.py).
"""

from __future__ import annotations


from textual.widgets import Input

from keepwarm.store import contacts as people
from keepwarm.tui.app import KeepwarmApp
from keepwarm.tui.screens.agenda import AgendaScreen
from keepwarm.tui.screens.contact_detail import ContactScreen
from keepwarm.tui.widgets.confirm import PickScreen
from keepwarm.tui.widgets.contact_form import ContactFormScreen
from db_rows import table_rows
from tui_support import notices, build_history, settle, settle_until, sync, type_text, use_test_rules

SIZE = (130, 50)
#: Every table a contact has rows in (the derived totals too).
TABLES = (
    "contacts",
    "followups",
    "contact_emails",
    "contact_phones",
    "contact_tags",
    "contact_totals",
)


def _agenda_names(app) -> set[str]:
    return {name for bucket, name in app.screen.items() if bucket != "section"}


@sync
async def test_u_takes_back_a_contact_added_in_the_app_and_the_agenda_forgets_them(session):
    build_history(session)
    use_test_rules(session)
    app = KeepwarmApp(session)
    async with app.run_test(size=SIZE) as pilot:
        await settle_until(pilot, lambda: isinstance(app.screen, AgendaScreen) and app.screen.fresh_painted)
        before = table_rows(session.db_path, TABLES)  # the engine has planned the book
        await pilot.press("a")
        await settle_until(pilot, lambda: isinstance(app.screen, ContactFormScreen))
        await type_text(pilot, "Sophie Germain")
        app.screen.query_one("#in-emails", Input).value = "sophie@primes.example"
        await pilot.pause()
        await pilot.press("ctrl+s")
        await settle_until(pilot, lambda: isinstance(app.screen, ContactScreen) and app.screen.contact is not None)
        with session.store.read() as conn:
            [added] = people.find_by_exact_name(conn, "Sophie Germain")
        assert app.screen.contact_id == added
        grown = table_rows(session.db_path, TABLES)
        assert len(grown["contacts"]) == len(before["contacts"]) + 1
        assert len(grown["contact_emails"]) == len(before["contact_emails"]) + 1
        assert any(row[1] == added for row in grown["followups"])  # the engine planned their first touch
        await pilot.press("escape")
        await settle_until(pilot, lambda: isinstance(app.screen, AgendaScreen) and app.screen.fresh_painted)
        await settle_until(pilot, lambda: "Sophie Germain" in _agenda_names(app))
        await pilot.press("u")
        await settle_until(pilot, lambda: any(m.startswith("Undid") for m in notices(app)))
        assert notices(app)[-1] == "Undid: added Sophie Germain."
        assert table_rows(session.db_path, TABLES) == before
        await settle_until(pilot, lambda: "Sophie Germain" not in _agenda_names(app))
        assert "Ada Lovelace" in _agenda_names(app)
        await pilot.press("u")
        await settle(pilot)
        assert notices(app)[-1] == "Nothing left to undo: every change of this session is undone."


@sync
async def test_u_on_the_added_contacts_own_screen_takes_them_back_and_leaves_their_screen(session):
    build_history(session)
    use_test_rules(session)
    app = KeepwarmApp(session)
    async with app.run_test(size=SIZE) as pilot:
        await settle_until(pilot, lambda: isinstance(app.screen, AgendaScreen) and app.screen.fresh_painted)
        await pilot.press("a")
        await settle_until(pilot, lambda: isinstance(app.screen, ContactFormScreen))
        await type_text(pilot, "Sophie Germain")
        await pilot.press("ctrl+s")
        await settle_until(pilot, lambda: isinstance(app.screen, ContactScreen) and app.screen.contact is not None)
        await pilot.press("u")
        await settle_until(pilot, lambda: isinstance(app.screen, AgendaScreen))
        said = notices(app)
        assert "Undid: added Sophie Germain." in said and said[-1] == "Sophie Germain is no longer in the book."
        assert not [m for m in said if "no contact with id" in m]  # no load error for the screen that was left


@sync
async def test_u_takes_back_details_added_to_someone_already_in_the_book(session):
    ids = build_history(session)
    use_test_rules(session)
    app = KeepwarmApp(session)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        before = table_rows(session.db_path, TABLES)
        await pilot.press("a")
        await settle_until(pilot, lambda: isinstance(app.screen, ContactFormScreen))
        await type_text(pilot, "ada lovelace")
        app.screen.query_one("#in-phones", Input).value = "+44 20 7946 0000"
        await pilot.pause()
        await pilot.press("ctrl+s")
        await settle_until(pilot, lambda: isinstance(app.screen, PickScreen))
        await pilot.press("down", "enter")  # "Add these details to Ada Lovelace (...)"
        await settle_until(pilot, lambda: isinstance(app.screen, ContactScreen) and app.screen.contact is not None)
        with session.store.read() as conn:
            assert people.get_contact(conn, ids["ada"]).phones == ["+44 20 7946 0000"]
        await pilot.press("u")
        await settle_until(pilot, lambda: any(m.startswith("Undid") for m in notices(app)))
        assert notices(app)[-1] == "Undid: added details to Ada Lovelace."
    with session.store.read() as conn:
        assert people.get_contact(conn, ids["ada"]).phones == []
        assert people.find_by_exact_name(conn, "Ada Lovelace") == [ids["ada"]]
    assert table_rows(session.db_path, TABLES)["contact_phones"] == before["contact_phones"]
