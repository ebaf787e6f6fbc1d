"""`keepwarm log`, `promise`, `followup` and `assess`: what happened and what is next."""

from __future__ import annotations

import datetime as dt

import click

from ..errors import UserError, describe_validation_error
from ..home.session import Session
from ..model import (
    ASSESSMENT_DIMENSIONS,
    Channel,
    CommitmentStatus,
    Direction,
    FollowUpStatus,
    Outcome,
    Party,
    Purpose,
)
from ..store import lookup
from ..store.ids import MAX_ID
from ..text import dates
from ..text.wording import cut, spoken
from . import cli
from .output import emit_json, table
from .params import HOURS, ID, LINE, NOTES, EnumChoice, IntRange
from .problems import report_problems

# As in cli/contacts.py, each command imports the records (with pydantic), their stores and the write layer
# itself, after the lookup: a command given a contact that is not there stops before any of them is needed.

pass_session = click.make_pass_decorator(Session)
#: Clocks drift; a touch logged "now" on another machine may look a little ahead.
FUTURE_SLACK = dt.timedelta(minutes=5)


def _validate(name: str, **fields):
    from pydantic import ValidationError  # lazy for start-up: pydantic loads with the records

    from .. import model  # lazy for start-up (as above)

    try:
        return getattr(model, name)(**fields)
    except ValidationError as exc:
        raise UserError(describe_validation_error(exc)) from None


# ----------------------------------------------------------------------- log


@cli.command("log")
@click.argument("contacts", nargs=-1, required=True)
@click.option("--channel", "-c", type=EnumChoice(Channel), required=True)
@click.option(
    "--direction",
    "-d",
    type=EnumChoice(Direction),
    default="outbound",
    show_default=True,
    help="inbound when they reached out to you.",
)
@click.option("--purpose", "-p", type=EnumChoice(Purpose), default="check_in", show_default=True)
@click.option(
    "--outcome",
    type=EnumChoice(Outcome),
    default="completed",
    show_default=True,
    help="declined, cancelled, rescheduled or no_show for meetings that did not happen.",
)
@click.option("--sentiment", "-s", type=IntRange(-2, 2), help="-2 (very negative) to +2 (very positive).")
@click.option("--responded/--no-reply", default=None, help="Whether they answered an outbound touch.")
@click.option("--response-hours", type=HOURS, help="How long they took to answer.")
@click.option("--notes", "-n", default="", type=NOTES, help="What you heard, in your words.")
@click.option("--when", "-w", default="now", show_default=True, help="e.g. 'yesterday 15:00', '2026-11-20'.")
@click.option("--json", "as_json", is_flag=True)
@pass_session
def log(
    session: Session,
    contacts,
    channel,
    direction,
    purpose,
    outcome,
    sentiment,
    responded,
    response_hours,
    notes,
    when,
    as_json,
) -> None:
    """Record an interaction with one or more CONTACTS (ids or names)."""
    with session.store.read() as conn:  # whom first: the clock and zone read the settings (with pydantic)
        ids = [lookup.resolve_contact(conn, ref) for ref in contacts]
        names = lookup.contact_names(conn)
    at = dates.parse_moment(when, session.now, session.tz, field="when")
    if at > session.now + FUTURE_SLACK:
        raise UserError(f"when: {when!r} is in the future (log what happened; plan with `keepwarm followup add`)")
    from ..services import operations  # lazy for start-up: the write layer loads after the lookup

    fields = dict(
        at=at,
        channel=channel,
        direction=direction,
        purpose=purpose,
        outcome=outcome,
        sentiment=sentiment,
        responded=responded,
        response_hours=response_hours,
        notes=notes,
    )
    created = operations.log_touch(session, {"contact_ids": ids, **fields})

    report_problems(session.runtime)
    if as_json:
        emit_json([{"id": i, "contact_id": c} for i, c in zip(created, dict.fromkeys(ids))])
    else:
        who = ", ".join(names[c] for c in dict.fromkeys(ids))
        click.echo(f"Logged {channel.value} with {who}")


@cli.command("history")
@click.argument("contact")
@click.option("--limit", type=IntRange(1, MAX_ID), default=20, show_default=True)
@click.option("--json", "as_json", is_flag=True)
@pass_session
def history_cmd(session: Session, contact: str, limit: int, as_json: bool) -> None:
    """List a contact's interactions, newest first."""
    with session.store.read() as conn:
        contact_id = lookup.resolve_contact(conn, contact)
        from ..store import activity as history  # lazy for start-up: the records load after the lookup

        items = history.list_interactions(conn, contact_id, limit=limit)
    if as_json:
        emit_json(i.model_dump(mode="json") for i in items)
        return
    table(
        [
            (
                i.id,
                dates.local(i.at, session.tz).strftime("%Y-%m-%d %H:%M"),
                i.channel.value,
                i.direction.value,
                spoken(i.purpose),
                "" if i.sentiment is None else f"{i.sentiment:+d}",
                cut(" ".join(i.notes.split()), 60),
            )
            for i in items
        ],
        ("ID", "WHEN", "CHANNEL", "DIRECTION", "PURPOSE", "MOOD", "NOTES"),
    )


