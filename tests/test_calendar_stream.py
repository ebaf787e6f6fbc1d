"""`keepwarm export ics` and `calendar publish` build their entries a chunk at a time (issue 19: every
command under 400 MB at 50,000 contacts).

The files must not change by a byte: `golden/calendar_exports.json.gz` holds the exports of a
scenario book recorded with the code that held every entry at once (before the stream): a first
export with yearly dates, the same book days later after the user closed, snoozed and edited things
(cancellations, SEQUENCE raised, late items moved to today), again after the cancellations are
forgotten, to-dos, one account's calendar, and what a first publish would create. A dry export (the
engine stores nothing) is among them. After a deliberate change of the calendar's output, record
it again with `KEEPWARM_WRITE_GOLDEN=1 pytest tests/test_calendar_stream.py` and review the diff.
"""

from __future__ import annotations

import datetime as dt
import gzip
import json
import os
import weakref
from pathlib import Path

from sqlalchemy import String, cast, update

from keepwarm.calendar import caldav_publish, export
from keepwarm.calendar.entries import Entry
from keepwarm.home.session import Session
from keepwarm.home.settings import Settings
from keepwarm.hosting.host import PluginHost
from keepwarm.hosting.runtime import build_runtime
from keepwarm.model import DateKind, ImportantDate
from keepwarm.services import devdata
from keepwarm.store import contacts as people
from keepwarm.store import followups as plans
from keepwarm.store.schema import contacts as contacts_table
from tui_support import TipsAsked

GOLDEN = Path(__file__).parent / "golden" / "calendar_exports.json.gz"
LATER = dt.timedelta(days=3)
FORGOTTEN = dt.timedelta(days=75)


def _session(db: Path, now: dt.datetime) -> Session:
    # No daily capacity: the record predates it (tests/test_agenda_capacity.py shows the calendar follows the plan).
    session = Session(db, now=now, config=Settings.model_validate({"agenda": {"capacity": 0}}))
    session.__dict__["runtime"] = build_runtime(host=PluginHost(packages=False, plugins_dir=None).load())
    return session


def _export(session: Session, target: str, **options) -> str:
    selection = export.Selection(**{"days": 3650, "alarm_minutes": 30, **options})
    result = export.build_export(session, selection, target)
    data = b"".join(result.chunks())
    if selection.persist:
        result.commit(session.now)
    return data.decode("utf-8") + json.dumps(result.counts, sort_keys=True)


def _publish(session: Session, **options) -> list[list[str]]:
    selection = export.Selection(**{"days": 60, "alarm_minutes": 30, **options})
    desired, _runtime = export.publish_entries(session, selection, set())
    plan = caldav_publish.make_plan(desired, {}, selection.kind)
    return [[e.uid, e.fingerprint(), export.render_object(session, e)] for e in plan.create]


def _dates(session: Session) -> None:
    """Yearly dates, two of them under one UID: the same date twice, and the same day in another year."""
    with session.store.write() as conn:
        ids = sorted(people.contact_names(conn))
        for n, cid in enumerate(ids[:12]):
            person = people.get_contact(conn, cid)
            dates = [ImportantDate(kind=DateKind.BIRTHDAY, month=1 + n % 12, day=3 + n, year=1970 + n)]
            if n == 0:
                dates += [dates[0], ImportantDate(kind=DateKind.BIRTHDAY, month=1, day=3, year=1971)]
            if n == 1:
                dates.append(ImportantDate(kind=DateKind.CUSTOM, month=2, day=29, label="Leap, day; \\ 🎉"))
            people.update_contact(conn, cid, person.model_copy(update={"dates": dates}), session.now)


def _user_changes(session: Session) -> None:
    now = session.now
    with session.store.write() as conn:
        items = plans.list_followups(conn, statuses=plans.OPEN_STATES)
        plans.complete_followup(conn, items[0].id, now)
        plans.dismiss_followup(conn, items[1].id, now)
        plans.snooze_followup(conn, items[2].id, session.today + dt.timedelta(days=9), now)
        quiet = people.get_contact(conn, items[3].contact_id)
        people.update_contact(conn, quiet.id, quiet.model_copy(update={"do_not_contact": True}), now)
        renamed = people.get_contact(conn, items[4].contact_id)
        people.update_contact(conn, renamed.id, renamed.model_copy(update={"name": renamed.name + " Jr."}), now)
        people.delete_contact(conn, items[5].contact_id)


