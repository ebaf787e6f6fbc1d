"""The JSON backup carries what the sources captured: a book synced through a source plugin
comes back byte for byte, a re-sync after the restore adds nothing twice, the people I talk to
and the ones I ignored are the same, a backup from before the sources still restores, and a
bad captured record is refused on one line with nothing written.

A concrete history at the fixed clock (Sunday 22 November 2026, 09:00 UTC): mail with replies,
unanswered mail, meetings held, declined and moved, a correspondent made a contact and one ignored.
"""

from __future__ import annotations

import datetime as dt
import json

import pytest
from sqlalchemy import select

from keepwarm.services import devdata
from keepwarm.errors import UserError
from keepwarm.io import backup, restore, restore_stream
from keepwarm.model import Contact
from keepwarm.home.session import Session
from keepwarm.sources import correspondents
from keepwarm.sources.sync import sync
from keepwarm.store import Store
from keepwarm.store import contacts as people
from keepwarm.store.schema import captures, interactions
from source_support import ME, ListSource, mail, meeting, use
from test_io_perf_backup import _reference

from conftest import FIXED_NOW

ADA, BOB, CAROL = "ada@client.example", "bob@client.example", "carol@partner.example"
DAN, ERIN = "dan@vendor.example", "erin@press.example"
NAMES = {CAROL: "Carol Partner", DAN: "Dan \x1b[31mVendor", ERIN: "Erin Press"}
SETTINGS = {"sources": {"work": {"kind": "listed", "store": "inbox"}}, "sync": {"keep_subjects": True}}
CAPTURED = ("captures", "ignored_addresses", "source_state")


def ago(days: float, hours: float = 0) -> dt.datetime:
    return FIXED_NOW - dt.timedelta(days=days, hours=hours)


def _history() -> list:
    return [
        mail("m1", ago(10), ME, ADA, subject="The proposal"),
        mail("r1", ago(10, -12), ADA, ME, replies_to=["m1"], subject="Re: The proposal"),  # answered in 12 hours
        mail("u1", ago(5), ADA, ME),  # Ada writes first
        mail("m2", ago(20), ME, BOB, cc=(ADA,)),  # nobody answers
        mail("c1", ago(9), CAROL, ME, names=NAMES),
        mail("c2", ago(8), ME, CAROL, names=NAMES),
        mail("c3", ago(7, -6), CAROL, ME, replies_to=["c2", "c1"], names=NAMES),
        mail("d1", ago(6), DAN, ME, names=NAMES),
        mail("e1", ago(4), ERIN, ME, names=NAMES),
        meeting("held", ago(7), ME, (ADA, "ACCEPTED"), (BOB, "DECLINED")),
        meeting("moving", ago(2), ME, (ADA, "ACCEPTED")),
        meeting("later", FIXED_NOW + dt.timedelta(days=3), ME, (ADA, "NEEDS-ACTION")),
    ]


@pytest.fixture
def synced(session):
    """A book synced twice (a meeting moved in between), with Carol made a contact and Dan ignored."""
    with session.store.write() as conn:
        people.insert_contact(conn, Contact(name="Ada Lovelace", emails=[ADA]), session.now)
        people.insert_contact(conn, Contact(name="Bob Byte", emails=[BOB]), session.now)
    source = ListSource()
    source.complete = True  # the whole store is read each time, as a calendar is: every item is compared again
    source.stores["inbox"] = _history()
    use(session, source, **SETTINGS)
    sync(session)
    source.stores["inbox"] = [
        meeting("moving", FIXED_NOW + dt.timedelta(days=1), ME, (ADA, "ACCEPTED"), sequence=1)
        if getattr(item, "external_id", "") == "moving" else item
        for item in source.stores["inbox"]
    ]
    sync(session)
    correspondents.add(session, CAROL)
    assert correspondents.ignore(session, DAN)
    return session, source


def _sections(text: str) -> dict:
    return json.loads(text)


def _without_state(text: str) -> str:
    """The backup but the sources' state (a sync writes its time and counts there)."""
    return "\n".join(line for line in text.split("\n") if not line.startswith('    {"cursor": '))


def _fresh(tmp_path, name: str, source: ListSource) -> Session:
    s = Session(tmp_path / f"{name}.db", now=FIXED_NOW)
    use(s, source, **SETTINGS)
    return s


