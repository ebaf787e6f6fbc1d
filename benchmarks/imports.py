"""The import measures (issue 19): a million-row history into the 10k book, and 50,000 vCards.

`interactions_import` times `keepwarm import interactions` of a generated CSV
of 1,000,000 touches into a copy of the bench book (its contacts found by
e-mail, `person{N}@example.com`, or by their exact name), then the same file
again, which must add nothing (`reimport`). `vcard_50k` times `keepwarm import
vcard` of 50,000 cards into an empty database. The files are written once into
bench-results/files and kept.
"""

from __future__ import annotations

import datetime as dt
import random
import sqlite3
import time
from pathlib import Path

from . import data

ROWS = 1_000_000
CARDS = 50_000
CHANNELS = ("call", "email", "Email", "meeting", "lunch", "zoom", "phone", "text", "coffee")
DIRECTIONS = ("out", "in", "outbound", "inbound", "")
PURPOSES = ("check_in", "business", "check-in", "", "value_article", "celebration")
NOTES = (
    "",
    "",
    "Asked about the autumn tender.",
    "Left a message, will call back",
    'Sent the deck, "v2".',
    "Lunch near the office; talked about hiring.",
    "Quick call",
)


def interactions_csv(db: Path, rows: int = ROWS, seed: int = 5) -> Path:
    """The CSV `keepwarm import interactions` reads: a fifth of the rows name the contact, the rest give an e-mail."""
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    names = [n for (n,) in conn.execute("SELECT name FROM contacts ORDER BY id")]
    conn.close()
    target = data.RESULTS / "files" / f"interactions-{len(names)}-{rows}-{seed}.csv"
    if target.exists():
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    start = data.now().replace(tzinfo=None) - dt.timedelta(days=2 * 365)
    partial = target.with_name(target.name + ".partial")
    with open(partial, "w", encoding="utf-8", newline="") as out:
        out.write("Date,Contact,Email,Channel,Direction,Purpose,Sentiment,Notes\n")
        for _ in range(rows):
            person = rng.randrange(len(names))
            moment = start + dt.timedelta(minutes=rng.randrange(2 * 365 * 24 * 60))
            who = f"{names[person]}," if rng.random() < 0.2 else f",person{person}@example.com"
            sentiment = rng.choice(("", "", "1", "-1", "2", "0"))
            note = rng.choice(NOTES)
            note = '"' + note.replace('"', '""') + '"' if ("," in note or '"' in note) else note
            out.write(
                f"{moment:%Y-%m-%d %H:%M},{who},{rng.choice(CHANNELS)},{rng.choice(DIRECTIONS)},"
                f"{rng.choice(PURPOSES)},{sentiment},{note}\n"
            )
    partial.rename(target)
    return target


def interactions_import(db: Path, repeat: int, _started: float) -> dict:
    """`keepwarm import interactions` of 1,000,000 rows into a copy of the book, then the same file again."""
    from keepwarm.home.session import Session
    from keepwarm.io.imports import import_interactions

    path = interactions_csv(db)
    times, again, counts = [], [], {}
    for n in range(repeat):
        target = data.fresh_copy(db, f"import-{n}.sqlite")
        session = Session(target)
        session.store  # opening (migrations) is not the import
        t0 = time.perf_counter()
        report = import_interactions(session.store, path, data.now(), session.tz, detail=False)
        times.append(time.perf_counter() - t0)
        counts = report.counts()
        t0 = time.perf_counter()
        second = import_interactions(session.store, path, data.now(), session.tz, detail=False)
        again.append(time.perf_counter() - t0)
        session.close()
        if second.counts()["created"]:
            raise SystemExit(f"the same file again created {second.counts()['created']} touches")
        for f in target.parent.glob(target.name + "*"):
            f.unlink()
    return {"times": times, "reimport": again, "rows": ROWS, "counts": counts}


def vcard_50k(db: Path, repeat: int, _started: float) -> dict:
    """`keepwarm import vcard` of 50,000 cards into an empty database (parse, match, write)."""
    from keepwarm.home.session import Session
    from keepwarm.io.imports import import_vcards

    cards = data.vcard_file(CARDS, 7)
    times, counts = [], {}
    for n in range(repeat):
        target = data.fresh_copy(None, f"vcard50k-{n}.sqlite")
        session = Session(target)
        session.store
        t0 = time.perf_counter()
        counts = import_vcards(session.store, [cards], data.now()).counts()
        times.append(time.perf_counter() - t0)
        session.close()
        for f in target.parent.glob(target.name + "*"):
            f.unlink()
    return {"times": times, "cards": CARDS, "counts": counts}