def _record(tmp_path: Path, now: dt.datetime) -> dict[str, object]:
    db = tmp_path / "book.sqlite"
    first = _session(db, now)
    devdata.generate(first, contacts=45, interactions_per_contact=6, seed=5)
    with first.store.write() as conn:  # the UIDs name the contacts: random ones would differ from the record
        conn.execute(update(contacts_table).values(uid="golden-" + cast(contacts_table.c.id, String)))
    _dates(first)
    out: dict[str, object] = {"dry": _export(first, "dry.ics", persist=False, dates=True)}
    out["first"] = _export(first, "a.ics", dates=True)
    out["first_again"] = _export(first, "a.ics", dates=True)
    out["todo"] = _export(first, "t.ics", todo=True, days=30)
    with first.store.read() as conn:
        account = next(c.account for c in people.list_contacts(conn) if c.account)
    out["account"] = _export(first, "acc.ics", account=account)
    _user_changes(first)
    first.close()
    later = _session(db, now + LATER)
    out["later"] = _export(later, "a.ics", dates=True)
    out["todo_later"] = _export(later, "t.ics", todo=True, days=30)
    out["publish"] = _publish(later)
    later.close()
    last = _session(db, now + FORGOTTEN)
    out["forgotten"] = _export(last, "a.ics", dates=True)
    last.close()
    return out


def test_the_streamed_exports_are_the_bytes_recorded_before_the_stream(tmp_path, home, monkeypatch):
    from keepwarm.calendar import source

    monkeypatch.setattr(source, "CHUNK", 7)  # many chunks, even on a small book
    monkeypatch.setattr(source, "READ", 11)
    got = _record(tmp_path, dt.datetime(2026, 11, 22, 9, 0, tzinfo=dt.timezone.utc))
    if os.environ.get("KEEPWARM_WRITE_GOLDEN") == "1":
        GOLDEN.parent.mkdir(exist_ok=True)
        GOLDEN.write_bytes(gzip.compress(json.dumps(got, indent=0, ensure_ascii=False).encode("utf-8"), mtime=0))
    expected = json.loads(gzip.decompress(GOLDEN.read_bytes()))
    assert sorted(got) == sorted(expected)
    for name in expected:
        assert got[name] == expected[name], name
    assert "STATUS:CANCELLED" in got["later"] and "STATUS:CANCELLED" not in got["forgotten"]  # type: ignore[operator]
    assert "SEQUENCE:1" in got["later"] and "days late" in got["later"]  # type: ignore[operator]


class _Made:
    """Every entry made, by weak reference: how many are alive at a time (no collection needed, entries
    hold no cycles)."""

    def __init__(self) -> None:
        self.refs: list[weakref.ref] = []

    def __call__(self, entry: Entry) -> Entry:
        self.refs.append(weakref.ref(entry))
        return entry

    def watch(self, monkeypatch, module, name: str, pick=lambda found: found) -> None:
        real = getattr(module, name)

        def made(*args, **kwargs):
            found = real(*args, **kwargs)
            self(pick(found))
            return found

        monkeypatch.setattr(module, name, made)

    @property
    def alive(self) -> int:
        return sum(1 for ref in self.refs if ref() is not None)


def test_an_export_holds_a_chunk_of_entries_at_a_time(tmp_path, home, monkeypatch):
    """Entries are made, settled and written a chunk at a time: never every entry of the file at once."""
    from keepwarm.calendar import events, serialize, source

    monkeypatch.setattr(source, "CHUNK", 5)
    monkeypatch.setattr(serialize, "BATCH", 3)  # bytes handed on every 3 components: a look in between
    session = _session(tmp_path / "book.sqlite", dt.datetime(2026, 11, 22, 9, 0, tzinfo=dt.timezone.utc))
    devdata.generate(session, contacts=45, interactions_per_contact=6, seed=5)
    _dates(session)
    result = export.build_export(session, export.Selection(days=3650, alarm_minutes=30, dates=True), "a.ics")
    made = _Made()
    for name in ("followup_entry", "date_entry"):
        made.watch(monkeypatch, events, name)
    for name in ("settle_current", "settle_gone"):
        made.watch(monkeypatch, source, name, pick=lambda found: found[0])
    most, pieces = 0, []
    for piece in result.chunks():
        pieces.append(piece)
        most = max(most, made.alive)
    written = b"".join(pieces).count(b"BEGIN:VEVENT")
    assert written > 60 and result.counts["active"] == written + 1  # the date given twice is written once
    assert len(made.refs) >= 2 * written  # each made, then settled
    assert most <= 5, f"{most} entries held at once while writing {written}"
    session.close()