# ------------------------------------------------------------------- promise


@cli.group()
def promise() -> None:
    """Commitments: what you promised them, and what they promised you."""


@promise.command("add")
@click.argument("contact")
@click.argument("text", type=NOTES)
@click.option("--by", type=EnumChoice(Party), default="me", show_default=True, help="Who promised.")
@click.option("--due", help="When it is due, e.g. 'friday', '2026-12-01'.")
@pass_session
def promise_add(session: Session, contact: str, text: str, by: Party, due: str | None) -> None:
    """Record that someone promised TEXT."""
    with session.store.read() as conn:  # whom first, as in `log`
        contact_id = lookup.resolve_contact(conn, contact)
    due_day = dates.parse_day(due, session.today, field="due") if due is not None else None
    from ..services import operations  # lazy for start-up: the write layer loads after the lookup

    item = _validate("Commitment", contact_id=contact_id, by=by, text=text, due=due_day)
    promise_id = operations.save_promise(session, item)
    click.echo(f"Added promise {promise_id}" + (f", due {due_day.isoformat()}" if due_day else ""))


@promise.command("list")
@click.option("--contact")
@click.option("--status", type=EnumChoice(CommitmentStatus), help="Default: open only.")
@click.option("--all", "show_all", is_flag=True, help="Every status.")
@click.option("--by", type=EnumChoice(Party))
@click.option("--json", "as_json", is_flag=True)
@pass_session
def promise_list(session: Session, contact, status, show_all, by, as_json) -> None:
    """List promises, the earliest due first."""
    with session.store.read() as conn:
        contact_id = lookup.resolve_contact(conn, contact) if contact else None
        from ..store import activity as history  # lazy for start-up: the records load after the lookup

        wanted = None if show_all else (status or CommitmentStatus.OPEN).value
        items = history.list_commitments(conn, contact_id, status=wanted, by=by.value if by else None)
        names = lookup.contact_names(conn)
    if as_json:
        emit_json({**p.model_dump(mode="json"), "contact": names.get(p.contact_id)} for p in items)
        return
    today = session.today
    table(
        [
            (
                p.id,
                names.get(p.contact_id, "?"),
                p.by.value,
                (p.due.isoformat() if p.due else "-")
                + (" OVERDUE" if p.due and p.due < today and p.status == CommitmentStatus.OPEN else ""),
                spoken(p.status),
                p.text,
            )
            for p in items
        ],
        ("ID", "CONTACT", "BY", "DUE", "STATUS", "PROMISE"),
    )


@promise.command("done")
@click.argument("promise_id", type=ID)
@pass_session
def promise_done(session: Session, promise_id: int) -> None:
    """Mark a promise as kept."""
    from ..services import operations  # lazy for start-up: the write layer loads after the lookup

    operations.keep_promise(session, promise_id)
    click.echo(f"Promise {promise_id} kept")


@promise.command("cancel")
@click.argument("promise_id", type=ID)
@pass_session
def promise_cancel(session: Session, promise_id: int) -> None:
    """Withdraw a promise that no longer applies."""
    from ..services import operations  # lazy for start-up: the write layer loads after the lookup

    operations.cancel_promise(session, promise_id)
    click.echo(f"Promise {promise_id} cancelled")


# ------------------------------------------------------------------ followup


@cli.group()
def followup() -> None:
    """Scheduled touches: add your own, complete, snooze or dismiss them."""


@followup.command("add")
@click.argument("contact")
@click.argument("reason", type=NOTES)
@click.option("--due", default="today", show_default=True, help="e.g. 'tomorrow 10:00', '+2w'.")
@click.option("--channel", type=EnumChoice(Channel))
@click.option("--action", default="", type=LINE, help="What to do, e.g. 'send the benchmark report'.")
@pass_session
def followup_add(session: Session, contact: str, reason: str, due: str, channel, action: str) -> None:
    """Plan a touch with CONTACT for REASON."""
    with session.store.read() as conn:  # whom first, as in `log`
        contact_id = lookup.resolve_contact(conn, contact)
    day, time = dates.parse_when(due, session.now, session.tz, field="due")
    from ..services import operations  # lazy for start-up: the write layer loads after the lookup

    item = _validate(
        "FollowUp", contact_id=contact_id, due=day, due_time=time, reason=reason, channel=channel, action=action
    )
    followup_id = operations.add_followup(session, item)
    click.echo(f"Added follow-up {followup_id}, due {day.isoformat()}" + (f" {time:%H:%M}" if time else ""))


