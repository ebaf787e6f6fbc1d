"""Issue #20, point 5: `u` in the app takes back the last change made in the session, then the one before.

One mechanism for every change (services/undo.py): the rows of the contacts a
change touches are kept first, in its own write transaction, and written back
by `u`. A delete or a merge comes back whole: every row, with its id. Driven
with Pilot against a temporary database at the fixed clock (conftest.py).
"""

from __future__ import annotations

import datetime as dt

from conftest import FIXED_NOW
from keepwarm.model import LinkKind
from keepwarm.model.entities import Note
from keepwarm.services import links
from keepwarm.store import notes as stored_notes
from keepwarm.tui.app import KeepwarmApp
from keepwarm.tui.screens.agenda import AgendaScreen
from keepwarm.tui.screens.contact_detail import ContactScreen
from keepwarm.tui.widgets.confirm import ConfirmScreen
from keepwarm.tui.widgets.contact_ref import ContactRefScreen
from keepwarm.tui.widgets.log_form import LogScreen
from keepwarm.tui.widgets.note_form import NoteScreen
from db_rows import table_rows
from tui_support import notices, build_history, settle, settle_until, sync, type_text, use_test_rules

SIZE = (130, 50)
#: What a person is made of, and what the undo must bring back as it was (the derived rows too: the totals).
TABLES = (
    "contacts", "interactions", "commitments", "followups", "assessments", "contact_notes", "contact_links",
    "contact_emails", "contact_phones", "contact_tags", "contact_dates", "contact_totals", "accounts",
)


def _book(session) -> dict[str, int]:
    use_test_rules(session)
    ids = build_history(session)
    links.link(session, ids["ada"], ids["charles"], LinkKind.REPORTS_TO)
    links.link(session, ids["mary"], ids["ada"], LinkKind.FORMER_COLLEAGUE)
    with session.store.write() as conn:
        stored_notes.insert_note(conn, Note(contact_id=ids["ada"], on=dt.date(2026, 3, 1), kind="family",
                                            text="Two kids"), FIXED_NOW)
    return ids


async def _open(pilot, app, contact_id: int) -> None:
    await settle(pilot)
    app.open_contact(contact_id)
    await settle_until(pilot, lambda: isinstance(app.screen, ContactScreen) and app.screen.view is not None)


@sync
async def test_u_takes_back_a_logged_touch_and_says_so_then_there_is_nothing_to_undo(session):
    ids = _book(session)
    app = KeepwarmApp(session)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        before = table_rows(session.db_path, TABLES)
        await pilot.press("u")
        await settle(pilot)
        assert notices(app)[-1] == "Nothing to undo: no change was made in this session."
        await _open(pilot, app, ids["ada"])
        await pilot.press("l")
        await settle_until(pilot, lambda: isinstance(app.screen, LogScreen))
        await pilot.press("ctrl+s")
        await settle_until(pilot, lambda: isinstance(app.screen, ContactScreen) and any(
            m.startswith("Logged") for m in notices(app)))
        logged = table_rows(session.db_path, TABLES)
        assert len(logged["interactions"]) == len(before["interactions"]) + 1
        await pilot.press("u")
        await settle_until(pilot, lambda: any(m.startswith("Undid") for m in notices(app)))
        assert notices(app)[-1] == "Undid: logged call with Ada Lovelace."
        after = table_rows(session.db_path, TABLES)
        assert after["interactions"] == before["interactions"]
        assert after["followups"] == before["followups"]
        assert after["contact_totals"] == before["contact_totals"]
        await pilot.press("u")
        await settle(pilot)
        assert notices(app)[-1] == "Nothing left to undo: every change of this session is undone."


