"""The user's writes end to end, for the TUI: one transaction, then the engine.

Each function does what the matching CLI command does (the same repositories,
`actions.log_interactions`, the same reschedule through the engine), taking
values a form has already checked (see `keepwarm.services.forms`).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from ..errors import UserError
from ..home.session import Session
from ..model import Account, Assessment, Commitment, CommitmentStatus, Contact, FollowUp, FollowUpStatus
from ..store import activity as history
from ..store import contacts as people
from ..store import followups as plans
from ..text.controls import fold
from . import actions
from . import users as team


def resolve_contacts(session: Session, text: str) -> list[int]:
    """Comma-separated ids or names, each naming exactly one contact."""
    refs = [part.strip() for part in (text or "").split(",") if part.strip()]
    if not refs:
        raise UserError("contacts: empty (expected one or more names or ids, separated by commas)")
    with session.store.read() as conn:
        return list(dict.fromkeys(people.resolve_contact(conn, ref) for ref in refs))


def reschedule(session: Session, contact_ids: list[int]) -> None:
    """Let the cadence rules schedule what comes next for these contacts."""
    # lazy for start-up: the engine and its plugins load only when a run is needed
    from ..engine.evaluate import evaluate

    evaluate(session, contact_ids=contact_ids)


def log_touch(session: Session, fields: dict, *, followup_id: int | None = None) -> list[int]:
    """Log one touch per contact (fields from `forms.check_touch`), then reschedule them.

    With `followup_id` (the user marked that follow-up done by logging), the
    follow-up is closed in the same transaction even when the touch alone would
    not meet it (a promise, or one due further ahead than a touch reaches).
    """
    fields = dict(fields)
    ids = fields.pop("contact_ids")
    ahead = session.runtime.engine.satisfy_ahead_days
    with session.store.write() as conn:
        created = actions.log_interactions(conn, ids, session.now, ahead_days=ahead, **fields)
        if followup_id is not None:
            item = plans.get_followup(conn, followup_id)
            if item.status.value in plans.OPEN_STATES:
                plans.complete_followup(conn, followup_id, session.now)
    reschedule(session, ids)
    return created


def complete(session: Session, followup_id: int) -> None:
    with session.store.write() as conn:
        plans.complete_followup(conn, followup_id, session.now)


def snooze(session: Session, followup_id: int, until: dt.date) -> None:
    if until <= session.today:
        raise UserError(f"until: {until.isoformat()} is not after today (expected a future date)")
    with session.store.write() as conn:
        plans.snooze_followup(conn, followup_id, until, session.now)


def dismiss(session: Session, followup_id: int) -> None:
    with session.store.write() as conn:
        plans.dismiss_followup(conn, followup_id, session.now)


def undismiss(session: Session, followup_id: int) -> None:
    """Undo a dismiss: the follow-up is open (or snoozed) again, as before."""
    with session.store.write() as conn:
        plans.undismiss_followup(conn, followup_id, session.now)


def add_followup(session: Session, item: FollowUp) -> int:
    """Plan a touch of your own (`keepwarm followup add`); the rules leave a manual follow-up alone."""
    with session.store.write() as conn:
        return plans.insert_followup(conn, item, session.now)


def close_followups_of(session: Session, source: str) -> int:
    """Dismiss every open follow-up a plugin made (one you removed or disabled); how many."""
    with session.store.write() as conn:
        return plans.close_by_source(conn, source, session.now)


def repair_followups(session: Session) -> int:
    """Give the follow-ups stored without a usable reason the reason they are shown with; how many."""
    with session.store.write() as conn:
        return plans.repair_reasons(conn, session.now)


def followup_status(session: Session, followup_id: int) -> FollowUpStatus:
    with session.store.read() as conn:
        return plans.get_followup(conn, followup_id).status


def save_contact(session: Session, contact: Contact, contact_id: int | None = None) -> int:
    """Insert a new contact, or replace an existing one's fields; the whole record lands or nothing does.

    A new contact with no owner is the acting user's (store/users.py `owner_for_new`); an owner given must be
    one of the book's users."""
    if contact.owner and (contact_id is None or get_contact(session, contact_id).owner != contact.owner):
        team.check_owner(session, contact.owner)
    with session.store.write() as conn:
        if contact_id is None:
            return people.insert_contact(conn, contact, session.now)
        people.update_contact(conn, contact_id, contact, session.now)
        return contact_id


