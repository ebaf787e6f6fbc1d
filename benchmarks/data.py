"""The databases and files the benchmarks read, generated once and cached.

A database is keyed by contacts, interactions per contact and seed, and is
generated with the project's own generator (`keepwarm.services.devdata`) at a pinned
clock, then run through the engine once so that its follow-ups exist: what is
measured afterwards is a normal morning, not the very first run.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import os
import random
import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench-results"
NOW = "2026-11-22T09:00:00+00:00"


def pin_environment() -> None:
    """A pinned clock and a private home, so user settings never change a figure."""
    os.environ["KEEPWARM_NOW"] = NOW
    home = RESULTS / "home"
    home.mkdir(parents=True, exist_ok=True)
    os.environ["KEEPWARM_HOME"] = str(home)
    os.environ.pop("KEEPWARM_DB", None)


def db_path(contacts: int, per_contact: int, seed: int) -> Path:
    return RESULTS / "db" / f"contacts{contacts}-ipc{per_contact}-seed{seed}.sqlite"


def ensure_db(contacts: int, per_contact: int, seed: int, log=print) -> Path:
    """The cached database for this size and seed, generated first if missing."""

    pin_environment()
    target = db_path(contacts, per_contact, seed)
    ready = target.with_suffix(".ready")
    if target.exists() and ready.exists():
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    with open(target.with_suffix(".lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # another run generating the same database: wait for it
        if not ready.exists():
            _generate(target, ready, contacts, per_contact, seed, log)
    return target


def _generate(target: Path, ready: Path, contacts: int, per_contact: int, seed: int, log) -> None:
    from keepwarm.engine.evaluate import evaluate
    from keepwarm.home.session import Session
    from keepwarm.services import devdata

    partial = target.with_name(target.name + ".partial")
    if not target.exists():
        for stale in target.parent.glob(partial.name + "*"):
            stale.unlink()
        log(f"generating {contacts} contacts x ~{per_contact} interactions (seed {seed}) -> {target}")
        session = Session(partial)
        devdata.generate(
            session,
            contacts=contacts,
            interactions_per_contact=per_contact,
            seed=seed,
            progress=lambda i, n: log(f"  {i}/{n} contacts") if i else None,
        )
        session.close()
        partial.rename(target)
    log(f"first engine run on {target.name} (creates the follow-ups)")
    session = Session(target)
    evaluate(session)
    session.close()
    ready.touch()


def vcard_file(cards: int, seed: int) -> Path:
    """A deterministic vCard 3.0 file of `cards` contacts, cached."""
    target = RESULTS / "files" / f"cards{cards}-seed{seed}.vcf"
    if target.exists():
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    from keepwarm.services.devdata import FIRST, INTERESTS, LAST

    out = []
    for n in range(cards):
        first, last = rng.choice(FIRST), rng.choice(LAST)
        lines = [
            "BEGIN:VCARD",
            "VERSION:3.0",
            f"UID:urn:uuid:00000000-0000-4000-8000-{n:012d}",
            f"FN:{first} {last} {n:05d}",
            f"N:{last} {n:05d};{first};;;",
            f"ORG:{rng.choice(['North', 'Blue', 'Iron'])} {rng.choice(['Freight', 'Bank', 'Works'])} {n % 300:04d}",
            f"TITLE:{rng.choice(['CTO', 'Head of Procurement', 'Engineer', 'VP Sales', 'Analyst'])}",
            f"EMAIL;TYPE=work:card{n}@example.org",
            f"TEL;TYPE=cell:+1-555-{n:07d}",
        ]
        if rng.random() < 0.5:
            lines.append(f"BDAY:{rng.randint(1960, 2000)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}")
        if rng.random() < 0.3:
            lines.append(f"NOTE:Met at the {rng.choice(INTERESTS)} meetup.")
        lines.append("END:VCARD")
        out.append("\r\n".join(lines))
    target.write_text("\r\n".join(out) + "\r\n", encoding="utf-8")
    return target


def fresh_copy(source: Path | None, name: str) -> Path:
    """A scratch database: a copy of `source`, or an empty path."""
    scratch = RESULTS / "scratch"
    scratch.mkdir(parents=True, exist_ok=True)
    target = scratch / name
    for old in scratch.glob(name + "*"):
        old.unlink()
    if source is not None:
        shutil.copyfile(source, target)
    return target


def now() -> dt.datetime:
    return dt.datetime.fromisoformat(NOW)
