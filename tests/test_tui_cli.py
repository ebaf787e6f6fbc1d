"""`keepwarm` with no command, outside and inside a terminal; the core stays free of textual."""

from __future__ import annotations

import subprocess
import sys

from tui_support import build_history

from keepwarm.cli import home


def test_without_a_terminal_it_prints_the_summary(session, run):
    build_history(session)
    session.close()
    result = run()  # CliRunner's streams are not ttys
    assert result.exit_code == 0
    assert "keepwarm database:" in result.stdout
    assert "6 contacts in 2 accounts, 11 interactions" in result.stdout


def test_without_a_terminal_an_empty_database_points_at_the_first_steps(run):
    result = run()
    assert result.exit_code == 0
    assert "It is empty" in result.stdout and "keepwarm contact add" in result.stdout


def test_in_a_terminal_it_opens_the_app(session, monkeypatch):
    opened = []
    monkeypatch.setattr(home, "interactive", lambda: True)
    monkeypatch.setattr("keepwarm.tui.run", lambda s: opened.append(s))
    home.open_home(session)
    assert opened == [session]


def test_the_core_and_the_cli_never_import_textual_or_rich():
    code = (
        "import sys\n"
        "import keepwarm.cli, keepwarm.services.dashboard, keepwarm.services.queries, keepwarm.services.forms, keepwarm.services.operations\n"
        "from keepwarm.cli import cli\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('textual', 'rich'))\n"
        "print(','.join(bad))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""
