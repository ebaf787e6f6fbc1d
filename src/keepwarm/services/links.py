"""Linking two contacts (the CLI's `link`, `unlink`, `links`, and the contact screen): what the user's words
mean, and the one transaction each takes."""

from __future__ import annotations

from collections.abc import Mapping

from pydantic import ValidationError

from ..errors import UserError, describe_validation_error
from ..home.session import Session
from ..model import LinkKind
from ..model.entities import Link
from ..store import contacts as people
from ..store import links as store
from ..text.controls import fold
from .forms import Checked

#: Words people use for a kind, besides its own name ("reports-to", "reports to").
_SAID = {
    "spouse": LinkKind.PARTNER,
    "wife": LinkKind.PARTNER,
    "husband": LinkKind.PARTNER,
    "colleague": LinkKind.FORMER_COLLEAGUE,
    "ex-colleague": LinkKind.FORMER_COLLEAGUE,
    "mentor": LinkKind.MENTOR_OF,
    "introduced": LinkKind.INTRODUCED_BY,
    "manager": LinkKind.REPORTS_TO,
}


def kind_of(text: str) -> tuple[LinkKind, str]:
    """The kind the user named ("reports-to", "reports to", "spouse"), or `knows` with their words as its label
    ("college roommate")."""
    words = " ".join(text.split())
    if not words:
        raise UserError(
            "link --as: empty (expected reports-to, introduced-by, partner, former-colleague, mentor-of, "
            "or a label of your own)"
        )
    key = fold(words).replace(" ", "-")
    for kind in LinkKind:
        if key == kind.value:
            return kind, ""
    if key in _SAID:
        return _SAID[key], ""
    return LinkKind.KNOWS, words


def link(session: Session, one: int, other: int, kind: LinkKind, label: str = "") -> tuple[int, bool]:
    """Link two contacts (the first `kind` the second); the link's id, and whether it was there already."""
    if one == other:
        raise UserError(f"link: a contact cannot be linked to themselves (both are #{one})")
    try:
        item = Link(contact_id=one, other_id=other, kind=kind, label=label)
    except ValidationError as exc:
        raise UserError(describe_validation_error(exc, "link: ")) from None
    with session.store.write() as conn:
        people.get_contact(conn, one), people.get_contact(conn, other)  # both must exist: a one-line NotFound
        found = store.find(conn, item)
        if found is not None:
            return found, True
        return store.insert_link(conn, item, session.now), False


def unlink(session: Session, one: int, other: int, kind: LinkKind | None = None) -> int:
    """Remove the links between two contacts (of one kind, or all); how many. None there: a UserError."""
    with session.store.write() as conn:
        gone = store.delete_between(conn, one, other, kind)
    if not gone:
        what = f"{kind.value} link" if kind else "link"
        raise UserError(f"unlink: no {what} between contacts {one} and {other}")
    return gone


def unlink_one(session: Session, link_id: int) -> None:
    """Remove one link (the contact screen's X picks it); gone already: a UserError."""
    with session.store.write() as conn:
        gone = store.delete_link(conn, link_id)
    if not gone:
        raise UserError(f"unlink: no link #{link_id} (removed meanwhile?)")


def check_link(session: Session, values: Mapping[str, object], contact_id: int) -> Checked:
    """The link dialog's fields (`other`: a name or #id; `kind`: as `--as` reads it) -> (other id, kind, label),
    checked as `keepwarm link` checks them."""
    errors: dict[str, str] = {}
    other = str(values.get("other") or "").strip().removeprefix("#")
    other_id = None
    if not other:
        errors["other"] = "empty (expected the other person's name or #id)"
    else:
        try:
            with session.store.read() as conn:
                other_id = people.resolve_contact(conn, other)
        except UserError as exc:
            errors["other"] = exc.message.removeprefix("contact: ")
        else:
            if other_id == contact_id:
                errors["other"] = "that is this contact (expected someone else)"
    kind, label = LinkKind.KNOWS, ""
    try:
        kind, label = kind_of(str(values.get("kind") or ""))
    except UserError as exc:
        errors["kind"] = exc.message.removeprefix("link --as: ")
    else:
        try:
            Link(contact_id=contact_id, other_id=other_id or contact_id + 1, kind=kind, label=label)
        except ValidationError as exc:
            errors["kind"] = describe_validation_error(exc, "")
    if errors:
        return Checked(errors=errors)
    return Checked(value=(other_id, kind, label))


def links_of(session: Session, contact_id: int | None = None) -> list[tuple[int, store.Seen]]:
    with session.store.read() as conn:
        return store.links_of(conn, contact_id)
