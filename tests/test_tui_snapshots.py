"""Snapshots of every screen at the fixed clock and fixed sizes (pytest-textual-snapshot).

Two sets. The `test_*` ones use the small history of tui_support.py with its
hand-made rules, so they change only when the screens do. The `test_example_*`
ones show the example data set (examples/demo.json, moved to the fixed date)
with the built-in plugins and rule packs, so they also change when those texts
or the data set change. Regenerate after an intended change:
    pytest tests/test_tui_snapshots.py --snapshot-update
and look at the report before checking the new SVGs in.
"""

from __future__ import annotations

import pytest
from textual.widgets import Input, TextArea

from keepwarm.tui.app import KeepwarmApp
from tui_support import build_history, settle, use_test_rules

WIDE = (120, 36)
SMALL = (80, 24)


@pytest.fixture
def app(session, home, monkeypatch):
    # Paths are shown with ~ for the home folder: make that folder the test's own.
    monkeypatch.setenv("HOME", str(home.parent))
    build_history(session)
    use_test_rules(session)
    return KeepwarmApp(session)


@pytest.fixture
def empty_app(session, home, monkeypatch):
    monkeypatch.setenv("HOME", str(home.parent))
    use_test_rules(session)
    return KeepwarmApp(session)


@pytest.fixture
def example_app(session, home, monkeypatch):
    from keepwarm.services import operations

    monkeypatch.setenv("HOME", str(home.parent))
    if operations.example_loader() is None:
        pytest.skip("the example data set is not installed")
    # keepwarm's own plugins only: other installed plugin packages (make test installs the example one) stay out.
    from keepwarm.hosting.host import PluginHost
    from keepwarm.hosting.runtime import build_runtime

    session.__dict__["runtime"] = build_runtime(host=PluginHost(packages=False).load())
    operations.load_example(session)
    return KeepwarmApp(session)


def steps(*keys: str):
    """Press each key, letting the workers finish in between; then freeze the text cursors."""

    async def run_before(pilot) -> None:
        await settle(pilot)
        for key in keys:
            await pilot.press(key)
            await settle(pilot)
        for widget in pilot.app.screen.query(Input):
            widget.cursor_blink = False
        for widget in pilot.app.screen.query(TextArea):
            widget.cursor_blink = False
        await settle(pilot)

    return run_before


def test_agenda(app, snap_compare):
    assert snap_compare(app, terminal_size=WIDE, run_before=steps())


def test_agenda_small(app, snap_compare):
    assert snap_compare(app, terminal_size=SMALL, run_before=steps())


def test_agenda_log_form(app, snap_compare):
    assert snap_compare(app, terminal_size=WIDE, run_before=steps("d"))


def test_agenda_snooze_dialog(app, snap_compare):
    assert snap_compare(app, terminal_size=SMALL, run_before=steps("down", "down", "s"))


def test_contacts(app, snap_compare):
    assert snap_compare(app, terminal_size=WIDE, run_before=steps("2"))


def test_contacts_small(app, snap_compare):
    assert snap_compare(app, terminal_size=SMALL, run_before=steps("2"))


def test_contact_detail(app, snap_compare):
    assert snap_compare(app, terminal_size=WIDE, run_before=steps("2", "enter"))


def test_contact_edit_with_a_problem(app, snap_compare):
    async def run_before(pilot) -> None:
        await steps("2", "enter", "e")(pilot)
        pilot.app.screen.query_one("#in-emails", Input).value = "ada@nowhere"
        await settle(pilot)

    assert snap_compare(app, terminal_size=WIDE, run_before=run_before)


def test_accounts(app, snap_compare):
    assert snap_compare(app, terminal_size=WIDE, run_before=steps("3"))


def test_dashboard(app, snap_compare):
    assert snap_compare(app, terminal_size=WIDE, run_before=steps("4"))


def test_plugins(app, snap_compare):
    assert snap_compare(app, terminal_size=WIDE, run_before=steps("5"))


def test_rules_with_a_problem(app, home, snap_compare):
    folder = home / "config" / "rules"
    folder.mkdir(parents=True)
    (folder / "mine.toml").write_text("[engine]\nrecent_days = 3\nhorizon_dayz = 30\n", encoding="utf-8")
    app.session.reload_runtime()
    use_test_rules(app.session)  # the hand-made plugins again, now with the user's broken file
    assert snap_compare(app, terminal_size=WIDE, run_before=steps("6"))


def test_welcome_on_an_empty_database(empty_app, snap_compare):
    assert snap_compare(empty_app, terminal_size=SMALL, run_before=steps())


# ------------------------------------------------------- the example data set


def test_example_agenda(example_app, snap_compare):
    assert snap_compare(example_app, terminal_size=WIDE, run_before=steps())


def test_example_agenda_small(example_app, snap_compare):
    assert snap_compare(example_app, terminal_size=SMALL, run_before=steps())


def test_example_contacts(example_app, snap_compare):
    assert snap_compare(example_app, terminal_size=WIDE, run_before=steps("2"))


def test_example_contact_detail(example_app, snap_compare):
    assert snap_compare(example_app, terminal_size=WIDE, run_before=steps("o"))


def test_example_accounts(example_app, snap_compare):
    assert snap_compare(example_app, terminal_size=WIDE, run_before=steps("3"))


def test_example_dashboard(example_app, snap_compare):
    assert snap_compare(example_app, terminal_size=WIDE, run_before=steps("4"))


def test_example_plugins(example_app, snap_compare):
    assert snap_compare(example_app, terminal_size=WIDE, run_before=steps("5"))


def test_example_rules(example_app, snap_compare):
    assert snap_compare(example_app, terminal_size=WIDE, run_before=steps("6"))