@followup.command("list")
@click.option("--contact")
@click.option("--status", type=EnumChoice(FollowUpStatus), help="Default: open and snoozed.")
@click.option("--all", "show_all", is_flag=True)
@click.option("--json", "as_json", is_flag=True)
@pass_session
def followup_list(session: Session, contact, status, show_all, as_json) -> None:
    """List follow-ups by due date."""
    with session.store.read() as conn:
        contact_id = lookup.resolve_contact(conn, contact) if contact else None
        from ..store import followups as plans  # lazy for start-up: the records load after the lookup

        statuses = None if show_all else ((status.value,) if status else plans.OPEN_STATES)
        items = plans.list_followups(conn, contact_id, statuses=statuses)
        names = lookup.contact_names(conn)
    if as_json:
        emit_json({**f.model_dump(mode="json"), "contact": names.get(f.contact_id)} for f in items)
        return
    table(
        [
            (
                f.id,
                plans.effective_due(f).isoformat() + (f" {f.due_time:%H:%M}" if f.due_time else ""),
                names.get(f.contact_id, "?"),
                spoken(f.status),
                f.source,
                f.reason,
            )
            for f in items
        ],
        ("ID", "DUE", "CONTACT", "STATUS", "SOURCE", "REASON"),
    )


@followup.command("done")
@click.argument("followup_id", type=ID)
@pass_session
def followup_done(session: Session, followup_id: int) -> None:
    """Mark a follow-up done (log the interaction itself with `keepwarm log`)."""
    from ..services import operations  # lazy for start-up: the write layer loads after the lookup

    operations.complete(session, followup_id)
    click.echo(f"Follow-up {followup_id} done")


@followup.command("snooze")
@click.argument("followup_id", type=ID)
@click.option("--until", "until", default="+1w", show_default=True, help="When it comes back.")
@pass_session
def followup_snooze(session: Session, followup_id: int, until: str) -> None:
    """Put a follow-up off until a later date."""
    from ..services import operations  # lazy for start-up: the write layer loads after the lookup

    day = dates.parse_day(until, session.today, field="until")
    if day <= session.today:
        raise UserError(f"until: {until!r} is not after today (expected a future date)")
    operations.snooze(session, followup_id, day)
    click.echo(f"Follow-up {followup_id} snoozed until {day.isoformat()}")


@followup.command("dismiss")
@click.argument("followup_id", type=ID)
@pass_session
def followup_dismiss(session: Session, followup_id: int) -> None:
    """Drop a follow-up; the rule that proposed it will not propose it again."""
    from ..services import operations  # lazy for start-up: the write layer loads after the lookup

    operations.dismiss(session, followup_id)
    click.echo(f"Follow-up {followup_id} dismissed")


@followup.command("close")
@click.option(
    "--source", required=True, help="The plugin (the SOURCE column of `followup list`) whose follow-ups to close."
)
@click.option("--json", "as_json", is_flag=True, help="Print the count closed as JSON.")
@pass_session
def followup_close(session: Session, source: str, as_json: bool) -> None:
    """Dismiss every open or snoozed follow-up that SOURCE made (a plugin you removed or disabled)."""
    from ..services import operations  # lazy for start-up: the write layer loads after the lookup

    closed = operations.close_followups_of(session, source)
    if as_json:
        emit_json({"source": source, "closed": closed})
        return
    click.echo(f"Closed {closed} follow-up{'' if closed == 1 else 's'} from {source}")


@followup.command("repair")
@click.option("--json", "as_json", is_flag=True, help="Print the count repaired as JSON.")
@pass_session
def followup_repair(session: Session, as_json: bool) -> None:
    """Give the follow-ups a plugin stored without a usable reason the reason they are shown with.

    `keepwarm doctor` finds them; older versions let a plugin store an empty reason,
    which stopped a backup from being restored.
    """
    from ..services import operations  # lazy for start-up: the write layer loads after the lookup

    repaired = operations.repair_followups(session)
    if as_json:
        emit_json({"repaired": repaired})
        return
    click.echo(f"Repaired {repaired} follow-up{'' if repaired == 1 else 's'}")


# -------------------------------------------------------------------- assess

_LABELS = {
    "trust": "trust",
    "communication": "communication frequency",
    "sharing": "information sharing",
    "advocacy": "advocacy",
    "conflict": "conflict resolution",
    "commitment": "future commitment",
}


def _rating_options(func):
    for name in reversed(ASSESSMENT_DIMENSIONS):
        func = click.option(f"--{name}", type=IntRange(1, 5), required=True, help=f"{_LABELS[name]}, 1-5")(func)
    return func


@cli.command("assess")
@click.argument("contact")
@_rating_options
@click.option("--on", "on", default="today", show_default=True)
@click.option("--note", default="", type=NOTES)
@pass_session
def assess(session: Session, contact: str, on: str, note: str, **ratings) -> None:
    """Rate a relationship on the six strength dimensions (1-5 each)."""
    with session.store.read() as conn:  # whom first, as in `log`
        contact_id = lookup.resolve_contact(conn, contact)
        from ..store import contacts as people  # lazy for start-up: the records load after the lookup

        name = people.get_contact(conn, contact_id).name
    day = dates.parse_day(on, session.today, field="on")
    item = _validate("Assessment", contact_id=contact_id, on=day, note=note, **ratings)
    from ..services import operations  # lazy for start-up: the write layer loads after the lookup

    operations.assess(session, item)
    click.echo(f"Assessed {name}: mean {item.mean():.1f} of 5")
