"""`keepwarm contact ...` and `keepwarm account ...`."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from ..errors import UserError, describe_validation_error
from ..home.session import Session
from ..model import (
    Channel,
    DateKind,
    Motivation,
    Role,
    SocialStyle,
    Stage,
    Tier,
    stored_id,
)
from ..store import lookup
from ..text import dates
from ..text.rhythms import parse_rhythm, parse_snooze, rhythm
from ..text.wording import spoken
from . import cli
from .opening import creates_database
from .output import emit_json, table
from .params import LINE, NOTES, EnumChoice

if TYPE_CHECKING:
    from ..model import Contact, ImportantDate

# Each command imports what only it uses (the records, pydantic, the write layer, the detail views):
# `contact show` of an id that is not there stops at the lookup, before any of them is needed.

pass_session = click.make_pass_decorator(Session)


def _important_date(kind: DateKind, text: str, label: str = "") -> ImportantDate:
    from pydantic import ValidationError  # lazy for start-up: pydantic loads with the records

    from ..model import ImportantDate  # lazy for start-up (as above)

    year, month, day = dates.parse_yearless(text, field=kind.value)
    try:
        return ImportantDate(kind=kind, month=month, day=day, year=year, label=label)
    except ValidationError as exc:
        raise UserError(f"{kind.value}: {describe_validation_error(exc)}") from None


def _custom_dates(values: tuple[str, ...]) -> list[ImportantDate]:
    out = []
    for value in values:
        label, sep, when = value.rpartition("=")
        if not sep or not label.strip():
            raise UserError(f"date: {value!r} is not LABEL=DATE (expected e.g. 'company founded=2019-05-02')")
        out.append(_important_date(DateKind.CUSTOM, when, label.strip()))
    return out


def contact_options(func):
    """The editable fields, shared by `add` and `edit` so both accept the same words."""
    options = [
        click.option("--account", type=LINE, help="Organization (created if new)."),
        click.option("--title", type=LINE, help="Job title."),
        click.option("--email", "emails", multiple=True, type=LINE, help="Email address (repeatable)."),
        click.option("--phone", "phones", multiple=True, type=LINE, help="Phone number (repeatable)."),
        click.option("--role", type=EnumChoice(Role), help="Stakeholder role."),
        click.option("--style", type=EnumChoice(SocialStyle), help="Social style."),
        click.option(
            "--motivation",
            "motivations",
            multiple=True,
            type=EnumChoice(Motivation),
            help="Motivation driver (repeatable).",
        ),
        click.option(
            "--interest", "interests", multiple=True, type=LINE, help="Interest, e.g. 'college football' (repeatable)."
        ),
        click.option("--channel", "preferred_channel", type=EnumChoice(Channel), help="Preferred channel."),
        click.option("--best-time", type=LINE, help="When they like to be reached, e.g. 'mornings'."),
        click.option("--do-not-contact/--may-contact", default=None, help="Never propose touches for this person."),
        click.option("--birthday", help="1985-03-14, or 03-14 without a year."),
        click.option("--work-anniversary", help="Date they started in their role."),
        click.option("--date", "custom_dates", multiple=True, help="A custom yearly date: LABEL=DATE (repeatable)."),
        click.option("--tier", type=EnumChoice(Tier), help="a (closest) to c (wide network)."),
        click.option("--stage", type=EnumChoice(Stage), help="Relationship stage."),
        click.option("--tag", "tags", multiple=True, type=LINE, help="Tag (repeatable)."),
        click.option("--notes", type=NOTES, help="Free notes."),
        click.option("--owner", type=LINE, help="Team member who owns this relationship."),
    ]
    for option in reversed(options):
        func = option(func)
    return func


def _apply(base: dict, given: dict) -> dict:
    """Fold the options the user actually gave into a contact's fields."""
    data = dict(base)
    for key in (
        "account",
        "title",
        "role",
        "style",
        "preferred_channel",
        "best_time",
        "do_not_contact",
        "tier",
        "stage",
        "notes",
        "owner",
    ):
        if given.get(key) is not None:
            data[key] = given[key]
    for key in ("emails", "phones", "motivations", "interests", "tags"):
        if given.get(key):
            data[key] = list(given[key])
    new_dates: list[ImportantDate] = list(data.get("dates", []))
    for key, kind in (("birthday", DateKind.BIRTHDAY), ("work_anniversary", DateKind.WORK_ANNIVERSARY)):
        if given.get(key):
            new_dates = [d for d in new_dates if d.kind != kind] + [_important_date(kind, given[key])]
    new_dates += _custom_dates(given.get("custom_dates") or ())
    data["dates"] = new_dates
    return data


