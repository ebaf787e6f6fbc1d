"""One message's headers into a Capture or a Skip (keepwarm_plugins._mail_headers), shared by the mail kinds.

Messages are built with email.message.EmailMessage under compat32, so that the
encoded words keep the charset written here (the default policy would re-encode
them all as UTF-8 and the charsets would go untested).
"""

from __future__ import annotations

import base64
import datetime as dt
import io
from email import policy
from email.message import EmailMessage

import pytest

from keepwarm.plugin import Capture, Channel, Person, Skip
from keepwarm_plugins import _mail_headers as mh

NOW = dt.datetime(2026, 11, 22, 9, 0, tzinfo=dt.timezone.utc)
DATE = "Mon, 16 Nov 2026 10:30:00 +0100"


def ew(text: str, charset: str, encoding: str = "b") -> str:
    """An RFC 2047 encoded word, written by hand so the charset is exactly this one."""
    try:
        data = text.encode(charset)
    except LookupError:  # a charset Python does not know: the bytes are UTF-8, as senders' mistakes often are
        data = text.encode("utf-8")
    if encoding == "b":
        return f"=?{charset}?b?{base64.b64encode(data).decode()}?="
    return f"=?{charset}?q?{''.join(chr(b) if chr(b).isascii() and chr(b).isalnum() else f'={b:02X}' for b in data)}?="


def message(body: str = "Hello\n", **headers: str) -> bytes:
    msg = EmailMessage(policy=policy.compat32)
    for name, value in headers.items():
        msg[name.replace("_", "-")] = value
    msg.set_payload(body)
    return msg.as_bytes()


def header_of(data: bytes) -> bytes:
    return mh.read_header_block(io.BytesIO(data))


def test_a_plain_message_gives_every_field_the_rules_need():
    data = message(
        From='"Ada Lovelace" <Ada@Example.org>',
        To='bob@example.com, "Doe, Jane" <jane@example.net>',
        Cc="carol@example.com",
        Bcc="secret@example.com",
        Subject="Lunch next week?",
        Date=DATE,
        Message_ID="<m2@example.org>",
        In_Reply_To="<m1@example.com>",
        References="<m0@example.com>\n <m1@example.com>",
    )
    got = mh.capture(header_of(data), now=NOW)
    assert got == Capture(
        external_id="m2@example.org",
        at=dt.datetime(2026, 11, 16, 9, 30, tzinfo=dt.timezone.utc),
        channel=Channel.EMAIL,
        people=(
            Person("Ada@Example.org", "from", "Ada Lovelace"),
            Person("bob@example.com", "to", ""),
            Person("jane@example.net", "to", "Doe, Jane"),
            Person("carol@example.com", "cc", ""),
        ),
        message_id="m2@example.org",
        replies_to=("m1@example.com", "m0@example.com"),
        subject="Lunch next week?",
    )
    assert got.at.utcoffset() == dt.timedelta(hours=1)  # the zone the sender wrote is kept


@pytest.mark.parametrize("charset, text", [
    ("utf-8", "Zoë Ørsted — café"),
    ("iso-8859-1", "Grüße aus Köln"),
    ("koi8-r", "Иван Петров"),
    ("shift_jis", "山田太郎"),
])
@pytest.mark.parametrize("encoding", ["b", "q"])
def test_rfc2047_names_and_subjects_in_several_charsets_are_decoded(charset, text, encoding):
    data = message(From=f"{ew(text, charset, encoding)} <who@example.org>",
                   To=f"{ew(text, charset, encoding)} <to@example.org>",
                   Subject=f"Re: {ew(text, charset, encoding)}", Date=DATE, Message_ID="<x@y>")
    got = mh.capture(header_of(data), now=NOW)
    assert [(p.role, p.name, p.address) for p in got.people] == [
        ("from", text, "who@example.org"), ("to", text, "to@example.org")]
    assert got.subject == f"Re: {text}"


def test_an_unknown_charset_is_read_rather_than_refused():
    data = message(From=f"{ew('Grüße Jürgen', 'x-unknown')} <j@example.de>",
                   Subject=f"{ew('naïve', 'x-unknown', 'q')} {ew('plan', 'rot13')}",
                   Date=DATE, Message_ID="<u@y>")
    got = mh.capture(header_of(data), now=NOW)
    assert got.people[0].name == "Grüße Jürgen"
    assert got.subject == "naïveplan"  # RFC 2047: the space between two encoded words is not text


