"""`keepwarm agenda`, `keepwarm rules ...` and `keepwarm plugins ...`."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

import click

from ..errors import UserError
from ..home import paths, tempfiles
from ..home.session import Session
from ..store.ids import MAX_ID
from ..text import dates
from ..text.wording import nothing_due, one_line, plural
from . import cli
from .output import emit_json, table, terminal_width, wrapped_table
from .params import IntRange
from .problems import report_problems

if TYPE_CHECKING:
    from ..engine.agenda import Agenda

# The engine and the rules' loader load in the commands that run them: `agenda --limit 0` and the other
# bad arguments stop before either is needed.

pass_session = click.make_pass_decorator(Session)


@cli.command()
@click.option(
    "--on", "on", help="Look from this day (default: today): plugins see it as their today; nothing is stored as of it."
)
@click.option(
    "--days", type=IntRange(0, 366), default=7, show_default=True, help="Include what falls due within this many days."
)
@click.option(
    "--limit",
    type=IntRange(1, MAX_ID),
    default=None,
    help="Show only the first N items (the most urgent); only their advice is worked out.",
)
@click.option(
    "--all",
    "everything",
    is_flag=True,
    help="Also list what the daily capacity leaves for later (counted otherwise).",
)
@click.option("--json", "as_json", is_flag=True)
@pass_session
def agenda(session: Session, on: str | None, days: int, limit: int | None, everything: bool, as_json: bool) -> None:
    """Who to reach out to, why, how, and what builds trust: today's best few first (the daily capacity)."""
    start = dates.parse_day(on, session.today, field="on") if on is not None else None
    from ..engine.agenda import build_agenda  # lazy for start-up: the engine loads with the command that runs it

    # Each item's advice is worked out as the item is printed (see engine.agenda).
    result = build_agenda(session, on=start, days=days, advice=False)
    try:
        if as_json:
            emit_json(result.stream_json(limit=limit, later=everything))
        else:
            _print_agenda(result, limit, everything)
    finally:
        report_problems(result.runtime)


def _print_agenda(result: Agenda, limit: int | None, everything: bool = False) -> None:
    if not result.items:
        click.echo(nothing_due(result.until.isoformat()))
        return
    listed = result.items if everything else result.planned_items
    current = None
    for item in result.shown(min(len(listed), limit or len(listed))):
        if item.bucket != current:
            current = item.bucket
            click.echo(f"\n{current.upper()}")
        when = (
            "today"
            if item.overdue_days == 0
            else (f"{item.overdue_days}d overdue" if item.overdue_days > 0 else _upcoming(item))
        )
        click.echo(
            f"  #{item.followup.id} {item.contact.name} ({when}, health {item.health.score}): "
            f"{one_line(item.followup.reason)}"
        )
        if item.plan_note:
            click.echo(f"      ~ {item.plan_note}")
        if item.followup.action:
            click.echo(f"      do: {one_line(item.followup.action)}")
        for warning in item.warnings[:2]:
            click.echo(f"      ! {one_line(warning.message)}")
        for tip in item.tips[:2]:
            click.echo(f"      - {one_line(tip.text)}")
        for suggestion in item.suggestions:
            click.echo(f"      > {one_line(suggestion.text)}")
    more = len(listed) - len(listed[:limit])
    if more:
        click.echo(f"\n... and {plural(more, 'more item')} (without --limit: all of them)")
    if not everything and result.later:
        click.echo(
            f"\n{plural(result.later, 'more follow-up')} wait for later: the days shown are full "
            "(--all lists them; [agenda] capacity in the settings sets how many a day)."
        )
    elif not listed:
        click.echo(nothing_due(result.until.isoformat()))


def _upcoming(item) -> str:
    """The day an upcoming item falls due; a snoozed one says it waits (the person's snooze, or its own)."""
    day = item.due.isoformat()
    return f"snoozed until {day}" if item.followup.status.value == "snoozed" else day


# --------------------------------------------------------------------- rules


@cli.group()
def rules() -> None:
    """Check, show and copy the rule packs (TOML)."""


@rules.command("check")
@click.option("--json", "as_json", is_flag=True)
@pass_session
def rules_check(session: Session, as_json: bool) -> None:
    """Validate every rule file; list all problems; exit 2 if there are any."""
    runtime = session.runtime
    problems = runtime.rules.problems
    if as_json:
        emit_json(
            {
                "ok": not problems,
                "problems": [p.to_json() for p in problems],
                "files": [str(f) for f in runtime.rules.raw.files],
            }
        )
    else:
        for problem in problems:
            click.echo(str(problem), err=True)
        if not problems:
            click.echo(
                f"{plural(len(runtime.rules.raw.files), 'rule file')}, {plural(len(runtime.rules.sections), 'section')}: "
                "all valid."
            )
    if problems:
        raise SystemExit(2)


@rules.command("show")
@click.argument("section", required=False)
@click.option("--json", "as_json", is_flag=True)
@pass_session
def rules_show(session: Session, section: str | None, as_json: bool) -> None:
    """Print the effective settings and where each value came from."""
    runtime = session.runtime
    from ..rules.loading import effective, flatten  # lazy for start-up (as the engine above)

    values = effective(runtime.rules)
    if section is not None:
        if section not in values:
            raise UserError(f"section: no section [{section}] (known: {', '.join(sorted(values))})")
        values = {section: values[section]}
    rows = [(key, value, runtime.rules.origin(key)) for key, value in flatten(values)]
    if as_json:
        emit_json([{"key": k, "value": v, "origin": o} for k, v, o in rows])
        return
    shown = [(k, _toml_value(v), _short_origin(o)) for k, v, o in rows]
    wrapped_table(shown, ("KEY", "VALUE", "FROM"), wrap=1, width=terminal_width())


