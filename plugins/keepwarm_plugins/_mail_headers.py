"""One message's header block turned into a `Capture`, or a `Skip` with the reason.

Shared by the mail kinds (Maildir, mbox, and IMAP with the header bytes it
fetched) so that every mail source reads headers, and words its skip
reasons, the same way.
Only the header block is ever read: a 50 MB message costs what a small one
does, and a body never reaches keepwarm.

Headers come from anyone, so nothing here may raise on what a message holds:
the stdlib parser (compat32, which records defects instead of failing) gives
the raw header text; addresses are split with `email.utils.getaddresses`
*before* RFC 2047 decoding (an encoded word must not smuggle in a comma or
an address); encoded words in a charset Python does not know are read as
UTF-8 or Latin-1 rather than refused. Hostile text stays text, for the core
escapes it on display; only NUL, CR and LF are taken out of names and
subjects, as they would break a one-line field.

Automatic mail is not a touch (docs/sources.md): a mailing list
(List-Id or List-Post), bulk mail (Precedence bulk, list or junk), mail an
automaton sent (Auto-Submitted other than "no") and mail from a no-reply
sender (`NO_REPLY` below).
"""

from __future__ import annotations

import datetime as dt
import email.header
import email.utils
import hashlib
import re
from collections.abc import Iterable
from email.parser import BytesHeaderParser
from typing import BinaryIO, Literal

from keepwarm.plugin import Capture, Channel, Person, Skip

#: The most header bytes read from one message; a header block longer than this is skipped unread.
MAX_HEADER_BYTES = 256 * 1024
#: The skip reason of such a message, the same from every mail source.
HEADER_TOO_LARGE = f"header larger than {MAX_HEADER_BYTES // 1024} KB"
#: Local parts (before "@", "+tag" removed, lower-cased) of senders that take no answer. A local part that
#: starts with one of these and goes on after "-", "_", "." or "+" counts too ("no-reply-billing", "noreply.x").
NO_REPLY = (
    "noreply",
    "no-reply",
    "no_reply",
    "donotreply",
    "do-not-reply",
    "do_not_reply",
    "mailer-daemon",
    "postmaster",
    "notifications",
    "notification",
)
#: Precedence values of bulk mail (RFC 2076; "junk" is what vacation programs heed).
BULK = ("bulk", "list", "junk")
#: Dates before this are not real mail times (a clock at zero, a year written as 0070).
EARLIEST = dt.datetime(1980, 1, 1, tzinfo=dt.timezone.utc)
#: How far ahead of now a Date may lie (clocks drift; zones are misstated).
AHEAD = dt.timedelta(days=1)

_ID = re.compile(r"<([^<>\s\x00]+)>")
_BROKEN_LINE = re.compile(r"[\x00\r\n]+")
_SPACES = re.compile(r"\s+")
_NOT_IN_ADDRESS = re.compile(r"[\s\x00-\x1f\x7f]")


class HeaderTooLarge(Exception):
    """The header block did not end within MAX_HEADER_BYTES."""


def read_header_block(stream: BinaryIO, limit: int = MAX_HEADER_BYTES) -> bytes:
    """The bytes from here to the blank line that ends the headers (or the end of the stream), body unread.

    Reads line by line with a bound on each read, so a body without line
    breaks is not pulled in either. Raises HeaderTooLarge past `limit` bytes.
    """
    lines: list[bytes] = []
    size = 0
    while True:
        line = stream.readline(limit + 1 - size)
        if not line:
            break
        size += len(line)
        if size > limit:
            raise HeaderTooLarge
        if line in (b"\n", b"\r\n") and (not lines or lines[-1].endswith(b"\n")):
            break
        lines.append(line)
    return b"".join(lines)


def capture(header: bytes, *, now: dt.datetime, fallback_id: str = "") -> Capture | Skip:
    """The touch one message's header block describes, or why it is not one; never raises on what it reads.

    `fallback_id` is the external id of a message without a Message-ID when the
    store has a stable name for it (IMAP: folder, UIDVALIDITY and UID); without
    one, a hash of what the message says is used.
    """
    try:
        return _capture(header, now, fallback_id)
    except Exception:  # a header shape no parser step foresaw: that message is skipped, never the sync
        return Skip(fallback_id or _hash_id(header), "unreadable header")


