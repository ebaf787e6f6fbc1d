"""Who the team's people are: the one place that decides it, for the dashboard's per-owner views and the team's.

A team is read from the book itself: a contact's `owner` names the teammate who keeps the relationship (a
user of the book since migration 0019: whatever is made without an owner is the acting user's), and contacts
whose owner is blank (rows written around the store) are kept together under `UNASSIGNED`, so that nobody's
relationships drop out of a manager's sums. A person's accounts are the accounts where they keep at least one
contact. The users' roles and managers are not read here yet: its callers take `Person` and nothing else, so
a view by manager needs this function alone to change.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from ..errors import UserError
from ..store.results import ContactResult
from ..text.controls import fold

#: The contacts nobody owns, as one person of the team.
UNASSIGNED = "(unassigned)"


@dataclass(frozen=True, slots=True)
class Person:
    """One person of the team and what they keep."""

    name: str
    #: The `owner` their contacts carry; None for the contacts without one (shown as UNASSIGNED).
    owner: str | None
    contact_ids: tuple[int, ...]
    #: The accounts where they keep at least one contact, by id.
    account_ids: tuple[int, ...]


def team_people(contacts: Iterable[ContactResult]) -> list[Person]:
    """The team's people, by name (case and accents ignored), the contacts without an owner last."""
    kept: dict[str | None, list[ContactResult]] = {}
    for contact in contacts:
        kept.setdefault(contact.owner.strip() or None, []).append(contact)
    named = sorted((o for o in kept if o is not None), key=lambda o: (fold(o), o))
    owners: list[str | None] = [*named, *([None] if None in kept else [])]
    return [
        Person(
            name=owner if owner is not None else UNASSIGNED,
            owner=owner,
            contact_ids=tuple(c.id for c in kept[owner]),
            account_ids=tuple(sorted({c.account_id for c in kept[owner] if c.account_id is not None})),
        )
        for owner in owners
    ]


def find_person(people: list[Person], name: str) -> Person:
    """The person `name` names: their whole name, or an unambiguous part of it (case and accents ignored)."""
    wanted = fold(name.strip())
    exact = [p for p in people if fold(p.name) == wanted]
    found = exact or [p for p in people if wanted and wanted in fold(p.name)]
    if len(found) == 1:
        return found[0]
    known = ", ".join(p.name for p in people) or "nobody: the book has no contacts"
    if not found:
        raise UserError(f"person: nobody on the team is called {name!r} (the team: {known})")
    raise UserError(f"person: {name!r} names {len(found)} people ({', '.join(p.name for p in found)}); say which")
