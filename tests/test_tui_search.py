"""`/` in the app: search everything as you type; Enter opens the contact of the result picked.

Driven with Pilot against a temporary database at the fixed clock (conftest.py: Sunday 2026-11-22).
"""

from __future__ import annotations

from textual.events import Key
from textual.widgets import Input, Label, OptionList

from keepwarm.tui.app import KeepwarmApp
from keepwarm.tui.screens.agenda import AgendaScreen
from keepwarm.tui.screens.contact_detail import ContactScreen
from keepwarm.tui.screens.search import SearchScreen
from tui_support import build_history, settle, settle_until, sync, type_text, use_test_rules

SIZE = (130, 40)
RAW = ("\x1b", "\x9b", "\x07")


def _lines(screen) -> list[str]:
    results = screen.query_one("#search-results", OptionList)
    return [" ".join(str(results.get_option_at_index(n).prompt).split()) for n in range(results.option_count)]


@sync
async def test_slash_finds_as_you_type_and_enter_opens_the_contact(session):
    use_test_rules(session)
    ids = build_history(session)
    app = KeepwarmApp(session)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        footer = {b.binding.key: b.binding for b in app.screen.active_bindings.values() if b.binding.show}
        assert footer["slash"].id == "app.search" and footer["slash"].description == "Find"
        await pilot.press("slash")
        await settle_until(pilot, lambda: isinstance(app.screen, SearchScreen))
        screen = app.screen
        assert screen.focused is screen.query_one("#search-text", Input)
        await type_text(pilot, "roll")  # a prefix, as it is typed
        await settle_until(pilot, lambda: bool(_lines(screen)))
        assert _lines(screen) == ["touch Ada Lovelace 2026-10-23 Asked about the Q1 roll-out."]
        assert str(screen.query_one("#search-count", Label).content) == "1 result · Enter opens the contact"
        await type_text(pilot, "x")
        await settle_until(pilot, lambda: not _lines(screen))
        assert str(screen.query_one("#search-count", Label).content) == "Nothing found."
        await pilot.press("backspace", "backspace", "backspace", "backspace", "backspace")
        await type_text(pilot, "analytical")
        await settle_until(pilot, lambda: len(_lines(screen)) == 2)
        # Both work at Analytical Engines; bm25 puts the shorter record first (Charles has no notes or e-mail).
        assert [line.split()[:3] for line in _lines(screen)] == [["contact", "Charles", "Babbage"],
                                                                  ["contact", "Ada", "Lovelace"]]
        await pilot.press("down", "down", "enter")  # into the list, to its second result
        await settle_until(pilot, lambda: isinstance(app.screen, ContactScreen))
        assert isinstance(app.screen, ContactScreen) and app.screen.contact_id == ids["ada"]
        await pilot.press("slash")
        await settle_until(pilot, lambda: isinstance(app.screen, SearchScreen))
        screen = app.screen
        await type_text(pilot, "analytical")
        await settle_until(pilot, lambda: len(_lines(screen)) == 2)
        await pilot.press("down", "enter")  # the first
        await settle_until(pilot, lambda: isinstance(app.screen, ContactScreen))
        assert isinstance(app.screen, ContactScreen) and app.screen.contact_id == ids["charles"]


@sync
async def test_a_promise_or_a_touch_opens_its_contact_and_escape_closes(session):
    use_test_rules(session)
    ids = build_history(session)
    app = KeepwarmApp(session)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("slash")
        await settle_until(pilot, lambda: isinstance(app.screen, SearchScreen))
        await type_text(pilot, "budget plan")
        await settle_until(pilot, lambda: bool(_lines(app.screen)))
        assert _lines(app.screen) == ["promise Mary Somerville 2026-12-05 share the budget plan"]
        await pilot.press("enter")  # from the box: the first result
        await settle_until(pilot, lambda: isinstance(app.screen, ContactScreen))
        assert app.screen.contact_id == ids["mary"]
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("slash")
        await settle_until(pilot, lambda: isinstance(app.screen, SearchScreen))
        await type_text(pilot, '" NEAR( * -')  # operators are words; these have no letter at all
        await settle(pilot)
        assert _lines(app.screen) == []
        await pilot.press("escape")
        await settle(pilot)
        assert not isinstance(app.screen, SearchScreen)


@sync
async def test_an_index_that_cannot_be_read_is_said_in_the_dialog(session):
    use_test_rules(session)
    build_history(session)
    with session.store.write() as conn:
        conn.exec_driver_sql("DROP TABLE search_contacts")
    app = KeepwarmApp(session)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("slash")
        await settle_until(pilot, lambda: isinstance(app.screen, SearchScreen))
        await type_text(pilot, "ada")
        count = app.screen.query_one("#search-count", Label)
        await settle_until(pilot, lambda: "cannot be read" in str(count.content))
        assert str(count.content) == ("the search index cannot be read (no such table: search_contacts); "
                                      "`keepwarm doctor --rebuild-search` makes it again")
        assert _lines(app.screen) == []


@sync
async def test_hostile_text_is_shown_visibly(session):
    use_test_rules(session)
    ids = build_history(session)
    with session.store.write() as conn:
        conn.exec_driver_sql("UPDATE contacts SET notes = 'trap\x1b]52;c;aGk=\x07 here' WHERE id = ?", (ids["grace"],))
    app = KeepwarmApp(session)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("slash")
        await settle_until(pilot, lambda: isinstance(app.screen, SearchScreen))
        await type_text(pilot, "trap")
        await settle_until(pilot, lambda: bool(_lines(app.screen)))
        line = _lines(app.screen)[0]
        assert line.startswith("contact Grace Hopper")
        assert "\\x1b]52;c;aGk=\\x07" in line and not any(ch in line for ch in RAW)


def test_search_snapshot(session, home, monkeypatch, snap_compare):
    """The search over the agenda, with a word typed: kinds, whose, days, the matched words marked."""
    monkeypatch.setenv("HOME", str(home.parent))
    build_history(session)
    use_test_rules(session)

    async def run_before(pilot) -> None:
        await settle(pilot)
        await pilot.press("slash")
        await settle(pilot)
        await type_text(pilot, "an")
        await settle_until(pilot, lambda: bool(_lines(pilot.app.screen)))
        for widget in pilot.app.screen.query(Input):
            widget.cursor_blink = False
        await settle(pilot)

    assert snap_compare(KeepwarmApp(session), terminal_size=(120, 36), run_before=run_before)


@sync
async def test_words_typed_straight_after_the_slash_land_in_the_search(session):
    """`/lov` typed in one go, as a person types it: the letters that arrive before the dialog is painted are the
    search's first letters, not lost (forms drop such keys, which were meant for the screen before; a search is
    opened to be typed into)."""
    use_test_rules(session)
    build_history(session)
    app = KeepwarmApp(session)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        for key in ("slash", "r", "o", "l", "l"):  # posted at once, none waiting for the screen before it
            app.post_message(Key(key, "/" if key == "slash" else key))
        await settle_until(pilot, lambda: isinstance(app.screen, SearchScreen))
        screen = app.screen
        await settle_until(pilot, lambda: bool(_lines(screen)))
        assert screen.query_one("#search-text", Input).value == "roll"
        assert _lines(screen) == ["touch Ada Lovelace 2026-10-23 Asked about the Q1 roll-out."]
        await pilot.press("escape", "slash", "slash")  # a second slash is the first letter of a new search
        await settle_until(pilot, lambda: isinstance(app.screen, SearchScreen))
        await settle(pilot)
        assert app.screen.query_one("#search-text", Input).value == "/"
        assert str(app.screen.query_one("#search-count", Label).content) == "Nothing found."