def _validated(data: dict) -> Contact:
    from pydantic import ValidationError  # lazy for start-up: pydantic loads with the records

    from ..model import Contact  # lazy for start-up (as above)

    try:
        return Contact.model_validate(data)
    except ValidationError as exc:
        raise UserError(describe_validation_error(exc)) from None


@cli.group()
def contact() -> None:
    """Add, list, show, edit, merge and remove contacts."""


def _answer(question: str) -> bool | None:
    """The user's yes or no; None when standard input gives no answer (a script, `< /dev/null`).

    click turns the end of input into Abort ("Aborted.", exit 1), which says
    neither what was not done nor which option a script should pass.
    """
    try:
        return click.confirm(question, default=False, err=True)
    except click.Abort:
        click.echo("", err=True)
        return None


def _confirm_new(session: Session, new: Contact, force: bool) -> None:
    """Warn about the contacts a new one may duplicate; ask, unless --force (scripts) says to add it anyway."""
    from ..store import contacts as repo  # lazy for start-up: the records' store, for the commands that read them

    with session.store.read() as conn:
        found = repo.same_person(conn, new.name, new.emails)
    for person in found:
        click.echo(
            f"warning: {repo.describe(person)} exists already ({person['why']}); "
            f"see it with: keepwarm contact show {person['id']}",
            err=True,
        )
    if not found or force:
        return
    # Ask outside any transaction: a prompt must not hold the write lock.
    if not _answer(f"Add {new.name} as a new contact all the same?"):
        raise UserError(
            "contact add: not added (pass --force to add a namesake anyway, or --merge to add these details to them)"
        )


def _add_to_existing(session: Session, new: Contact, as_json: bool) -> bool:
    """`contact add --merge`: the details added to the one contact with this name or e-mail (True), or nobody
    has them (False: added as a new contact). Several who do: an error naming them, nothing written."""
    from ..store import contacts as repo  # lazy for start-up (see _confirm_new)

    with session.store.read() as conn:
        found = repo.same_person(conn, new.name, new.emails)
    if not found:
        return False
    if len(found) > 1:
        named = "; ".join(f"{repo.describe(p)}: {p['why']}" for p in found)
        raise UserError(
            f"contact add --merge: {len(found)} contacts have this name or e-mail ({named}); "
            "merge them first (keepwarm contact merge) or edit the one you mean"
        )
    from ..services.merge import add_details  # lazy for start-up: only `contact add --merge` adds details

    added = add_details(session, found[0]["id"], new)
    if as_json:
        emit_json(
            {
                "added_to": added.contact_id,
                "contact": added.contact.model_dump(mode="json"),
                "filled": added.filled,
                "conflicts": [{"field": f, "kept": kept, "not_kept": given} for f, kept, given in added.conflicts],
            }
        )
    else:
        click.echo(f"Added to contact {added.contact_id}: {added.contact.name}")
        click.echo("\n".join(added.lines()))
    return True


@contact.command("add")
@click.argument("name", type=LINE)
@contact_options
@click.option(
    "--force",
    "--yes",
    "-y",
    "force",
    is_flag=True,
    help="Add even when someone has this name or e-mail already (no question asked).",
)
@click.option(
    "--merge",
    "merge_into",
    is_flag=True,
    help="When one contact has this name or e-mail already, add these details to them instead of adding someone new.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the new contact as JSON.")
