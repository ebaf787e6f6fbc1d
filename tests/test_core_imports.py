"""The core never imports textual, rich or plotext: scripts and plugins must not pay for the TUI."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap

PROBE = textwrap.dedent(
    """
    import json, sys

    import keepwarm, keepwarm.cli, keepwarm.store, keepwarm.model, keepwarm.api.hookspecs, keepwarm.plugin
    from keepwarm.cli import cli

    def run(*args):
        try:
            cli.main(list(args), prog_name="keepwarm")
        except SystemExit as exc:
            return exc.code
        return 0

    codes = {{" ".join(args) or "(bare)": run(*args) for args in {commands!r}}}
    ui = sorted(m for m in sys.modules if m.split(".")[0].startswith(("textual", "rich", "plotext")))
    print(json.dumps({{"codes": codes, "ui": ui}}), file=sys.stderr)
    """
)


def probe(tmp_path, commands: list[tuple[str, ...]]) -> dict:
    env = {
        **os.environ,
        "KEEPWARM_HOME": str(tmp_path / "kwhome"),
        "KEEPWARM_NOW": "2026-11-22T09:00:00+00:00",
        "TZ": "UTC",
    }
    env.pop("KEEPWARM_DB", None)
    done = subprocess.run(
        [sys.executable, "-c", PROBE.format(commands=commands)],
        cwd=tmp_path,
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stderr.strip().splitlines()[-1])


def test_help_imports_no_ui_library(tmp_path):
    result = probe(tmp_path, [("--help",)])
    assert result == {"codes": {"--help": 0}, "ui": []}
    assert not (tmp_path / "kwhome").exists()  # --help touches no file


def test_everyday_commands_import_no_ui_library(tmp_path):
    commands = [
        ("contact", "add", "Ada Lovelace", "--account", "Acme"),
        ("log", "ada", "-c", "call"),
        ("promise", "add", "ada", "send the deck"),
        ("followup", "add", "ada", "check in", "--due", "+1w"),
        ("assess", "ada", "--trust", "4", "--communication", "3", "--sharing", "3", "--advocacy", "3",
         "--conflict", "3", "--commitment", "3"),
        ("contact", "show", "ada", "--json"),
        ("account", "show", "Acme", "--json"),
        ("dashboard", "--json"),
        ("contact", "list", "--json"),
        (),
    ]
    result = probe(tmp_path, commands)
    assert set(result["codes"].values()) == {0}, result["codes"]
    assert result["ui"] == []
