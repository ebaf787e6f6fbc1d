"""`keepwarm digest --notify` and `--mail` (issue #20, point 7): through the programs a desktop and a mail system
provide, `notify-send` and `sendmail`.

Each test puts a stand-in program first on PATH, a shell script that records the
arguments it was given (NUL-separated, so a line break inside one shows) and its
standard input: the interface keepwarm really uses, not a replaced Python function.
The clock is the fixed one of the tests: Sunday 22 November 2026, 09:00 UTC.
"""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import os
from pathlib import Path

import pytest

from calendar_support import write_config
from conftest import FIXED_NOW
from keepwarm.model import Contact, FollowUp
from keepwarm.services import digest_delivery
from keepwarm.store import contacts as people
from keepwarm.store import followups

TITLE = "\x1b]0;pwned\x07"
#: A name that tries to add a header to the mail and a recipient to it.
INJECTING = "Eve\r\nBcc: victim@example.org\r\nSubject: pwned"


class Fake:
    """A program on PATH that records what it was run with, and exits with the status it was told."""

    def __init__(self, folder: Path, name: str, status: int = 0, said: str = "") -> None:
        self.record = folder / f"{name}.record"
        script = folder / name
        script.write_text(
            "#!/bin/sh\n"
            f"for arg in \"$@\"; do printf '%s\\0' \"$arg\"; done > '{self.record}.argv'\n"
            f"cat > '{self.record}.stdin'\n"
            + (f"echo '{said}' >&2\n" if said else "")
            + f"exit {status}\n"
        )
        script.chmod(0o755)
        self.path = str(script)

    @property
    def ran(self) -> bool:
        return Path(f"{self.record}.argv").exists()

    @property
    def argv(self) -> list[str]:
        return Path(f"{self.record}.argv").read_bytes().decode().split("\0")[:-1]

    @property
    def stdin(self) -> bytes:
        return Path(f"{self.record}.stdin").read_bytes()


@pytest.fixture
def bin_dir(tmp_path, monkeypatch) -> Path:
    """A folder first on PATH; sendmail is looked for nowhere else but PATH."""
    folder = tmp_path / "bin"
    folder.mkdir()
    monkeypatch.setenv("PATH", f"{folder}{os.pathsep}{os.environ.get('PATH', '')}")
    monkeypatch.setattr(digest_delivery, "SENDMAIL_DIRS", ())
    return folder


@pytest.fixture
def only_bin_dir(bin_dir, monkeypatch) -> Path:
    """PATH holds nothing but the test's folder: no notify-send or sendmail of the machine's is found."""
    monkeypatch.setenv("PATH", str(bin_dir))
    return bin_dir


@pytest.fixture
def day(home, run):
    for args in (
        ("contact", "add", "Ada Lovelace"),
        ("contact", "add", "Bob Stone"),
        ("contact", "add", "Cleo Park"),
        ("followup", "add", "Ada", "send the engine drawings", "--due", "2026-05-01", "--channel", "email"),
        ("followup", "add", "Bob", "thank him for the intro", "--due", "2026-11-21"),
        ("followup", "add", "Cleo", "call about the renewal", "--due", "2026-11-22 15:30", "--channel", "call"),
        ("followup", "add", "Ada", "quarterly review", "--due", "2026-11-30"),
    ):
        result = run(*args)
        assert result.exit_code == 0, result.stderr
    return run


@pytest.fixture
def hostile(session):
    """A contact whose name tries header injection and escape sequences, due today; put in the database directly."""
    with session.store.write() as conn:
        cid = people.insert_contact(conn, Contact(name=f"{INJECTING}{TITLE} <b>bold</b> & co"), FIXED_NOW)
        followups.insert_followup(conn, FollowUp(contact_id=cid, due=FIXED_NOW.date(), reason=f"call{TITLE}"), FIXED_NOW)
    return cid


# ------------------------------------------------------------------ notify-send


