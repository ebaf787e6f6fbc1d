"""vCard files (2.1, 3.0 and 4.0) to contact records.

The file is first cut into cards here, keeping the line each card starts on
and unfolding folded lines and quoted-printable soft breaks (which vobject does
not join); each card is then parsed on its own, so one malformed card is
reported with its number and line and the others still read: by `vcard_parse`
(vobject's grammar and behaviours without its costly objects) where it can,
else by vobject.readOne, which also words a malformed card's error.
Photos, logos, sounds and keys are dropped before parsing: keepwarm keeps no
pictures, and they are most of a file's bytes.

Files from other programs bend the grammar (see `_logical_lines`, `with_charset`,
`_uri`, `_fill_dates`): a detail that cannot be kept as written is left out or
moved to the notes with a warning in the report, rather than losing the card.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Iterator
from dataclasses import dataclass, field

import vobject
from vobject.base import ParseError

from ..model import Contact, DateKind
from ..model.enums import normalize_word
from ..text.controls import fold
from . import datefmt, vcard_parse
from .contacts_apply import ALL_KINDS, Incoming
from .report import Where

_LINE_BREAK = re.compile(r"\r\n|\r|\n")
#: A physical line that starts a property (`NAME:`, `NAME;PARAM=...:`, `group.NAME:`).
_PROPERTY = re.compile(r"^(?:[\w-]+\.)?[\w-]+[;:]")
_PROFILE = re.compile(r"^PROFILE\s*:\s*VCARD\s*$", re.IGNORECASE)
_CHARSET = re.compile(r";CHARSET=\"?([\w.:-]+)", re.IGNORECASE)
_ENCODED = re.compile(r"QUOTED-PRINTABLE|BASE64|ENCODING=B\b", re.IGNORECASE)
_QP = re.compile(r"^[^:]*;(?:ENCODING=)?QUOTED-PRINTABLE[;:]", re.IGNORECASE)
_BINARY = re.compile(r"^(?:[\w-]+\.)?(?:PHOTO|LOGO|SOUND|KEY)[;:]", re.IGNORECASE)
_BEGIN = re.compile(r"^BEGIN\s*:\s*VCARD\s*$", re.IGNORECASE)
_END = re.compile(r"^END\s*:\s*VCARD\s*$", re.IGNORECASE)

PREFIX = "X-KEEPWARM-"
#: keepwarm's own fields, carried as X-KEEPWARM-* properties so that an export re-imports losslessly.
SINGLE = {
    "ROLE": "role",
    "STYLE": "style",
    "TIER": "tier",
    "STAGE": "stage",
    "CHANNEL": "preferred_channel",
    "BEST-TIME": "best_time",
    "DO-NOT-CONTACT": "do_not_contact",
    "OWNER": "owner",
}
MULTIPLE = {"MOTIVATION": "motivations", "INTEREST": "interests"}
ENUMS = {"role", "style", "tier", "stage", "preferred_channel", "motivations"}
ANNIVERSARY_PROPS = ("anniversary", "x-anniversary", "x-ms-anniversary")


@dataclass
class RawCard:
    number: int
    line: int
    lines: list[tuple[int, str]] = field(default_factory=list)  # (physical line, logical line)
    problem: str | None = None


def _odd_backslash(line: str) -> bool:
    """Whether `line` ends with a backslash that escapes nothing (`\\\\` at the end is an escaped one)."""
    count = len(line) - len(line.rstrip("\\"))
    return count % 2 == 1


def _ended(line: str) -> str:
    """A finished logical line: a lone backslash at its very end is dropped, so that vobject does
    not turn it into a literal `\\eof`."""
    if line.endswith("\\") and _odd_backslash(line):
        return line[:-1]
    return line


def _logical_lines(text: str) -> Iterator[tuple[int, str]]:
    """Unfolded lines with the physical line each starts on.

    Besides RFC folding and quoted-printable soft breaks, a line that ends with a lone
    backslash continues on the next physical line when that one does not start a property:
    vCard 2.1 writers (old phones) break a long NOTE that way. The break is kept as a line
    break of the value.
    """
    if "\r\r\n" in text:  # a CRLF file passed through a text-mode copy on Windows: one line end, not two
        text = text.replace("\r\r\n", "\r\n")
    # Only a file with a backslash at the end of a line needs the checks below (kept off the fast path).
    backslashes = "\\" in text
    current: str | None = None
    start = 0
    qp_open = False
    for number, raw in enumerate(_LINE_BREAK.split(text), start=1):
        if current is not None and qp_open:
            current = current[:-1] + raw  # a quoted-printable soft break joins lines as they are
        elif current is not None and raw[:1] in (" ", "\t"):
            current += raw[1:]
        elif (
            backslashes
            and current is not None
            and current.endswith("\\")
            and raw
            and _odd_backslash(current)
            and not _PROPERTY.match(raw)
            and not _END.match(raw.strip())
        ):
            current = current[:-1] + "\\n" + raw  # a 2.1 backslash continuation: an escaped line break
        else:
            if current is not None:
                yield start, _ended(current) if backslashes else current
            current, start = raw, number
        qp_open = bool(_QP.match(current)) and current.endswith("=")
    if current is not None:
        yield start, _ended(current) if backslashes else current


def split_cards(text: str) -> tuple[list[RawCard], list[tuple[int, str]]]:
    """The cards, and the lines outside any card that are not blank (each a problem)."""
    stray: list[tuple[int, str]] = []
    return list(iter_cards(text, stray)), stray


def iter_cards(text: str, stray: list[tuple[int, str]], *, keep_binary: bool = False) -> Iterator[RawCard]:
    """The cards one at a time (50,000 cards' lines held at once took hundreds of MB); stray lines into `stray`.

    `keep_binary` keeps photos, logos, sounds and keys: a card edited and written back (vcard_edit) keeps them.
    """
    card: RawCard | None = None
    count = 0
    profiles = "profile" in text.lower()  # most files have none: no check per line
    for number, line in _logical_lines(text):
        if not line.strip():
            continue
        if _BEGIN.match(line.strip()):
            if card is not None:
                card.problem = f"no END:VCARD before the next BEGIN:VCARD on line {number} (expected each card to end with END:VCARD)"
                yield card
            count += 1
            card = RawCard(count, number, [(number, "BEGIN:VCARD")])
            continue
        if card is None:
            stray.append((number, line))
            continue
        if _END.match(line.strip()):
            card.lines.append((number, "END:VCARD"))
            yield card
            card = None
            continue
        if (keep_binary or not _BINARY.match(line)) and not (profiles and _PROFILE.match(line)):  # BEGIN said it
            card.lines.append((number, line))
    if card is not None:
        card.problem = "no END:VCARD before the end of the file (expected each card to end with END:VCARD)"
        yield card


# ------------------------------------------------------------------ values


def _text(value) -> str:
    if isinstance(value, (list, tuple)):
        return ", ".join(_text(v) for v in value if _text(v))
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    return "" if value is None else str(value)


def _values(card, name: str) -> list:
    return list(card.contents.get(name, []))


def _first(card, name: str) -> str:
    for line in _values(card, name):
        text = _text(line.value).strip()
        if text:
            return text
    return ""


def _name(card) -> str:
    name = _first(card, "fn")
    if name:
        return name
    for line in _values(card, "n"):
        n = line.value
        parts = [_text(getattr(n, key, "")) for key in ("given", "additional", "family")]
        joined = " ".join(p.strip() for p in parts if p and p.strip())
        if joined:
            return joined
    return ""


def _address(value) -> str:
    if isinstance(value, str):
        return value.strip()
    parts = [
        _text(getattr(value, key, "")) for key in ("box", "extended", "street", "city", "region", "code", "country")
    ]
    return ", ".join(p for p in (p.strip() for p in parts) if p)


def _param(line, name: str) -> str:
    values = line.params.get(name.upper()) or []
    return str(values[0]) if values else ""


def _date(line, kind: DateKind, label: str = "") -> dict | None:
    parsed = datefmt.parse(_text(line.value))
    if parsed is None:
        return None
    year, month, day = parsed
    omit = _param(line, "X-APPLE-OMIT-YEAR")
    if omit and year is not None and str(year) == omit.strip():
        year = None
    return {"kind": kind.value, "month": month, "day": day, "year": year, "label": label}


def _keepwarm_date(text: str) -> dict:
    kind, _, rest = text.partition(";")
    when, _, label = rest.partition(";")
    parsed = datefmt.parse(when)
    if parsed is None:
        raise ValueError(f"{text!r} has no date (expected KIND;19850314;LABEL)")
    year, month, day = parsed
    return {"kind": normalize_word(kind), "month": month, "day": day, "year": year, "label": label}


def _apple_label(card, group: str | None) -> str:
    if not group:
        return ""
    for line in _values(card, "x-ablabel"):
        if line.group == group:
            return re.sub(r"^_\$!<(.*)>!\$_$", r"\1", _text(line.value).strip())
    return ""


def _uid(card) -> str | None:
    uid = _first(card, "uid")
    if uid.lower().startswith("urn:uuid:"):
        uid = uid[len("urn:uuid:") :]
    return uid or None


def to_incoming(card, where: Where) -> Incoming:
    """One parsed vobject card as a record; a value that cannot be read makes the record invalid."""
    item = Incoming(where=where, uid=_uid(card))
    fields, sources = item.fields, item.sources
    try:
        _fill(card, fields, sources, item)
    except ValueError as exc:
        item.problem = str(exc)
    if not item.problem and not fields.get("name"):
        item.problem = "no name (expected an FN or N property)"
    return item


def _uri(text: str) -> str:
    """A URL with the text escapes some writers add (`http\\://`, `\\,`, `\\;`) taken out: a URI has none."""
    if "\\" not in text:
        return text
    return re.sub(r"\\([:,;\\])", r"\1", text)


def _valid_emails(found: list[str], item: Incoming) -> list[str]:
    """The addresses the contact model accepts; each other one is left out with a warning,
    rather than losing the whole card to one mistyped address."""
    kept = []
    for email in found:
        try:
            Contact._emails([email])  # the model's own check, so import and model never disagree
        except ValueError as exc:
            item.warnings.append(f"EMAIL: {exc}; that address was left out")
            continue
        kept.append(email)
    return kept


def _fill(card, fields: dict, sources: dict, item: Incoming) -> None:
    name = _name(card)
    if not name:
        emails = [_text(e.value).strip().removeprefix("mailto:") for e in _values(card, "email")]
        name = next((e for e in _valid_emails([e for e in emails if e], Incoming(item.where)) if e), "")
    if name:
        fields["name"], sources["name"] = name, "FN"
    orgs = _values(card, "org")
    if orgs:
        value = orgs[0].value
        org = _text(value[0] if isinstance(value, (list, tuple)) and value else value).strip()
        if org:
            fields["account"], sources["account"] = org, "ORG"
    title = _first(card, "title") or _first(card, "role")
    if title:
        fields["title"], sources["title"] = title, "TITLE"
    for prop, key, convert in (
        ("email", "emails", lambda line: _text(line.value).strip().removeprefix("mailto:")),
        ("tel", "phones", lambda line: _text(line.value).strip().removeprefix("tel:")),
        ("adr", "addresses", lambda line: _address(line.value)),
        ("url", "urls", lambda line: _uri(_text(line.value).strip())),
    ):
        found = [v for v in (convert(line) for line in _values(card, prop)) if v]
        if key == "emails":
            found = _valid_emails(found, item)
        if found:
            fields[key], sources[key] = found, prop.upper()
    notes = [_text(line.value).replace("\r\n", "\n") for line in _values(card, "note")]
    notes = [n for n in notes if n.strip()]
    if notes:
        fields["notes"], sources["notes"] = "\n\n".join(notes), "NOTE"
    tags: list[str] = []
    for line in _values(card, "categories"):
        value = line.value if isinstance(line.value, (list, tuple)) else _text(line.value).split(",")
        tags += [str(v).strip() for v in value if str(v).strip()]
    if tags:
        fields["tags"], sources["tags"] = tags, "CATEGORIES"
    _fill_dates(card, fields, sources, item)
    _fill_keepwarm(card, fields, sources)


_TEXT_DATES = {DateKind.BIRTHDAY: "Birthday", DateKind.ANNIVERSARY: "Anniversary"}


def _keep_as_note(fields: dict, sources: dict, text: str) -> None:
    notes = fields.get("notes", "")
    fields["notes"] = f"{notes}\n\n{text}" if notes else text
    sources.setdefault("notes", "NOTE")


def _fill_dates(card, fields: dict, sources: dict, item: Incoming) -> None:
    dates: list[dict] = []
    kinds: set[str] = set()
    for prop, kind in (("bday", DateKind.BIRTHDAY), *((p, DateKind.ANNIVERSARY) for p in ANNIVERSARY_PROPS)):
        for line in _values(card, prop):
            text = ""
            try:
                if _param(line, "VALUE").lower() == "text":
                    found, text = None, _text(line.value).strip()
                else:
                    found = _date(line, kind)
            except ValueError as exc:
                found, text = None, _text(line.value).strip()
                if datefmt.is_date_shaped(text):  # a date, but a wrong one (30 February): the user should fix it
                    raise ValueError(f"{prop.upper()}: {exc}") from None
            if text:
                # "circa 1800" says nothing a calendar can use, but it is what the user knows: kept as a note.
                _keep_as_note(fields, sources, f"{_TEXT_DATES[kind]}: {text}")
                item.warnings.append(f"{prop.upper()} {text!r} is not a date: kept in the notes")
                kinds.add(kind.value)
                continue
            kinds.add(kind.value)
            if found is not None:
                dates.append(found)
                sources.setdefault("dates", prop.upper())
    for line in _values(card, "x-abdate"):
        label = _apple_label(card, line.group)
        kind = DateKind.ANNIVERSARY if label.lower() == "anniversary" else DateKind.CUSTOM
        try:
            found = _date(line, kind, "" if kind == DateKind.ANNIVERSARY else label)
        except ValueError as exc:
            raise ValueError(f"X-ABDATE: {exc}") from None
        if found is not None:
            kinds.add(kind.value)
            dates.append(found)
    own = _values(card, PREFIX.lower() + "date")
    if own:
        dates = _with_own_dates(own, dates)
        kinds = set(ALL_KINDS)  # keepwarm's own export lists every date of the contact
        sources.setdefault("dates", PREFIX + "DATE")
    if kinds:
        fields["dates"] = dates
        item.date_kinds = frozenset(kinds)


def _with_own_dates(own: list, standard: list[dict]) -> list[dict]:
    """keepwarm's ordered list, with BDAY and ANNIVERSARY winning where an address book changed them."""
    dates = []
    for line in own:
        try:
            dates.append(_keepwarm_date(_text(line.value)))
        except ValueError as exc:
            raise ValueError(f"{PREFIX}DATE: {exc}") from None
    for found in standard:
        if found["label"]:
            if found not in dates:
                dates.append(found)
            continue
        index = next((i for i, d in enumerate(dates) if d["kind"] == found["kind"] and not d["label"]), None)
        if index is None:
            dates.append(found)
        else:
            dates[index] = found
    return dates


def _flag(text: str) -> bool:
    word = text.strip().lower()
    if word in ("true", "yes", "1"):
        return True
    if word in ("false", "no", "0", ""):
        return False
    raise ValueError(f"{PREFIX}DO-NOT-CONTACT: {text!r} is not true or false")


def _fill_keepwarm(card, fields: dict, sources: dict) -> None:
    for suffix, key in SINGLE.items():
        lines = _values(card, (PREFIX + suffix).lower())
        if not lines:
            continue
        text = _text(lines[0].value).strip()
        sources[key] = PREFIX + suffix
        if key == "do_not_contact":
            fields[key] = _flag(text)
        elif key in ENUMS:
            fields[key] = normalize_word(text) or None
        else:
            fields[key] = text
    for suffix, key in MULTIPLE.items():
        lines = _values(card, (PREFIX + suffix).lower())
        if lines:
            values = [_text(line.value).strip() for line in lines]
            values = [v for v in values if v]
            fields[key] = [normalize_word(v) for v in values] if key in ENUMS else values
            sources[key] = PREFIX + suffix


# ------------------------------------------------------------------- cards


#: Properties whose commas separate values (vobject splits these itself).
_LISTS = {"N", "ADR", "CATEGORIES", "NICKNAME"}


def _escape_commas(value: str) -> str:
    """`a, b` -> `a\\, b`, leaving `\\,` and other escapes as they are."""
    out, escaped = [], False
    for char in value:
        if escaped:
            escaped = False
        elif char == "\\":
            escaped = True
        elif char == ",":
            out.append("\\")
        out.append(char)
    return "".join(out)


def _value_start(line: str) -> int:
    """Where a content line's value begins: after the first ':' outside a quoted parameter."""
    if '"' not in line:
        return line.find(":") + 1 or -1
    quoted = False
    for index, char in enumerate(line):
        if char == '"':
            quoted = not quoted
        elif char == ":" and not quoted:
            return index + 1
    return -1


def keep_commas(line: str) -> str:
    """vobject keeps only the text before the first unescaped comma of a plain text property
    (`NOTE:met in Lyon, liked it` -> `met in Lyon`); vCard 2.1 never escapes commas, and many
    3.0 writers do not either. Escaping them before vobject reads the line keeps the whole
    text (CATEGORIES is then split on commas by `_fill`)."""
    start = _value_start(line)
    if start < 0 or "," not in line[start:]:
        return line
    head = line[: start - 1]
    name = head.split(";", 1)[0].rsplit(".", 1)[-1].strip().upper()
    if name in _LISTS or "BASE64" in head.upper() or "ENCODING=B" in head.upper():
        return line
    return line[:start] + _escape_commas(line[start:])


def _unicode(codec: str) -> bool:
    return codecs.lookup(codec).name.startswith("utf")


def with_charset(line: str, codec: str) -> str:
    """A plain (not quoted-printable) value in the CHARSET its line names, read again from its bytes.

    The file was read as a whole with one codec (a guess such as Windows-1252 when it is not
    UTF-8); Android phones write Japanese names as `N;CHARSET=SHIFT_JIS:` followed by raw
    Shift_JIS bytes. Those bytes are recovered by encoding the value back with the file's codec,
    then decoded with the named charset. A file read as UTF-8 is left alone: it decoded cleanly,
    and a CHARSET parameter that contradicts it is the more likely mistake.
    """
    start = _value_start(line)
    if start < 0:
        return line
    head = line[: start - 1]
    found = _CHARSET.search(head)
    if found is None or _ENCODED.search(head):
        return line
    value = line[start:]
    try:
        charset = codecs.lookup(found.group(1)).name
        if charset == codecs.lookup(codec).name or value.isascii():
            return line
        return line[:start] + value.encode(codec).decode(charset)
    except (LookupError, UnicodeError):  # an unknown charset, or bytes that are not in it: the text as read
        return line


def _parse(raw: RawCard, codec: str | None = None):
    """`codec`: the file's, when it was not a Unicode one (see `with_charset`)."""
    if codec is None:
        lines = [keep_commas(line) for _, line in raw.lines]
    else:
        lines = [keep_commas(with_charset(line, codec)) for _, line in raw.lines]
    card = vcard_parse.read_card(lines)
    if card is not None:
        return card, None
    return _parse_one(raw, lines)


def parse_whole(raw: RawCard):
    """vobject's full card (photos and all, as `iter_cards(keep_binary=True)` cut it), to be edited and
    written again: commas kept as `_parse` keeps them; (card, None) or (None, the problem)."""
    return _parse_one(raw, [keep_commas(line) for _, line in raw.lines])


def _parse_one(raw: RawCard, lines: list[str]):
    """vobject.readOne of one card: the reading `vcard_parse` stands in for, and its errors."""
    text = "\r\n".join(lines) + "\r\n"
    try:
        return vobject.readOne(text, validate=False), None
    except ParseError as exc:
        # vobject's own line count is unreliable; find the line it quotes instead.
        message = str(getattr(exc, "msg", "") or "")
        quoted = message.split("line: ", 1)[1] if "line: " in message else None
        for number, line in raw.lines:
            if quoted is not None and line == quoted:
                shown = line if len(line) <= 40 else line[:37] + "..."
                return None, f"line {number}: {shown!r} is not a vCard property (expected NAME:value)"
        return None, f"cannot be read as a vCard ({message or 'malformed'})"
    except Exception as exc:  # vobject on untrusted input can raise nearly anything
        return (
            None,
            f"cannot be read as a vCard ({type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else 'malformed'})",
        )


def _same_person(a: Incoming, b: Incoming) -> bool:
    """Two cards with one UID describe the same person when their names match (ignoring case and
    accents) or they share an e-mail address: the same card exported twice, or edited in between."""
    name_a, name_b = a.fields.get("name"), b.fields.get("name")
    if isinstance(name_a, str) and isinstance(name_b, str) and fold(name_a) == fold(name_b):
        return True
    emails_a = {e.strip().lower() for e in a.fields.get("emails") or [] if isinstance(e, str)}
    return any(isinstance(e, str) and e.strip().lower() in emails_a for e in b.fields.get("emails") or [])


def separate_shared_uids(items: list[Incoming]) -> None:
    """Cards of one import (one file or several) that repeat a UID: the same person's are merged, as before, and say so;
    a different person's card loses the UID and is imported as a contact of its own (matched by
    e-mail or name like a card without a UID, so importing the file again changes nothing).

    Some exporters give every card the same UID; matched by it, a whole address book used to
    collapse silently into one contact.
    """
    first: dict[str, Incoming] = {}
    for item in items:
        if item.problem or not item.uid:
            continue
        seen = first.setdefault(item.uid, item)
        if seen is item:
            continue
        there = str(seen.where) if seen.where.file == item.where.file else seen.where.full()
        if _same_person(seen, item):
            item.warnings.append(
                f"has the same UID as {there}, {seen.label!r}: the same person, merged into one contact"
            )
        else:
            item.warnings.append(
                f"has the same UID as {there}, {seen.label!r}: a different person, imported on its own without that UID"
            )
            item.uid = None


def read(text: str, file: str, codec: str = "utf-8") -> list[Incoming]:
    """The file's cards as records; `codec` is how its bytes were read (for CHARSET parameters)."""
    stray: list[tuple[int, str]] = []
    recode = None if _unicode(codec) else codec
    items: list[Incoming] = []
    for raw in iter_cards(text, stray):
        where = Where(file, raw.line, raw.number)
        if raw.problem:
            items.append(Incoming(where=where, problem=raw.problem))
            continue
        card, problem = _parse(raw, recode)
        if problem:
            items.append(Incoming(where=where, problem=problem))
            continue
        items.append(to_incoming(card, where))
    for number, line in stray:
        shown = line if len(line) <= 40 else line[:37] + "..."
        items.append(Incoming(where=Where(file, number), problem=f"expected BEGIN:VCARD, found {shown!r}"))
    if not items:
        items.append(
            Incoming(where=Where(file, 1), problem="no vCard in this file (expected BEGIN:VCARD ... END:VCARD)")
        )
    items.sort(key=lambda i: i.where.line or 0)
    return items
