"""A digest sent where it reaches you outside the terminal: a desktop notification, a mail.

Both go through the programs the desktop and the mail system already provide,
run as the user would run them: `notify-send` (libnotify's, on every Linux
desktop) and the local `sendmail` (Postfix, Exim, OpenSMTPD, msmtp, nullmailer
all install one). keepwarm speaks no D-Bus and no SMTP itself, and keeps no
mail password; a missing program is a one-line error. No person's text reaches
a command line's options or a mail's headers: the notification's texts come
after `--`, and a mail's recipient is read from its To header (`sendmail -t`),
which holds the address the user gave and nothing from the book.
"""

from __future__ import annotations

import datetime as dt
import getpass
import os
import shutil
import socket
import subprocess
from email.errors import HeaderParseError
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid

from ..errors import UserError
from ..text.controls import control_problem, visible

#: Where sendmail lives when it is not on PATH (cron's PATH is /usr/bin:/bin; sendmail is in /usr/sbin).
SENDMAIL_DIRS: tuple[str, ...] = ("/usr/sbin", "/usr/lib")

#: How long a notifier or sendmail may take before keepwarm gives up on it (a mail queue that hangs).
TIMEOUT_SECONDS = 60

#: What the body of a notification would read as markup (the specification's subset of HTML).
_MARKUP = {ord("&"): "&amp;", ord("<"): "&lt;", ord(">"): "&gt;"}


def notifier() -> str:
    """The notifier's path, looked for before anything is worked out or sent."""
    program = shutil.which("notify-send")
    if program is None:
        raise UserError(
            "--notify: no desktop notifier found (notify-send is not on PATH: install libnotify-bin, "
            "or use --mail or the printed digest)"
        )
    return program


def notify(program: str, title: str, body: str) -> None:
    """Show a desktop notification with `notify-send`; the body's markup characters are written as entities."""
    _run("--notify", [program, "--app-name=keepwarm", "--", title, body.translate(_MARKUP)])


def address(text: str, field: str = "--mail") -> Address:
    """An e-mail address as typed, checked: one address, no display name, no line break."""
    problem = control_problem(text)
    if problem is not None:
        raise UserError(f"{field}: the address {problem}")
    try:
        parsed = Address(addr_spec=text.strip())
    except (ValueError, IndexError, HeaderParseError):
        parsed = None
    if parsed is None or not parsed.username or not parsed.domain:
        shown = visible(text, multiline=False)
        raise UserError(f"{field}: {shown!r} is not an e-mail address (expected one address, e.g. you@example.org)")
    return parsed


def sender(me: list[str]) -> Address:
    """Who the mail is from: the first of your own addresses (`me` in config.toml), else you at this machine."""
    if me:
        return address(me[0], field="me")
    try:
        user = getpass.getuser()
    except (KeyError, OSError):
        user = "keepwarm"
    return Address(display_name="keepwarm", username=user, domain=socket.gethostname() or "localhost")


def message(*, to: Address, sender: Address, subject: str, body: str, now: dt.datetime) -> EmailMessage:
    """An RFC 5322 message: the stdlib's own, which refuses a header holding a line break."""
    mail = EmailMessage()
    mail["From"] = sender
    mail["To"] = to
    mail["Subject"] = subject
    mail["Date"] = format_datetime(now)
    mail["Message-ID"] = make_msgid("keepwarm-digest", domain=sender.domain or "localhost")
    mail["Auto-Submitted"] = "auto-generated"  # RFC 3834: no vacation auto-replies to a machine's mail
    mail.set_content(body, charset="utf-8")
    return mail


def sendmail() -> str:
    """The local sendmail's path (on PATH, else where it is usually kept), looked for before anything is sent."""
    path = os.environ.get("PATH", os.defpath)
    program = shutil.which("sendmail", path=os.pathsep.join([path, *SENDMAIL_DIRS]))
    if program is None:
        places = ", ".join(SENDMAIL_DIRS)
        raise UserError(
            f"--mail: no sendmail found (not on PATH, nor in {places}: install a mail transfer agent such as "
            "msmtp-mta, nullmailer or postfix)"
        )
    return program


def send_mail(program: str, mail: EmailMessage) -> None:
    """Hand the message to the local sendmail, which reads the recipients from its headers (`-t`)."""
    # -oi: a line holding a single dot is text, not the end of the message.
    _run("--mail", [program, "-t", "-oi"], mail.as_bytes())


def _run(option: str, args: list[str], given: bytes | None = None) -> None:
    name = os.path.basename(args[0])
    try:
        done = subprocess.run(
            args,
            input=given,
            stdin=subprocess.DEVNULL if given is None else None,
            capture_output=True,
            timeout=TIMEOUT_SECONDS,
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise UserError(f"{option}: {name} did not finish within {TIMEOUT_SECONDS} s") from None
    except OSError as exc:
        raise UserError(f"{option}: {args[0]} could not be run ({exc.strerror or exc})") from None
    if done.returncode != 0:
        said = done.stderr.decode("utf-8", "replace").strip().splitlines()
        why = f": {visible(said[0], multiline=False)}" if said else ""
        raise UserError(f"{option}: {name} failed (exit status {done.returncode}){why}")