def test_raw_8bit_headers_are_read_as_utf8_or_latin1():
    data = ("From: Jörg <j@example.de>\nTo: x@example.org\nDate: " + DATE + "\nSubject: ").encode("utf-8")
    data += "Grüße".encode("latin-1") + b"\n\nbody\n"
    got = mh.capture(header_of(data), now=NOW)
    assert got.people[0].name == "Jörg"
    assert got.subject == "Grüße"


def test_an_encoded_word_cannot_smuggle_in_an_address():
    evil = ew("x@evil.example>, <y@evil.example", "utf-8")
    got = mh.capture(header_of(message(From=f"{evil} <real@example.org>", Date=DATE, Message_ID="<e@y>")), now=NOW)
    assert [(p.address, p.name) for p in got.people] == [("real@example.org", "x@evil.example>, <y@evil.example")]


def test_hostile_names_stay_text_but_lose_nul_and_line_breaks():
    name = ew("Eve\x00\r\nBcc: all@x \x1b[31mred", "utf-8")
    got = mh.capture(header_of(message(From=f"{name} <eve@example.org>", Subject=ew("a\nb\x00c", "utf-8"),
                                       Date=DATE, Message_ID="<h@y>")), now=NOW)
    assert got.people[0].name == "Eve Bcc: all@x \x1b[31mred"  # the escape is the core's to show safely
    assert got.subject == "a b c"


def test_without_message_id_the_id_is_a_stable_hash_of_what_the_message_says():
    one = message(From="a@example.org", To="b@example.org", Subject="Hi", Date=DATE)
    again = message(From="a@example.org", To="b@example.org", Subject="Hi", Date=DATE, X_Folder="Sent")
    other = message(From="a@example.org", To="b@example.org", Subject="Hi!", Date=DATE)
    first, second, third = (mh.capture(header_of(m), now=NOW) for m in (one, again, other))
    assert first.message_id == "" and first.external_id.startswith("sha256:")
    assert first.external_id == second.external_id != third.external_id


def test_references_are_followed_in_order_without_repeats_or_junk():
    data = message(From="a@example.org", Date=DATE, Message_ID="<c@x>",
                   In_Reply_To="<b@x> (Bob's message of Monday)",
                   References="<a@x> <b@x>\n\t<b@x> <c@x> garbage")
    assert mh.capture(header_of(data), now=NOW).replies_to == ("b@x", "a@x")
    bare = message(From="a@example.org", Date=DATE, Message_ID="d@x", In_Reply_To="c@x")
    got = mh.capture(header_of(bare), now=NOW)
    assert (got.message_id, got.replies_to) == ("d@x", ("c@x",))


@pytest.mark.parametrize("headers, reason", [
    ({"List_Id": "Friends <friends.lists.example.org>"}, "mailing list"),
    ({"List_Post": "<mailto:friends@lists.example.org>"}, "mailing list"),
    ({"Precedence": "bulk"}, "bulk mail"),
    ({"Precedence": "List"}, "bulk mail"),
    ({"Precedence": "junk"}, "bulk mail"),
    ({"Auto_Submitted": "auto-replied; owner-email=x@y"}, "automatic mail"),
    ({"Auto_Submitted": "auto-generated"}, "automatic mail"),
    ({"From": "GitHub <noreply@github.com>"}, "no-reply sender"),
    ({"From": "no-reply+abc@shop.example"}, "no-reply sender"),
    ({"From": "Billing <do-not-reply.billing@bank.example>"}, "no-reply sender"),
    ({"From": "MAILER-DAEMON@mx.example.org"}, "no-reply sender"),
    ({"From": "notifications@service.example"}, "no-reply sender"),
])
def test_lists_bulk_and_automatic_mail_are_skipped_with_the_reason(headers, reason):
    fields = {"From": "person@example.org", "To": "me@example.org", "Date": DATE, "Message_ID": "<auto@x>", **headers}
    assert mh.capture(header_of(message(**fields)), now=NOW) == Skip("auto@x", reason)


def test_a_person_whose_name_only_looks_automatic_is_kept():
    for sender in ("noreplyson@example.org", "notificationsfan@example.org", "Reply@example.org"):
        got = mh.capture(header_of(message(From=sender, Date=DATE, Auto_Submitted="no", Message_ID="<p@x>")), now=NOW)
        assert isinstance(got, Capture) and got.people[0].address == sender


