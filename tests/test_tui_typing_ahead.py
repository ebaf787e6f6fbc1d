"""Keys typed faster than the app reads them land where the person meant: a Tab moves to the next field before the
letters behind it are read (they arrive in one burst from a fast typist, a paste through tmux, or a busy app)."""

from __future__ import annotations

from textual import events
from textual.widgets import Input
from tui_support import build_history, settle, settle_until, sync, use_test_rules

from keepwarm.tui.app import KeepwarmApp
from keepwarm.tui.widgets.contact_form import ContactFormScreen


def burst(app, keys: list[str]) -> None:
    """Every key queued at once, as the terminal hands over one read holding them all."""
    for key in keys:
        character = {"tab": "\t", "shift+tab": None, "space": " "}.get(key, key)
        app.post_message(events.Key(key, character))


@sync
async def test_letters_typed_right_after_tab_go_to_the_next_field_and_back_after_shift_tab(session):
    build_history(session)
    use_test_rules(session)
    app = KeepwarmApp(session)
    async with app.run_test(size=(110, 40)) as pilot:
        await settle(pilot)
        await pilot.press("a")
        await settle_until(pilot, lambda: isinstance(app.screen, ContactFormScreen)
                           and app.screen.keys_from != float("inf"))
        burst(app, ["Z", "e", "d", "tab", "A", "c", "m", "e", "tab", "C", "T", "O", "shift+tab", "shift+tab", "!"])
        await settle(pilot)
        form = app.screen
        values = {name: form.query_one(f"#in-{name}", Input).value for name in ("name", "account", "title")}
        assert values == {"name": "Zed!", "account": "Acme", "title": "CTO"}
