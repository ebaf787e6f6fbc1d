"""The measures. Each takes (database, repeats, process start) and returns {"times": [...], ...}.

Setup (opening the session, loading plugins, preparing input) is not timed
unless the measure says so; what is timed is the call the CLI or TUI makes.
"""

from __future__ import annotations

import asyncio
import dataclasses
import sqlite3
import time
from pathlib import Path

from . import data

FLOOR_SQL = "SELECT contact_id, count(*), max(at) FROM interactions GROUP BY contact_id"
KEYSTROKES = ("l", "lo", "lov", "love", "lovel", "lovela")
ICS_FOLLOWUPS = 10_000
VCARDS = 10_000


def _timed(fn, repeat: int) -> list[float]:
    out = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t0)
    return out


def _session(db: Path):
    from keepwarm.home.session import Session

    session = Session(db)
    session.runtime  # plugins and rule packs: loaded once per process, as in the TUI
    return session


def floor(db: Path, repeat: int, _started: float) -> dict:
    """SQLite alone: one grouped scan for count and latest touch per contact."""
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    conn.execute(FLOOR_SQL).fetchall()  # warm the page cache like every other measure's setup does
    plan = " / ".join(r[-1] for r in conn.execute("EXPLAIN QUERY PLAN " + FLOOR_SQL))
    counts = conn.execute(
        "SELECT (SELECT count(*) FROM contacts), (SELECT count(*) FROM interactions), "
        "(SELECT count(*) FROM followups WHERE status IN ('open', 'snoozed'))"
    ).fetchone()
    times = _timed(lambda: conn.execute(FLOOR_SQL).fetchall(), repeat)
    return {"times": times, "plan": plan, "contacts": counts[0], "interactions": counts[1], "open_followups": counts[2]}


def pyref(_db: Path, repeat: int, _started: float) -> dict:
    """A fixed piece of plain Python work (objects, dicts, strings, a sort): how fast the machine ran the
    interpreter at that point of the run. Not keepwarm: the VM this runs on varies by up to 2x over an hour,
    and the interpreter's speed, unlike SQLite's scan, is what most measures here depend on."""

    def run() -> None:
        rows = [(n % 97, f"name {n:06d}", {"id": n, "score": n % 101}) for n in range(50_000)]
        rows.sort(key=lambda r: (r[0], r[2]["score"], r[1].casefold()))
        index: dict[str, int] = {}
        for key, name, value in rows:
            index[name] = value["id"] + key

    run()
    return {"times": _timed(run, repeat)}


def agenda(db: Path, repeat: int, _started: float) -> dict:
    """The agenda in-process as the TUI and `--limit` ask for it, nothing changed since the last run: the
    stored results found up to date, then every due item's row (advice for the items shown, not timed here)."""
    from keepwarm.engine.agenda import build_agenda

    copy = data.fresh_copy(db, "agenda.sqlite")
    session = _session(copy)
    build_agenda(session, advice=False)  # untimed: whatever this day's first run stores is stored
    items = []
    times = _timed(lambda: items.append(len(build_agenda(session, advice=False).items)), repeat)
    result = {"times": times, "items": items[-1]}
    session.close()
    _drop(copy)
    return result


def _drop(copy: Path) -> None:
    for path in copy.parent.glob(copy.name + "*"):
        path.unlink()


def agenda_touch(db: Path, repeat: int, _started: float) -> dict:
    """The agenda after one touch is logged (untimed): what that touch can change is evaluated again."""
    import datetime as dt

    from keepwarm.engine.agenda import build_agenda
    from keepwarm.services import actions

    copy = data.fresh_copy(db, "agenda_touch.sqlite")
    session = _session(copy)
    build_agenda(session, advice=False)
    with sqlite3.connect(copy) as conn:  # contacts with an account: the account's other members come along
        ids = [r[0] for r in conn.execute("SELECT id FROM contacts WHERE account_id IS NOT NULL ORDER BY id LIMIT 50")]
    times, scoped = [], []
    for n in range(repeat):
        cid = ids[n % len(ids)]
        with session.store.write() as conn:  # as `keepwarm log` writes it, without its own run over the contact
            actions.log_interactions(
                conn, [cid], session.now, at=session.now - dt.timedelta(minutes=n + 1), channel="call"
            )
        t0 = time.perf_counter()
        agenda = build_agenda(session, advice=False)
        times.append(time.perf_counter() - t0)
        scoped.append(len(agenda.evaluation.contacts) if agenda.evaluation is not None else 0)
    session.close()
    _drop(copy)
    return {"times": times, "evaluated": max(scoped)}


