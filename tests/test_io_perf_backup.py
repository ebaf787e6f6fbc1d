"""The streamed JSON backup writes what the straightforward export wrote: every record
through its model, the whole document built in memory, then dumped (kept here as the
reference), on the example data with the engine's follow-ups; and accounts made in bulk
by an import are the ones `ensure_account` one by one would make."""

from __future__ import annotations

import datetime as dt
import io
import json

from sqlalchemy import literal_column, select

from keepwarm.io import backup, demo
from keepwarm.io.records import FORMAT, SECTIONS, VERSION, ContactRecord, utc
from keepwarm.store import contacts as people
from keepwarm.store import schema

from conftest import FIXED_NOW


def _reference(conn) -> str:
    """The export as it was before it streamed: a model per record, then `dumps`."""
    def row_dict(row) -> dict:
        out = dict(row._mapping)
        for key in ("created_at", "updated_at", "done_at", "closed_at", "at"):
            if key in out and isinstance(out[key], dt.datetime):
                out[key] = utc(out[key])
        return out

    data: dict = {"format": FORMAT, "version": VERSION}
    for section in ("accounts", "interactions", "promises", "followups", "assessments", "notes", "links"):
        table = backup.TABLES[section]
        # The record's columns only (an account's owner, migration 0019, is not in a backup).
        kept = [c for c in table.columns if c.name in SECTIONS[section].model_fields]
        data[section] = [SECTIONS[section].model_validate(row_dict(r)).model_dump(mode="json")
                         for r in conn.execute(select(*kept).order_by(table.c.id))]
    stamps = {r.id: (utc(r.created_at), utc(r.updated_at))
              for r in conn.execute(select(schema.contacts.c.id, schema.contacts.c.created_at, schema.contacts.c.updated_at))}
    data["contacts"] = [
        ContactRecord.model_validate({**c.model_dump(), "created_at": stamps[c.id][0], "updated_at": stamps[c.id][1]})
        .model_dump(mode="json")
        for c in sorted(people.list_contacts(conn), key=lambda c: c.id)
    ]
    data.update(_captured_reference(conn))
    data["rules"] = backup.user_rules()
    return backup.dumps(data)


def _captured_reference(conn) -> dict:
    """What the sources captured, a model per record, a capture's people and refs asked for one by one."""
    def children(table, capture_id, *columns):
        return [dict(zip(columns, r)) for r in conn.execute(
            select(*(table.c[c] for c in columns)).where(table.c.capture_id == capture_id)
            .order_by(literal_column("rowid")))]

    out: dict = {"captures": [], "ignored_addresses": [], "source_state": []}
    for r in conn.execute(select(schema.captures).order_by(schema.captures.c.id)):
        values = {**r._mapping, "at": utc(r.at),
                  "people": children(schema.capture_people, r.id, "address", "name", "role", "status"),
                  "refs": [x["ref"] for x in children(schema.capture_refs, r.id, "ref")]}
        out["captures"].append(SECTIONS["captures"].model_validate(values).model_dump(mode="json"))
    for r in conn.execute(select(schema.ignored_addresses).order_by(schema.ignored_addresses.c.address)):
        out["ignored_addresses"].append(SECTIONS["ignored_addresses"].model_validate(
            {"address": r.address, "ignored_at": utc(r.ignored_at)}).model_dump(mode="json"))
    for r in conn.execute(select(schema.source_state).order_by(schema.source_state.c.name)):
        out["source_state"].append(SECTIONS["source_state"].model_validate(
            {**r._mapping, "cursor": json.loads(r.cursor), "summary": json.loads(r.summary),
             "synced_at": utc(r.synced_at)}).model_dump(mode="json"))
    return out


def test_streamed_export_equals_the_in_memory_one_on_the_example_data(session, run, tmp_path):
    demo.load_demo(session.store, FIXED_NOW.date(), FIXED_NOW)
    assert run("agenda").exit_code == 0  # the engine's follow-ups too
    with session.store.read() as conn:
        expected = _reference(conn)
        counts = backup.table_counts(conn)
    assert counts["interactions"] > 100 and counts["followups"] > 0 and counts["assessments"] > 0
    out = io.BytesIO()
    backup.write_json(session.store, out)
    assert out.getvalue().decode("utf-8") == expected
    assert backup.export_json(session.store) == expected
    assert run("export", "json").stdout == expected
    target = tmp_path / "backup.json"
    assert run("export", "json", "-o", str(target)).exit_code == 0
    assert target.read_bytes() == expected.encode("utf-8")


def test_an_empty_database_exports_empty_sections(session):
    text = backup.export_json(session.store)
    with session.store.read() as conn:
        assert text == _reference(conn)
    assert '  "interactions": [],\n' in text and text.endswith('  "version": 5\n}\n')


class _Undo(Exception):
    pass


def test_accounts_made_in_bulk_match_ensure_account_one_by_one(session):
    names = {n.strip().lower(): n for n in ("Engines Ltd", "  New Co ", "ÉCOLE Nord", "école nord", "Zed")}
    with session.store.write() as conn:
        existing = people.insert_account(conn, people.Account(name="engines ltd"), FIXED_NOW)
        people.insert_account(conn, people.Account(name="Other"), FIXED_NOW)
    try:
        with session.store.write() as conn:
            bulk = people.ensure_accounts(conn, names, FIXED_NOW)
            made = {r.id: r.name for r in conn.execute(select(schema.accounts.c.id, schema.accounts.c.name))}
            raise _Undo
    except _Undo:
        pass
    with session.store.write() as conn:
        one_by_one = {key: people.ensure_account(conn, name, FIXED_NOW) for key, name in names.items()}
        again = {r.id: r.name for r in conn.execute(select(schema.accounts.c.id, schema.accounts.c.name))}
    assert bulk == one_by_one
    assert bulk["engines ltd"] == existing
    assert made == again
