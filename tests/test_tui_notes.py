"""Notes on the contact screen: shown newest first, added with `n` through a small form, never a touch.

Driven with Pilot against a temporary database at the fixed clock (conftest.py: Sunday 2026-11-22).
"""

from __future__ import annotations

import datetime as dt

from textual.widgets import Input, OptionList, Select, Static, TextArea

from conftest import FIXED_NOW
from keepwarm.model.entities import Note
from keepwarm.store import activity, followups
from keepwarm.store import notes as stored_notes
from keepwarm.tui.app import KeepwarmApp
from keepwarm.tui.screens.contact_detail import ContactScreen
from keepwarm.tui.widgets.confirm import ConfirmScreen, PickScreen
from keepwarm.tui.widgets.note_form import NoteScreen
from tui_support import build_history, settle, settle_until, sync, type_text, use_test_rules

SIZE = (130, 50)
RAW = ("\x1b", "\x9b", "\x07")


def _setup(session) -> dict[str, int]:
    use_test_rules(session)
    return build_history(session)


def _notes(session, contact_id: int) -> list[Note]:
    with session.store.read() as conn:
        return stored_notes.list_notes(conn, contact_id)


def _card(app) -> str:
    return str(app.screen.query_one("#detail-notes", Static).content)


@sync
async def test_n_adds_a_note_through_the_form_and_the_card_shows_it_newest_first(session):
    ids = _setup(session)
    with session.store.write() as conn:
        stored_notes.insert_note(conn, Note(contact_id=ids["ada"], on=dt.date(2026, 3, 1), kind="how_we_met",
                                            text="Met at the Royal Society dinner"), FIXED_NOW)
    app = KeepwarmApp(session)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.open_contact(ids["ada"])
        await settle(pilot)
        assert isinstance(app.screen, ContactScreen)
        with session.store.read() as conn:  # as the engine left them when the app opened
            touches_before = len(activity.list_interactions(conn, ids["ada"]))
            plans_before = [(f.id, f.due, f.status) for f in followups.list_followups(conn, ids["ada"])]
        assert plans_before  # Ada is due today: there is a follow-up a touch would have closed
        footer = {b.binding.key: b.binding for b in app.screen.active_bindings.values() if b.binding.show}
        assert footer["n"].id == "contact.note" and footer["n"].description == "Note"
        assert "2026-03-01 how we met · Met at the Royal Society dinner" in _card(app)

        await pilot.press("n")
        await settle_until(pilot, lambda: isinstance(app.screen, NoteScreen))
        assert isinstance(app.screen, NoteScreen)
        await type_text(pilot, "Two kids")
        await pilot.press("enter")  # a new line in the note, not a save
        await type_text(pilot, "loves poetry")
        assert isinstance(app.screen, NoteScreen)
        app.screen.query_one("#in-kind", Select).value = "family"
        app.screen.query_one("#in-on", Input).value = "2026-11-20"
        await pilot.pause()
        await pilot.press("ctrl+s")
        await settle_until(pilot, lambda: isinstance(app.screen, ContactScreen) and "Two kids" in _card(app))
        card = _card(app)
        assert card.index("2026-11-20 family · Two kids") < card.index("2026-03-01 how we met")
        assert "  loves poetry" in card
    noted = _notes(session, ids["ada"])
    assert [(n.on, n.kind.value, n.text) for n in noted] == [
        (dt.date(2026, 11, 20), "family", "Two kids\nloves poetry"),
        (dt.date(2026, 3, 1), "how_we_met", "Met at the Royal Society dinner"),
    ]
    # Not a touch: no interaction logged, no follow-up closed or moved.
    with session.store.read() as conn:
        assert len(activity.list_interactions(conn, ids["ada"])) == touches_before
        assert [(f.id, f.due, f.status) for f in followups.list_followups(conn, ids["ada"])] == plans_before


