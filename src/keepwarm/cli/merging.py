"""`keepwarm contact merge`: two contacts who are one person made one, after saying what that does."""

from __future__ import annotations

import click

from ..errors import UserError
from ..home.session import Session
from ..store import lookup
from ..text.wording import one_line
from .contacts import _answer, contact, pass_session
from .output import emit_json


@contact.command("merge")
@click.argument("keep_ref", metavar="KEEP")
@click.argument("gone_ref", metavar="OTHER")
@click.option("--yes", "-y", is_flag=True, help="Do not ask for confirmation.")
@click.option("--dry-run", is_flag=True, help="Say what the merge would do; change nothing.")
@click.option("--json", "as_json", is_flag=True, help="Print what was (or would be) done as JSON.")
@pass_session
def contact_merge(session: Session, keep_ref: str, gone_ref: str, yes: bool, dry_run: bool, as_json: bool) -> None:
    """Make OTHER part of KEEP: its history, promises, follow-ups, notes and links move to KEEP, its e-mails,
    phones and tags are added, and OTHER is removed. Where both have a value, KEEP's is kept (each named first)."""
    # lazy for start-up: every `contact` command loads this module, only `contact merge` merges
    from ..services.merge import describe, merge_contacts

    with session.store.read() as conn:
        keep, gone = lookup.resolve_contact(conn, keep_ref), lookup.resolve_contact(conn, gone_ref)
    plan = merge_contacts(session, keep, gone, dry_run=True)
    if dry_run:
        if as_json:
            emit_json(plan.to_json())
        else:
            click.echo(f"Would merge #{gone} {one_line(plan.gone_name)} into #{keep} {one_line(plan.contact.name)}:")
            click.echo("\n".join(describe(plan)))
        return
    if not yes:
        # Ask outside any transaction: a prompt must not hold the write lock.
        click.echo(f"Merging #{gone} {one_line(plan.gone_name)} into #{keep} {one_line(plan.contact.name)}:", err=True)
        click.echo("\n".join(describe(plan)), err=True)
        answer = _answer(f"Merge #{gone} into #{keep} and remove #{gone}?")
        if answer is None:
            raise UserError("contact merge: not merged (no answer; pass --yes to merge without asking)")
        if not answer:
            raise click.Abort()
    done = merge_contacts(session, keep, gone)
    if as_json:
        emit_json(done.to_json())
        return
    click.echo(f"Merged #{gone} {one_line(done.gone_name)} into #{keep} {one_line(done.contact.name)}")
    if yes:
        click.echo("\n".join(describe(done)))