def agenda_new_day(db: Path, repeat: int, _started: float) -> dict:
    """The first agenda of a new day (windows that end today move): the whole book, carried results rewritten
    only where they changed, the windows' figures carried where no interaction crossed their bounds."""
    import datetime as dt

    from keepwarm.engine.agenda import build_agenda
    from keepwarm.home.session import Session

    copy = data.fresh_copy(db, "agenda_new_day.sqlite")
    first = _session(copy)
    build_agenda(first, advice=False)
    start, runtime = first.now, first.runtime
    first.close()
    times = []
    for n in range(repeat + 2):
        session = Session(copy, now=start + dt.timedelta(days=n + 1))
        session.__dict__["runtime"] = runtime  # plugins loaded once, as in a long-lived process
        if n == 0:  # untimed: the cached book's run kept no windows (migration 0021); a day's run keeps them
            build_agenda(session, advice=False)
        elif n > repeat:  # one more day, its plugin calls timed (apart: the clocks cost time of their own)
            hooks = _hook_times(session, build_agenda)
        else:
            t0 = time.perf_counter()
            build_agenda(session, advice=False)
            times.append(time.perf_counter() - t0)
        session.close()
    _drop(copy)
    return {"times": times, "hooks": hooks}


def agenda_rebuilt(db: Path, repeat: int, _started: float) -> dict:
    """The first agenda after importing or restoring the whole book: nothing stored, every result worked out
    and stored."""
    from keepwarm.engine.agenda import build_agenda

    copy = data.fresh_copy(db, "agenda_rebuilt.sqlite")
    session = _session(copy)
    build_agenda(session, advice=False)  # untimed: the copy brought to this version's schema
    times = []
    for _ in range(repeat):
        with sqlite3.connect(copy) as conn:  # as a restore leaves it: no stored result, every contact marked
            conn.execute("DELETE FROM contact_snapshots")
            conn.execute("DELETE FROM account_snapshots")
            conn.execute("DELETE FROM snapshot_runs")
            conn.execute("INSERT OR REPLACE INTO engine_marks (contact_id) SELECT id FROM contacts")
        t0 = time.perf_counter()
        build_agenda(session, advice=False)
        times.append(time.perf_counter() - t0)
    session.close()
    _drop(copy)
    return {"times": times}


def _hook_times(session, build_agenda) -> dict:
    """One more run over the whole book, its plugin calls timed per hook: the share of it that is plugin work.

    Apart from the timed runs (the clock around each of some 250,000 calls costs
    time of its own). Each call's time includes keepwarm's dispatch around the plugins.
    """
    host = session.runtime.host
    spent: dict[str, list] = {}
    plain = host.dispatcher

    def dispatcher(hook, expected):
        call, tally = plain(hook, expected), spent.setdefault(hook, [0, 0.0])

        def timed(ctx, contact_id):
            t0 = time.perf_counter()
            try:
                return call(ctx, contact_id)
            finally:
                tally[0] += 1
                tally[1] += time.perf_counter() - t0

        return timed

    host.dispatcher = dispatcher
    t0 = time.perf_counter()
    try:
        build_agenda(session, advice=False)
    finally:
        del host.dispatcher
    total = time.perf_counter() - t0
    return {
        "run_s": round(total, 3),
        "plugin_s": round(sum(t for _, t in spent.values()), 3),
        "calls": sum(n for n, _ in spent.values()),
        "by_hook": {hook: {"calls": n, "s": round(t, 3)} for hook, (n, t) in sorted(spent.items())},
    }


def stats(db: Path, repeat: int, _started: float) -> dict:
    """The bulk statistics alone (the engine's SQL), for the floor comparison."""
    from keepwarm.engine import stats as statistics

    session = _session(db)
    cfg, host = session.runtime.engine, session.runtime.host
    signals = host.note_signals(session.runtime.rules.sections)

    def run():
        with session.store.read() as conn:
            statistics.compute(
                conn,
                session.now,
                session.today,
                recent_days=cfg.recent_days,
                baseline_days=cfg.baseline_days,
                signals=signals,
                kept=False,  # every contact's windows scanned, as a run with nothing kept does
            )

    return {"times": _timed(run, repeat)}


