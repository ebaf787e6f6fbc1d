"""`keepwarm dashboard`: the relationship KPIs, the same numbers the TUI shows."""

from __future__ import annotations

import click

from ..home.session import Session
from . import cli
from .output import emit_json
from .problems import report_problems

pass_session = click.make_pass_decorator(Session)


@cli.command("dashboard")
@click.option("--json", "as_json", is_flag=True)
@pass_session
def dashboard(session: Session, as_json: bool) -> None:
    """Touches against plan, key stakeholders on cadence, overdue items, inbound share, health and trend."""
    from ..services import dashboard as kpi  # lazy for start-up: the results and the engine load with the command
    from ..services.results import current  # lazy for start-up (as above)

    results = current(session)  # the stored results brought up to date: no whole-book run when nothing changed
    report_problems(results.runtime)
    data = kpi.kpis(session, results=results)
    if as_json:
        emit_json(data)
    else:
        click.echo(kpi.render_text(data))
