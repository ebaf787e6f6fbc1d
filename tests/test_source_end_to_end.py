"""`keepwarm source add` then `keepwarm sync`, as a user types them, on every built-in kind of store.

Real stores: a Maildir and an mbox written with the standard library's
`mailbox`, an IMAP account on a real server (pymap) filled by APPEND, a vdir
and a CalDAV calendar (Radicale) written with icalendar. Each fills Ada's
timeline; the warnings then come from what was captured.
"""

from __future__ import annotations

import datetime as dt
import mailbox
import shlex
import sys
from email.message import EmailMessage
from email.utils import format_datetime

import icalendar
import pytest
from radicale_server import radicale  # noqa: F401  (the module-scoped server fixture)

import imap_server
from conftest import FIXED_NOW
from test_source_imap import mail, server  # noqa: F401  (the test process's pymap server, its account emptied)

ME, ADA = "me@corp.example", "ada@client.example"


def message(mid: str, when: dt.datetime, sender: str, to: str, *, reply_to: str | None = None,
            name: str = "") -> EmailMessage:
    msg = EmailMessage()
    msg["Message-ID"] = f"<{mid}>"
    msg["Date"] = format_datetime(when)
    msg["From"] = f"{name} <{sender}>" if name else sender
    msg["To"] = to
    msg["Subject"] = "=?utf-8?q?Caf=C3=A9?= plans"
    if reply_to:
        msg["In-Reply-To"] = f"<{reply_to}>"
        msg["References"] = f"<{reply_to}>"
    msg.set_content("Hello,\nsee you soon.\n")
    return msg


def conversation() -> list[EmailMessage]:
    """Mine answered in two hours, one unanswered, one of hers out of the blue, a newsletter, and a stranger."""
    newsletter = message("news@list", FIXED_NOW - dt.timedelta(days=3), "news@list.example", ME)
    newsletter["List-Id"] = "<news.list.example>"
    return [
        message("m1@corp", FIXED_NOW - dt.timedelta(days=10), ME, ADA),
        message("r1@client", FIXED_NOW - dt.timedelta(days=10) + dt.timedelta(hours=2), ADA, ME, reply_to="m1@corp",
                name="Ada Lovelace"),
        message("m2@corp", FIXED_NOW - dt.timedelta(days=8), ME, ADA),
        message("u1@client", FIXED_NOW - dt.timedelta(days=4), ADA, ME, name="Ada Lovelace"),
        newsletter,
        message("s1@partner", FIXED_NOW - dt.timedelta(days=2), "carol@partner.example", ME, name="Carol Partner"),
    ]


def added(run, *args: str) -> str:
    result = run("source", "add", *args, "--me", ME)
    assert result.exit_code == 0, result.stderr
    return result.stdout.strip()


def timeline(run) -> list[tuple[str, str, str, object]]:
    rows = run("history", "Ada", "--json").json()
    return sorted((r["at"], r["channel"], r["direction"], r.get("responded")) for r in rows)


def assert_mail_timeline(run) -> None:
    rows = timeline(run)
    assert [(channel, direction, responded) for _, channel, direction, responded in rows] == [
        ("email", "outbound", True), ("email", "inbound", None), ("email", "outbound", False),
        ("email", "inbound", None),
    ]
    assert [c["address"] for c in run("correspondents", "--json").json()] == ["carol@partner.example"]


@pytest.fixture
def ada(run):
    assert run("contact", "add", "Ada Lovelace", "--email", ADA).exit_code == 0


def test_maildir(run, ada, tmp_path):
    box = mailbox.Maildir(tmp_path / "Mail", create=True)
    for msg in conversation():
        box.add(msg)
    line = added(run, "maildir", str(tmp_path / "Mail"))
    assert line.startswith("maildir: read 6, 4 new touches, skipped 1 (1 mailing list), 1 unknown correspondent")
    assert_mail_timeline(run)
    assert run("sync", "--json").json()[0]["new_touches"] == 0


