"""`keepwarm export ics` and `keepwarm calendar publish`: follow-ups in your calendar.

`ics` and `caldav` take a while to import; they are loaded when a command
runs, not when `keepwarm --help` does.
"""

from __future__ import annotations

import sys
from pathlib import Path
from urllib.parse import urlsplit

import click

from ..errors import UserError
from ..home.session import Session
from ..text.controls import control_problem, visible
from ..text.wording import plural
from . import cli
from .groups import export
from .params import IntRange
from .problems import report_problems

pass_session = click.make_pass_decorator(Session)
MAX_DAYS = 3650
MAX_ALARM = 7 * 24 * 60


def selection_options(func):
    """The options that choose what goes into the calendar; export and publish share them."""
    options = [
        click.option(
            "--days",
            type=IntRange(1, MAX_DAYS),
            help="Horizon: follow-ups due within this many days (default: [calendar] days, 90).",
        ),
        click.option("--contact", help="Only this contact's follow-ups (id or name)."),
        click.option("--account", help="Only the follow-ups of this account's people."),
        click.option("--todo", is_flag=True, help="Write to-dos (VTODO with a due date) instead of events."),
        click.option("--dates", is_flag=True, help="Add birthdays and anniversaries as yearly events."),
        click.option(
            "--alarm-minutes",
            type=IntRange(0, MAX_ALARM),
            help="Reminder this many minutes before a timed item (default: [calendar] alarm_minutes, 30); "
            "all-day items remind at [calendar] alarm_time on their day (09:00).",
        ),
    ]
    for option in reversed(options):
        func = option(func)
    return func


def _check_url(url: str, shown) -> None:
    """A URL that cannot be read is the user's mistake: one line, before anything is written or sent.

    urllib and caldav raise a bare ValueError (a traceback) on `http://host:99999/` or an
    unclosed `[`, and a control character would be sent to the terminal in the error.
    """
    expected = "expected https://... or http://..."
    if not url.startswith(("http://", "https://")):
        raise UserError(f"url: '{visible(shown(url), multiline=False)}' is not a web address ({expected})")
    problem = control_problem(url)
    if problem:
        raise UserError(f"url: '{visible(shown(url), multiline=False)}' {problem}")
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - reading it checks it
    except ValueError as exc:
        raise UserError(f"url: {shown(url)!r} is not a web address ({exc}; {expected})") from None
    if not parts.hostname:
        raise UserError(f"url: {shown(url)!r} names no server ({expected})")


def _selection(session: Session, days, contact, account, todo, dates, alarm_minutes, *, persist: bool):
    # lazy for start-up: the calendar libraries load with the command that writes
    from ..calendar.export import Selection

    session.tz  # an unknown zone in the config stops us here, before any work  # noqa: B018
    cfg = session.settings.calendar
    return Selection(
        days=days if days is not None else cfg.days,
        alarm_minutes=alarm_minutes if alarm_minutes is not None else cfg.alarm_minutes,
        alarm_time=cfg.alarm_time,
        contact=contact,
        account=account,
        todo=todo,
        dates=dates,
        persist=persist,
    )


def _when(entry, tz) -> str:
    """A day, or a day and time in the user's zone (entries hold UTC)."""
    if entry.all_day:
        return entry.start.isoformat() + (" yearly" if entry.rrule else "")
    return entry.start.astimezone(tz).strftime("%Y-%m-%d %H:%M")


@export.command("ics")
@click.option(
    "-o",
    "--output",
    default="-",
    show_default=True,
    metavar="FILE|-",
    help="File to write (replaced atomically, mode 0600), or - for standard output.",
)
@selection_options
@pass_session
def export_ics(session: Session, output: str, days, contact, account, todo, dates, alarm_minutes) -> None:
    """Follow-ups as an iCalendar file that calendars can re-import to update.

    Re-importing a later export updates the same events (stable UIDs, rising
    SEQUENCE); follow-ups done or dismissed since the last export to the same
    file come back as cancelled, so the calendar drops them.
    """
    # lazy for start-up: the calendar libraries load with the command that writes
    from ..calendar.export import build_export
    from ..calendar.output import check_writable, write_atomic  # lazy for start-up

    selection = _selection(session, days, contact, account, todo, dates, alarm_minutes, persist=True)
    path = None if output == "-" else Path(output).expanduser()
    if path is not None:
        check_writable(path)
    target = "-" if path is None else str(path.resolve())
    result = build_export(session, selection, target)
    if path is None:
        stream = getattr(sys.stdout, "buffer", None)
        for chunk in result.chunks():  # written as made: a large calendar is never held whole
            if stream is None:
                sys.stdout.write(chunk.decode("utf-8"))
            else:
                stream.write(chunk)
        sys.stdout.flush()
    else:
        write_atomic(path, result.chunks())
    if result.runtime is not None:  # after the writing: the entries' advice is worked out as they are made
        report_problems(result.runtime)
    result.commit(session.now)
    if path is not None:
        counts = result.counts
        noun = "to-do" if todo else "event"
        extra = [f"{counts['cancelled']} cancelled"] if counts["cancelled"] else []
        extra += [f"{counts['completed']} completed"] if counts["completed"] else []
        more = f" ({', '.join(extra)})" if extra else ""
        click.echo(f"Wrote {plural(counts['active'], noun)}{more} to {path}", err=True)


