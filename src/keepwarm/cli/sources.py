"""`keepwarm source`, `keepwarm sync` and `keepwarm correspondents`: touches read from mail and calendars."""

from __future__ import annotations

import signal
import sys
import threading
import tomllib
from pathlib import Path
from typing import Any

import click
from pydantic_core import to_jsonable_python
from sqlalchemy import func, select

from ..errors import UserError, describe_validation_error
from ..home.session import Session
from ..home.settings import Settings, SourceSettings
from ..sources import config_file, correspondents
from ..sources.registry import configured, kinds, require, validate
from ..store import captures as kept
from ..store import cards, location
from ..store import contacts as people
from ..store.schema import interactions
from ..text.wording import plural
from . import cli
from .opening import creates_database
from .output import emit_json, table
from .problems import report_problems
from .terminal import ProgressLine

pass_session = click.make_pass_decorator(Session)


def _value(text: str):
    """A --set value as TOML reads it (numbers, true/false, ["lists"]), or else as plain text."""
    try:
        return tomllib.loads(f"v = {text}")["v"]
    except tomllib.TOMLDecodeError:
        return text


def _settings(pairs: tuple[str, ...]) -> dict:
    out = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise UserError(f'--set: {pair!r} is not KEY=VALUE (e.g. --set folders=\'["INBOX", "Sent"]\')')
        out[key.strip()] = _value(value.strip())
    return out


def _target(value: str) -> str:
    """A path given with ~ or relative to here is kept as the absolute path it means now."""
    if value.startswith(("~", ".", "/")) or Path(value).exists():
        return str(Path(value).expanduser().resolve())
    return value


def _fresh_name(session: Session, kind: str) -> str:
    taken = set(session.settings.sources)
    if kind not in taken:
        return kind
    n = 2
    while f"{kind}-{n}" in taken:
        n += 1
    return f"{kind}-{n}"


def _sync_summaries(session: Session, names: list[str] | None, as_json: bool, dry_run: bool = False) -> list:
    """Sync with a progress line; the first Ctrl-C stops after the item being read, keeping what was saved."""
    from ..sources.sync import sync  # lazy for start-up: the sync and its readers load with `source sync` only

    bar = ProgressLine() if not as_json else None
    cancel = threading.Event()

    def stop(_signum, _frame) -> None:
        if cancel.is_set():
            raise KeyboardInterrupt
        cancel.set()
        click.echo("\nStopping after the message or event being read (Ctrl-C again stops at once)...", err=True)

    previous = signal.signal(signal.SIGINT, stop) if threading.current_thread() is threading.main_thread() else None
    try:
        summaries = sync(session, names, dry_run=dry_run, progress=bar, cancel=cancel)
    finally:
        if previous is not None:
            signal.signal(signal.SIGINT, previous)
        if bar is not None:
            bar.close()
    report_problems(session.runtime)
    return summaries


def _print_summaries(summaries: list, as_json: bool) -> None:
    if as_json:
        emit_json([s.to_json() for s in summaries])
    else:
        if not summaries:
            click.echo(
                "No sources yet: add one with `keepwarm source add maildir ~/Mail/work` "
                "(or mbox, imap, ics, vdir, caldav, contacts, carddav; `keepwarm source kinds` lists them)."
            )
        for summary in summaries:
            click.echo(summary.line())
    if any(s.stopped for s in summaries):
        sys.exit(130)  # as a shell reports a command stopped by Ctrl-C
    if any(s.problem or getattr(s, "unreadable", None) for s in summaries):  # a card not synced is a failure too
        sys.exit(1)


def _run_sync(session: Session, names: list[str] | None, dry_run: bool, as_json: bool) -> None:
    _print_summaries(_sync_summaries(session, names, as_json, dry_run), as_json)


# ------------------------------------------------------------------ source


@cli.group("source")
def source_group() -> None:
    """Mail and calendars to read touches from: add, list and remove them.

    A source is a table in config.toml (`[sources.NAME]`, with its `kind`);
    `keepwarm sync` reads each from where it stopped. Only what the rules need
    is kept: times, the addresses that matched, direction, channel, thread
    ids and outcome; subjects only with `[sync] keep_subjects = true`; never
    a message body.
    """