def test_a_synced_book_comes_back_byte_for_byte_and_a_re_sync_adds_nothing(synced, tmp_path):
    session, source = synced
    text = backup.export_json(session.store)
    data = _sections(text)
    # What the restore must carry is really there: touches made from captures, replies, a moved meeting,
    # the people on each capture with their names, the ids a reply answers, the ignored address, the cursor.
    assert {"captures": len(data["captures"]), "ignored": data["ignored_addresses"],
            "state": [(s["name"], s["kind"], s["cursor"]) for s in data["source_state"]]} == {
        "captures": 13, "ignored": [{"address": DAN, "ignored_at": "2026-11-22T09:00:00Z"}],
        "state": [("work", "listed", {"read": 12})]}
    assert sum(c["moved"] for c in data["captures"]) == 1
    c3 = next(c for c in data["captures"] if c["external_id"] == "c3")
    assert (c3["refs"], c3["people"]) == (["c2", "c1"], [
        {"address": CAROL, "name": "Carol Partner", "role": "from", "status": ""},
        {"address": ME, "name": "", "role": "to", "status": ""}])
    made = [i for i in data["interactions"] if i["capture_id"] is not None]
    assert len(made) == len(data["interactions"]) > 8
    assert sum(bool(i["in_reply"]) for i in made) == 2  # Ada's and Carol's answers
    assert "\x1b" not in text and "\\u001b[31mVendor" in text  # the hostile name is kept, escaped
    with session.store.read() as conn:
        assert text == _reference(conn)  # the streamed export writes what the record models write
    unknown_before = correspondents.unknown(session)
    assert [c.address for c in unknown_before] == [ERIN]

    path = tmp_path / "backup.json"
    path.write_text(text, encoding="utf-8")
    fresh = _fresh(tmp_path, "restored", source)
    counts = restore.restore(fresh.store, path)
    assert {k: counts[k] for k in CAPTURED} == {"captures": 13, "ignored_addresses": 1, "source_state": 1}
    assert backup.export_json(fresh.store) == text

    # A re-sync reads the whole store again: every capture is as it was, so nothing is added or made again.
    [summary] = sync(fresh)
    assert (summary.read, summary.new_touches, summary.updated, summary.removed, summary.problem) == (12, 0, 0, 0, None)
    assert summary.unknown == 0
    assert _without_state(backup.export_json(fresh.store)) == _without_state(text)
    assert correspondents.unknown(fresh) == unknown_before
    assert correspondents.ignore(fresh, DAN) is False, "Dan is still ignored"
    # And read from the restored cursor, as a mail folder is, there is nothing new to read at all.
    source.complete = False
    [summary] = sync(fresh)
    assert (summary.read, summary.new_touches) == (0, 0)


def test_the_whole_file_parse_restores_the_same_captured_data(synced, tmp_path):
    session, source = synced
    text = backup.export_json(session.store)
    flat = tmp_path / "flat.json"
    flat.write_text(json.dumps(json.loads(text)), encoding="utf-8")  # one line: not our layout, parsed whole
    assert restore_stream.plan(flat) is None
    fresh = _fresh(tmp_path, "whole", source)
    restore.restore(fresh.store, flat)
    assert backup.export_json(fresh.store) == text


def test_sections_in_another_order_wait_for_what_they_refer_to(synced, tmp_path):
    """Touches before their captures and contacts, in a file in our layout: they wait, then restore the same."""
    session, source = synced
    text = backup.export_json(session.store)
    data = json.loads(text)
    order = ["interactions", "source_state", "format", "followups", "contacts", "captures", "version", "promises",
             "ignored_addresses", "accounts", "assessments", "rules"]
    lines = backup.dumps({key: data[key] for key in sorted(data)}).split("\n")
    blocks: dict[str, list[str]] = {}
    for line in lines[1:-2]:
        if line.startswith('  "'):
            current = line[3:line.index('"', 3)]
            blocks[current] = []
        blocks[current].append(line)
    out = ["{"]
    for n, key in enumerate(order):
        block = list(blocks[key])
        block[-1] = block[-1].rstrip(",") + ("" if n == len(order) - 1 else ",")
        out += block
    shuffled = tmp_path / "shuffled.json"
    shuffled.write_text("\n".join(out + ["}", ""]), encoding="utf-8")
    assert restore_stream.plan(shuffled).layout.lists[0] == "interactions"
    fresh = _fresh(tmp_path, "shuffled", source)
    restore.restore(fresh.store, shuffled)
    assert backup.export_json(fresh.store) == text


