"""`keepwarm --help` and `--version` start fast: no command module, no heavy library is imported.

Timing is not asserted (the machine's load would make it flaky); what is
imported is, and that is what made them slow (docs/performance.md, "Start-up").
"""

from __future__ import annotations

import re

import importlib
import json
import os
import pkgutil
import subprocess
import sys

import click

import keepwarm.cli
from keepwarm.cli import cli
from keepwarm.cli.commands import COMMANDS, HIDDEN

HEAVY = ("sqlalchemy", "pydantic", "textual", "rich", "alembic", "pluggy", "ics", "caldav", "vobject",
         "keepwarm.home.session", "keepwarm.store", "keepwarm.model", "keepwarm.engine")


def imported_by(tmp_path, *args: str) -> tuple[str, list[str]]:
    code = (
        "import io, json, sys, contextlib\n"
        "from keepwarm.cli import cli\n"
        "out = io.StringIO()\n"
        "with contextlib.redirect_stdout(out):\n"
        "    try:\n"
        f"        cli.main({list(args)!r}, prog_name='keepwarm')\n"
        "    except SystemExit:\n"
        "        pass\n"
        "print(json.dumps([out.getvalue(), sorted(sys.modules)]))\n"
    )
    env = {**os.environ, "KEEPWARM_HOME": str(tmp_path / "home"), "KEEPWARM_DB": str(tmp_path / "x.db")}
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    text, modules = json.loads(done.stdout)
    heavy = sorted(m for m in modules if m.startswith(HEAVY) or m.startswith("keepwarm.cli.") and
                   m not in ("keepwarm.cli.commands", "keepwarm.cli.terminal"))
    return text, heavy


def test_help_lists_every_command_without_importing_them(tmp_path):
    text, heavy = imported_by(tmp_path, "--help")
    assert heavy == []
    listed = [line.split()[0] for line in text.split("Commands:")[1].splitlines() if line.strip()]
    assert listed == sorted(set(COMMANDS) - HIDDEN)
    assert any(re.fullmatch(r"  contact +Add, list, show, edit, merge and remove contacts\.", line) for line in text.splitlines())
    assert not (tmp_path / "home").exists() and not (tmp_path / "x.db").exists()


def test_version_imports_nothing_heavy(tmp_path):
    text, heavy = imported_by(tmp_path, "--version")
    assert text.startswith("keepwarm, version ")
    assert heavy == []


def test_a_command_loads_only_its_own_module(tmp_path):
    text, heavy = imported_by(tmp_path, "rules", "--help")
    assert "Check, show and copy the rule packs" in text
    loaded = {m for m in heavy if m.startswith("keepwarm.cli.")}
    others = {f"keepwarm.cli.{m}" for modules, _ in COMMANDS.values() for m in modules} - {"keepwarm.cli.engine"}
    assert "keepwarm.cli.engine" in loaded
    assert loaded & others == set()


def test_the_map_and_the_real_commands_agree():
    # Import every module of the CLI package, as a command added later would be.
    for module in pkgutil.iter_modules(keepwarm.cli.__path__):
        importlib.import_module(f"keepwarm.cli.{module.name}")
    assert set(cli.commands) == set(COMMANDS)
    for name, command in cli.commands.items():
        modules, help_line = COMMANDS[name]
        assert command.get_short_help_str(10_000) == help_line, name
        assert command.hidden == (name in HIDDEN), name
        defined_in = {c.callback.__module__.rsplit(".", 1)[1] for c in _walk(command) if c.callback}
        assert defined_in <= set(modules), (name, defined_in)


def _walk(command: click.Command):
    yield command
    if isinstance(command, click.Group):
        for sub in command.commands.values():
            yield from _walk(sub)


def test_a_group_filled_by_several_modules_gets_all_its_subcommands(tmp_path):
    code = (
        "import keepwarm.cli.io\n"  # makes `export` through groups, without the calendar's `ics`
        "from keepwarm.cli import cli\n"
        "import click\n"
        "ctx = click.Context(cli)\n"
        "print(sorted(cli.get_command(ctx, 'export').commands))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120,
                          env={**os.environ, "KEEPWARM_HOME": str(tmp_path)})
    assert done.stdout.split() == ["['ics',", "'json',", "'vcard']"], done.stderr