@source_group.command("kinds")
@click.option("--json", "as_json", is_flag=True, help="Print the kinds and their options as JSON.")
@pass_session
def kinds_command(session: Session, as_json: bool) -> None:
    """List the kinds of source the plugins offer, with their options."""
    offered = kinds(session)
    report_problems(session.runtime)
    rows: list[dict[str, Any]] = []
    for name, (plugin, kind) in sorted(offered.items()):
        options = {
            key: {
                "required": field.is_required(),
                "default": None
                if field.is_required()
                else to_jsonable_python(field.get_default(call_default_factory=True), fallback=str),
                "help": field.description or "",
            }
            for key, field in kind.options.model_fields.items()
        }
        rows.append(
            {
                "kind": name,
                "family": kind.family,
                "plugin": plugin,
                "summary": kind.summary,
                "target": kind.target,
                "options": options,
            }
        )
    if as_json:
        emit_json(rows)
        return
    for row in rows:
        click.echo(f"{row['kind']} ({row['family']}, plugin {row['plugin']}): {row['summary']}")
        click.echo(f"  keepwarm source add {row['kind']} {row['target'].upper()}")
        for key, info in row["options"].items():
            if key == row["target"]:
                continue
            shown = info["default"] not in (None, "", [], {})
            default = f" (default: {info['default']!r})" if shown and not info["required"] else ""
            click.echo(f"  --set {key}=...  {info['help']}{default}")


@source_group.command("add")
@click.argument("kind")
@click.argument("target")
@click.option("--name", help="What to call the source (default: the kind, numbered if taken).")
@click.option(
    "--set",
    "pairs",
    multiple=True,
    metavar="KEY=VALUE",
    help="Another option of the kind (see `keepwarm source kinds`); repeat for several.",
)
@click.option(
    "--me",
    "addresses",
    multiple=True,
    metavar="ADDRESS",
    help="One of your own e-mail addresses, added to `me` in config.toml; repeat for aliases.",
)
@click.option("--no-sync", is_flag=True, help="Only add it; read it with the next `keepwarm sync`.")
@click.option("--json", "as_json", is_flag=True, help="Print the first sync's summary as JSON.")
@pass_session
@creates_database
def add_command(
    session: Session,
    kind: str,
    target: str,
    name: str | None,
    pairs: tuple[str, ...],
    addresses: tuple[str, ...],
    no_sync: bool,
    as_json: bool,
) -> None:
    """Add a source of KIND reading TARGET (a folder, a file, a server), then sync it.

    \b
    keepwarm source add maildir ~/Mail/work --me you@work.example
    keepwarm source add vdir ~/.local/share/calendars/work
    keepwarm source add imap mail.example.org --set username=you --set password_command="pass show mail"

    A password is never written to config.toml: IMAP and CalDAV take a
    command that prints it (`password_command`) or the system keyring.
    """
    offered = kinds(session)
    if kind not in offered:
        known = ", ".join(sorted(offered)) or "none (are plugins disabled?)"
        raise UserError(f"KIND: no plugin offers the source kind {kind!r} (known kinds: {known})")
    name = name or _fresh_name(session, kind)
    if name in session.settings.sources:
        raise UserError(f"--name: a source named {name!r} exists already (see `keepwarm source list`)")
    try:
        Settings.model_validate({"sources": {name: {"kind": kind}}})
        me = Settings.model_validate({"me": [*session.settings.me, *addresses]}).me
    except Exception as exc:  # a name or address the settings refuse
        raise UserError(describe_validation_error(exc)) from None
    _, found = offered[kind]
    values = {**_settings(pairs), found.target: _target(target)}
    options = validate(found, name, values)
    written = options.model_dump(mode="json", exclude_defaults=True)
    written[found.target] = options.model_dump(mode="json")[found.target]
    if no_sync:
        path = config_file.add_source(name, kind, written, me=me if addresses else None)
        click.echo(f"Added source {name} ({kind}: {written[found.target]}) to {path}", err=True)
        return
    # The first sync runs before the source is written down: one that cannot read anything at all
    # (no such folder, the server refuses the login) adds nothing, and says why.
    trial = session.settings.model_copy(
        update={"me": me, "sources": {**session.settings.sources, name: SourceSettings(kind=kind, **written)}}
    )
    session.__dict__["settings"] = trial
    summaries = _sync_summaries(session, [name], as_json)
    [summary] = summaries
    if summary.problem and summary.read == 0:
        with session.store.write() as conn:
            kept.forget(conn, name, keep_touches=False)
            cards.forget(conn, name)
        raise UserError(
            f"{summary.problem}; the source was not added (fix it and add it again, or add it as it is with --no-sync)"
        )
    path = config_file.add_source(name, kind, written, me=me if addresses else None)
    click.echo(f"Added source {name} ({kind}: {written[found.target]}) to {path}", err=True)
    _print_summaries(summaries, as_json)