def _version_1(data: dict) -> dict:
    """The same book as a backup made before the sources: version 1, no capture fields or sections."""
    old = {key: value for key, value in data.items() if key not in (*CAPTURED, "notes", "links")}
    old["version"] = 1
    old["interactions"] = [{k: v for k, v in i.items() if k not in ("capture_id", "in_reply")}
                           for i in data["interactions"]]
    return old


@pytest.mark.parametrize("layout", ["ours", "one line"])
def test_a_backup_from_before_the_sources_still_restores(session, tmp_path, layout):
    devdata.generate(session, contacts=12, interactions_per_contact=4, seed=3)
    text = backup.export_json(session.store)
    data = json.loads(text)
    assert data["version"] == 5 and all(data[k] == [] for k in (*CAPTURED, "notes", "links"))
    old = _version_1(data)
    path = tmp_path / "old.json"
    path.write_text(backup.dumps(old) if layout == "ours" else json.dumps(old), encoding="utf-8")
    assert (restore_stream.plan(path) is not None) == (layout == "ours")
    with Store.open(tmp_path / "old.db") as store:
        counts = restore.restore(store, path)
        assert counts["interactions"] == len(data["interactions"]) > 20
        assert {k: counts[k] for k in CAPTURED} == {k: 0 for k in CAPTURED}
        with store.read() as conn:
            assert conn.execute(select(interactions.c.id).where(interactions.c.capture_id.is_not(None))).all() == []
        assert backup.export_json(store) == text  # read as version 5: the captured fields, the notes and the links empty


def test_a_database_holding_only_captures_is_not_empty_for_a_restore(synced, run, tmp_path):
    session, source = synced
    path = tmp_path / "backup.json"
    path.write_text(backup.export_json(session.store), encoding="utf-8")
    # Captures of nobody known yet, and the source's state: a restore would meet their ids.
    target = _fresh(tmp_path, "captured", source)
    sync(target)
    result = run("--db", str(target.db_path), "restore", str(path))
    assert result.exit_code == 2
    assert result.stderr == (
        f"keepwarm: {target.db_path}: is not empty (12 captured messages and events, 1 source); restore only into an empty "
        "database (e.g. keepwarm --db new.db restore FILE)\n"
    )


def _record_at(lines: list[str], section: str, pick) -> tuple[int, int]:
    """(line index, record index) of the first record of `section` that `pick` accepts."""
    start = lines.index(f'  "{section}": [')
    index = 0
    for at in range(start + 1, len(lines)):
        if pick(json.loads(lines[at].strip().rstrip(","))):
            return at, index
        index += 1
    raise AssertionError(f"no such record in {section}")


def _set(key, value):
    return lambda r: r.__setitem__(key, value)


@pytest.mark.parametrize(
    "section, pick, change, message",
    [
        ("captures", lambda r: r["external_id"] == "c3", _set("channel", "fax"),
         "captures[{i}].channel: 'fax' is not one of: call, email, meeting, text, social, event, letter, gift, meal"),
        ("captures", lambda r: r["external_id"] == "c3", lambda r: r["people"][1].__setitem__("role", "bcc"),
         "captures[{i}].people[1].role: Input should be 'from', 'to', 'cc', 'organizer' or 'attendee'"),
        ("captures", lambda r: r["external_id"] == "c3", lambda r: r["refs"].append(""),
         "captures[{i}].refs[2]: empty (expected some text)"),
        ("captures", lambda r: r["external_id"] == "e1", _set("external_id", "c3"),
         "captures[{i}].external_id: 'c3' of source 'work' is used twice (expected one capture per source and id)"),
        ("captures", lambda r: r["external_id"] == "e1", _set("favourite", "tea"),
         "captures[{i}].favourite: is not a known field"),
        ("interactions", lambda r: r["capture_id"] is not None, _set("capture_id", 99999),
         "interactions[{i}].capture_id: no capture with id 99999 in this backup"),
        ("ignored_addresses", lambda r: True, _set("address", ""), "ignored_addresses[{i}].address: empty (expected some text)"),
        ("source_state", lambda r: True, _set("cursor", [1, 2]), "source_state[{i}].cursor: Input should be a valid dictionary"),
    ],
    ids=["channel", "role", "empty-ref", "same-capture-twice", "extra-field", "capture-reference",
         "empty-address", "cursor"],
)
def test_a_bad_captured_record_is_one_line_naming_it_and_nothing_is_written(
    synced, run, tmp_path, section, pick, change, message
):
    session, _ = synced
    lines = backup.export_json(session.store).split("\n")
    at, index = _record_at(lines, section, pick)
    record = json.loads(lines[at].strip().rstrip(","))
    change(record)
    comma = "," if lines[at].endswith(",") else ""
    lines[at] = "    " + json.dumps(record, ensure_ascii=False) + comma
    path = tmp_path / "bad.json"
    path.write_text("\n".join(lines), encoding="utf-8")
    target = tmp_path / "empty.db"
    result = run("--db", str(target), "restore", str(path))
    assert result.exit_code == 2
    assert result.stderr == f"keepwarm: {path}: line {at + 1}: {message.format(i=index)}\n"
    with Store.open(target) as store, store.read() as conn:
        assert set(backup.table_counts(conn).values()) == {0}


