"""One card of an address book synced both ways: read into a contact's synced fields, and edited in place.

Reading is `keepwarm import vcard`'s (vcard_import: the same properties mean
the same fields); writing is `keepwarm export vcard`'s (vcard_export's
per-field writers). An edit rewrites only the properties of the fields that
changed, on the card as the book holds it (parsed whole, photos included):
everything keepwarm does not model (a photo, a nickname, X-properties of
other programs, a field's own parameters when the field is unchanged) stays
on the card. The card keeps its VERSION; on a 3.0 card the 4.0-only forms
the writers use are put the 3.0 way (X-ANNIVERSARY, no VALUE=text on TEL).

The synced fields are the standard ones an address book shows (name,
organisation, title, e-mails, phones, addresses, web pages, notes,
categories, birthday and anniversary); keepwarm's own judgements (role, tier,
style...) are not synced, so a phone never changes them.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field

from pydantic import ValidationError

from ..calendar.folding import fold_text
from ..model import Contact
from . import vcard_export, vcard_import
from .contacts_apply import explain, show_controls
from .report import Where

#: The contact's fields an address book and keepwarm keep in step.
SYNCED = tuple(vcard_export.WRITERS)


@dataclass
class ReadCard:
    """A card as keepwarm reads it: its UID and synced fields (as a contact), or the problem that stops it."""

    uid: str | None = None
    contact: Contact | None = None
    problem: str | None = None
    #: The fields (as the card names them) whose control characters were made visible.
    controls: list[str] = field(default_factory=list)


def _one(text: str, file: str) -> tuple[vcard_import.RawCard | None, str | None]:
    stray: list[tuple[int, str]] = []
    raws = list(vcard_import.iter_cards(text, stray, keep_binary=True))
    if len(raws) != 1:
        return (
            None,
            f"holds {len(raws)} cards (expected one card per file)"
            if raws
            else "holds no vCard (expected BEGIN:VCARD ... END:VCARD)",
        )
    if raws[0].problem:
        return None, raws[0].problem
    return raws[0], None


def read(text: str, file: str) -> ReadCard:
    """The card in `text` (one card: a vdir file, a CardDAV resource); `file` names it in problems."""
    raw, problem = _one(text, file)
    if raw is None:
        return ReadCard(problem=problem)
    items = vcard_import.read(text, file)
    [item] = [i for i in items if i.problem is None] or [items[0]]
    if item.problem:
        where = Where(file, item.where.line)
        return ReadCard(problem=f"{where}: {item.problem}" if str(where) else item.problem)
    controls = show_controls([item]).get(item.where, [])
    values = {key: item.fields[key] for key in SYNCED if key in item.fields}
    try:
        contact = Contact.model_validate({**values, "uid": item.uid})
    except ValidationError as exc:
        return ReadCard(uid=item.uid, problem=explain(exc, item.sources))
    return ReadCard(uid=item.uid, contact=contact, controls=controls)


def digest(contact: Contact) -> str:
    """What the synced fields hold, in a few bytes: equal digests, equal fields (the three-way base)."""
    values = contact.model_dump(mode="json", include=set(SYNCED))
    text = json.dumps(values, sort_keys=True, ensure_ascii=False)
    return hashlib.blake2b(text.encode("utf-8"), digest_size=16).hexdigest()


def changed_fields(a: Contact, b: Contact) -> list[str]:
    return [key for key in SYNCED if getattr(a, key) != getattr(b, key)]


def with_card(contact: Contact, card: Contact) -> Contact:
    """The stored contact with the card's synced fields (everything else, a role set here, kept)."""
    return contact.model_copy(update={key: getattr(card, key) for key in SYNCED})


def new_card(contact: Contact) -> str:
    """A card for a contact the book does not hold yet: `keepwarm export vcard`'s."""
    return "".join(vcard_export.cards([contact]))


def edit(text: str, file: str, contact: Contact) -> str:
    """The card in `text` with the contact's synced fields that differ from it written in; the rest as it was.

    ValueError (one line) when the card cannot be read: such a card is never written over.
    """
    raw, problem = _one(text, file)
    if raw is None:
        raise ValueError(problem)
    current = read(text, file)
    if current.contact is None:
        raise ValueError(current.problem)
    card, problem = vcard_import.parse_whole(raw)
    if card is None:
        raise ValueError(problem)
    shown = vcard_export.printable(contact)
    for key in changed_fields(current.contact, contact):
        props, write = vcard_export.WRITERS[key]
        if key in _PLAIN_LISTS:
            _edit_list(card, props[0], getattr(shown, key), write, shown.model_copy(update={key: []}), key)
            continue
        for prop in props:
            card.contents.pop(prop, None)
        write(card, shown)
    version = card.contents.get("version")
    if version and str(version[0].value).strip() == "3.0":
        _as_30(card)
    return fold_text(card.serialize(lineLength=1 << 30))


#: Lists of plain values: a value still there keeps its line (TYPE=work, PREF and all), gone ones go, new ones
#: are written as the export writes them.
_PLAIN_LISTS = {"emails": ("mailto:",), "phones": ("tel:",), "urls": ()}


def _edit_list(card, prop: str, wanted: list[str], write, without, key: str) -> None:
    prefixes = _PLAIN_LISTS[key]
    kept, seen = [], set()
    for line in card.contents.get(prop, []):
        value = str(line.value).strip()
        for prefix in prefixes:
            value = value.removeprefix(prefix)
        if value in wanted and value not in seen:
            kept.append(line)
            seen.add(value)
    count = len(kept)
    card.contents[prop] = list(kept)
    if not kept:
        del card.contents[prop]
    new = [v for v in wanted if v not in seen]
    if new:
        write(card, without.model_copy(update={key: new}))
        for line in card.contents[prop][count:] if count else ():
            line.params.pop("PREF", None)  # the first address kept is still the preferred one


def _as_30(card) -> None:
    """The 4.0-only forms the writers use, put the 3.0 way."""
    for line in card.contents.pop("anniversary", []):
        line.name = "X-ANNIVERSARY"
        card.contents.setdefault("x-anniversary", []).append(line)
    for line in card.contents.get("tel", []):
        if [v.lower() for v in line.params.get("VALUE", [])] == ["text"]:
            del line.params["VALUE"]
