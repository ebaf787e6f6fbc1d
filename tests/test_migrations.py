"""Migrating an older database on open: data kept, new columns filled, old file kept aside."""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
import stat

import pytest
from alembic.script import ScriptDirectory
from sqlalchemy import text

from keepwarm.store import Store
from keepwarm.store import activity, followups
from keepwarm.store import contacts as people
from keepwarm.store import migrate
from keepwarm.store.database import make_engine
from keepwarm.store.migrate import HEAD, REVISIONS

STAMP = "2026-11-01 10:00:00"


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


@pytest.fixture
def old_db(tmp_path):
    """A database at schema 0001 holding an account, two contacts and their history."""
    folder = tmp_path / "data"
    folder.mkdir(mode=0o700)
    path = folder / "keepwarm.db"
    fd = os.open(path, os.O_CREAT | os.O_WRONLY, 0o600)
    os.close(fd)
    engine = make_engine(path)
    try:
        with engine.connect() as conn:
            migrate.upgrade(conn, "0001")
        with engine.begin() as conn:
            conn.execute(
                text(
                    "INSERT INTO accounts (id, name, industry, culture, decision_making, risk_tolerance, budget_cycle,"
                    " notes, created_at, updated_at) VALUES (1, 'Acme', 'steel', '', '', '', '', '', :t, :t)"
                ),
                {"t": STAMP},
            )
            for cid, name in ((1, "Ada Lovelace"), (2, "Charles Babbage")):
                conn.execute(
                    text(
                        "INSERT INTO contacts (id, uid, name, name_fold, account_id, title, role, style, motivations,"
                        " interests, addresses, urls, best_time, do_not_contact, tier, stage, notes, owner,"
                        " created_at, updated_at) VALUES (:id, :uid, :name, :fold, 1, '', 'champion', 'analytical',"
                        " '[\"learning\"]', '[]', '[]', '[]', '', 0, 'a', 'active', '', '', :t, :t)"
                    ),
                    {"id": cid, "uid": f"uid-{cid}", "name": name, "fold": name.lower(), "t": STAMP},
                )
            conn.execute(
                text("INSERT INTO contact_tags (contact_id, position, tag, tag_fold) VALUES (1, 0, 'VIP', 'vip')")
            )
            conn.execute(
                text(
                    "INSERT INTO contact_dates (contact_id, position, kind, month, day, year, label)"
                    " VALUES (1, 0, 'birthday', 12, 10, NULL, '')"
                )
            )
            conn.execute(
                text(
                    "INSERT INTO interactions (contact_id, at, channel, direction, purpose, sentiment, notes,"
                    " created_at) VALUES (1, '2026-10-30 14:00:00.000000', 'meeting', 'inbound', 'business', 2,"
                    " 'renewal talk', :t)"
                ),
                {"t": STAMP},
            )
            conn.execute(
                text(
                    "INSERT INTO followups (contact_id, due, reason, source, rule_key, action, status, created_at,"
                    " updated_at) VALUES (2, '2026-12-01', 'send the deck', 'manual', 'manual', '', 'open', :t, :t)"
                ),
                {"t": STAMP},
            )
            conn.execute(
                text(
                    "INSERT INTO commitments (contact_id, by, text, due, status, created_at)"
                    " VALUES (1, 'me', 'intro to Mary', '2026-11-30', 'open', :t)"
                ),
                {"t": STAMP},
            )
    finally:
        engine.dispose()
    assert _version(path) == "0001"
    assert "outcome" not in _columns(path, "interactions")
    assert "sequence" not in _columns(path, "followups")
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
    # The columns added after 0001 carry their defaults.
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


def test_the_old_file_is_copied_aside_private_and_still_at_0001(home, old_db):
    with Store.open(old_db):
        pass
    copies = sorted(p for p in old_db.parent.iterdir() if p.name.endswith(".bak"))
    # The clock is pinned by the `home` fixture to 2026-11-22 09:00 UTC.
    assert [p.name for p in copies] == ["keepwarm.db.0001.20261122T090000Z.bak"]
    copy = copies[0]
    assert stat.S_IMODE(copy.stat().st_mode) == 0o600
    assert _version(copy) == "0001"
    conn = sqlite3.connect(copy)
    try:
        assert conn.execute("SELECT name FROM contacts ORDER BY id").fetchall() == [
            ("Ada Lovelace",),
            ("Charles Babbage",),
        ]
        assert "outcome" not in {row[1] for row in conn.execute("PRAGMA table_info(interactions)")}
    finally:
        conn.close()


def test_the_copy_goes_to_the_backup_folder_when_given(home, old_db, tmp_path):
    backups = tmp_path / "backups"
    with Store.open(old_db, backup_dir=backups):
        pass
    assert [p.name for p in backups.iterdir()] == ["keepwarm.db.0001.20261122T090000Z.bak"]
    assert stat.S_IMODE(backups.stat().st_mode) == 0o700
    assert not any(p.name.endswith(".bak") for p in old_db.parent.iterdir())


def test_migrating_again_is_a_no_op(home, old_db):
    Store.open(old_db).close()
    before = sorted(p.name for p in old_db.parent.iterdir())
    with Store.open(old_db) as store:
        assert store.schema_version() == HEAD
    assert sorted(p.name for p in old_db.parent.iterdir()) == before


def test_the_cli_migrates_an_old_database_given_with_db(run, old_db):
    result = run("--db", str(old_db), "contact", "list", "--json")
    assert result.exit_code == 0, result.stderr
    assert [c["name"] for c in result.json()] == ["Ada Lovelace", "Charles Babbage"]
    assert _version(old_db) == HEAD
    assert any(p.name.startswith("keepwarm.db.0001.") for p in old_db.parent.iterdir())


def test_no_upgrade_without_the_copy(home, old_db, tmp_path):
    from keepwarm.errors import StoreError

    blocked = tmp_path / "backups"
    blocked.write_text("a file where the backup folder should be", encoding="utf-8")
    with pytest.raises(StoreError) as caught:
        Store.open(old_db, backup_dir=blocked)
    assert caught.value.message.startswith(f"{old_db}: not upgraded, because the copy of the old file could not be made")
    assert _version(old_db) == "0001"
    assert "outcome" not in _columns(old_db, "interactions")
