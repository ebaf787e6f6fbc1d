"""The `keepwarm` command line.

Errors a user can fix come out as one line on stderr with exit status 2
(click's own usage errors included); nothing else is caught, so a bug still
shows its traceback.

Command modules are imported on first use (see `commands`): `keepwarm --help`
and `--version` load click and nothing heavy.
"""

from __future__ import annotations

import gc
import importlib
import os
import sys
import textwrap

import click

from .. import __version__
from ..errors import Ambiguous, UserError
from .commands import COMMANDS, HIDDEN
from .terminal import refuse_undecodable, visible_controls


class KeepwarmGroup(click.Group):
    """A group whose `main` turns user errors into one line, under CliRunner too.

    Its subcommands are loaded lazily, as click's documentation describes for
    "lazily loading subcommands": `COMMANDS` names the module of each.
    """

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(set(self.commands) | set(COMMANDS))

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        # Every listed module, even when the command exists already: `export` is
        # made by `groups` and filled by `io` and `calendar`.
        if cmd_name in COMMANDS:
            for module in COMMANDS[cmd_name][0]:
                importlib.import_module(f"{__name__}.{module}")
        return self.commands.get(cmd_name)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """The command list from `COMMANDS`' help lines, without importing a command module."""
        names = [n for n in self.list_commands(ctx) if n not in HIDDEN]
        names = [n for n in names if n in COMMANDS or not self.commands[n].hidden]
        if not names:
            return
        limit = formatter.width - 6 - max(len(n) for n in names)
        rows = []
        for name in names:
            if name in COMMANDS:
                text = COMMANDS[name][1]
                if len(text) > limit:
                    text = textwrap.shorten(text, max(limit, 3), placeholder="...", break_on_hyphens=False)
            else:
                text = self.commands[name].get_short_help_str(limit)
            rows.append((name, text))
        with formatter.section("Commands"):
            formatter.write_dl(rows)

    def main(self, args=None, prog_name=None, complete_var=None, standalone_mode=True, **extra):
        # Every character this command prints goes through one filter (see `terminal`).
        with visible_controls():
            try:
                refuse_undecodable(sys.argv[1:] if args is None else args)
                rv = super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
            except Ambiguous as exc:
                click.echo(f"keepwarm: {exc.message}", err=True)
                for line in exc.candidates:
                    click.echo(f"  {line}", err=True)
                sys.exit(exc.exit_code)
            except UserError as exc:
                click.echo(f"keepwarm: {exc.message}", err=True)
                sys.exit(exc.exit_code)
            except click.UsageError as exc:
                where = exc.ctx.command_path if exc.ctx else "keepwarm"
                click.echo(f"{where}: {exc.format_message()}", err=True)
                sys.exit(exc.exit_code)
            except click.ClickException as exc:
                exc.show()
                sys.exit(exc.exit_code)
            except click.Abort:
                click.echo("Aborted.", err=True)
                sys.exit(1)
            except KeyboardInterrupt:
                sys.exit(130)
            if not standalone_mode:
                return rv
            sys.exit(rv if isinstance(rv, int) else 0)


@click.group(cls=KeepwarmGroup, invoke_without_command=True, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--db",
    type=click.Path(dir_okay=False, path_type=str),  # str: a postgresql:// URL keeps its two slashes
    envvar="KEEPWARM_DB",
    help="Database file or postgresql:// URL (default: keepwarm.db in your data folder; or set KEEPWARM_DB).",
)
@click.option("--safe-mode", is_flag=True, default=None, help="Run with the built-in plugins only.")
@click.version_option(__version__, prog_name="keepwarm")
@click.pass_context
def cli(ctx: click.Context, db: str | None, safe_mode: bool | None) -> None:
    """keepwarm: who to reach out to today, how, and what builds trust."""
    from ..home.session import Session  # lazy for start-up: `--help` and `--version` open no database

    _start_up_done()
    session = Session(db, safe_mode=safe_mode or None)
    from .opening import set_creation  # lazy for start-up: loaded by commands that open the database

    set_creation(session, db)
    ctx.obj = session
    ctx.call_on_close(session.close)
    if ctx.invoked_subcommand is None:
        from .home import open_home  # lazy for start-up: only `keepwarm` alone opens the home screen

        open_home(session)


#: Whether `main` holds the cyclic garbage collector off for the start-up (see there).
_holding_gc = False


def _start_up_done() -> None:
    """The command's module is loaded (click resolves the command before it calls the group): collect again."""
    global _holding_gc
    if _holding_gc:
        _holding_gc = False
        # What the start-up made lives as long as the process: moved to the oldest generation (a freeze and thaw,
        # constant time, as the engine does after a run), the next young collections do not walk it all. Not left
        # frozen: the engine's run skips that step when someone else froze objects.
        gc.freeze()
        gc.unfreeze()
        gc.enable()


#: pydantic's own plugins (the "pydantic" entry-point group: validation observers such as logfire's) are a
#: library's extension point, not keepwarm's (its plugins are the "keepwarm" group). pydantic looks for them
#: with a scan of every installed distribution when the first validator is built; the program turns that off
#: unless the variable is set already (set it empty to have pydantic's plugins, as pydantic documents).
PYDANTIC_PLUGINS = "PYDANTIC_DISABLE_PLUGINS"


def main() -> None:
    """The `keepwarm` program (its script and `python -m keepwarm`; not `cli.main`, which tests call in-process).

    The start-up makes long-lived objects only (modules, classes, models, the
    store's tables), hundreds of thousands of them, and the cyclic garbage
    collector walked them over and over while they were made. It is off until
    the command's module is loaded (see `_start_up_done`). When the command is
    done, everything is frozen: the collection Python runs as it exits would
    walk the whole heap once more (some 50 ms of a 250 ms command) for memory
    the operating system takes back anyway. Files and the database are closed
    by the command itself (`Session.close`), not by that collection.

    pydantic's plugins are off unless `PYDANTIC_DISABLE_PLUGINS` says otherwise (see `PYDANTIC_PLUGINS`);
    programs the command starts (a source's password command) inherit the variable.
    """
    global _holding_gc
    if gc.isenabled():
        gc.disable()
        _holding_gc = True
    os.environ.setdefault(PYDANTIC_PLUGINS, "__all__")
    try:
        cli.main(prog_name="keepwarm")
    finally:
        gc.freeze()
