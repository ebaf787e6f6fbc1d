"""Migrating an older database on open: data kept, new columns filled, old file kept aside."""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
import shutil
import stat
import sys
from pathlib import Path

import pytest
from alembic.script import ScriptDirectory
from sqlalchemy import text

from keepwarm.store import Store
from keepwarm.store import activity, followups
from keepwarm.store import contacts as people
from keepwarm.store import migrate
from keepwarm.store.database import make_engine
from keepwarm.store.migrate import HEAD, REVISIONS



def test_revisions_and_head_agree_with_alembic():
    scripts = ScriptDirectory.from_config(migrate.alembic_config())
    oldest_first = tuple(reversed([rev.revision for rev in scripts.walk_revisions()]))
    assert oldest_first == REVISIONS
    assert scripts.get_heads() == [HEAD]
    assert scripts.get_current_head() == REVISIONS[-1]


def _version(path) -> str:
    conn = sqlite3.connect(path)
    try:
        return conn.execute("SELECT version_num FROM alembic_version").fetchone()[0]
    finally:
        conn.close()


def _columns(path, table: str) -> set[str]:
    conn = sqlite3.connect(path)
    try:
        return {row[1] for row in conn.execute(f"PRAGMA table_info({table})")}
    finally:
        conn.close()


sys.path.insert(0, str(Path(__file__).parent / "fixtures_db"))
from build import build, fixture_path  # noqa: E402

#: Every revision but the newest, as Alembic's scripts list them (a migration added later joins in).
EARLIER = [rev.revision for rev in ScriptDirectory.from_config(migrate.alembic_config()).walk_revisions()][::-1][:-1]


def earlier_database(tmp_path: Path, revision: str) -> Path:
    """A copy of the committed fixture for `revision` (built from Alembic when none is committed yet)."""
    folder = tmp_path / "data"
    folder.mkdir(mode=0o700, exist_ok=True)
    path = folder / "keepwarm.db"
    committed = fixture_path(revision)
    if committed.exists():
        shutil.copyfile(committed, path)
        os.chmod(path, 0o600)
    else:
        build(path, revision)
    return path


def test_there_is_a_committed_fixture_for_every_earlier_revision():
    missing = [rev for rev in EARLIER if not fixture_path(rev).exists()]
    assert not missing, f"run `python tests/fixtures_db/build.py` and commit schema_{missing[0]}.db"
    for rev in EARLIER:
        assert _version(fixture_path(rev)) == rev


@pytest.fixture(params=EARLIER)
def old_db(request, tmp_path):
    """A database at each earlier schema holding an account, two contacts and their history."""
    path = earlier_database(tmp_path, request.param)
    assert _version(path) == request.param
    return path


def test_opening_an_old_database_migrates_it_and_keeps_the_data(old_db):
    with Store.open(old_db) as store:
        assert store.schema_version() == HEAD
        with store.read() as conn:
            listed = people.list_contacts(conn)
            touches = activity.list_interactions(conn)
            plans = followups.list_followups(conn)
            promises = activity.list_commitments(conn)
    assert [(c.id, c.name, c.account, c.role.value, c.style.value, c.tier.value) for c in listed] == [
        (1, "Ada Lovelace", "Acme", "champion", "analytical", "a"),
        (2, "Charles Babbage", "Acme", "champion", "analytical", "a"),
    ]
    assert listed[0].tags == ["VIP"]
    assert listed[0].birthday().as_text() == "--12-10"
    assert [m.value for m in listed[0].motivations] == ["learning"]
    [touch] = touches
    assert (touch.contact_id, touch.at, touch.channel.value, touch.sentiment, touch.notes) == (
        1,
        dt.datetime(2026, 10, 30, 14, 0, tzinfo=dt.timezone.utc),
        "meeting",
        2,
        "renewal talk",
    )
    assert listed[0].emails == ["ada@acme.test"]
    assert [c.notes for c in listed] == ["likes poetry; \"notes\", commas", "engine\nsecond line"]
    # The columns added after the first schema carry their defaults.
    assert touch.outcome.value == "completed"
    [plan] = plans
    assert (plan.reason, plan.due, plan.sequence, plan.satisfied_by_touch) == (
        "send the deck",
        dt.date(2026, 12, 1),
        0,
        True,
    )
    assert [(p.text, p.due) for p in promises] == [("intro to Mary", dt.date(2026, 11, 30))]
    assert {"outcome"} <= _columns(old_db, "interactions")
    assert {"sequence", "satisfied_by_touch"} <= _columns(old_db, "followups")
    conn = sqlite3.connect(old_db)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
    finally:
        conn.close()


def test_the_old_file_is_copied_aside_private_and_unchanged(home, old_db):
    old, old_columns = _version(old_db), _columns(old_db, "followups")
    with Store.open(old_db):
        pass
    copies = sorted(p for p in old_db.parent.iterdir() if p.name.endswith(".bak"))
    # The clock is pinned by the `home` fixture to 2026-11-22 09:00 UTC.
    assert [p.name for p in copies] == [f"keepwarm.db.before-migration-{old}.20261122T090000Z.bak"]
    copy = copies[0]
    assert stat.S_IMODE(copy.stat().st_mode) == 0o600
    assert _version(copy) == old
    conn = sqlite3.connect(copy)
    try:
        assert conn.execute("SELECT name FROM contacts ORDER BY id").fetchall() == [
            ("Ada Lovelace",),
            ("Charles Babbage",),
        ]
    finally:
        conn.close()
    assert _columns(copy, "followups") == old_columns


