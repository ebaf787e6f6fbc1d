"""The TUI never sends a stored control character to the terminal: it shows it as `\\x1b`.

A name, account, note and follow-up reason holding the sequences a hostile
vCard carries (OSC 0 sets the window title, OSC 52 writes the clipboard,
CSI 2J clears the screen, the 8-bit CSI, BEL, backspace, carriage return)
are stored as an older version or another tool could have stored them; the
screens are read back from the rendered screen.
"""

from __future__ import annotations

from tui_support import build_history, settle, sync, use_test_rules

from keepwarm.model import Contact
from keepwarm.store import contacts as people
from keepwarm.tui.app import KeepwarmApp
from keepwarm.tui.screens.contact_detail import ContactScreen

SIZE = (160, 40)
HOSTILE_NAME = "Eve\x1b]0;pwned\x07Mallory\x1b]52;c;SGVsbG8=\x07\x1b[2J\x9b31m\x08\rX"
HOSTILE_ACCOUNT = "Acme\x1b[5m\x9b2J"
HOSTILE_NOTES = "first\x1b]52;c;cm0gLXJmIH4=\x1b\\\nsecond line"
RAW = ("\x1b", "\x9b", "\x07", "\x08", "\r")


def _screen_text(app) -> str:
    return app.export_screenshot()


@sync
async def test_hostile_text_is_shown_visibly_on_the_agenda_and_the_contact_screen(session):
    use_test_rules(session)
    build_history(session)
    with session.store.write() as conn:
        hostile = people.insert_contact(
            conn,
            Contact(name=HOSTILE_NAME, account=HOSTILE_ACCOUNT, notes=HOSTILE_NOTES, tags=["vip\x1b[8m"]),
            session.now,
        )
    app = KeepwarmApp(session)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        agenda = _screen_text(app)
        assert "Eve\\x1b]0;pwned\\x07Mallory" in agenda  # never touched: due today under the 30-day rhythm
        assert not [c for c in RAW if c in agenda]
        app.open_contact(hostile)
        await settle(pilot)
        assert isinstance(app.screen, ContactScreen)
        detail = _screen_text(app)
        assert "\\x1b]52;c;SGVsbG8=\\x07" in detail
        assert "Acme\\x1b[5m\\x9b2J" in detail
        assert "first\\x1b]52;c;cm0gLXJmIH4=\\x1b\\" in detail
        assert not [c for c in RAW if c in detail]


def test_the_forms_refuse_a_pasted_control_character_and_keep_newlines_in_notes():
    import datetime as dt
    from zoneinfo import ZoneInfo

    from keepwarm.services.forms import check_contact, check_touch

    checked = check_contact({"name": "Eve\x1b]0;pwned\x07", "title": "CEO", "notes": "one\n\ttwo"})
    assert checked.value is None
    assert checked.errors == {"name": "contains the control character \\x1b (expected one line of plain text)"}
    assert check_contact({"name": "Eve", "notes": "one\n\ttwo"}).value.notes == "one\n\ttwo"
    touch = check_touch({"contact_ids": [1], "channel": "email", "notes": "ok\x9b2J"},
                        dt.datetime(2026, 11, 22, 9, tzinfo=dt.timezone.utc), ZoneInfo("UTC"))
    assert touch.errors == {"notes": "contains the control character \\x9b (only newlines and tabs are allowed)"}