def test_a_publish_keeps_only_the_entries_it_sends():
    """`calendar publish` reads the entries as they are made: an unchanged one is kept by its UID alone."""
    day = dt.date(2026, 12, 1)
    made = _Made()

    def entry(n: int) -> Entry:
        return Entry(uid=f"keepwarm-followup-{n}-x@keepwarm", kind="VEVENT", summary=f"Call {n}", start=day,
                     description="notes " * 200)

    remote = {e.uid: caldav_publish.Remote(e.uid, f"/c/{n}.ics", e.fingerprint(), 0, e.summary)
              for n, e in enumerate(entry(n) for n in range(40))}
    remote[entry(7).uid].fingerprint = "old"
    held: list[int] = []

    def desired():
        for n in range(40):
            yield made(entry(n))
            held.append(made.alive)

    plan = caldav_publish.make_plan(desired(), remote)
    assert plan.unchanged == 39 and [e.uid for e, _ in plan.update] == [entry(7).uid] and not plan.create
    assert max(held) <= 2, held  # the one being read, and the one to update


def test_a_publish_after_an_export_with_nothing_changed_reuses_its_results_and_advice(tmp_path, home, monkeypatch):
    from keepwarm.calendar import source

    monkeypatch.setattr(source, "CHUNK", 6)  # advice asked a chunk at a time, each chunk its own Advisor
    session = _session(tmp_path / "book.sqlite", dt.datetime(2026, 11, 22, 9, 0, tzinfo=dt.timezone.utc))
    devdata.generate(session, contacts=45, interactions_per_contact=6, seed=5)
    asked = TipsAsked()
    session.runtime.host.register_for_test(asked, "asked")
    selection = export.Selection(days=60, alarm_minutes=30)
    written = export.build_export(session, selection, "a.ics").text
    assert len(set(asked.asked)) > 12 and len(asked.asked) == len(set(asked.asked))  # each contact asked once
    asked.asked.clear()
    published = list(export.publish_entries(session, selection, set())[0])
    assert asked.asked == [] and len(published) == written.count("BEGIN:VEVENT") > 12
    assert export.build_export(session, selection, "a.ics").text == written and asked.asked == []
    session.close()


def test_a_follow_up_closed_while_the_file_is_written_is_cancelled_not_forgotten(tmp_path, home):
    """The entries are listed first and made later: one closed in between (by another process) must still
    reach the calendar as cancelled, and stay in the record, or the calendar would keep it for ever."""
    session = _session(tmp_path / "book.sqlite", dt.datetime(2026, 11, 22, 9, 0, tzinfo=dt.timezone.utc))
    devdata.generate(session, contacts=45, interactions_per_contact=6, seed=5)
    selection = export.Selection(days=3650, alarm_minutes=30)
    first = export.build_export(session, selection, "a.ics")
    assert b"".join(first.chunks())
    first.commit(session.now)
    uid, record = next((u, r) for u, r in sorted(first.records.items()) if r.followup_id is not None)
    listed = export.build_export(session, selection, "a.ics")  # listed: the follow-up is open
    with session.store.write() as conn:
        plans.dismiss_followup(conn, record.followup_id, session.now)
    text = b"".join(listed.chunks()).decode("utf-8")
    event = next(block for block in text.split("BEGIN:VEVENT")[1:] if f"UID:{uid}\r\n" in block)
    assert "STATUS:CANCELLED" in event and listed.counts["cancelled"] == 1
    assert listed.records[uid].cancelled_at is not None
    session.close()