def test_the_copy_goes_to_the_backup_folder_when_given(home, old_db, tmp_path):
    backups = tmp_path / "backups"
    old = _version(old_db)
    with Store.open(old_db, backup_dir=backups):
        pass
    assert [p.name for p in backups.iterdir()] == [f"keepwarm.db.before-migration-{old}.20261122T090000Z.bak"]
    assert stat.S_IMODE(backups.stat().st_mode) == 0o700
    assert not any(p.name.endswith(".bak") for p in old_db.parent.iterdir())


def test_migrating_again_is_a_no_op(home, old_db):
    Store.open(old_db).close()
    before = sorted(p.name for p in old_db.parent.iterdir())
    with Store.open(old_db) as store:
        assert store.schema_version() == HEAD
    assert sorted(p.name for p in old_db.parent.iterdir()) == before


def test_the_cli_migrates_an_old_database_given_with_db(run, old_db):
    old = _version(old_db)
    result = run("--db", str(old_db), "contact", "list", "--json")
    assert result.exit_code == 0, result.stderr
    assert [c["name"] for c in result.json()] == ["Ada Lovelace", "Charles Babbage"]
    assert _version(old_db) == HEAD
    assert any(p.name.startswith(f"keepwarm.db.before-migration-{old}.") for p in old_db.parent.iterdir())


def test_no_upgrade_without_the_copy(home, old_db, tmp_path):
    from keepwarm.errors import StoreError

    old, before = _version(old_db), old_db.read_bytes()
    blocked = tmp_path / "backups"
    blocked.write_text("a file where the backup folder should be", encoding="utf-8")
    with pytest.raises(StoreError) as caught:
        Store.open(old_db, backup_dir=blocked)
    assert caught.value.message.startswith(f"{old_db}: not upgraded, because the copy of the old file could not be made")
    assert old_db.read_bytes() == before
    assert _version(old_db) == old


def _side_files(path: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(path.parent.iterdir())}


def test_a_database_newer_than_the_program_is_refused_and_left_byte_for_byte(run, tmp_path):
    path = earlier_database(tmp_path, EARLIER[-1] if EARLIER else HEAD)
    Store.open(path).close()
    conn = sqlite3.connect(path)
    conn.execute("UPDATE alembic_version SET version_num = 'zz99_from_the_future'")
    conn.commit()
    conn.close()
    before = _side_files(path)
    for args in (("contact", "list"), ("log", "Ada", "-c", "call"), ("backup",), ("export", "json")):
        result = run("--db", str(path), *args)
        assert result.exit_code == 2, args
        assert result.stderr == (
            f"keepwarm: {path}: was written by a newer keepwarm (schema zz99_from_the_future); this program knows "
            f"schemas up to {HEAD}. Upgrade keepwarm to open it; the file was not changed\n"
        )
        assert _side_files(path) == before, args


def test_every_revision_upgrades_step_by_step_to_the_next(tmp_path):
    """Each migration on its own, not only all of them at once."""
    path = earlier_database(tmp_path, REVISIONS[0])
    engine = make_engine(path)
    try:
        for rev in REVISIONS[1:]:
            with engine.connect() as conn:
                migrate.upgrade(conn, rev)
            assert _version(path) == rev
    finally:
        engine.dispose()
    with Store.open(path) as store:
        with store.read() as conn:
            assert [c.name for c in people.list_contacts(conn)] == ["Ada Lovelace", "Charles Babbage"]


def test_the_totals_of_an_old_history_are_filled_in_and_kept_up_after(old_db):
    """Migration 0004 back-fills `contact_totals` from the history; its triggers keep it up from then on."""
    from keepwarm.engine import stats as statistics
    from keepwarm.model import Interaction

    now = dt.datetime(2026, 11, 22, 9, 0, tzinfo=dt.timezone.utc)
    meeting = dt.datetime(2026, 10, 30, 14, 0, tzinfo=dt.timezone.utc)

    def figures(store):
        with store.read() as conn:
            return statistics.compute(conn, now, now.date(), recent_days=90, baseline_days=365)

    with Store.open(old_db) as store:
        ada, charles = figures(store)[1], figures(store)[2]
        assert (ada.touches_total, ada.inbound_total, ada.first_touch, ada.last_touch, ada.last_meeting,
                ada.last_inbound, ada.last_outbound) == (1, 1, meeting, meeting, meeting, meeting, None)
        assert (charles.touches_total, charles.last_touch) == (0, None)
        with store.write() as conn:
            activity.insert_interactions(conn, [Interaction(contact_id=2, at=now, channel="email",
                                                            direction="outbound", purpose="business")], now)
        charles = figures(store)[2]
    assert (charles.touches_total, charles.outbound_total, charles.last_written_outbound) == (1, 1, now)
