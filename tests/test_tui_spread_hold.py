"""The contact screen tells an import's planned first touch from a snooze (issue 20, point 9).

Ten LinkedIn connections imported under the default capacity of five: four a day,
the last two from Tuesday 24 November. Driven with Pilot at the fixed clock
(conftest.py: Sunday 22 November 2026).
"""

from __future__ import annotations

import csv
import datetime as dt

from textual.widgets import Input, Static

from keepwarm.io import imports
from keepwarm.store import contacts as people
from keepwarm.tui.app import KeepwarmApp
from keepwarm.tui.screens.contact_detail import ContactScreen
from keepwarm.tui.widgets.rhythm import PersonSnoozeScreen
from tui_support import settle, settle_until, sync, type_text, use_test_rules

SIZE = (100, 30)


def _profile(app) -> str:
    return str(app.screen.query_one("#detail-profile", Static).content)


@sync
async def test_the_contact_screen_says_first_touch_planned_and_a_snooze_replaces_it(session, tmp_path):
    use_test_rules(session)
    source = tmp_path / "Connections.csv"
    with source.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(["First Name", "Last Name", "URL", "Email Address", "Company", "Position", "Connected On"])
        for n in range(10):
            writer.writerow([f"Pat{n}", f"Doe{n}", f"https://www.linkedin.com/in/pat-{n}", "", "Co", "Engineer", ""])
    said = imports.import_file(session, source)
    assert "6 new people spread out, 4 a day, the last from 2026-11-24 (each with a first touch planned" in said
    with session.store.read() as conn:
        [pat] = people.find_by_exact_name(conn, "Pat9 Doe9")
    app = KeepwarmApp(session)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.open_contact(pat)
        await settle_until(pilot, lambda: isinstance(app.screen, ContactScreen) and app.screen.view is not None)
        await settle_until(pilot, lambda: "First touch" in _profile(app))
        assert "First touch    planned for Tue 24 Nov 2026 (spread out by an import)" in _profile(app)
        assert "Snoozed" not in _profile(app)
        await pilot.press("s")  # the user's own snooze replaces the import's hold
        await settle_until(pilot, lambda: isinstance(app.screen, PersonSnoozeScreen))
        box = app.screen.query_one("#in-until", Input)
        box.value = ""
        box.focus()
        await type_text(pilot, "2026-12-05")
        await pilot.press("enter")
        await settle_until(pilot, lambda: isinstance(app.screen, ContactScreen) and "Snoozed until" in _profile(app))
        assert "Snoozed until  Sat 05 Dec 2026" in _profile(app)
        assert "First touch" not in _profile(app)
    with session.store.read() as conn:
        contact = people.get_contact(conn, pat)
    assert (contact.snoozed_until, contact.held_by) == (dt.date(2026, 12, 5), "")