@sync
async def test_u_brings_back_a_deleted_contact_with_every_row_and_the_same_ids(session):
    ids = _book(session)
    app = KeepwarmApp(session)
    async with app.run_test(size=SIZE) as pilot:
        await _open(pilot, app, ids["ada"])
        before = table_rows(session.db_path, TABLES)
        await pilot.press("D")
        await settle_until(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        assert "u brings them all back" in str(app.screen.detail)
        await pilot.press("y")
        await settle_until(pilot, lambda: not isinstance(app.screen, (ContactScreen, ConfirmScreen)))
        gone = table_rows(session.db_path, TABLES)
        assert not [r for r in gone["contacts"] if r[0] == ids["ada"]]
        assert len(gone["contact_links"]) == 0 and len(gone["contact_notes"]) == 0
        await pilot.press("u")
        await settle_until(pilot, lambda: any(m.startswith("Undid") for m in notices(app)))
        assert notices(app)[-1] == f"Undid: deleted Ada Lovelace (id {ids['ada']}, Analytical Engines)."
        assert table_rows(session.db_path, TABLES) == before  # every row, every id, the totals worked out again the same
        app.open_contact(ids["ada"])
        await settle_until(pilot, lambda: isinstance(app.screen, ContactScreen) and app.screen.view is not None)
        assert [k.other for k in app.screen.view.links] == ["Charles Babbage", "Mary Somerville"]


@sync
async def test_u_takes_back_a_merge_both_contacts_as_they_were(session):
    ids = _book(session)
    app = KeepwarmApp(session)
    async with app.run_test(size=SIZE) as pilot:
        await _open(pilot, app, ids["charles"])
        before = table_rows(session.db_path, TABLES)
        await pilot.press("M")
        await settle_until(pilot, lambda: isinstance(app.screen, ContactRefScreen))
        from textual.widgets import Input

        app.screen.query_one("#in-contact-ref", Input).value = "Ada Lovelace"
        await pilot.press("enter")
        await settle_until(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.press("y")
        await settle_until(pilot, lambda: any(m.startswith("Merged") for m in notices(app)))
        merged = table_rows(session.db_path, TABLES)
        assert not [r for r in merged["contacts"] if r[0] == ids["ada"]]
        await pilot.press("u")
        await settle_until(pilot, lambda: any(m.startswith("Undid") for m in notices(app)))
        assert notices(app)[-1] == (
            f"Undid: merged #{ids['ada']} Ada Lovelace into #{ids['charles']} Charles Babbage."
        )
        assert table_rows(session.db_path, TABLES) == before


@sync
async def test_u_takes_back_notes_last_first(session):
    ids = _book(session)
    app = KeepwarmApp(session)
    async with app.run_test(size=SIZE) as pilot:
        await _open(pilot, app, ids["grace"])
        before = table_rows(session.db_path, TABLES)
        for text in ("Likes sailing", "Gift: a compass"):
            await pilot.press("n")
            await settle_until(pilot, lambda: isinstance(app.screen, NoteScreen))
            await type_text(pilot, text)
            await pilot.press("ctrl+s")
            await settle_until(pilot, lambda: isinstance(app.screen, ContactScreen) and text in str(
                app.screen.view.notes))
        assert sorted(n.text for n in app.screen.view.notes) == ["Gift: a compass", "Likes sailing"]
        await pilot.press("u")
        await settle_until(pilot, lambda: any(m.startswith("Undid") for m in notices(app)))
        assert notices(app)[-1] == "Undid: added a note on Grace Hopper."
        await settle_until(pilot, lambda: len(app.screen.view.notes) == 1)
        assert [n.text for n in app.screen.view.notes] == ["Likes sailing"]
        await pilot.press("u")
        await settle_until(pilot, lambda: len(app.screen.view.notes) == 0)
        assert table_rows(session.db_path, TABLES)["contact_notes"] == before["contact_notes"]


@sync
async def test_u_on_the_agenda_brings_back_a_dismissed_follow_up(session):
    _book(session)
    app = KeepwarmApp(session)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, AgendaScreen)
        before = table_rows(session.db_path, TABLES)["followups"]
        await pilot.press("x")
        await settle(pilot)
        assert table_rows(session.db_path, TABLES)["followups"] != before
        await pilot.press("u")
        await settle_until(pilot, lambda: any(m.startswith("Undid") for m in notices(app)))
        assert notices(app)[-1].startswith("Undid: dismissed the follow-up with ")
        assert table_rows(session.db_path, TABLES)["followups"] == before