@source_group.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print the sources as JSON.")
@pass_session
def list_command(session: Session, as_json: bool) -> None:
    """List the sources, when each last synced, and what it brought."""
    every = configured(session)
    rows: list[dict[str, Any]] = []
    with session.store.read() as conn:
        for source in every:
            _, summary, synced = kept.load_state(conn, source.name)
            waiting = len(cards.waiting(conn, source.name))
            problem = source.problem or (summary or {}).get("problem")
            if waiting and not problem:  # an address book's conflicts and deletions wait for the user
                problem = f"{plural(waiting, 'card')} waiting (keepwarm source conflicts {source.name})"
            rows.append(
                {
                    "name": source.name,
                    "kind": source.kind_name,
                    "target": source.target,
                    "synced_at": synced.isoformat() if synced else None,
                    "touches": kept.touches_of(conn, source.name),
                    "last_sync": summary or None,
                    "waiting": waiting,
                    "problem": problem,
                }
            )
    if as_json:
        emit_json(rows)
        return
    if not rows:
        click.echo(
            "No sources yet: add one with `keepwarm source add maildir ~/Mail/work` "
            "(`keepwarm source kinds` lists the kinds)."
        )
        return
    table(
        [
            (
                r["name"],
                r["kind"],
                r["target"],
                (r["synced_at"] or "never")[:16].replace("T", " "),
                r["touches"],
                r["problem"] or "",
            )
            for r in rows
        ],
        ["NAME", "KIND", "TARGET", "LAST SYNC", "TOUCHES", "PROBLEM"],
    )


@source_group.command("rm")
@click.argument("name")
@click.option(
    "--keep-touches/--drop-touches",
    "keep",
    default=None,
    help="Keep the touches it brought as history, or remove them (asked when not given).",
)
@click.option("--json", "as_json", is_flag=True, help="Print what was removed as JSON.")
@pass_session
def rm_command(session: Session, name: str, keep: bool | None, as_json: bool) -> None:
    """Remove the source NAME; asks whether to keep the touches it brought."""
    require(session, name)
    count = 0
    if location.is_there(session.db_path):
        with session.store.read() as conn:
            count = kept.touches_of(conn, name)
    if keep is None:
        if count == 0:
            keep = True
        elif sys.stdin.isatty():
            keep = click.confirm(f"Keep the {plural(count, 'touch')} {name} brought, as history?", default=True)
        else:
            raise UserError(f"{name} brought {plural(count, 'touch')}: say --keep-touches or --drop-touches")
    contacts: list[int] = []
    if location.is_there(session.db_path):
        with session.store.write() as conn:
            count, contacts = kept.forget(conn, name, keep_touches=keep)
            cards.forget(conn, name)  # an address book's contacts stay; only what its last sync agreed on goes
    config_file.remove_source(name)
    if contacts and not keep:
        # lazy for start-up: the engine and its plugins load only when a run is needed
        from ..engine.evaluate import evaluate

        session.__dict__.pop("settings", None)
        evaluate(session, contact_ids=contacts)
    if as_json:
        emit_json({"removed": name, "touches": count, "touches_kept": keep})
        return
    what = "kept as history" if keep else "removed"
    click.echo(f"Removed source {name}; {plural(count, 'touch')} it brought {what}.")


@source_group.command("conflicts")
@click.argument("name", required=False)
@click.option("--json", "as_json", is_flag=True, help="Print the cards waiting as JSON.")
@pass_session
def conflicts_command(session: Session, name: str | None, as_json: bool) -> None:
    """The cards of your address books waiting for you: conflicts, and deletions on one side.

    A conflict is a card changed in the book and its contact changed here
    since the last sync, differently: neither side is written until you pick
    one with `keepwarm source resolve NAME UID --keep mine|theirs`.
    """
    from ..sources.card_conflicts import waiting  # lazy for start-up, as the sync

    rows = waiting(session, name)
    if as_json:
        emit_json(rows)
        return
    if not rows:
        click.echo("Nothing waits: every card is in step with its contact.")
        return
    table(
        [(r["source"], r["uid"], r["name"], r["why"], ", ".join(r["fields"]), r["file"]) for r in rows],
        ["SOURCE", "UID", "NAME", "WAITING", "FIELDS", "CARD"],
    )
    click.echo("Pick a side with `keepwarm source resolve SOURCE UID --keep mine` (keepwarm's) or `--keep theirs`.")


