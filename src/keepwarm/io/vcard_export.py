"""Contacts to vCard 4.0 that keepwarm, and address books, read back.

Standard properties carry what every address book understands; keepwarm's own
fields (role, style, tier, stage, motivations, interests, ...) travel as
X-KEEPWARM-* properties, which address books keep untouched, so exporting and
importing again loses nothing. vobject does the escaping; the folding is the
calendar's (`calendar.folding`, RFC 5545 and RFC 6350 fold alike), because vobject
decides whether to fold by counting characters, not octets, so a line of 40
Japanese characters (120 octets) went out unfolded. Control characters are
taken out of every value: a vCard may not carry them, and a name holding an
escape sequence must not reach the terminal of whoever opens the file.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterable, Iterator

import vobject

from .. import __version__
from ..calendar.folding import fold_text
from ..model import Contact, DateKind
from ..text.controls import visible
from . import datefmt
from .vcard_import import PREFIX

PRODID = f"-//keepwarm//keepwarm {__version__}//EN"


def _uid(uid: str | None) -> str | None:
    if not uid:
        return None
    try:
        uuid.UUID(uid)
    except ValueError:
        return uid
    return f"urn:uuid:{uid}"


def _split_name(name: str) -> tuple[str, str]:
    """(family, given): a guess for address books that want N; FN stays the name."""
    parts = name.split()
    if len(parts) < 2:
        return name, ""
    return parts[-1], " ".join(parts[:-1])


_BREAKS = re.compile(r"\r\n|[\r\u2028\u2029\x85\x0b\x0c]")
#: No line can be this long: vobject then leaves folding to `fold_text`.
_UNFOLDED = 1 << 30


def _clean(value):
    """Line breaks as LF (escaped as \\n by vobject); control characters were made visible by `printable`."""
    if isinstance(value, str):
        return value if value.isprintable() else _BREAKS.sub("\n", value)
    if isinstance(value, list):
        return [_clean(v) for v in value]
    if isinstance(value, (vobject.vcard.Name, vobject.vcard.Address)):
        for key, part in vars(value).items():
            setattr(value, key, _clean(part))
    return value


def _add(card, name: str, content, **params: str) -> None:
    line = card.add(name)
    line.value = _clean(content)
    for key, param in params.items():
        line.params[key.upper().replace("_", "-")] = [param]


def printable(contact: Contact) -> Contact:
    """The contact with any control character in its texts written as `\\x1b` and so on.

    Input refuses or cleans them, but a database written by an older version
    (or by hand) may hold some; a card is text for other programs, so none is
    written raw. Notes and addresses keep their newlines and tabs.
    """
    update: dict = {}
    for name, value in contact:
        multiline = name in ("notes", "addresses")
        if isinstance(value, str):
            shown: object = visible(_BREAKS.sub("\n", value) if multiline else value, multiline=multiline)
        elif isinstance(value, list) and all(isinstance(v, str) for v in value):
            shown = [visible(_BREAKS.sub("\n", v) if multiline else v, multiline=multiline) for v in value]
        elif name == "dates":
            shown = [d.model_copy(update={"label": visible(d.label, multiline=False)}) for d in value]
        else:
            continue
        if shown != value:
            update[name] = shown
    return contact.model_copy(update=update) if update else contact


def to_vcard(contact: Contact):
    contact = printable(contact)
    card = vobject.vCard()
    _add(card, "version", "4.0")
    _add(card, "prodid", PRODID)
    uid = _uid(contact.uid)
    if uid:
        _add(card, "uid", uid)
    for _, write in WRITERS.values():
        write(card, contact)
    _keepwarm(card, contact)
    return card


def _name(card, contact: Contact) -> None:
    _add(card, "fn", contact.name)
    family, given = _split_name(contact.name)
    _add(card, "n", vobject.vcard.Name(family=family, given=given))


def _account(card, contact: Contact) -> None:
    if contact.account:
        _add(card, "org", [contact.account])


def _title(card, contact: Contact) -> None:
    if contact.title:
        _add(card, "title", contact.title)


def _emails(card, contact: Contact) -> None:
    for index, email in enumerate(contact.emails):
        if index == 0:
            _add(card, "email", email, pref="1")
        else:
            _add(card, "email", email)


def _phones(card, contact: Contact) -> None:
    for phone in contact.phones:
        _add(card, "tel", phone, value="text")


def _addresses(card, contact: Contact) -> None:
    for address in contact.addresses:
        _add(card, "adr", vobject.vcard.Address(street=address))


def _urls(card, contact: Contact) -> None:
    for url in contact.urls:
        _add(card, "url", url)


def _notes(card, contact: Contact) -> None:
    if contact.notes:
        _add(card, "note", contact.notes)


def _tags(card, contact: Contact) -> None:
    if contact.tags:
        _add(card, "categories", list(contact.tags))


def _dates(card, contact: Contact) -> None:
    standard = {DateKind.BIRTHDAY: "bday", DateKind.ANNIVERSARY: "anniversary"}
    used: set[DateKind] = set()
    for date in contact.dates:
        when = datefmt.as_vcard(date.year, date.month, date.day)
        prop = standard.get(date.kind)
        if prop and date.kind not in used and not date.label:
            used.add(date.kind)
            _add(card, prop, when)
        # Every date again, in order, so that keepwarm reads back exactly the list it wrote.
        _add(card, PREFIX.lower() + "date", f"{date.kind.value};{when};{date.label}")


#: The contact's standard fields, in the order a card lists them: the properties each is written to (and
#: read from, by vcard_import), and the writer. `vcard_edit` rewrites only the fields that changed.
WRITERS = {
    "name": (("fn", "n"), _name),
    "account": (("org",), _account),
    "title": (("title",), _title),
    "emails": (("email",), _emails),
    "phones": (("tel",), _phones),
    "addresses": (("adr",), _addresses),
    "urls": (("url",), _urls),
    "notes": (("note",), _notes),
    "tags": (("categories",), _tags),
    "dates": (("bday", "anniversary", "x-anniversary", "x-ms-anniversary", PREFIX.lower() + "date"), _dates),
}


def _keepwarm(card, contact: Contact) -> None:
    def put(suffix: str, value: str) -> None:
        _add(card, (PREFIX + suffix).lower(), value)

    if contact.role is not None:
        put("ROLE", contact.role.value)
    put("STYLE", contact.style.value)
    put("TIER", contact.tier.value)
    put("STAGE", contact.stage.value)
    for motivation in contact.motivations:
        put("MOTIVATION", motivation.value)
    for interest in contact.interests:
        put("INTEREST", interest)
    if contact.preferred_channel is not None:
        put("CHANNEL", contact.preferred_channel.value)
    if contact.best_time:
        put("BEST-TIME", contact.best_time)
    put("DO-NOT-CONTACT", "true" if contact.do_not_contact else "false")
    if contact.owner:
        put("OWNER", contact.owner)


def cards(contacts: Iterable[Contact]) -> Iterator[str]:
    """Each contact's vCard 4.0, with CRLF line ends as RFC 6350 asks, made as it is asked for
    (`keepwarm export vcard` writes each as it comes: the file is never held whole)."""
    for contact in contacts:
        yield fold_text(to_vcard(contact).serialize(lineLength=_UNFOLDED))


def export(contacts: Iterable[Contact]) -> str:
    """Every contact as one vCard 4.0 file."""
    return "".join(cards(contacts))