@pass_session
@creates_database
def contact_add(session: Session, name: str, as_json: bool, force: bool, merge_into: bool, **given) -> None:
    """Add a contact called NAME; someone with the same name or e-mail is named first and you are asked."""
    from ..services import operations  # lazy for start-up: the write layer, for the commands that write

    new = _validated(_apply({"name": name}, given))
    if merge_into and _add_to_existing(session, new, as_json):
        return
    _confirm_new(session, new, force)
    contact_id = operations.save_contact(session, new)
    saved = operations.get_contact(session, contact_id)
    if as_json:
        emit_json(saved.model_dump(mode="json"))
    else:
        click.echo(f"Added contact {contact_id}: {saved.name}")


@contact.command("list")
@click.option("--account", help="Only this account's people.")
@click.option("--tag", help="Only contacts with this tag.")
@click.option("--role", type=EnumChoice(Role))
@click.option("--style", type=EnumChoice(SocialStyle))
@click.option("--stage", type=EnumChoice(Stage))
@click.option("--search", "-s", help="Name fragment (case and accents ignored).")
@click.option("--owner", type=LINE, help="Only the contacts this user owns (see keepwarm user list).")
@click.option("--json", "as_json", is_flag=True)
@pass_session
def contact_list(session: Session, account, tag, role, style, stage, search, owner, as_json) -> None:
    """List contacts, optionally filtered."""
    from ..store import contacts as repo  # lazy for start-up (see _confirm_new)

    with session.store.read() as conn:
        if owner is not None:
            from ..store import users  # lazy for start-up: only a list by owner reads the users

            users.find(conn, owner)
        found = repo.list_contacts(
            conn,
            account=account,
            tag=tag,
            role=role.value if role else None,
            style=style.value if style else None,
            stage=stage.value if stage else None,
            search=search,
            owner=owner,
        )
    if as_json:
        emit_json(c.model_dump(mode="json") for c in found)  # one at a time: all 50,000 at once were 34 MB more
        return
    table(
        [
            (
                c.id,
                c.name,
                c.account or "",
                spoken(c.role) if c.role else "",
                spoken(c.style),
                spoken(c.stage),
                ", ".join(c.tags),
            )
            for c in found
        ],
        ("ID", "NAME", "ACCOUNT", "ROLE", "STYLE", "STAGE", "TAGS"),
    )


@contact.command("show")
@click.argument("ref")
@click.option("--json", "as_json", is_flag=True)
@pass_session
def contact_show(session: Session, ref: str, as_json: bool) -> None:
    """Show one contact: profile, history, promises, follow-ups, assessments."""
    with session.store.read() as conn:
        contact_id = lookup.resolve_contact(conn, ref)
    from ..services import detail  # lazy for start-up: the detail views, once there is a contact to show

    view = detail.contact_detail(session, contact_id)
    if as_json:
        emit_json(view)
    else:
        click.echo(detail.render_text(view, session.tz))


@contact.command("edit")
@click.argument("ref")
@click.option("--name", type=LINE, help="New name.")
@contact_options
@click.option("--add-tag", multiple=True, type=LINE, help="Add a tag, keeping the others.")
@click.option("--remove-tag", multiple=True, help="Remove a tag.")
@click.option("--clear-dates", is_flag=True, help="Forget all important dates first.")
@pass_session
def contact_edit(session: Session, ref: str, name, add_tag, remove_tag, clear_dates, **given) -> None:
    """Change the fields given; list options (--email, --tag...) replace the whole list."""
    from ..services import operations  # lazy for start-up (see contact_add)
    from ..store import contacts as repo  # lazy for start-up (see _confirm_new)

    with session.store.read() as conn:
        contact_id = lookup.resolve_contact(conn, ref)
        existing = repo.get_contact(conn, contact_id)
    current = existing.model_dump()
    current["dates"] = [] if clear_dates else list(existing.dates)
    data = _apply(current, given)
    if name:
        data["name"] = name
    tags = [t for t in data["tags"] if t.lower() not in {r.lower() for r in remove_tag}]
    data["tags"] = tags + list(add_tag)
    updated = _validated(data)
    if updated.model_dump() == _validated(existing.model_dump()).model_dump():
        # nothing given, or only what is there already: say so, and leave updated_at alone
        click.echo(f"Contact {contact_id} unchanged: {updated.name}")
        return
    operations.save_contact(session, updated, contact_id)
    click.echo(f"Updated contact {contact_id}: {updated.name}")