def test_the_same_address_ignored_twice_is_refused_in_either_spelling(synced, tmp_path):
    session, _ = synced
    data = json.loads(backup.export_json(session.store))
    data["ignored_addresses"].append({"address": DAN.upper(), "ignored_at": "2026-11-22T09:00:00Z"})
    path = tmp_path / "twice.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    with Store.open(tmp_path / "t.db") as store:
        with pytest.raises(UserError) as caught:
            restore.restore(store, path)
        assert caught.value.message == (
            f"{path}: ignored_addresses[1].address: '{DAN}' is used twice (expected unique addresses)")
        with store.read() as conn:
            assert set(backup.table_counts(conn).values()) == {0}


def test_a_captured_time_without_a_zone_is_utc_as_elsewhere_in_a_backup(synced, tmp_path):
    session, _ = synced
    data = json.loads(backup.export_json(session.store))
    e1 = next(c for c in data["captures"] if c["external_id"] == "e1")
    e1["at"] = "2026-11-18T10:30:00"
    data["source_state"][0]["synced_at"] = "2026-11-22T11:00:00+02:00"
    path = tmp_path / "naive.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    with Store.open(tmp_path / "n.db") as store:
        restore.restore(store, path)
        again = json.loads(backup.export_json(store))
    assert next(c["at"] for c in again["captures"] if c["external_id"] == "e1") == "2026-11-18T10:30:00Z"
    assert again["source_state"][0]["synced_at"] == "2026-11-22T09:00:00Z"


@pytest.mark.parametrize("batch", [2, 2000])
def test_references_are_checked_across_batches_and_in_the_whole_file_parse(synced, tmp_path, monkeypatch, batch):
    """A capture met again in a later batch is found among those written; a touch's capture likewise."""
    monkeypatch.setattr(restore_stream, "BATCH", batch)
    session, _ = synced
    text = backup.export_json(session.store)
    for edit, message in (
        (lambda d: d["captures"][-1].__setitem__("external_id", d["captures"][0]["external_id"]),
         "captures[12].external_id: 'm1' of source 'work' is used twice (expected one capture per source and id)"),
        (lambda d: d["interactions"][-1].__setitem__("capture_id", 0), "interactions[{n}].capture_id: "
         "0 is too small (expected at least 1)"),
        (lambda d: d["interactions"][-1].__setitem__("capture_id", 14),
         "interactions[{n}].capture_id: no capture with id 14 in this backup"),
    ):
        data = json.loads(text)
        edit(data)
        expected = message.format(n=len(data["interactions"]) - 1)
        for name, body in (("ours", backup.dumps(data)), ("flat", json.dumps(data))):
            path = tmp_path / f"{name}.json"
            path.write_text(body, encoding="utf-8")
            with Store.open(tmp_path / f"{name}.db") as store:
                with pytest.raises(UserError) as caught:
                    restore.restore(store, path)
                with store.read() as conn:
                    assert set(backup.table_counts(conn).values()) == {0}
            got = caught.value.message
            if name == "ours":
                assert got.startswith(f"{path}: line ") and got.endswith(f": {expected}")
            else:
                assert got == f"{path}: {expected}"
