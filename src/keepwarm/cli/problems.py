"""Plugin and rule problems on stderr, for every command that loads the plugins.

A module of its own, apart from the agenda's (cli/engine.py): the commands that
use it (sync, source, export ics, calendar, log, dashboard) would otherwise
import the agenda and with it the whole engine, even for `--help` or `export json`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    from ..engine.runtime import Runtime

_reported: set[int] = set()


def report_problems(runtime: Runtime) -> None:
    """Plugin and rule problems go to stderr, once per run, without stopping the command."""
    if id(runtime) in _reported:
        return
    _reported.add(id(runtime))
    for message in runtime.messages():
        click.echo(f"keepwarm: warning: {message}", err=True)