@source_group.command("resolve")
@click.argument("name")
@click.argument("uid")
@click.option(
    "--keep",
    type=click.Choice(["mine", "theirs"]),
    required=True,
    help="mine: keepwarm's side wins; theirs: the address book's.",
)
@click.option("--json", "as_json", is_flag=True, help="Print what was done as JSON.")
@pass_session
def resolve_command(session: Session, name: str, uid: str, keep: str, as_json: bool) -> None:
    """Settle a card of the address book NAME that waits for you (see `keepwarm source conflicts`).

    \b
    A conflict:                 mine writes the contact into the card; theirs the card into the contact.
    A card deleted in the book: mine writes it again; theirs keeps the contact here only.
    A contact deleted here:     mine deletes the card too; theirs brings the contact back.
    """
    from ..sources.card_conflicts import settle  # lazy for start-up, as the sync

    done = settle(session, name, uid, keep)
    if as_json:
        emit_json(done)
        return
    click.echo(f"{name}: {done['uid']}: {done['action']}.")


# -------------------------------------------------------------------- sync


@cli.command("sync")
@click.argument("names", nargs=-1)
@click.option("--dry-run", is_flag=True, help="Read and count, write nothing.")
@click.option("--json", "as_json", is_flag=True, help="Print one summary per source as JSON.")
@pass_session
@creates_database
def sync_command(session: Session, names: tuple[str, ...], dry_run: bool, as_json: bool) -> None:
    """Read new mail and meetings from your sources into touches.

    Each source is read from where its last sync stopped; a sync stopped at
    any point goes on from its last checkpoint. Prints one line per source:
    read, new touches, skipped (with reasons), unknown correspondents. Exits
    1 when a source could not be read (the others are still synced).
    """
    _run_sync(session, list(names) or None, dry_run, as_json)


# ---------------------------------------------------------- correspondents


@cli.group("correspondents", invoke_without_command=True)
@click.option("--limit", type=click.IntRange(1, 10000), default=50, show_default=True, help="How many to list.")
@click.option("--json", "as_json", is_flag=True, help="Print the list as JSON.")
@click.pass_context
def correspondents_group(ctx: click.Context, limit: int, as_json: bool) -> None:
    """People you write to or meet who are not contacts yet: add or ignore them.

    Listed by how much you talk (messages and meetings), from what your
    sources captured.
    """
    if ctx.invoked_subcommand is not None:
        return

    session = ctx.find_object(Session)
    found = correspondents.unknown(session, limit=limit)
    if as_json:
        emit_json([c.to_json() for c in found])
        return
    if not found:
        click.echo("Nobody new: everyone you write to or meet is a contact or ignored (run `keepwarm sync` first).")
        return
    table(
        [
            (c.address, c.name, c.messages, c.inbound, c.outbound, c.meetings, c.last_at.date().isoformat())
            for c in found
        ],
        ["ADDRESS", "NAME", "MESSAGES", "IN", "OUT", "MEETINGS", "LAST"],
    )


@correspondents_group.command("add")
@click.argument("address")
@click.option("--name", help="The contact's name (default: the name their mail gives).")
@click.option("--json", "as_json", is_flag=True, help="Print the new contact's id, name and touches as JSON.")
@pass_session
def correspondent_add(session: Session, address: str, name: str | None, as_json: bool) -> None:
    """Make ADDRESS a contact; their captured mail and meetings become touches."""
    contact_id = correspondents.add(session, address, name)
    with session.store.read() as conn:
        contact = people.get_contact(conn, contact_id)

        count = conn.execute(select(func.count()).where(interactions.c.contact_id == contact_id)).scalar_one()
    if as_json:
        emit_json({"id": contact_id, "name": contact.name, "email": address.strip(), "touches": count})
        return
    click.echo(f"Added {contact.name} ({contact_id}) with {plural(count, 'touch')} from your sources.")


@correspondents_group.command("ignore")
@click.argument("address")
@click.option("--json", "as_json", is_flag=True, help="Print the address and whether it is newly ignored as JSON.")
@pass_session
def correspondent_ignore(session: Session, address: str, as_json: bool) -> None:
    """Never list ADDRESS again."""
    newly = correspondents.ignore(session, address)
    if as_json:
        emit_json({"address": address.strip().lower(), "newly_ignored": newly})
    elif newly:
        click.echo(f"Ignoring {address.strip()} from now on.")
    else:
        click.echo(f"{address.strip()} was ignored already.")
