"""The mail sources read headers one way, and the sources that run a password command run it one way.

The same messages put on a real IMAP server (pymap) and in a Maildir and an
mbox give the same touches and the same skip reasons; only a message without
a Message-ID is named after where it lies, and a header block too long is
one reason from all three. A failing password command gives the same words
under the imap and the caldav source, and never what the command printed.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import mailbox
import shlex
import sys
from email.utils import format_datetime

import pytest

from keepwarm.plugin import Capture, ReadRequest, Skip
from keepwarm_plugins import _mail_headers, source_caldav, source_imap, source_maildir, source_mbox
from keepwarm_plugins.source_imap import ImapSourceError
from keepwarm_plugins._calendar_read import CalendarSourceError
from test_source_imap import append, options, secret_script, server, mail  # noqa: F401 - fixtures

NOW = dt.datetime(2026, 11, 22, 9, 0, tzinfo=dt.timezone.utc)
WHEN = dt.datetime(2026, 11, 10, 9, 0, tzinfo=dt.timezone.utc)
SECRET = "the-real-secret-42"


def raw(*headers: str) -> bytes:
    return ("\r\n".join(headers) + "\r\n\r\nThe body, never read.\r\n").encode("utf-8")


DATE = f"Date: {format_datetime(WHEN)}"
MESSAGES = [
    # a no-reply sender whose local part goes on after "-": the shared list catches it
    raw("From: Billing <noreply-billing@shop.example>", "To: ada@example.org", DATE, "Message-ID: <bill@x>",
        "Subject: your bill"),
    # no From at all: not a touch from nobody
    raw("To: ada@example.org", DATE, "Message-ID: <nofrom@x>", "Subject: who?"),
    # an encoded word in a charset Python does not know, and a bare In-Reply-To
    raw("From: Bob <bob@partner.example>", "To: Ada <ada@example.org>", "Cc: carol@partner.example", DATE,
        "Message-ID: <cafe@x>", "In-Reply-To: first@x", "References: <zero@x> <first@x>",
        "Subject: =?x-unknown?q?caf=C3=A9?= at noon"),
    # no Message-ID: the id comes from where the message lies
    raw("From: Bob <bob@partner.example>", "To: ada@example.org", DATE, "Subject: no id"),
]


def request(opts, name="unified") -> ReadRequest:
    return ReadRequest(name=name, options=opts, cursor={}, now=NOW,
                       since=NOW - dt.timedelta(days=365), until=NOW + dt.timedelta(days=60))


def items(found) -> list[Capture | Skip]:
    return sorted((i for i in found if isinstance(i, (Capture, Skip))), key=lambda i: (i.external_id, type(i).__name__))


@pytest.mark.slow
@pytest.mark.xdist_group("imap-server")
def test_imap_maildir_and_mbox_read_the_same_headers_the_same_way(server, mail, secret_script, tmp_path):  # noqa: F811
    box, mbox = mailbox.Maildir(tmp_path / "Mail"), mailbox.mbox(tmp_path / "mbox")
    for message in MESSAGES:
        append(mail, "INBOX", message, WHEN)
        box.add(message)
        mbox.add(message)
    mbox.flush()
    from_imap = items(source_imap.read(request(options(server, secret_script))))
    from_maildir = items(source_maildir.read(request(source_maildir.MaildirOptions(path=str(tmp_path / "Mail")))))
    from_mbox = items(source_mbox.read(request(source_mbox.MboxOptions(path=str(tmp_path / "mbox")))))

    reasons = {i.external_id: i.reason for i in from_maildir if isinstance(i, Skip)}
    assert reasons == {"bill@x": "no-reply sender", "nofrom@x": "no From header"}
    cafe = next(i for i in from_maildir if i.external_id == "cafe@x")
    assert cafe.subject == "café at noon" and cafe.replies_to == ("first@x", "zero@x")
    assert from_mbox == from_maildir

    (no_id,) = [i for i in from_imap if i.external_id.startswith("imap:")]
    validity = mail.folder_status("INBOX", ["UIDVALIDITY"])[b"UIDVALIDITY"]
    mail.select_folder("INBOX", readonly=True)
    last_uid = max(mail.search(["ALL"]))
    assert no_id.external_id == f"imap:INBOX:{validity}:{last_uid}"
    (hashed,) = [i for i in from_maildir if i.external_id.startswith("sha256:")]
    renamed = [dataclasses.replace(i, external_id=hashed.external_id) if i is no_id else i for i in from_imap]
    assert items(renamed) == from_maildir


def test_the_header_reader_takes_the_callers_id_for_a_message_without_message_id():
    no_id = raw("From: bob@partner.example", DATE, "Subject: x")
    assert _mail_headers.capture(no_id, now=NOW, fallback_id="imap:INBOX:7:12").external_id == "imap:INBOX:7:12"
    assert _mail_headers.capture(no_id, now=NOW).external_id.startswith("sha256:")
    with_id = raw("From: bob@partner.example", DATE, "Message-ID: <m@x>")
    assert _mail_headers.capture(with_id, now=NOW, fallback_id="imap:INBOX:7:13").external_id == "m@x"
    assert _mail_headers.capture(b"", now=NOW, fallback_id="imap:INBOX:7:14") == Skip("imap:INBOX:7:14",
                                                                                     "not a mail message")


def failing_command(folder) -> str:
    """A password command that prints the secret on both outputs and fails, as a broken script might."""
    kept = folder / "secret"
    kept.write_text(SECRET, encoding="utf-8")
    code = "import sys; s = open(sys.argv[1]).read(); print(s); sys.stderr.write('gpg: ' + s); sys.exit(3)"
    return shlex.join([sys.executable, "-c", code, str(kept)])


def test_imap_and_caldav_name_a_failing_password_command_and_its_status_never_its_output(tmp_path):
    command = failing_command(tmp_path)
    expected = f"password_command {command!r} failed with exit status 3"
    imap_options = source_imap.Options(host="imap.example.org", username="ada", password_command=command)
    with pytest.raises(ImapSourceError) as imap:
        source_imap.password(imap_options, "work-mail")
    url = "http://127.0.0.1:9/dav/ada/"  # never reached: the command fails first
    caldav_options = source_caldav.Options(url=url, username="ada", password_command=command)
    with pytest.raises(CalendarSourceError) as caldav:
        list(source_caldav.read(request(caldav_options)))
    assert str(imap.value) == expected
    assert str(caldav.value) == f"{url}: {expected}"
    assert SECRET not in command and SECRET not in str(imap.value) + str(caldav.value)


@pytest.mark.slow
@pytest.mark.xdist_group("imap-server")
def test_a_header_block_too_long_is_skipped_with_one_reason_by_every_mail_source(
        server, mail, secret_script, tmp_path):  # noqa: F811
    filler = [f"X-Filler-{n}: {'y' * 900}" for n in range(300)]  # some 270 KB of header
    long_header = raw("From: Bob <bob@partner.example>", "To: ada@example.org", DATE, "Message-ID: <long@x>", *filler)
    box, mbox = mailbox.Maildir(tmp_path / "Mail"), mailbox.mbox(tmp_path / "mbox")
    for message in (long_header, MESSAGES[2]):
        append(mail, "INBOX", message, WHEN)
        box.add(message)
        mbox.add(message)
    mbox.flush()
    for found in (source_imap.read(request(options(server, secret_script))),
                  source_maildir.read(request(source_maildir.MaildirOptions(path=str(tmp_path / "Mail")))),
                  source_mbox.read(request(source_mbox.MboxOptions(path=str(tmp_path / "mbox"))))):
        read = [i for i in found if isinstance(i, (Capture, Skip))]
        assert sorted(getattr(i, "reason", i.external_id) for i in read) == ["cafe@x", "header larger than 256 KB"]


def test_outside_text_is_made_one_printable_line_with_every_secret_masked():
    from keepwarm_plugins._one_line import one_line

    said = "NO [AUTHENTICATIONFAILED] pass\x1b]0;owned\x07word\r\nfor s3cret and s3cret-longer\x1b[2J"
    assert one_line(said, secrets=["s3cret", "s3cret-longer", ""]) == \
        "NO [AUTHENTICATIONFAILED] pass ]0;owned word for *** and *** [2J"  # no ESC left: harmless
    assert one_line("é" * 30, limit=10) == "é" * 10 + "…"