@cli.group("calendar")
def calendar_group() -> None:
    """Keep a CalDAV calendar (Nextcloud, Radicale, iCloud, Fastmail) in step with your follow-ups."""


def _password(username: str | None, password_stdin: bool, configured: str) -> str | None:
    if password_stdin:
        line = sys.stdin.readline()
        if not line.strip():
            raise UserError("--password-stdin: standard input was empty (expected the password on one line)")
        return line.rstrip("\r\n")
    if configured:
        return configured
    if username:
        return click.prompt(f"Password for {username}", hide_input=True, err=True)
    return None


@calendar_group.command("publish")
@click.argument("url", required=False)
@click.option("--user", "username", help="User name (default: [calendar] username).")
@click.option("--password-stdin", is_flag=True, help="Read the password from the first line of standard input.")
@click.option(
    "--calendar",
    "calendar_name",
    metavar="NAME",
    help="Use (or create) the calendar with this name under URL's account, instead of URL itself.",
)
@click.option("--dry-run", is_flag=True, help="Show what would change on the server and change nothing.")
@selection_options
@pass_session
def publish(
    session: Session,
    url,
    username,
    password_stdin,
    calendar_name,
    dry_run,
    days,
    contact,
    account,
    todo,
    dates,
    alarm_minutes,
) -> None:
    """Create, update and delete events on the CalDAV calendar at URL so it mirrors the export.

    URL defaults to [calendar] url in config.toml. Only events keepwarm wrote are
    touched; anything else in the calendar stays as it is.
    """
    from ..calendar import caldav_publish as dav  # lazy for start-up: caldav loads with `calendar publish` only
    from ..calendar.export import publish_entries, render_object, resolve  # lazy for start-up

    cfg = session.settings.calendar
    url = url or cfg.url
    if not url:
        raise UserError("url: none given (expected a CalDAV URL as argument, or [calendar] url in config.toml)")
    _check_url(url, dav.shown)
    selection = _selection(session, days, contact, account, todo, dates, alarm_minutes, persist=not dry_run)
    username = username or cfg.username or None
    resolve(session, selection)  # a wrong --contact or --account fails before we go online
    password = _password(username, password_stdin, cfg.password)
    target = dav.open_target(url, username, password, calendar_name, create=not dry_run)
    remote = dav.read_remote(target, username)
    desired, runtime = publish_entries(session, selection, set(remote))
    plan = dav.make_plan(desired, remote, selection.kind)  # the entries are made (and plugins run) here
    if runtime is not None:
        report_problems(runtime)

    def show(action: str, item) -> None:
        label = item.summary if isinstance(item, dav.Remote) else f"{_when(item, session.tz)}  {item.summary}"
        click.echo(f"{action:<7} {label}")

    if dry_run:
        if target.calendar is None:
            click.echo(f"would create calendar {calendar_name!r}")
        for entry in plan.create:
            show("create", entry)
        for entry, _ in plan.update:
            show("update", entry)
        for remote_item in plan.delete:
            show("delete", remote_item)
        click.echo(
            f"Dry run: would create {len(plan.create)}, update {len(plan.update)}, delete {len(plan.delete)}"
            f" ({plan.unchanged} unchanged); nothing was changed."
        )
        return
    dav.apply(target, plan, lambda entry: render_object(session, entry), username, progress=show)
    made = f"created calendar {calendar_name!r}; " if target.created else ""
    click.echo(
        f"Published to {target.url}: {made}{len(plan.create)} created, {len(plan.update)} updated, "
        f"{len(plan.delete)} deleted, {plan.unchanged} unchanged."
    )
