"""Issue #20, point 2 in the app: `L` on a contact links them to someone they know, `X` removes a link,
`u` takes either back. The dialog reads what `keepwarm link` reads (services.links). Pilot, fixed clock."""

from __future__ import annotations

from textual.widgets import Input, Static

from keepwarm.services import links
from keepwarm.tui.app import KeepwarmApp
from keepwarm.tui.screens.contact_detail import ContactScreen
from keepwarm.tui.widgets.confirm import ConfirmScreen
from keepwarm.tui.widgets.link_form import LinkScreen
from tui_support import build_history, settle, settle_until, sync, type_text, use_test_rules

SIZE = (130, 50)


def _links(session, contact_id: int) -> list[tuple[str, str]]:
    return [(seen.says, seen.other) for _, seen in links.links_of(session, contact_id)]


def _profile(app) -> str:
    return str(app.screen.query_one("#detail-profile", Static).content)


@sync
async def test_L_links_the_contact_shown_X_removes_it_and_u_brings_it_back(session):
    use_test_rules(session)
    ids = build_history(session)
    app = KeepwarmApp(session)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.open_contact(ids["katherine"])
        await settle_until(pilot, lambda: isinstance(app.screen, ContactScreen) and app.screen.view is not None)
        await pilot.press("L")
        await settle_until(pilot, lambda: isinstance(app.screen, LinkScreen))
        await type_text(pilot, "Nobody Here")
        await pilot.press("tab")
        await type_text(pilot, "reports to")
        await pilot.press("ctrl+s")  # the name matches no one: said by the field, nothing written
        await pilot.pause()
        assert isinstance(app.screen, LinkScreen)
        assert "no contact matches 'Nobody Here'" in app.screen.query_one("#field-other").error
        assert _links(session, ids["katherine"]) == []
        app.screen.query_one("#in-other", Input).value = "Mary Somerville"
        await pilot.pause()
        assert str(app.screen.query_one("#link-says", Static).content) == (
            "Katherine Johnson reports to Mary Somerville"
        )
        await pilot.press("ctrl+s")
        await settle_until(pilot, lambda: isinstance(app.screen, ContactScreen) and app.screen.view.links)
        assert _links(session, ids["katherine"]) == [("reports to", "Mary Somerville")]
        assert _links(session, ids["mary"]) == [("manages", "Katherine Johnson")]
        assert f"reports to Mary Somerville (#{ids['mary']})" in _profile(app)

        await pilot.press("X")
        await settle_until(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.press("y")
        await settle_until(pilot, lambda: isinstance(app.screen, ContactScreen) and not app.screen.view.links)
        assert _links(session, ids["katherine"]) == []
        await pilot.press("u")
        await settle_until(pilot, lambda: isinstance(app.screen, ContactScreen) and app.screen.view.links)
        assert _links(session, ids["katherine"]) == [("reports to", "Mary Somerville")]
        await pilot.press("u")
        await settle_until(pilot, lambda: isinstance(app.screen, ContactScreen) and not app.screen.view.links)
        assert _links(session, ids["mary"]) == []