def _capture(header: bytes, now: dt.datetime, fallback_id: str) -> Capture | Skip:
    try:
        # compat32, the parser's default policy: not `email.policy`, whose header registry would cost every
        # command that loads the plugins (`contact show`, the agenda) some 20 ms to import
        message = BytesHeaderParser().parsebytes(header)
        fields = [(name.strip().lower(), _raw_text(value)) for name, value in message.raw_items()]
    except Exception:  # compat32 records defects rather than raising; this is for what it still cannot take
        return Skip(fallback_id or _hash_id(header), "unreadable header")
    if not fields:
        return Skip(fallback_id or _hash_id(header), "not a mail message")
    first: dict[str, str] = {}
    for name, value in fields:
        first.setdefault(name, value)
    message_id = message_id_of(first.get("message-id", ""))
    external_id = (
        message_id
        or fallback_id
        or _hash_id(
            "\x00".join(first.get(n, "") for n in ("date", "from", "to", "subject")).encode("utf-8", "surrogatepass")
        )
    )

    reason = automatic(first)
    if reason:
        return Skip(external_id, reason)
    senders = addresses([v for n, v in fields if n == "from"])
    if not senders:
        return Skip(external_id, "no From header" if "from" not in first else "unreadable From")
    if any(_no_reply(address) for _, address in senders):
        return Skip(external_id, "no-reply sender")
    if "date" not in first:
        return Skip(external_id, "no Date header")
    at = parse_date(first["date"])
    if at is None:
        return Skip(external_id, "unreadable Date")
    if not EARLIEST <= at <= now + AHEAD:
        return Skip(external_id, "Date out of range")

    people: list[Person] = []
    seen: set[tuple[str, str]] = set()
    roles: tuple[tuple[Literal["from", "to", "cc"], list[tuple[str, str]]], ...] = (
        ("from", senders),
        ("to", addresses([v for n, v in fields if n == "to"])),
        ("cc", addresses([v for n, v in fields if n == "cc"])),
    )
    for role, found in roles:
        for name, address in found:
            if (role, address.lower()) not in seen:
                seen.add((role, address.lower()))
                people.append(Person(address=address, role=role, name=name))
    replies = [
        i for i in ids(first.get("in-reply-to", ""), loose=True) + ids(first.get("references", "")) if i != message_id
    ]
    try:
        return Capture(
            external_id=external_id,
            at=at,
            channel=Channel.EMAIL,
            people=tuple(people),
            message_id=message_id,
            replies_to=tuple(dict.fromkeys(replies)),
            subject=decode(first.get("subject", "")),
        )
    except ValueError:  # a field the contract refuses: the message is skipped, never the sync
        return Skip(external_id, "unreadable header")


def automatic(first: dict[str, str]) -> str:
    """Why this mail was sent by a list or a machine ("" when a person sent it)."""
    if "list-id" in first or "list-post" in first:
        return "mailing list"
    if first.get("precedence", "").strip().lower() in BULK:
        return "bulk mail"
    submitted = first.get("auto-submitted", "").split(";")[0].strip().lower()
    if submitted and submitted != "no":
        return "automatic mail"
    return ""


def addresses(values: Iterable[str]) -> list[tuple[str, str]]:
    """(decoded display name, address as written) of each address in these header values."""
    found = []
    try:
        pairs = email.utils.getaddresses([_SPACES.sub(" ", v) for v in values])
    except Exception:
        return []
    for name, address in pairs:
        address = address.strip()
        if "@" not in address or _NOT_IN_ADDRESS.search(address):
            continue  # a group name, "undisclosed-recipients", a fragment of a broken header
        found.append((decode(name), address))
    return found


def message_id_of(value: str) -> str:
    """A Message-ID without its angle brackets ("" when none)."""
    found = ids(value, loose=True)
    return found[0] if found else ""


def ids(value: str, *, loose: bool = False) -> list[str]:
    """The <message-ids> in a header, brackets removed, in order, each once.

    `loose`: a header with no bracketed id may still hold bare ones (In-Reply-To
    and Message-ID written by careless programs); words with an "@" count then.
    """
    found = _ID.findall(value)
    if not found and loose:
        found = [w for w in value.split() if "@" in w and "\x00" not in w]
    return list(dict.fromkeys(found))


def parse_date(value: str) -> dt.datetime | None:
    """The moment a Date header names, with its zone (UTC when it says none), or None when unreadable."""
    try:
        at = email.utils.parsedate_to_datetime(_SPACES.sub(" ", value).strip())
    except Exception:
        return None
    if at is None:
        return None
    return at if at.tzinfo is not None else at.replace(tzinfo=dt.timezone.utc)


def decode(value: str) -> str:
    """RFC 2047 encoded words decoded, whatever their charset; one line, no NUL."""
    text = value
    if "=?" in value:
        try:
            parts = email.header.decode_header(value)
        except Exception:  # HeaderParseError, binascii.Error and whatever else a broken encoded word raises
            parts = [(value, None)]
        text = "".join(_part(chunk, charset) for chunk, charset in parts)
    return _SPACES.sub(" ", _BROKEN_LINE.sub(" ", text)).strip()


def _part(chunk: bytes | str, charset: str | None) -> str:
    if isinstance(chunk, str):
        return chunk
    if charset is None:  # decode_header hands back the plain text between encoded words this way
        return chunk.decode("raw-unicode-escape", "replace")
    charset = charset.split("*")[0].strip().lower()  # RFC 2231 language tag: "utf-8*en"
    try:
        return chunk.decode(charset, "replace")
    except Exception:  # unknown, or not a text encoding at all ("x-unknown", "rot13", "hex")
        return _unknown8bit(chunk)


def _raw_text(value: str) -> str:
    """A raw header value as text: 8-bit bytes (kept by the parser as surrogates) read as UTF-8, else Latin-1."""
    value = str(value)
    if value.isascii():
        return value
    return _unknown8bit(value.encode("utf-8", "surrogateescape"))


def _unknown8bit(data: bytes) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("latin-1")


def _no_reply(address: str) -> bool:
    local = address.rsplit("@", 1)[0].split("+", 1)[0].strip('"').lower()
    return any(local == n or (local.startswith(n) and local[len(n)] in "-_.") for n in NO_REPLY)


def _hash_id(data: bytes) -> str:
    """A stable id for a message without a Message-ID, from what it says (the same message in two folders: one id)."""
    return "sha256:" + hashlib.sha256(data).hexdigest()[:32]