def set_rhythm(session: Session, contact_id: int, days: int | None) -> Contact:
    """Set the person's own rhythm (`keepwarm contact rhythm`; None clears it), then reschedule; the contact now."""
    with session.store.write() as conn:
        people.set_rhythm(conn, contact_id, days, session.now)
    reschedule(session, [contact_id])
    return get_contact(session, contact_id)


def snooze_contact(session: Session, contact_id: int, until: dt.date | None) -> Contact:
    """Snooze the person until a day after today (`keepwarm contact snooze`; None wakes them), then reschedule."""
    if until is not None and until <= session.today:
        raise UserError(f"snooze: {until.isoformat()} is not after today (expected a future day)")
    with session.store.write() as conn:
        people.set_snooze(conn, contact_id, until, session.now)
    reschedule(session, [contact_id])
    return get_contact(session, contact_id)


def delete_contact(session: Session, contact_id: int) -> None:
    """Remove a contact and their history (their account's other members are evaluated again by the next run)."""
    with session.store.write() as conn:
        people.delete_contact(conn, contact_id)


def save_account(session: Session, account: Account, account_id: int | None = None) -> int:
    """Insert a new account, or replace an existing one's fields."""
    with session.store.write() as conn:
        if account_id is None:
            return people.insert_account(conn, account, session.now)
        people.update_account(conn, account_id, account, session.now)
        return account_id


def get_contact(session: Session, contact_id: int) -> Contact:
    with session.store.read() as conn:
        return people.get_contact(conn, contact_id)


def same_person(
    session: Session, contact: Contact, contact_id: int | None = None, *, was: Contact | None = None
) -> list[dict]:
    """Who else already has this contact's name or one of its e-mails (see `store.contacts.same_person`).

    With `was` (the contact before an edit), only what the edit changed counts: a new name, an added
    e-mail. A namesake the contact already had is no news at every save."""
    name: str | None = contact.name
    emails = list(contact.emails)
    if was is not None:
        if fold(contact.name) == fold(was.name):
            name = None
        before = {e.strip().lower() for e in was.emails}
        emails = [e for e in emails if e.strip().lower() not in before]
    with session.store.read() as conn:
        return people.same_person(conn, name, emails, exclude=contact_id)


def assess(session: Session, assessment: Assessment) -> int:
    """Rate a relationship on the six dimensions (`keepwarm assess`), then reschedule: health reads it."""
    with session.store.write() as conn:
        assessment_id = history.insert_assessment(conn, assessment, session.now)
    reschedule(session, [assessment.contact_id])
    return assessment_id


# ---------------------------------------------------------------- promises


def promise_of_followup(session: Session, contact_id: int, rule_key: str | None) -> Commitment | None:
    """The open promise an agenda row reminds of, or None when the row is about something else."""
    with session.store.read() as conn:
        return actions.promise_of(conn, contact_id, rule_key)


def keep_promise(session: Session, promise_id: int) -> Commitment:
    """What `keepwarm promise done` does, then the engine's reschedule; returns the promise as it was."""
    with session.store.write() as conn:
        kept = history.get_commitment(conn, promise_id)
        actions.keep_promise(conn, promise_id, session.now)
    reschedule(session, [kept.contact_id])
    return kept


def cancel_promise(session: Session, promise_id: int) -> Commitment:
    """Withdraw a promise that no longer applies (`keepwarm promise cancel`), then reschedule; the promise as it was."""
    with session.store.write() as conn:
        was = history.get_commitment(conn, promise_id)
        history.set_commitment_status(conn, promise_id, CommitmentStatus.CANCELLED, session.now)
    reschedule(session, [was.contact_id])
    return was