def test_notify_shows_the_headline_and_a_line_per_person(day, bin_dir):
    notifier = Fake(bin_dir, "notify-send")
    result = day("digest", "--notify")
    assert (result.exit_code, result.stdout, result.stderr) == (0, "", "")  # not a terminal: silent when all went well
    assert notifier.argv[:2] == ["--app-name=keepwarm", "--"]  # the texts come after --: never read as options
    title, body = notifier.argv[2:]
    assert title == "keepwarm: 3 follow-ups for today, 2 of them late."
    assert sorted(body.split("\n")) == [
        "Ada Lovelace, 205 days late: send the engine drawings",
        "Bob Stone, 1 day late: thank him for the intro",
        "Cleo Park, due today at 15:30: call about the renewal",
    ]
    assert "quarterly review" not in body  # next week's is not today's


def test_notify_with_nothing_due_sends_nothing(home, run, bin_dir):
    notifier = Fake(bin_dir, "notify-send")
    assert run("contact", "add", "Dan Wu").exit_code == 0
    for item in run("agenda", "--days", "0", "--json").json()["items"]:
        assert run("followup", "done", str(item["followup"]["id"])).exit_code == 0
    result = run("digest", "--notify")
    assert (result.exit_code, result.stderr) == (0, "")
    assert not notifier.ran


def test_a_hostile_name_reaches_the_notification_as_plain_text(run, hostile, bin_dir):
    notifier = Fake(bin_dir, "notify-send")
    result = run("digest", "--notify")
    assert result.exit_code == 0, result.stderr
    body = notifier.argv[-1]
    assert not any(c in body for c in "\x1b\x07\r\n<>")
    # One line, control characters visible, markup written as entities (the body is read as markup), cut short.
    assert body.startswith("Eve Bcc: victim@example.org Subject: pwned\\x1b]0;pwned\\x07 &lt;b&gt;bold&lt;/b&gt; &amp; co")
    assert body.endswith("…")


def test_no_notifier_is_one_line_and_a_non_zero_exit(day, only_bin_dir):
    result = day("digest", "--notify")
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1
    assert result.stderr.startswith("keepwarm: --notify: no desktop notifier found (notify-send is not on PATH")
    assert result.stdout == ""


def test_a_failing_notifier_is_one_line_with_what_it_said(day, bin_dir):
    Fake(bin_dir, "notify-send", status=1, said="Cannot autolaunch D-Bus without X11 $DISPLAY")
    result = day("digest", "--notify")
    assert result.exit_code == 2
    assert result.stderr == (
        "keepwarm: --notify: notify-send failed (exit status 1): Cannot autolaunch D-Bus without X11 $DISPLAY\n"
    )


# ------------------------------------------------------------------ sendmail


def parsed(raw: bytes) -> email.message.EmailMessage:
    return email.message_from_bytes(raw, policy=email.policy.default)  # type: ignore[return-value]


def test_mail_pipes_one_rfc5322_message_through_sendmail_t(day, home, bin_dir):
    write_config(home, **{"": {"me": ["me@example.org"], "timezone": "Europe/Berlin"}})
    sendmail = Fake(bin_dir, "sendmail")
    result = day("digest", "--mail", "ada@example.org")
    assert (result.exit_code, result.stdout, result.stderr) == (0, "", "")
    assert sendmail.argv == ["-t", "-oi"]  # the recipient comes from the To header, never from the command line
    assert b"\nSubject: keepwarm 22 Nov: 3 follow-ups for today, 2 of them late.\n" in sendmail.stdin  # one line
    mail = parsed(sendmail.stdin)
    assert mail["To"] == "ada@example.org"
    assert mail["From"] == "me@example.org"
    assert mail["Subject"] == "keepwarm 22 Nov: 3 follow-ups for today, 2 of them late."
    assert mail["Date"].datetime == FIXED_NOW
    assert mail["Date"].datetime.utcoffset() == dt.timedelta(hours=1)  # written in the user's zone
    assert mail["Message-ID"].endswith("@example.org>")
    assert mail["Auto-Submitted"] == "auto-generated"
    assert mail.get_content_type() == "text/plain"
    assert mail.get_content() == day("digest").stdout  # the body is the printed digest


