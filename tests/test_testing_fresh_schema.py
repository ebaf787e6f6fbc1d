"""The tests' copied new database (tests/fresh_schema.py) is the one Alembic builds, object for object.

This module is in `fresh_schema.REAL_MIGRATIONS`: here `Store.open` runs
Alembic unless a test installs the copy itself.
"""

from __future__ import annotations

import sqlite3

import fresh_schema
from keepwarm.store import Store, migrate
from keepwarm.store.database import make_engine


def _schema(path) -> tuple[list[tuple], list[tuple], int, str]:
    raw = sqlite3.connect(path)
    try:
        objects = raw.execute("SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY type, name").fetchall()
        versions = raw.execute("SELECT version_num FROM alembic_version").fetchall()
        user_version = raw.execute("PRAGMA user_version").fetchone()[0]
        journal = raw.execute("PRAGMA journal_mode").fetchone()[0]
    finally:
        raw.close()
    return objects, versions, user_version, journal


def test_a_replayed_new_database_equals_the_one_alembic_builds(tmp_path, monkeypatch):
    Store.open(tmp_path / "alembic.db").engine.dispose()
    template = fresh_schema.migrated_template()
    monkeypatch.setattr(migrate, "upgrade", fresh_schema.replaying_upgrade(migrate.upgrade, template))
    with Store.open(tmp_path / "replayed.db") as store:
        assert store.schema_version() == migrate.HEAD
    built, replayed = _schema(tmp_path / "alembic.db"), _schema(tmp_path / "replayed.db")
    assert replayed == built
    assert any(kind == "trigger" for kind, *_ in built[0]) and built[1] == [(migrate.HEAD,)] and built[3] == "wal"


def test_an_old_database_is_still_migrated_by_alembic_with_its_rows(tmp_path, monkeypatch):
    Store.open(tmp_path / "head.db").engine.dispose()
    db = tmp_path / "old.db"
    engine = make_engine(db)
    try:
        with engine.connect() as conn:
            migrate.upgrade(conn, migrate.REVISIONS[0])
        with engine.begin() as conn:
            conn.exec_driver_sql(
                "INSERT INTO contacts (id, uid, name, name_fold, title, style, motivations, interests, addresses,"
                " urls, best_time, do_not_contact, tier, stage, notes, owner, created_at, updated_at)"
                " VALUES (1, 'u1', 'Ada', 'ada', '', 'unknown', '[]', '[]', '[]', '[]', '', 0, 'b', 'active',"
                " '', '', '2026-11-01 10:00:00', '2026-11-01 10:00:00')")
    finally:
        engine.dispose()
    monkeypatch.setattr(migrate, "upgrade",
                        fresh_schema.replaying_upgrade(migrate.upgrade, fresh_schema.migrated_template()))
    with Store.open(db) as store:
        assert store.schema_version() == migrate.HEAD
        with store.read() as conn:
            assert conn.exec_driver_sql("SELECT name FROM contacts").all() == [("Ada",)]
    assert _schema(db)[:2] == _schema(tmp_path / "head.db")[:2]