def _one_of(text: str | None, clear: bool, command: str) -> None:
    if text is not None and clear:
        raise UserError(f"contact {command}: give a {command} or --clear, not both")


def _rhythm_json(c: Contact, today) -> dict:
    return {
        "id": c.id,
        "name": c.name,
        "rhythm_days": c.rhythm_days,
        "rhythm": rhythm(c.rhythm_days) if c.rhythm_days is not None else None,
        "snoozed_until": c.snoozed_until.isoformat() if c.snoozed_until is not None else None,
        "snoozed": c.snoozed_until is not None and c.snoozed_until > today and not c.held_by,
        "held_by": c.held_by,
    }


@contact.command("rhythm")
@click.argument("ref")
@click.argument("text", required=False, type=LINE)
@click.option("--clear", is_flag=True, help="Forget it: the tier, role and stage rules set the rhythm again.")
@click.option("--json", "as_json", is_flag=True)
@pass_session
def contact_rhythm(session: Session, ref: str, text: str | None, clear: bool, as_json: bool) -> None:
    """Keep in touch with REF at your own rhythm ("every 3 weeks", "every 10 days", "monthly").

    It replaces what the tier, role and stage rules would say for this person, and
    the follow-up's reason says so. Without TEXT, shows the rhythm set.
    """
    from ..services import operations  # lazy for start-up (see contact_add)

    _one_of(text, clear, "rhythm")
    days = None if text is None else parse_rhythm(text)  # checked before anything is read or written
    with session.store.read() as conn:
        contact_id = lookup.resolve_contact(conn, ref)
    if text is None and not clear:
        found = operations.get_contact(session, contact_id)
    else:
        found = operations.set_rhythm(session, contact_id, days)
    if as_json:
        emit_json(_rhythm_json(found, session.today))
    elif found.rhythm_days is None:
        verb = "cleared" if clear else "not set"
        click.echo(f"Contact {contact_id} ({found.name}): own rhythm {verb}; the cadence rules set it")
    else:
        verb = "is" if text is None else "set to"
        click.echo(f"Contact {contact_id} ({found.name}): rhythm {verb} {rhythm(found.rhythm_days)}")


@contact.command("snooze")
@click.argument("ref")
@click.argument("text", required=False, type=LINE)
@click.option("--clear", is_flag=True, help="Wake them: what was due is due again.")
@click.option("--json", "as_json", is_flag=True)
@pass_session
def contact_snooze(session: Session, ref: str, text: str | None, clear: bool, as_json: bool) -> None:
    """Nothing due for REF before a day ("until 2027-03-01", "not before March", "for 3 weeks").

    Their open follow-ups wait until then, and no rule proposes a touch before it.
    Without TEXT, shows the snooze.
    """
    from ..services import operations  # lazy for start-up (see contact_add)

    _one_of(text, clear, "snooze")
    until = None if text is None else parse_snooze(text, session.today)  # checked before anything is written
    with session.store.read() as conn:
        contact_id = lookup.resolve_contact(conn, ref)
    if text is None and not clear:
        found = operations.get_contact(session, contact_id)
    else:
        found = operations.snooze_contact(session, contact_id, until)
    if as_json:
        emit_json(_rhythm_json(found, session.today))
    elif found.snoozed_until is None or found.snoozed_until <= session.today:
        verb = "woken" if clear else "not snoozed"
        click.echo(f"Contact {contact_id} ({found.name}): {verb}")
    else:
        held = "first touch planned for" if found.held_by == "import" else "snoozed until"
        click.echo(
            f"Contact {contact_id} ({found.name}): {held} {found.snoozed_until:%a %d %b %Y}; nothing is due before"
        )


