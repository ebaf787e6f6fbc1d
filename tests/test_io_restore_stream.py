"""Restoring our own backup layout a record at a time: the same database as parsing the file
whole, the same messages (with the record's line), nothing written when anything is refused,
and no size limit for that layout only."""

from __future__ import annotations

import json

import pytest

from keepwarm.home import paths
from keepwarm.services import devdata
from keepwarm.engine.evaluate import evaluate
from keepwarm.errors import UserError
from keepwarm.io import backup, demo, encoding, restore, restore_stream
from keepwarm.store import Store

from conftest import FIXED_NOW

RULE = "[cadence.tier_days]\na = 21\n"


def _export(store: Store) -> str:
    return backup.export_json(store)


def _both_ways(path, tmp_path) -> tuple[str, str]:
    """The database restored streamed and restored by the whole-file parse, each exported again."""
    assert restore_stream.plan(path) is not None  # our layout: the streamed path is the one taken
    with Store.open(tmp_path / "streamed.db") as streamed:
        restore.restore(streamed, path)
        one = _export(streamed)
    with Store.open(tmp_path / "whole.db") as whole:
        with whole.write() as conn:
            restore.write(conn, restore.load_file(path))
        two = _export(whole)
    return one, two


def _backup_of(session, tmp_path) -> tuple[str, object]:
    text = _export(session.store)
    path = tmp_path / "backup.json"
    path.write_text(text, encoding="utf-8")
    return text, path


def test_streamed_restore_equals_the_whole_file_parse_on_the_example_data(session, tmp_path):
    demo.load_demo(session.store, FIXED_NOW.date(), FIXED_NOW)
    evaluate(session)  # the engine's follow-ups too
    (paths.user_rules_dir()).mkdir(parents=True, exist_ok=True)
    (paths.user_rules_dir() / "mine.toml").write_text(RULE, encoding="utf-8")
    text, path = _backup_of(session, tmp_path)
    one, two = _both_ways(path, tmp_path)
    assert one == two == text  # and the round trip is byte-identical
    counts = json.loads(text)
    assert len(counts["interactions"]) > 100 and counts["rules"] == {"mine.toml": RULE}


def test_streamed_restore_equals_the_whole_file_parse_on_a_generated_book(session, tmp_path):
    devdata.generate(session, contacts=80, interactions_per_contact=12, seed=5)
    evaluate(session)
    text, path = _backup_of(session, tmp_path)
    assert len(json.loads(text)["interactions"]) > 500
    one, two = _both_ways(path, tmp_path)
    assert one == two == text


def test_the_cli_restores_streamed_with_the_counts_and_no_copy_of_the_empty_file(session, run, tmp_path):
    devdata.generate(session, contacts=20, interactions_per_contact=5, seed=2)
    text, path = _backup_of(session, tmp_path)
    data = json.loads(text)
    target = tmp_path / "new.db"
    result = run("--db", str(target), "restore", str(path), "--json")
    assert result.exit_code == 0, result.stderr
    assert result.json()["restored"] == {
        "accounts": len(data["accounts"]), "contacts": 20, "interactions": len(data["interactions"]),
        "promises": len(data["promises"]), "followups": len(data["followups"]),
        "assessments": len(data["assessments"]), "notes": 0, "links": 0, "captures": 0, "ignored_addresses": 0, "source_state": 0, "rules": 0,
    }
    assert not list(tmp_path.glob("new.db.before-restore.*"))  # no copy of the empty file it filled
    with Store.open(target) as store:
        assert _export(store) == text


def _generated(session, tmp_path) -> tuple[list[str], object]:
    devdata.generate(session, contacts=60, interactions_per_contact=10, seed=4)
    evaluate(session)
    text, path = _backup_of(session, tmp_path)
    return text.split("\n"), path


def _deep(lines: list[str], section: str) -> tuple[int, int]:
    """(line index, record index) of a record near the end of a section."""
    start = lines.index(f'  "{section}": [')
    end = next(i for i in range(start, len(lines)) if lines[i].startswith("  ]"))
    return end - 3, end - 3 - start - 1