def _sample_ids(session, n: int = 5) -> list[int]:
    from sqlalchemy import func, select

    from keepwarm.store.schema import contacts

    with session.store.read() as conn:
        top = conn.execute(select(func.max(contacts.c.id))).scalar_one()
    return [1 + (k * top) // n for k in range(n)]


def detail(db: Path, repeat: int, _started: float) -> dict:
    """`keepwarm contact show` / the detail screen: one contact, with its engine run."""
    from keepwarm.services.detail import contact_detail

    session = _session(db)
    ids = _sample_ids(session)
    times = []
    for _ in range(repeat):
        for cid in ids:
            times += _timed(lambda cid=cid: contact_detail(session, cid), 1)
    return {"times": times, "contacts_sampled": len(ids)}


def search(db: Path, repeat: int, _started: float) -> dict:
    """One keystroke in the contacts screen's search: filter and sort the loaded rows."""
    from keepwarm.services import queries

    session = _session(db)
    rows = queries.contact_rows(session)  # loaded once by the screen's worker
    times, shown = [], []
    for _ in range(repeat):
        for fragment in KEYSTROKES:
            t0 = time.perf_counter()
            found = queries.sort_rows(queries.filter_rows(rows, search=fragment), "name")
            times.append(time.perf_counter() - t0)
            shown.append(len(found))
    return {"times": times, "matches": dict(zip(KEYSTROKES, shown))}


#: What a person types into `/` (search everything), a keystroke at a time: a name, words of touches' notes (one
#: letter matches most of a million), two words.
FIND_TYPED = ("lovela", "roadm", "the", "asked ab", "person12")


def find(db: Path, repeat: int, _started: float) -> dict:
    """One keystroke in the app's search everything: `services.search.find`, as its worker calls it."""
    from keepwarm.services import search as searching
    from keepwarm.tui.screens.search import SHOWN

    session = _session(db)
    fragments = [typed[:n] for typed in FIND_TYPED for n in range(1, len(typed) + 1)]
    searching.find(session, "warm up")  # the first query reads the index's pages; the app's first one too
    times, shown = [], {}
    for _ in range(repeat):
        for fragment in fragments:
            t0 = time.perf_counter()
            found = searching.find(session, fragment, limit=SHOWN)
            times.append(time.perf_counter() - t0)
            shown[fragment] = len(found)
    slowest = max(range(len(fragments)), key=lambda n: max(times[n :: len(fragments)]))
    return {
        "times": times,
        "matches": shown,
        "slowest": {"typed": fragments[slowest], "max_s": max(times[slowest :: len(fragments)])},
    }


def tui(db: Path, repeat: int, started: float) -> dict:
    """Process start (imports included) to the agenda painted, headless. One run per process.

    Two figures: "times" is start to the first agenda on screen -- the one stored by
    the last engine run, when there is one (the cached databases have one once the
    engine has run on them), else the engine's own; "fresh" is start to the engine's
    own rows replacing it (every contact evaluated, rows painted); "advice" is start to
    the highlighted stored row's tips and suggestions in its panel (worked out for
    that contact alone, before the full run). The app does not time itself: the
    benchmark stamps the screen's `Painted` and `StoredAdviceShown` messages from
    outside, as Textual's test harness hands them over (`message_hook`); the screen
    posts them once the paint after the rows is done.
    """
    from keepwarm.home.session import Session
    from keepwarm.tui.app import KeepwarmApp
    from keepwarm.tui.screens.agenda import AgendaScreen

    stamps: dict[str, float] = {}

    def heard(message) -> None:
        if isinstance(message, AgendaScreen.Painted):
            stamps.setdefault("stored" if message.stored else "fresh", time.perf_counter())
        elif isinstance(message, AgendaScreen.StoredAdviceShown):
            stamps.setdefault("advice", time.perf_counter())

    async def run() -> None:
        app = KeepwarmApp(Session(db))
        async with app.run_test(size=(160, 48), message_hook=heard) as pilot:
            while "fresh" not in stamps:
                await asyncio.sleep(0.005)
            await pilot.pause()
            await app.action_quit()

    asyncio.run(run())
    first = stamps.get("stored", stamps["fresh"])
    advice = stamps.get("advice", stamps["fresh"])
    return {
        "times": [first - started],
        "fresh": [stamps["fresh"] - started],
        "advice": [advice - started],
        "stored_first": "stored" in stamps,
    }


def _ics_entries(session):
    from keepwarm.calendar import export

    selection = export.Selection(days=3650, alarm_minutes=30, persist=False)
    entries = list(export.publish_entries(session, selection, set())[0])  # the export's entries, unsettled
    if not entries:
        raise SystemExit("no follow-ups to export")
    out = list(entries)
    n = 0
    while len(out) < ICS_FOLLOWUPS:  # small databases: the same follow-ups again, under new UIDs
        base = entries[n % len(entries)]
        out.append(dataclasses.replace(base, uid=f"copy{n}-{base.uid}"))
        n += 1
    return out[:ICS_FOLLOWUPS], len(entries)


def ics(db: Path, repeat: int, _started: float) -> dict:
    """The .ics file of 10,000 follow-ups (events with an alarm), from entries already gathered,
    written piece by piece to a file as `keepwarm export ics -o FILE` does."""
    import tempfile

    from keepwarm.calendar import export
    from keepwarm.calendar.output import write_atomic

    session = _session(db)
    entries, distinct = _ics_entries(session)
    folder = Path(tempfile.mkdtemp())
    target = folder / "bench.ics"

    def run() -> None:
        write_atomic(target, export.render_chunks(session, entries))

    times = _timed(run, repeat)
    size = target.stat().st_size
    target.unlink()
    folder.rmdir()
    return {"times": times, "entries": len(entries), "distinct_followups": distinct, "bytes": size}


def vcard(db: Path, repeat: int, _started: float) -> dict:
    """`keepwarm import vcard` of 10,000 cards into an empty database (parse, match, write)."""
    from keepwarm.home.session import Session
    from keepwarm.io.imports import import_vcards

    cards = data.vcard_file(VCARDS, 7)
    times = []
    for n in range(repeat):
        target = data.fresh_copy(None, f"vcard-{n}.sqlite")
        session = Session(target)
        session.store  # opening (migrations) is not the import
        t0 = time.perf_counter()
        report = import_vcards(session.store, [cards], data.now())
        times.append(time.perf_counter() - t0)
        session.close()
        for f in target.parent.glob(target.name + "*"):
            f.unlink()
    return {"times": times, "cards": VCARDS, "report": str(getattr(report, "counts", ""))[:200]}


def json_export(db: Path, repeat: int, _started: float) -> dict:
    """`keepwarm export json`: the whole database as one JSON backup, streamed to a file as the CLI does."""
    import tempfile

    from keepwarm.io.backup import write_json

    session = _session(db)
    size = []

    def run() -> None:
        with tempfile.TemporaryFile() as out:
            write_json(session.store, out)
            size.append(out.tell())

    times = _timed(run, repeat)
    return {"times": times, "bytes": size[-1]}


def restore(db: Path, repeat: int, _started: float) -> dict:
    """`keepwarm restore` of this database's own JSON backup into an empty database, streamed
    (one record per line, one transaction). The backup is written first by `keepwarm export json`
    in a process of its own, so that this process's peak memory is the restore's."""
    import os
    import subprocess
    import sys
    import tempfile

    from keepwarm.io import restore as restoring
    from keepwarm.store import Store

    folder = Path(tempfile.mkdtemp(dir=data.RESULTS))
    backup = folder / "backup.json"
    subprocess.run(
        [sys.executable, "-m", "keepwarm", "--db", str(db), "export", "json", "-o", str(backup)],
        check=True,
        capture_output=True,
        env=os.environ.copy(),
    )
    times, counts = [], {}
    for n in range(repeat):
        target = folder / f"restored-{n}.sqlite"
        store = Store.open(target, backup_dir=folder)  # opening (migrations) is not the restore
        t0 = time.perf_counter()
        counts = restoring.restore(store, backup)
        times.append(time.perf_counter() - t0)
        store.close()
        for f in folder.glob(target.name + "*"):
            f.unlink()
    size = backup.stat().st_size
    for f in folder.iterdir():
        f.unlink()
    folder.rmdir()
    return {"times": times, "bytes": size, "records": counts}


def _sync_twice(db: Path, kind: str, path: Path, repeat: int) -> dict:
    """`keepwarm sync` of one source into a copy of the book: the first sync, then a sync with nothing new."""
    from keepwarm.sources.sync import SourceSummary, sync

    from . import sources

    first, again, summary = [], [], None
    for n in range(repeat):
        target = data.fresh_copy(db, f"sync-{kind}-{n}.sqlite")
        session = sources.session_for(target, kind, path)
        session.store  # opening is not the sync
        t0 = time.perf_counter()
        [summary] = sync(session)
        first.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        [second] = sync(session)
        again.append(time.perf_counter() - t0)
        session.close()
        for f in target.parent.glob(target.name + "*"):
            f.unlink()
    assert summary is not None  # the loop above ran at least once
    # A mail source's summary, not an address book's.
    assert isinstance(summary, SourceSummary) and isinstance(second, SourceSummary)
    return {
        "times": first,
        "resync": again,
        "read": summary.read,
        "new_touches": summary.new_touches,
        "skipped": sum(summary.skipped.values()),
        "unknown": summary.unknown,
        "problem": summary.problem,
        "resync_new": second.new_touches,
    }


def mail_sync(db: Path, repeat: int, _started: float) -> dict:
    """`keepwarm sync` of a 100,000-message Maildir into the book, then again with nothing new."""
    from . import sources

    contacts = sqlite3.connect(f"file:{db}?mode=ro", uri=True).execute("SELECT count(*) FROM contacts").fetchone()[0]
    return _sync_twice(db, "maildir", sources.maildir(contacts), repeat)


def calendar_sync(db: Path, repeat: int, _started: float) -> dict:
    """`keepwarm sync` of an .ics calendar of 5,000 events (a tenth weekly, expanded) into the book."""
    from . import sources

    contacts = sqlite3.connect(f"file:{db}?mode=ro", uri=True).execute("SELECT count(*) FROM contacts").fetchone()[0]
    return _sync_twice(db, "ics", sources.calendar(contacts), repeat)