@pytest.mark.parametrize("date, reason", [
    (None, "no Date header"),
    ("sometime last week", "unreadable Date"),
    ("Mon, 45 Foo 2026 99:99:99 +0000", "unreadable Date"),
    ("Thu, 01 Jan 1970 00:00:00 +0000", "Date out of range"),
    ("Fri, 1 Jan 2100 10:00:00 +0000", "Date out of range"),
    ("Tue, 24 Nov 2026 10:00:00 +0000", "Date out of range"),
])
def test_a_missing_unreadable_or_absurd_date_is_skipped(date, reason):
    fields = {"From": "a@example.org", "Message_ID": "<d@x>"}
    if date is not None:
        fields["Date"] = date
    assert mh.capture(header_of(message(**fields)), now=NOW) == Skip("d@x", reason)


def test_a_date_a_few_hours_ahead_and_one_without_zone_are_kept():
    ahead = mh.capture(header_of(message(From="a@example.org", Date="Sun, 22 Nov 2026 20:00:00 +0000")), now=NOW)
    assert ahead.at == dt.datetime(2026, 11, 22, 20, tzinfo=dt.timezone.utc)
    unzoned = mh.capture(header_of(message(From="a@example.org", Date="Sun, 22 Nov 2026 08:00:00 -0000")), now=NOW)
    assert unzoned.at == dt.datetime(2026, 11, 22, 8, tzinfo=dt.timezone.utc)


def test_without_a_sender_or_headers_at_all_the_message_is_skipped():
    assert mh.capture(header_of(message(To="a@example.org", Date=DATE, Message_ID="<n@x>")), now=NOW) == Skip(
        "n@x", "no From header")
    assert mh.capture(header_of(message(From="undisclosed-recipients:;", Date=DATE, Message_ID="<n@x>")),
                      now=NOW) == Skip("n@x", "unreadable From")
    assert mh.capture(b"\x00\xff\xfe garbage without any colon\n\x89PNG", now=NOW).reason == "not a mail message"
    assert mh.capture(b"", now=NOW).reason == "not a mail message"


def test_a_header_cut_short_still_gives_what_it_holds():
    cut = b"From: a@example.org\nMessage-ID: <t@x>\nDate: Mon, 16 Nov 2026 10:30:00 +0100\nSubject: half a li"
    got = mh.capture(header_of(cut), now=NOW)
    assert (got.external_id, got.subject, got.people[0].address) == ("t@x", "half a li", "a@example.org")


class CountingReader(io.RawIOBase):
    """A 50 MB message that is made up as it is read, counting what was asked of it."""

    def __init__(self, header: bytes, body_size: int):
        self.header, self.size, self.position, self.served = header, len(header) + body_size, 0, 0

    def readable(self):
        return True

    def readinto(self, buffer):
        n = min(len(buffer), self.size - self.position)
        start = self.position
        head = self.header[start:start + n]
        buffer[:len(head)] = head
        buffer[len(head):n] = b"F" * (n - len(head))
        self.position += n
        self.served += n
        return n


def test_a_50_mb_message_is_read_no_further_than_its_headers():
    header = message(From="big@example.org", To="me@example.org", Date=DATE, Message_ID="<big@x>",
                     Subject="the video", body="").rstrip(b"\n") + b"\n\n"
    raw = CountingReader(header, 50 * 1024 * 1024)
    got = mh.capture(mh.read_header_block(io.BufferedReader(raw)), now=NOW)
    assert (got.external_id, got.subject) == ("big@x", "the video")
    assert raw.served < 64 * 1024


def test_a_header_block_that_never_ends_is_refused_past_the_cap():
    raw = CountingReader(b"From: a@example.org\nX-Filler: ", 50 * 1024 * 1024)
    with pytest.raises(mh.HeaderTooLarge):
        mh.read_header_block(io.BufferedReader(raw))
    assert raw.served <= mh.MAX_HEADER_BYTES + 64 * 1024


def test_crlf_line_ends_and_an_envelope_from_line_are_read_like_any_message():
    data = message(From="a@example.org", To="b@example.org", Date=DATE, Message_ID="<crlf@x>",
                   Subject="folded\n subject", body="From: body@example.org\n").replace(b"\n", b"\r\n")
    data = b"From a@example.org Mon Nov 16 09:30:00 2026\r\n" + data
    stream = io.BytesIO(data)
    got = mh.capture(mh.read_header_block(stream), now=NOW)
    assert (got.external_id, got.subject, [p.address for p in got.people]) == (
        "crlf@x", "folded subject", ["a@example.org", "b@example.org"])
    assert stream.read() == b"From: body@example.org\r\n"  # stopped at the blank line, body unread
