"""`keepwarm dashboard`: the relationship KPIs, the same numbers the TUI shows."""

from __future__ import annotations

import click

from ..home.session import Session
from ..services import dashboard as kpi
from . import cli
from .output import emit_json
from .problems import report_problems

pass_session = click.make_pass_decorator(Session)


@cli.command("dashboard")
@click.option("--json", "as_json", is_flag=True)
@pass_session
def dashboard(session: Session, as_json: bool) -> None:
    """Touches against plan, key stakeholders on cadence, overdue items, inbound share, health and trend."""
    # lazy for start-up: the engine and its plugins load only when a run is needed
    from ..engine.evaluate import evaluate

    evaluation = evaluate(session, persist=False)
    report_problems(evaluation.runtime)
    data = kpi.kpis(session, evaluation=evaluation)
    if as_json:
        emit_json(data)
    else:
        click.echo(kpi.render_text(data))