@pytest.mark.parametrize(
    "section, change, message",
    [
        ("interactions", lambda r: r.__setitem__("channel", "fax"),
         "interactions[{i}].channel: 'fax' is not one of: call, email, meeting, text, social, event, letter, gift, meal"),
        ("interactions", lambda r: r.__setitem__("contact_id", 99999),
         "interactions[{i}].contact_id: no contact with id 99999 in this backup"),
        ("interactions", lambda r: r.__setitem__("id", 1), "interactions[{i}].id: 1 is used twice (expected unique ids)"),
        ("contacts", lambda r: r["emails"].append("nope"),
         "contacts[{i}].emails: 'nope' is not an email address (expected name@example.com)"),
        ("contacts", lambda r: r.__setitem__("account", "Nowhere Inc"),
         "contacts[{i}].account: 'Nowhere Inc' is not in accounts (expected one of its names)"),
        ("followups", lambda r: r.__setitem__("favourite", "tea"), "followups[{i}].favourite: is not a known field"),
    ],
    ids=["channel", "reference", "duplicate-id", "email", "account", "extra-field"],
)
def test_a_bad_record_deep_in_the_file_is_named_by_its_line_and_nothing_is_written(
    session, run, tmp_path, section, change, message
):
    lines, path = _generated(session, tmp_path)
    at, index = _deep(lines, section)
    record = json.loads(lines[at].rstrip(","))
    change(record)
    lines[at] = "    " + json.dumps(record, ensure_ascii=False) + ","
    path.write_text("\n".join(lines), encoding="utf-8")
    target = tmp_path / "empty.db"
    result = run("--db", str(target), "restore", str(path))
    assert result.exit_code == 2
    assert result.stderr == f"keepwarm: {path}: line {at + 1}: {message.format(i=index)}\n"
    with Store.open(target) as store:
        with store.read() as conn:
            assert set(backup.table_counts(conn).values()) == {0}


def test_a_broken_line_deep_in_the_file_is_named_and_nothing_is_written(session, run, tmp_path):
    lines, path = _generated(session, tmp_path)
    at, _ = _deep(lines, "interactions")
    lines[at] = lines[at][:40] + ","
    path.write_text("\n".join(lines), encoding="utf-8")
    target = tmp_path / "empty.db"
    result = run("--db", str(target), "restore", str(path))
    assert result.exit_code == 2
    assert result.stderr.startswith(f"keepwarm: {path}: line {at + 1}: not valid JSON (")
    assert result.stderr.count("\n") == 1
    with Store.open(target) as store:
        with store.read() as conn:
            assert set(backup.table_counts(conn).values()) == {0}


def test_the_envelope_is_checked_before_anything_is_written(session, tmp_path):
    lines, path = _generated(session, tmp_path)
    for old, new, message in (
        ('  "version": 5', '  "version": 7', "version: Input should be 1, 2, 3, 4 or 5"),
        ('  "format": "keepwarm-backup",', '  "format": "other",',
         'is not a keepwarm backup (expected "format": "keepwarm-backup")'),
        ('  "rules": {},', '  "rules": {},\n  "extra": 1,', "extra: is not a known field"),
    ):
        path.write_text("\n".join(lines).replace(old, new), encoding="utf-8")
        with Store.open(tmp_path / "e.db") as store:
            with pytest.raises(UserError) as caught:
                restore.restore(store, path)
            assert caught.value.message == f"{path}: {message}"
            with store.read() as conn:
                assert set(backup.table_counts(conn).values()) == {0}
        assert not list(tmp_path.glob("e.db.before-restore.*"))  # refused before the copy, too


def test_sections_in_another_order_restore_the_same(session, tmp_path):
    lines, path = _generated(session, tmp_path)
    text = "\n".join(lines)
    blocks, current = {}, None
    for line in lines[1:-2]:  # between "{" and "}"
        if line.startswith('  "'):
            current = line[3:line.index('"', 3)]  # the section names need no escaping
            blocks[current] = []
        blocks[current].append(line)
    order = ["interactions", "format", "followups", "contacts", "version", "promises", "accounts", "assessments", "rules"]
    out = ["{"]
    for n, key in enumerate(order):
        block = list(blocks[key])
        last = n == len(order) - 1
        block[-1] = block[-1].rstrip(",") + ("" if last else ",")
        out += block
    out += ["}", ""]
    shuffled = tmp_path / "shuffled.json"
    shuffled.write_text("\n".join(out), encoding="utf-8")
    assert restore_stream.plan(shuffled).layout.lists[0] == "interactions"
    with Store.open(tmp_path / "s.db") as store:
        restore.restore(store, shuffled)
        assert _export(store) == text


def test_only_our_layout_goes_past_the_size_limit(session, run, tmp_path, monkeypatch):
    lines, path = _generated(session, tmp_path)
    text = "\n".join(lines)
    monkeypatch.setattr(encoding, "MAX_BYTES", 2000)
    monkeypatch.setattr(restore_stream, "MAX_BYTES", 2000)
    result = run("--db", str(tmp_path / "a.db"), "restore", str(path))
    assert result.exit_code == 0, result.stderr
    # The same backup on one line would be parsed whole: over the limit, the layout is what is asked for.
    flat = tmp_path / "flat.json"
    flat.write_text(json.dumps(json.loads(text)), encoding="utf-8")
    result = run("--db", str(tmp_path / "b.db"), "restore", str(flat))
    assert result.exit_code == 2
    assert result.stderr == (f'keepwarm: {flat}: line 1: expected "{{" alone on the first line (a backup over 0 MB '
                             "is read one record per line, as `keepwarm export json` writes it)\n")
    # The other importers keep their limit.
    cards = tmp_path / "cards.vcf"
    cards.write_text("BEGIN:VCARD\r\nVERSION:3.0\r\nFN:A\r\nEND:VCARD\r\n" * 100, encoding="utf-8")
    result = run("--db", str(tmp_path / "c.db"), "import", "vcard", str(cards))
    assert result.exit_code == 2 and "expected a file under" in result.stderr
    # Big and departing from our layout: the line where it departs is the error.
    lines.insert(5, "")
    path.write_text("\n".join(lines), encoding="utf-8")
    result = run("--db", str(tmp_path / "d.db"), "restore", str(path))
    assert result.exit_code == 2
    assert result.stderr.startswith(f"keepwarm: {path}: line 6: ") and "one record per line" in result.stderr