@sync
async def test_the_note_form_names_each_problem_and_saves_nothing(session):
    ids = _setup(session)
    app = KeepwarmApp(session)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.open_contact(ids["grace"])
        await settle(pilot)
        assert "nothing noted yet: press n" in _card(app)
        await pilot.press("n")
        await settle_until(pilot, lambda: isinstance(app.screen, NoteScreen))
        app.screen.query_one("#in-on", Input).value = "next friday"
        await pilot.pause()
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, NoteScreen)
        assert app.screen.query_one("#field-text").error == "empty (expected what to remember about them)"
        assert app.screen.query_one("#field-on").error == (
            "'next friday' is 2026-11-27, after today (expected today or an earlier day)"
        )
        app.screen.query_one("#in-text", TextArea).text = "likes\x1b]52;c;cm0=\x07 tea"
        await pilot.pause()
        assert "control character \\x1b" in app.screen.query_one("#field-text").error
        # Esc on a form with something typed asks first; "no" keeps it open.
        await pilot.press("escape")
        await settle_until(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.press("n")
        await pilot.pause()
        assert isinstance(app.screen, NoteScreen)
        await pilot.press("escape")
        await settle_until(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.press("y")
        await settle(pilot)
        assert isinstance(app.screen, ContactScreen)
    assert _notes(session, ids["grace"]) == []


@sync
async def test_a_hostile_note_is_shown_visibly_on_the_contact_screen(session):
    ids = _setup(session)
    with session.store.write() as conn:  # as a restore of someone else's backup could bring it
        stored_notes.insert_note(conn, Note(contact_id=ids["mary"], on=dt.date(2026, 11, 1), kind="gift",
                                            text="a book\x1b]0;pwned\x07\x9b2J\nsecond\x1b[5m line"), FIXED_NOW)
    app = KeepwarmApp(session)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.open_contact(ids["mary"])
        await settle(pilot)
        screen = app.export_screenshot()  # an SVG: a space is written &#160;
        assert "book\\x1b]0;pwned\\x07\\x9b2J" in screen
        assert "second\\x1b[5m" in screen
        assert not [c for c in RAW if c in screen]


@sync
async def test_N_edits_a_picked_note_and_deletes_one_after_asking(session):
    ids = _setup(session)
    with session.store.write() as conn:
        for on, kind, text in ((dt.date(2026, 3, 1), "how_we_met", "Met at the Royal Society dinner"),
                               (dt.date(2026, 11, 1), "gift", "a book of Byron's letters")):
            stored_notes.insert_note(conn, Note(contact_id=ids["ada"], on=on, kind=kind, text=text), FIXED_NOW)
    app = KeepwarmApp(session)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.open_contact(ids["ada"])
        await settle(pilot)
        binding = next(b.binding for b in app.screen.active_bindings.values() if b.binding.key == "N")
        assert (binding.id, binding.description) == ("contact.edit_note", "Edit note")

        await pilot.press("N")  # two notes: which one?
        await settle_until(pilot, lambda: isinstance(app.screen, PickScreen))
        options = app.screen.query_one(OptionList)
        texts = [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]
        assert texts == ["2026-11-01 gift: a book of Byron's letters",
                         "2026-03-01 how we met: Met at the Royal Society dinner"]
        options.highlighted = 1
        await pilot.press("enter")
        await settle_until(pilot, lambda: isinstance(app.screen, NoteScreen))
        form = app.screen
        assert form.query_one("#in-text", TextArea).text == "Met at the Royal Society dinner"
        assert (form.query_one("#in-on", Input).value, form.query_one("#in-kind", Select).value) == (
            "2026-03-01", "how_we_met")
        form.query_one("#in-text", TextArea).text = "Met at the Royal Society dinner; Mary introduced us"
        await pilot.pause()
        await pilot.press("ctrl+s")
        await settle_until(pilot, lambda: isinstance(app.screen, ContactScreen) and "Mary introduced" in _card(app))

        await pilot.press("N")
        await settle_until(pilot, lambda: isinstance(app.screen, PickScreen))
        await pilot.press("enter")  # the first: the gift idea
        await settle_until(pilot, lambda: isinstance(app.screen, NoteScreen))
        await pilot.press("ctrl+r")
        await settle_until(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.press("n")  # kept
        await pilot.pause()
        assert isinstance(app.screen, NoteScreen)
        await pilot.press("ctrl+r")
        await settle_until(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.press("y")
        await settle_until(pilot, lambda: isinstance(app.screen, ContactScreen) and "Byron" not in _card(app))
    assert [(n.on, n.kind.value, n.text) for n in _notes(session, ids["ada"])] == [
        (dt.date(2026, 3, 1), "how_we_met", "Met at the Royal Society dinner; Mary introduced us")]


@sync
async def test_N_without_notes_says_so(session):
    ids = _setup(session)
    app = KeepwarmApp(session)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.open_contact(ids["grace"])
        await settle(pilot)
        await pilot.press("N")
        await settle(pilot)
        assert isinstance(app.screen, ContactScreen)
        assert [str(n.message) for n in app._notifications] == ["No note on Grace Hopper: press n to add one."]
