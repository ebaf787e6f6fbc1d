"""The hooks a keepwarm plugin can implement.

A plugin is a module (or any object) with functions decorated by
`keepwarm.hookimpl` and named after the specs below. An implementation may
accept any subset of a hook's arguments, by name. None of these hooks is
first-result: the engine collects what every plugin returns.

The engine calls each plugin's implementation on its own, inside a guard: an
exception is recorded as a problem (plugin, hook, contact) and that one result
is skipped, while the other plugins' results still count.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

import pluggy
from pydantic import BaseModel

from .types import AccountContext, ConfigSection, ContactContext, Proposal, Suggestion, Tip, Warning

if TYPE_CHECKING:  # named in annotations only: the source and address-book types load with the plugins offering them
    from .address_books import AddressBookKind
    from .sources import SourceKind

PROJECT = "keepwarm"
hookspec = pluggy.HookspecMarker(PROJECT)
hookimpl = pluggy.HookimplMarker(PROJECT)


@hookspec
def keepwarm_config_section() -> ConfigSection | None:
    """Declare the plugin's TOML section and the pydantic model that validates it.

    Called once at start-up. Return `ConfigSection(name, Model)`; the model's
    defaults are the plugin's defaults, and the rule packs (`rules/*.toml`
    shipped with keepwarm, then the user's rules folder) override them key by
    key, nested tables included. Give the model `extra="forbid"` so that a
    misspelt key is reported with a near-miss suggestion.

    If the user's section fails validation, the plugin is disabled for the run
    and the problem is shown (`keepwarm rules check` lists all of them); the
    other plugins keep working. Return None for a plugin without settings.

    Every other hook receives the validated models of all sections as `rules`
    (or `ctx.rules`), a mapping from section name to model instance.
    """


@hookspec
def keepwarm_note_signals(rules: Mapping[str, BaseModel]) -> Mapping[str, Sequence[str]] | None:
    """Name keyword lists to count in recent interaction notes.

    Return `{"competitor": ["competitor", "rfp"], ...}`. The engine counts, in
    the same bulk SQL pass as every other statistic, how many notes in the
    recent window contain any of the words, ignoring the case of the letters
    A-Z only (as SQLite's LIKE does: "Budget" matches "budget", but "Ü" does
    not match "ü"), and gives each contact the counts in `ctx.stats.note_signals[name]` and the latest match in
    `ctx.stats.note_signal_last[name]`. Signal names are shared: two plugins
    naming the same signal add their words together.
    """


@hookspec
def keepwarm_cadence(ctx: ContactContext) -> Sequence[Proposal] | None:
    """Propose when this contact should next be touched, and why.

    Called for every contact who may be contacted (not `do_not_contact`), with
    `ctx.stats` and the open follow-ups in `ctx.followups`. Return a list of
    `Proposal`s (or None). The engine stores them as follow-ups idempotently:
    one open follow-up per contact and `rule_key`, updated when the due date a
    rule proposes moves, never re-created after the user dismissed it for the
    same date. A proposal the rule stops making is closed.
    """


@hookspec
def keepwarm_tips(ctx: ContactContext) -> Sequence[Tip] | None:
    """Say how to talk to this person: style, motivations, channel, etiquette.

    Called for the contacts shown on the agenda or in detail, not for every
    contact on every run. Return a list of `Tip`s in our own words. Tips are
    shown best first by their `rank` (0..1, default 0.5; ties keep the
    plugins' order, keepwarm's own first), and the agenda shows the first two.
    """


@hookspec
def keepwarm_warnings(ctx: ContactContext) -> Sequence[Warning] | None:
    """Detect that the relationship with this contact is cooling.

    Called for every contact. Return `Warning`s whose `evidence` holds the
    numbers that triggered them (both rates of a drop, the dates of the
    overdue promises), so that the user can judge the warning.
    """


@hookspec
def keepwarm_account_warnings(ctx: AccountContext) -> Sequence[Warning] | None:
    """Detect account-level risks: single-threading, a key role untouched, a champion gone.

    Called once per account with all its stakeholders and their statistics
    (`ctx.members`, each a `Member(contact, stats)`). Return `Warning`s with
    their evidence (who, how many, since when). The engine shows them on the
    account and adds them to every member's warnings, so suggesters and the
    health score of each stakeholder see them too.
    """


@hookspec
def keepwarm_suggestions(ctx: ContactContext) -> Sequence[Suggestion] | None:
    """Propose concrete trust-building steps for this contact now.

    `ctx.warnings` holds the contact's warnings (its own and its account's), so
    a suggester can answer a warning (a one-way relationship: ask a small
    favor). Return `Suggestion`s: each says in `why` what about this person
    makes it fit now, and its `score` (0..1) ranks it; the agenda shows the
    best few. Called for the contacts shown, like `keepwarm_tips`.
    """


@hookspec
def keepwarm_source_kinds() -> Sequence[SourceKind] | None:
    """Provide kinds of interaction source: where touches are read from (mail, calendars, ...).

    Called once when sources are loaded. Return `SourceKind`s: each has a name
    (`keepwarm source add NAME TARGET`), a pydantic model of its settings in
    config.toml (`[sources.<name>]`, with `kind = NAME`), and a `read`
    function that turns a `ReadRequest` (the validated settings, the cursor
    where the last sync stopped, the clock) into an iterator of items:
    `Capture` for each message or event with the people on it by address,
    `Skip` with the reason for what is not a touch, `Gone` for what was
    deleted, `Progress`, and a `Checkpoint(cursor)` every thousand items or so
    and at the end. Items up to a checkpoint are saved with its cursor in one
    transaction, so a sync killed at any point resumes from the last one.

    The reader never sees the book: keepwarm decides which addresses are
    contacts, the direction (from the user's own addresses, `me` in
    config.toml), replies and unanswered mail, and the follow-ups a touch
    meets. An exception from `read` ends that source's sync as its problem,
    keeping what earlier checkpoints saved; a malformed item should be a
    `Skip`, not an exception. Two plugins offering the same kind name: the
    first loaded wins and the other is reported.
    """


@hookspec
def keepwarm_address_book_kinds() -> Sequence[AddressBookKind] | None:
    """Provide kinds of address book: where contacts are synced with, both ways (a vdir, CardDAV, ...).

    Called once when sources are loaded, beside `keepwarm_source_kinds`; the
    names of both share one namespace (`keepwarm source add NAME TARGET`).
    Return `AddressBookKind`s: each has a name, a pydantic model of its
    settings in config.toml (`[sources.<name>]`, with `kind = NAME`), and an
    `open` function that turns a `BookRequest` (the source's name and
    validated settings) into an `AddressBook`: `cards()` lists every card as
    `CardRef(href, etag)`, `get(href)` reads one card's vCard text and etag,
    `put(href, text, uid=, etag=)` writes one (creating it when `etag` is
    None, else only if the card's etag is still `etag`) and `delete(href,
    etag=)` removes one on the same condition; a failed condition raises
    `CardChanged`, a book that cannot be used at all `AddressBookError` with
    one line saying why (never a password).

    The book never sees the contacts: keepwarm matches cards to contacts by
    UID, keeps the state of the last sync per card, takes a change made on
    one side to the other, reports a change made on both as a conflict
    (neither side written until the user resolves it) and edits the parsed
    card, so properties keepwarm does not model stay on it. Any other
    exception ends that source's sync as its problem. Two plugins offering
    the same kind name (here or as a source kind): the first loaded wins and
    the other is reported.
    """