def _short_origin(origin: str) -> str:
    """A rule file as a person reads it: `shipped: engine.toml`, or the path with `~` for the home folder."""
    path = Path(origin)
    if not path.is_absolute():
        return origin
    if path.parent == paths.default_rules_dir().resolve() or path.parent == paths.default_rules_dir():
        return f"shipped: {path.name}"
    home = Path.home()
    return f"~/{path.relative_to(home)}" if path.is_relative_to(home) else origin


def _toml_value(value) -> str:
    if isinstance(value, str):
        return repr(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


@rules.command("init")
@click.option("--force", is_flag=True, help="Overwrite an existing copy.")
@pass_session
def rules_init(session: Session, force: bool) -> None:
    """Write a starter file into your rules folder: every setting, commented out, with its default and meaning."""
    from ..rules.starter import render  # lazy for start-up: loaded by `rules init` alone

    folder = paths.user_rules_dir()
    target = folder / "my-rules.toml"
    if target.exists() and not force:
        raise UserError(f"{target}: exists already (use --force to overwrite it)")
    text = render(session.runtime.rules.sections)
    paths.ensure_private_dir(folder)
    _atomic_write(target, text)
    click.echo(f"Wrote {target}: uncomment the settings you want to change.")


@rules.command("docs")
@click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the page to this file (e.g. docs/rules.md) instead of printing it.",
)
@click.option("--check", is_flag=True, help="Only compare with --output's file; exit 1 if it is stale.")
def rules_docs(output: Path | None, check: bool) -> None:
    """The reference of every built-in rule and its TOML keys, from the code (docs/rules.md)."""
    from ..rules.docs import render  # lazy for start-up: loaded by `rules docs` alone

    text = render()
    if check:
        if output is None:
            raise UserError("--check: give the file to compare with --output")
        current = output.read_text(encoding="utf-8") if output.is_file() else None
        if current != text:
            click.echo(
                f"keepwarm: {output}: stale; regenerate it with `keepwarm rules docs --output {output}`", err=True
            )
            raise SystemExit(1)
        click.echo(f"{output}: up to date.")
        return
    if output is None:
        click.echo(text, nl=False)
        return
    if not output.parent.is_dir():
        raise UserError(f"--output: folder {output.parent} does not exist")
    _atomic_write(output, text)
    click.echo(f"Wrote {output}")


def _atomic_write(target: Path, text: str) -> None:
    fd, tmp = tempfiles.temp_beside(target)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


# ------------------------------------------------------------------- plugins


@cli.group()
def plugins() -> None:
    """Inspect the loaded plugins, or start a new one."""


@plugins.command("new")
@click.argument("name")
@click.option(
    "--family",
    type=click.Choice(["cadence", "tips", "warnings", "suggestions"]),
    multiple=True,
    help="Which hook the plugin implements (default: tips). Repeat it for a package with one "
    "plugin per family, e.g. --family tips --family warnings.",
)
@click.option(
    "--dir",
    "parent",
    type=click.Path(file_okay=False, path_type=Path),
    default=".",
    help="Folder to create the package in (default: the current one).",
)
def plugins_new(name: str, family: tuple[str, ...], parent: Path) -> None:
    """Scaffold a plugin package NAME (e.g. golf-tips): pyproject, module, TOML defaults, tests, README."""
    from ..scaffold import create  # lazy for start-up: loaded by `plugin new` alone

    target = create(name, family or ("tips",), parent)
    click.echo(f"Created {target}")
    click.echo(f"Next: cd {target} && pip install -e '.[test]' && pytest")


@plugins.command("list")
@click.option("--all", "show_all", is_flag=True, help="Include disabled and failed plugins (shown by default in text).")
@click.option("--hook", help="Only plugins implementing this hook (e.g. keepwarm_warnings).")
@click.option("--json", "as_json", is_flag=True)
@pass_session
def plugins_list(session: Session, show_all: bool, hook: str | None, as_json: bool) -> None:
    """Name every plugin, its source, version, hooks and any load error."""
    runtime = session.runtime
    # A source plugin has no rules section: its settings are [sources.NAME] tables naming one of its kinds.
    kinds: dict[str, list[str]] = {}
    from ..sources.registry import offered  # lazy for start-up: the sources load with `source` and `sync` only

    for kind, (plugin, _) in offered(runtime.host).items():
        kinds.setdefault(plugin, []).append(kind)
    infos = list(runtime.host.infos.values())
    if hook:
        known = [h for h in dir(runtime.host.pm.hook) if h.startswith("keepwarm_")]
        if hook not in known:
            raise UserError(f"hook: {hook!r} is not a keepwarm hook (known: {', '.join(sorted(known))})")
        infos = [i for i in infos if hook in i.hooks]
    if as_json:
        if not show_all:
            infos = [i for i in infos if i.active or i.error]
        emit_json([i.to_json() for i in infos])
        return
    table(
        [
            (
                i.name,
                i.source,
                i.version,
                i.section or ("sources: " + ", ".join(kinds[i.name]) if i.name in kinds else "-"),
                "error: " + i.error
                if i.error
                else (
                    "disabled: " + i.disabled if i.disabled else ", ".join(h.removeprefix("keepwarm_") for h in i.hooks)
                ),
            )
            for i in infos
        ],
        ("NAME", "SOURCE", "VERSION", "SECTION", "HOOKS / STATUS"),
    )
