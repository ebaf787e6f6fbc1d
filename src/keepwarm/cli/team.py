"""`keepwarm team` and `keepwarm team review`: the manager's view, the same figures the app's Team screen shows."""

from __future__ import annotations

from pathlib import Path

import click

from ..errors import UserError
from ..home.session import Session
from ..text import dates
from . import cli
from .output import emit_json
from .problems import report_problems

pass_session = click.make_pass_decorator(Session)


@cli.group("team", invoke_without_command=True)
@click.option("--json", "as_json", is_flag=True, help="Every figure as JSON.")
@click.option("--on", "on", help="Look from this day (default: today; not a later one), e.g. 2026-11-13, -1w.")
@click.pass_context
def team(ctx: click.Context, as_json: bool, on: str | None) -> None:
    """Per person: touches against plan, late follow-ups, promises kept, key stakeholders, accounts and trends."""
    if ctx.invoked_subcommand is not None:
        if as_json or on is not None:
            raise UserError(f"--json and --on go after `team {ctx.invoked_subcommand}`, not before it")
        return
    session = ctx.find_object(Session)
    assert session is not None  # the root command makes it
    from ..services import team as teams  # lazy for start-up: the results and the engine load with the command
    from ..services.results import current  # lazy for start-up (as above)
    from ..services.team_text import dashboard_text  # lazy for start-up (as above)

    day = teams.as_of_day(session.today, dates.parse_day(on, session.today, field="on") if on is not None else None)
    results = current(session)
    report_problems(results.runtime)
    data = teams.team_dashboard(session, results=results, on=day)
    if as_json:
        emit_json(data)
    else:
        click.echo(dashboard_text(data))


@team.command("review")
@click.option(
    "--week",
    "week",
    is_flag=False,
    flag_value="today",
    default=None,
    metavar="[DATE]",
    help="The week holding DATE (default: this week), e.g. 2026-11-16, 'last monday', -1w.",
)
@click.option("--person", help="Only this person: their whole name or an unambiguous part of it.")
@click.option("--markdown", is_flag=True, help="Write Markdown (names and texts escaped) instead of plain text.")
@click.option(
    "--output", "-o", type=click.Path(dir_okay=False, path_type=Path), help="Write the Markdown to this file."
)
@click.option("--json", "as_json", is_flag=True, help="Everything as JSON.")
@pass_session
def review(
    session: Session, week: str | None, person: str | None, markdown: bool, output: Path | None, as_json: bool
) -> None:
    """The week per person for a one-to-one: what moved, what slipped, who is cooling, promises due, questions."""
    from ..io.files import write_private  # lazy for start-up: only a file output needs it
    from ..services import review as reviews  # lazy for start-up: the results and the engine load with the command
    from ..services.results import current  # lazy for start-up (as above)
    from ..services.team_text import review_markdown, review_text  # lazy for start-up (as above)

    if as_json and (markdown or output is not None):
        raise UserError("--json: not with --markdown or --output (choose one way to write it)")
    if output is not None and not output.expanduser().parent.is_dir():
        raise UserError(f"--output: folder {output.expanduser().parent} does not exist")
    day = dates.parse_day(week, session.today, field="week") if week is not None else None
    reviews.review_week(session.today, day)  # a week still to come is refused before anything runs
    results = current(session)
    report_problems(results.runtime)
    data = reviews.weekly_review(session, results=results, week=day, person=person)
    if as_json:
        emit_json(data)
    elif output is not None:
        write_private(output, review_markdown(data))
        click.echo(f"Wrote the review of the week of {data['week']['start']} to {output}")
    else:
        click.echo(review_markdown(data) if markdown else review_text(data), nl=False)
