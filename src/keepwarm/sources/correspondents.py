"""The people I talk to who are not contacts yet: listed, added as contacts, or ignored for good.

Shared by `keepwarm correspondents` and the app's list. Adding one creates the
contact with the name and address the headers gave, and their captured mail
and meetings become touches at once (the store does that for any contact
given an e-mail), so the agenda knows the relationship from the first day.
"""

from __future__ import annotations

import re

from ..errors import UserError, describe_validation_error
from ..model import Contact
from ..store import captures as kept
from ..store import contacts as people
from ..store.captures import Correspondent
from ..text.controls import control_problem, first_control

__all__ = ["Correspondent", "add", "ignore", "suggested_name", "unknown"]

#: A terminal's escape sequences (CSI such as colours, OSC such as titles and the clipboard), whole.
ESCAPES = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?|\x9b[0-?]*[ -/]*[@-~]")


def suggested_name(name: str, address: str) -> str:
    """The header's name without escape sequences and control characters, or the address's part before the @
    when it gave none: a display name is whatever the sender typed."""
    kept = "".join(ch for ch in ESCAPES.sub("", name) if first_control(ch) is None)
    kept = " ".join(kept.split()).strip("\"' ")
    return kept or address.partition("@")[0]


def _address(text: str) -> str:
    address = kept.fold(text or "")
    if "@" not in address or any(ch.isspace() for ch in address) or len(address) > kept.LONGEST:
        raise UserError(f"address: {text!r} is not an e-mail address (expected name@example.org)")
    return address


def unknown(session, limit: int = 100) -> list[Correspondent]:
    with session.store.read() as conn:
        return kept.unknown(conn, session.settings.my_addresses(), limit=limit)


def add(session, address: str, name: str | None = None) -> int:
    """Make this correspondent a contact; their captured history becomes touches. Returns the new contact's id."""
    folded = _address(address)
    if folded in session.settings.my_addresses():
        raise UserError(f"address: {address} is one of your own addresses (me in config.toml)")
    with session.store.write() as conn:
        found = people.find_by_email(conn, folded)
        if found:
            raise UserError(f"address: {address} belongs to a contact already (id {found})")
        chosen = " ".join((name or "").split()) or suggested_name(kept.seen_name(conn, folded), folded)
        problem = control_problem(chosen)
        if problem:
            raise UserError(f"--name: {problem}")
        try:
            contact = Contact(name=chosen, emails=[address.strip()])
        except ValueError as exc:
            raise UserError(describe_validation_error(exc)) from None
        contact_id = people.insert_contact(conn, contact, session.now)
        kept.mark_unanswered(conn, session.now, session.settings.sync.unanswered_days)
    # lazy for start-up: the engine and its plugins load only when a run is needed
    from ..engine.evaluate import evaluate

    evaluate(session, contact_ids=[contact_id])
    return contact_id


def ignore(session, address: str) -> bool:
    """Never offer this address again; False when it was ignored already."""
    folded = _address(address)
    with session.store.write() as conn:
        return kept.ignore(conn, folded, session.now)