@contact.command("rm")
@click.argument("ref")
@click.option("--yes", "-y", is_flag=True, help="Do not ask for confirmation.")
@pass_session
def contact_rm(session: Session, ref: str, yes: bool) -> None:
    """Remove a contact and their history."""
    from ..services import operations  # lazy for start-up (see contact_add)
    from ..store import contacts as repo  # lazy for start-up (see _confirm_new)

    with session.store.read() as conn:
        contact_id = lookup.resolve_contact(conn, ref)
        found = repo.get_contact(conn, contact_id)
        name = found.name
    who = repo.describe({"id": contact_id, "name": name, "account": found.account})
    # Ask outside any transaction: a prompt must not hold the write lock.
    if not yes:
        answer = _answer(f"Remove {who} and all their history?")
        if answer is None:
            raise UserError("contact rm: not removed (no answer; pass --yes to remove without asking)")
        if not answer:
            raise click.Abort()
    operations.delete_contact(session, contact_id)
    click.echo(f"Removed contact {contact_id}: {name}")


# ------------------------------------------------------------------ accounts


def account_options(func):
    for option in reversed(
        [
            click.option("--industry", type=LINE),
            click.option("--culture", type=NOTES, help="How they work and decide, in your words."),
            click.option("--decision-making", type=LINE),
            click.option("--risk-tolerance", type=LINE),
            click.option("--budget-cycle", type=LINE),
            click.option("--notes", type=NOTES),
        ]
    ):
        func = option(func)
    return func


@cli.group()
def account() -> None:
    """Organizations and their stakeholders."""


@account.command("add")
@click.argument("name", type=LINE)
@account_options
@pass_session
@creates_database
def account_add(session: Session, name: str, **given) -> None:
    """Add an account called NAME."""
    from pydantic import ValidationError  # lazy for start-up: pydantic loads with the records

    from ..model import Account  # lazy for start-up (as above)
    from ..services import operations  # lazy for start-up (see contact_add)

    try:
        new = Account(name=name, **{k: v for k, v in given.items() if v is not None})
    except ValidationError as exc:
        raise UserError(describe_validation_error(exc)) from None
    account_id = operations.save_account(session, new)
    click.echo(f"Added account {account_id}: {new.name}")


@account.command("edit")
@click.argument("ref")
@click.option("--name", type=LINE)
@account_options
@pass_session
def account_edit(session: Session, ref: str, name, **given) -> None:
    """Change the fields given."""
    from pydantic import ValidationError  # lazy for start-up: pydantic loads with the records

    from ..model import Account  # lazy for start-up (as above)
    from ..services import operations  # lazy for start-up (see contact_add)
    from ..store import contacts as repo  # lazy for start-up (see _confirm_new)

    with session.store.read() as conn:
        account_id = lookup.resolve_account(conn, ref)
        data = repo.get_account(conn, account_id).model_dump()
    data.update({k: v for k, v in given.items() if v is not None})
    if name:
        data["name"] = name
    try:
        updated = Account.model_validate(data)
    except ValidationError as exc:
        raise UserError(describe_validation_error(exc)) from None
    operations.save_account(session, updated, account_id)
    click.echo(f"Updated account {account_id}: {updated.name}")


@account.command("list")
@click.option("--json", "as_json", is_flag=True)
@pass_session
def account_list(session: Session, as_json: bool) -> None:
    """List accounts with their number of contacts."""
    from ..store import contacts as repo  # lazy for start-up (see _confirm_new)

    with session.store.read() as conn:
        found = repo.list_accounts(conn)
        counts = repo.contacts_per_account(conn)
    if as_json:
        emit_json({**a.model_dump(mode="json"), "contacts": counts.get(stored_id(a.id), 0)} for a in found)
        return
    table(
        [(a.id, a.name, a.industry, counts.get(stored_id(a.id), 0)) for a in found],
        ("ID", "NAME", "INDUSTRY", "CONTACTS"),
    )


@account.command("show")
@click.argument("ref")
@click.option("--json", "as_json", is_flag=True)
@pass_session
def account_show(session: Session, ref: str, as_json: bool) -> None:
    """Show an account and its stakeholders by role."""
    with session.store.read() as conn:
        account_id = lookup.resolve_account(conn, ref)
    from ..services import detail  # lazy for start-up (see contact_show)

    view = detail.account_detail(session, account_id)
    if as_json:
        emit_json(view)
    else:
        click.echo(detail.render_account_text(view))