def test_mbox(run, ada, tmp_path):
    box = mailbox.mbox(tmp_path / "mail.mbox")
    for msg in conversation():
        box.add(msg)
    box.flush()
    added(run, "mbox", str(tmp_path / "mail.mbox"))
    assert_mail_timeline(run)


@pytest.mark.xdist_group("imap-server")
def test_imap(run, ada, mail, server):  # noqa: F811
    for msg in conversation():
        mail.append("INBOX", msg.as_bytes())
    secret = shlex.join([sys.executable, "-c", "import sys; print(sys.argv[1])", imap_server.PASSWORD])
    added(run, "imap", server.host, "--set", f"port={server.tls_port}", "--set", f"username={imap_server.USER}",
          "--set", f"ca_file={server.ca_file}", "--set", f"password_command={secret}")
    assert_mail_timeline(run)


def event(uid: str, start: dt.datetime, ada_answer: str, *, cancelled: bool = False) -> icalendar.Event:
    ev = icalendar.Event()
    ev.add("uid", uid)
    ev.add("dtstamp", FIXED_NOW)
    ev.add("dtstart", start)
    ev.add("dtend", start + dt.timedelta(hours=1))
    ev.add("summary", "Quarterly review")
    ev.add("organizer", f"mailto:{ME}")
    attendee = icalendar.vCalAddress(f"mailto:{ADA}")
    attendee.params["PARTSTAT"] = ada_answer
    ev.add("attendee", attendee)
    if cancelled:
        ev.add("status", "CANCELLED")
    return ev


MEETINGS = [("held", 20, "ACCEPTED", False), ("no", 12, "DECLINED", False), ("off", 6, "ACCEPTED", True),
            ("no2", 3, "DECLINED", False), ("next", -5, "ACCEPTED", False)]


def calendar_of(*events: icalendar.Event) -> bytes:
    cal = icalendar.Calendar()
    cal.add("prodid", "-//keepwarm tests//EN")
    cal.add("version", "2.0")
    for ev in events:
        cal.add_component(ev)
    return cal.to_ical()


def assert_meetings(run) -> None:
    rows = run("history", "Ada", "--json").json()
    assert sorted((r["channel"], r["outcome"]) for r in rows) == sorted([
        ("meeting", "completed"), ("meeting", "declined"), ("meeting", "cancelled"), ("meeting", "declined")])
    agenda = run("contact", "show", "Ada", "--json").json()
    assert "access_restriction" in {w["key"] for w in agenda.get("warnings", [])}, agenda.get("warnings")


def test_vdir(run, ada, tmp_path):
    folder = tmp_path / "calendars" / "work"
    folder.mkdir(parents=True)
    for uid, days, answer, cancelled in MEETINGS:
        (folder / f"{uid}.ics").write_bytes(
            calendar_of(event(uid, FIXED_NOW - dt.timedelta(days=days), answer, cancelled=cancelled)))
    added(run, "vdir", str(folder))
    assert_meetings(run)
    (folder / "held.ics").unlink()  # deleted on the phone: its touch goes with it
    assert run("sync", "--json").json()[0]["removed"] == 1
    assert ("meeting", "completed") not in {(r["channel"], r["outcome"]) for r in run("history", "Ada", "--json").json()}


def test_caldav(run, ada, radicale):  # noqa: F811
    cal = radicale.client().principal().make_calendar(name="work e2e")
    for uid, days, answer, cancelled in MEETINGS:
        cal.save_event(calendar_of(event(uid, FIXED_NOW - dt.timedelta(days=days), answer, cancelled=cancelled))
                       .decode())
    from radicale_server import PASSWORD, USER

    secret = shlex.join([sys.executable, "-c", "import sys; print(sys.argv[1])", PASSWORD])
    added(run, "caldav", str(cal.url), "--set", f"username={USER}", "--set", f"password_command={secret}")
    assert_meetings(run)
