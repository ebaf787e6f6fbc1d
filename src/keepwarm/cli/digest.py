"""`keepwarm digest`: today's short list, printed, or sent where it reaches you (cron, a systemd timer)."""

from __future__ import annotations

import sys

import click

from ..home.session import Session
from ..services import digest as digests
from ..services import digest_delivery as delivery
from ..store.ids import MAX_ID
from . import cli
from .output import emit_json, to_json
from .params import IntRange
from .problems import report_problems

pass_session = click.make_pass_decorator(Session)


@cli.command()
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "markdown", "json"]),
    default="text",
    show_default=True,
    help="How the digest is written (printed, or the body of --mail).",
)
@click.option("--json", "as_json", is_flag=True, help="The same as --format json.")
@click.option(
    "--limit",
    type=IntRange(1, MAX_ID),
    default=digests.DEFAULT_LIMIT,
    show_default=True,
    help="Show the first N (the most urgent); the rest are counted.",
)
@click.option("--notify", is_flag=True, help="Show it as a desktop notification (notify-send).")
@click.option("--mail", "mail_to", metavar="ADDRESS", help="Mail it to ADDRESS through the local sendmail.")
@pass_session
def digest(session: Session, fmt: str, as_json: bool, limit: int, notify: bool, mail_to: str | None) -> None:
    """Today's short list (who, why, one suggestion each), for cron or a systemd timer."""
    fmt = "json" if as_json else fmt
    # Everything that can be wrong is found before the engine runs and before anything is sent.
    to = delivery.address(mail_to) if mail_to is not None else None
    mailer = delivery.sendmail() if to is not None else None
    notifier = delivery.notifier() if notify else None
    found = digests.build_digest(session, limit)
    try:
        if to is None and notifier is None:
            _print(found, fmt)
            return
        sent = _send(session, found, fmt, to, mailer, notifier)
        if sys.stdout.isatty():  # a script or cron sees nothing when all went well
            click.echo(sent)
    finally:
        report_problems(session.runtime)


def _print(found: digests.Digest, fmt: str) -> None:
    if fmt == "json":
        emit_json(digests.as_json(found))
    elif not found.total:
        click.echo(found.headline)
    else:
        click.echo(_body(found, fmt), nl=False)


def _body(found: digests.Digest, fmt: str) -> str:
    if fmt == "json":
        return to_json(digests.as_json(found)) + "\n"
    return digests.as_markdown(found) if fmt == "markdown" else digests.as_text(found)


def _send(session: Session, found: digests.Digest, fmt: str, to, mailer: str | None, notifier: str | None) -> str:
    """Nothing is sent on a day with nothing due: a reminder that says so is noise."""
    if not found.total:
        return f"{found.headline} Nothing sent."
    done = []
    if notifier is not None:
        delivery.notify(notifier, *digests.as_notification(found))
        done.append("shown as a notification")
    if to is not None and mailer is not None:
        mail = delivery.message(
            to=to,
            sender=delivery.sender(session.settings.me),
            subject=found.subject,
            body=_body(found, fmt),
            now=session.now.astimezone(session.tz),
        )
        delivery.send_mail(mailer, mail)
        done.append(f"mailed to {to.addr_spec}")
    return f"{found.headline} {' and '.join(done).capitalize()}."