def test_small_files_in_other_layouts_are_parsed_whole_as_before(tmp_path):
    path = tmp_path / "x.json"
    path.write_bytes(b"{\n  \"format\": \"keepwarm-backup\",\n  oops\n}")
    assert restore_stream.plan(path) is None
    with Store.open(tmp_path / "x.db") as store:
        with pytest.raises(UserError) as caught:
            restore.restore(store, path)
    assert caught.value.message == (
        f"{path}: line 3: not valid JSON (Expecting property name enclosed in double quotes)"
    )


def _upkeep(store: Store) -> list[tuple]:
    """The indexes and triggers the database keeps, with their SQL."""
    with store.read() as conn:
        return conn.exec_driver_sql(
            "SELECT type, name, tbl_name, sql FROM sqlite_master WHERE type IN ('index', 'trigger') ORDER BY name"
        ).all()


def _totals(store: Store) -> list[tuple]:
    with store.read() as conn:
        return conn.exec_driver_sql("SELECT * FROM contact_totals ORDER BY contact_id").all()


def test_a_restore_rebuilds_the_totals_the_triggers_make_and_keeps_them_kept(session, tmp_path):
    # The source's totals were made by the triggers, one interaction at a time, as the generator wrote.
    devdata.generate(session, contacts=60, interactions_per_contact=15, seed=9)
    evaluate(session)
    _, path = _backup_of(session, tmp_path)
    with session.store.read() as conn:
        kinds = conn.exec_driver_sql("SELECT count(DISTINCT outcome), count(DISTINCT purpose) FROM interactions").one()
    assert kinds[0] > 1 and kinds[1] > 5  # touches that count and touches that do not, of many purposes
    expected = _totals(session.store)
    assert len(expected) > 50
    with Store.open(tmp_path / "streamed.db") as streamed, Store.open(tmp_path / "whole.db") as whole:
        restore.restore(streamed, path)
        with whole.write() as conn:
            restore.write(conn, restore.load_file(path))
        # whole-file writes keep the triggers on
        assert _totals(streamed) == _totals(whole) == expected
        assert _upkeep(streamed) == _upkeep(whole) == _upkeep(session.store)
        # and the triggers are back at work: a later touch and a later edit land in the totals
        for store in (streamed, session.store):
            with store.write() as conn:
                conn.exec_driver_sql(
                    "INSERT INTO interactions (contact_id, at, channel, direction, purpose, outcome, sentiment, "
                    "notes, created_at) VALUES (3, '2026-11-21 10:00:00.000000', 'meeting', 'outbound', "
                    "'favor_asked', 'completed', 0, '', '2026-11-21 10:00:00.000000')"
                )
                conn.exec_driver_sql("UPDATE interactions SET contact_id = 4 WHERE id = (SELECT min(id) FROM "
                                     "interactions WHERE contact_id = 5 AND outcome = 'completed')")
        assert _totals(streamed) == _totals(session.store) != expected


def test_a_refused_restore_leaves_the_triggers_and_indexes_as_they_were(session, run, tmp_path):
    # refused after the interactions are in: the triggers and indexes were set aside by then
    lines, path = _generated(session, tmp_path)
    at, _ = _deep(lines, "followups")
    record = json.loads(lines[at].rstrip(","))
    record["status"] = "maybe"
    lines[at] = "    " + json.dumps(record, ensure_ascii=False) + ","
    path.write_text("\n".join(lines), encoding="utf-8")
    target = tmp_path / "empty.db"
    with Store.open(target) as store:
        before = _upkeep(store)
    assert any(kind == "trigger" for kind, *_ in before) and any(kind == "index" for kind, *_ in before)
    result = run("--db", str(target), "restore", str(path))
    assert result.exit_code == 2
    assert result.stderr.startswith(f"keepwarm: {path}: line {at + 1}: followups[")
    with Store.open(target) as store:
        assert _upkeep(store) == before
        assert _totals(store) == []
        with store.read() as conn:
            assert set(backup.table_counts(conn).values()) == {0}