def save_promise(session: Session, promise: Commitment, promise_id: int | None = None) -> int:
    """Add a promise (`keepwarm promise add`), or change an existing one's text, due date and side."""
    with session.store.write() as conn:
        if promise_id is None:
            promise_id = history.insert_commitment(conn, promise, session.now)
        else:
            history.update_commitment(conn, promise_id, text=promise.text, due=promise.due, by=promise.by.value)
    reschedule(session, [promise.contact_id])
    return promise_id


def open_promises(session: Session, contact_id: int) -> list[Commitment]:
    with session.store.read() as conn:
        return history.list_commitments(conn, contact_id, status="open")


# ------------------------------------------------- example, import, calendar
# The modules below belong to other parts of keepwarm; each entry point says
# None when its module is missing, and the app then leaves the action out.


def example_loader():
    """The example data set's loader (`keepwarm.io.demo.load_demo`), or None."""
    try:
        from ..io import demo  # lazy for start-up: the app loads an importer with the write that needs it
    except Exception:  # missing, or broken mid-upgrade: leave the action out rather than fail
        return None
    return getattr(demo, "load_demo", None)


def load_example(session: Session) -> dict[str, int]:
    """Load the example data set into the session's (empty) database; how many records of each kind."""
    loader = example_loader()
    if loader is None:
        raise UserError("example data: not available in this version of keepwarm")
    return loader(session.store, session.today, session.now)


def demo_book(session: Session) -> Path:
    """The demo book (`keepwarm demo`): its own database, filled with the example data when it has none yet.

    The user's database is never written: an existing demo book is opened as it is.
    """
    if example_loader() is None:
        raise UserError("example data: not available in this version of keepwarm")
    from ..io import demo  # lazy for start-up: the app loads an importer with the write that needs it

    target = demo.default_db()
    try:
        demo.load_into_file(target, session.today, session.now)
    except UserError:
        if not demo.holds_data(target):
            raise
    return target


def importer():
    """The contacts importer for one file (`keepwarm.io.imports.import_file`), or None."""
    try:
        from ..io import imports  # lazy for start-up: the app loads an importer with the write that needs it
    except Exception:  # missing, or broken mid-upgrade: leave the action out rather than fail
        return None
    return getattr(imports, "import_file", None)


def import_file(session: Session, path: Path) -> str:
    """Import a .vcf or .csv file of contacts; returns the import report's summary line."""
    run = importer()
    if run is None:
        raise UserError("import: not available in this version of keepwarm (use `keepwarm import` on the command line)")
    return run(session, Path(path).expanduser())


def calendar_exporter():
    """The iCalendar export (`keepwarm.calendar.export.build_export`), or None."""
    try:
        from ..calendar import export  # lazy for start-up: the calendar libraries load with an export only
    except Exception:  # missing, or broken mid-upgrade: leave the action out rather than fail
        return None
    return getattr(export, "build_export", None)


def export_calendar(session: Session, path: Path) -> str:
    """What `keepwarm export ics -o PATH` does with the configured horizon and alarm."""
    if calendar_exporter() is None:
        raise UserError("export: the calendar export is not available in this version of keepwarm")
    # lazy for start-up: the calendar libraries load with an export only
    from ..calendar.export import Selection, build_export
    from ..calendar.output import check_writable, write_atomic  # lazy for start-up

    cfg = session.settings.calendar
    selection = Selection(days=cfg.days, alarm_minutes=cfg.alarm_minutes, alarm_time=cfg.alarm_time, persist=True)
    path = Path(path).expanduser()
    check_writable(path)
    result = build_export(session, selection, str(path.resolve()))
    write_atomic(path, result.chunks())
    result.commit(session.now)
    active = result.counts["active"]
    cancelled = result.counts["cancelled"]
    more = f" and {cancelled} cancellation{'' if cancelled == 1 else 's'}" if cancelled else ""
    return f"Wrote {active} event{'' if active == 1 else 's'}{more} to {path}."
