"""Mail and calendar stores for the sync measures: a Maildir of 100,000 messages and a calendar of 5,000 events.

Written once per seed into bench-results/files (kept between runs: writing
100,000 files takes a while) with the addresses of the generated book's
contacts (`person{N}@example.com`), so the sync makes real touches, threads
replies and lists unknown correspondents as it would for a user.
"""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path

from . import data

ME = "me@bench.example"
MESSAGES = 100_000
EVENTS = 5_000


def _stamp(moment: dt.datetime) -> str:
    from email.utils import format_datetime

    return format_datetime(moment)


def maildir(contacts: int, messages: int = MESSAGES, seed: int = 3) -> Path:
    """A Maildir (cur/ new/ tmp/) of `messages` messages: a third mine, replies among them, some lists."""
    root = data.RESULTS / "files" / f"maildir-{contacts}-{messages}-{seed}"
    ready = root / ".complete"
    if ready.exists():
        return root
    rng = random.Random(seed)
    for sub in ("cur", "new", "tmp"):
        (root / sub).mkdir(parents=True, exist_ok=True)
    now = data.now()
    sent: list[tuple[str, int]] = []
    for n in range(messages):
        person = rng.randrange(contacts) if rng.random() < 0.85 else contacts + rng.randrange(3000)
        address = f"person{person}@example.com" if person < contacts else f"stranger{person}@elsewhere.example"
        moment = now - dt.timedelta(minutes=rng.randrange(365 * 24 * 60))
        mid = f"<bench-{seed}-{n}@bench.example>"
        headers = [f"Message-ID: {mid}", f"Date: {_stamp(moment)}", "Subject: =?utf-8?q?Caf=C3=A9_plans?="]
        if rng.random() < 0.33:
            headers += [f"From: Me <{ME}>", f"To: Person {person} <{address}>"]
            sent.append((mid, person))
        else:
            headers += [f"From: Person {person} <{address}>", f"To: Me <{ME}>"]
            if sent and rng.random() < 0.4:
                asked, _ = sent[rng.randrange(len(sent))]
                headers += [f"In-Reply-To: {asked}", f"References: {asked}"]
            if rng.random() < 0.05:
                headers += ["List-Id: <news.example.com>", "Precedence: list"]
        body = "Hello,\n\n" + "Some text of the message.\n" * rng.randrange(2, 40)
        name = f"{1700000000 + n}.M{n}P1.bench:2,S"
        (root / "cur" / name).write_text("\r\n".join(headers) + "\r\n\r\n" + body, encoding="utf-8")
    ready.touch()
    return root


def calendar(contacts: int, events: int = EVENTS, seed: int = 4) -> Path:
    """One .ics file of `events` events over the past year and the next two months, a tenth of them weekly."""
    target = data.RESULTS / "files" / f"calendar-{contacts}-{events}-{seed}.ics"
    if target.exists():
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    now = data.now()
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//keepwarm//bench//EN"]
    for n in range(events):
        start = (now - dt.timedelta(days=365) + dt.timedelta(minutes=30 * rng.randrange(425 * 48))).replace(
            second=0, microsecond=0
        )
        attendees = rng.sample(range(contacts), k=rng.randrange(1, 4))
        lines += [
            "BEGIN:VEVENT",
            f"UID:bench-{seed}-{n}@bench.example",
            f"DTSTAMP:{now:%Y%m%dT%H%M%SZ}",
            f"DTSTART:{start:%Y%m%dT%H%M%SZ}",
            f"DTEND:{start + dt.timedelta(hours=1):%Y%m%dT%H%M%SZ}",
            "SUMMARY:Review",
            f"ORGANIZER:mailto:{ME}",
        ]
        for person in attendees:
            status = "DECLINED" if rng.random() < 0.05 else "ACCEPTED"
            lines.append(f"ATTENDEE;PARTSTAT={status}:mailto:person{person}@example.com")
        if rng.random() < 0.1:
            lines.append("RRULE:FREQ=WEEKLY;COUNT=12")
        if rng.random() < 0.03:
            lines.append("STATUS:CANCELLED")
        lines.append("END:VEVENT")
    lines.append("END:VCALENDAR")
    target.write_text("\r\n".join(lines) + "\r\n", encoding="utf-8")
    return target


def session_for(db: Path, kind: str, path: Path):
    """A session on `db` whose config names one source of `kind` reading `path`, and me."""
    from keepwarm.home.session import Session
    from keepwarm.home.settings import Settings

    config = Settings.model_validate({"me": [ME], "sources": {"bench": {"kind": kind, "path": str(path)}}})
    session = Session(db, config=config)
    session.runtime
    return session