def test_mail_body_follows_the_format(day, bin_dir):
    sendmail = Fake(bin_dir, "sendmail")
    assert day("digest", "--mail", "ada@example.org", "--format", "markdown").exit_code == 0
    assert parsed(sendmail.stdin).get_content() == day("digest", "--format", "markdown").stdout


def test_a_hostile_name_adds_no_header_and_no_recipient(run, hostile, bin_dir):
    sendmail = Fake(bin_dir, "sendmail")
    result = run("digest", "--mail", "me@example.org")
    assert result.exit_code == 0, result.stderr
    raw = sendmail.stdin
    head, _, _ = raw.partition(b"\n\n")
    names = [line.split(b":", 1)[0] for line in head.split(b"\n") if line and not line[:1].isspace()]
    assert sorted(names) == sorted(
        [b"From", b"To", b"Subject", b"Date", b"Message-ID", b"Auto-Submitted", b"Content-Type",
         b"Content-Transfer-Encoding", b"MIME-Version"]
    )
    mail = parsed(raw)
    assert mail["To"] == "me@example.org" and mail["Bcc"] is None
    assert mail["Subject"] == "keepwarm 22 Nov: 1 follow-up for today."
    body = mail.get_content()
    assert "Eve Bcc: victim@example.org Subject: pwned\\x1b]0;pwned\\x07" in body
    assert not any(c in body for c in "\x1b\x07\r")


@pytest.mark.parametrize(
    "given",
    ["ada@example.org\nBcc: victim@example.org", "not an address", "ada@example.org, eve@example.org", "Ada <a@b.org>"],
)
def test_a_bad_address_is_one_line_and_nothing_is_sent(day, bin_dir, given):
    sendmail = Fake(bin_dir, "sendmail")
    result = day("digest", "--mail", given)
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1 and result.stderr.startswith("keepwarm: --mail: ")
    assert not sendmail.ran


def test_no_sendmail_is_one_line_and_a_non_zero_exit(day, only_bin_dir):
    notifier = Fake(only_bin_dir, "notify-send")
    result = day("digest", "--mail", "ada@example.org", "--notify")
    assert result.exit_code == 2
    assert result.stderr.startswith("keepwarm: --mail: no sendmail found (not on PATH")
    assert result.stderr.count("\n") == 1
    assert not notifier.ran  # found missing before anything was sent


def test_a_refusing_sendmail_is_one_line(day, bin_dir):
    Fake(bin_dir, "sendmail", status=75, said="sendmail: cannot connect to the mail queue")
    result = day("digest", "--mail", "ada@example.org")
    assert result.exit_code == 2
    assert result.stderr == (
        "keepwarm: --mail: sendmail failed (exit status 75): sendmail: cannot connect to the mail queue\n"
    )


def test_notify_and_mail_together(day, bin_dir):
    notifier, sendmail = Fake(bin_dir, "notify-send"), Fake(bin_dir, "sendmail")
    result = day("digest", "--notify", "--mail", "ada@example.org")
    assert result.exit_code == 0, result.stderr
    assert notifier.ran and parsed(sendmail.stdin)["To"] == "ada@example.org"


def test_on_a_terminal_it_says_what_it_sent(day, bin_dir):
    """Run as a program whose standard output is a terminal (a pseudo-terminal): one line says what was sent."""
    import pty
    import subprocess
    import sys

    notifier = Fake(bin_dir, "notify-send")
    main, child = pty.openpty()
    try:
        done = subprocess.run(
            [sys.executable, "-m", "keepwarm", "digest", "--notify"],
            stdout=child, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL, timeout=120, check=False,
        )
        os.close(child)
        child = -1
        shown = b""
        while True:
            try:
                chunk = os.read(main, 4096)
            except OSError:  # the terminal's other end is closed: everything was read
                break
            if not chunk:
                break
            shown += chunk
    finally:
        os.close(main)
        if child != -1:
            os.close(child)
    assert done.returncode == 0, done.stderr
    assert shown.decode() == "3 follow-ups for today, 2 of them late. Shown as a notification.\r\n"
    assert notifier.ran
