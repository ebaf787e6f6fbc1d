"""The store: transactions, pragmas, file permissions, and files it must refuse."""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
import stat

import pytest
from sqlalchemy import func, select

from keepwarm.errors import StoreError
from keepwarm.model import Contact, Interaction
from keepwarm.store import Store
from keepwarm.store import activity, schema
from keepwarm.store import contacts as people
from keepwarm.store.migrate import HEAD

NOW = dt.datetime(2026, 11, 22, 9, 0, tzinfo=dt.timezone.utc)


def mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def count(store: Store, table) -> int:
    with store.read() as conn:
        return conn.execute(select(func.count()).select_from(table)).scalar_one()


@pytest.fixture
def store(tmp_path):
    s = Store.open(tmp_path / "data" / "keepwarm.db")
    yield s
    s.close()


def test_a_new_database_is_at_the_newest_schema(store):
    assert store.schema_version() == HEAD


def test_a_write_lands_whole(store):
    with store.write() as conn:
        cid = people.insert_contact(conn, Contact(name="Ada", account="Acme", tags=["vip"], emails=["ada@acme.test"]), NOW)
    with store.read() as conn:
        saved = people.get_contact(conn, cid)
    assert (saved.name, saved.account, saved.tags, saved.emails) == ("Ada", "Acme", ["vip"], ["ada@acme.test"])


def test_an_exception_inside_write_leaves_nothing(store):
    with pytest.raises(RuntimeError, match="half-way"):
        with store.write() as conn:
            cid = people.insert_contact(conn, Contact(name="Ada", account="Acme", tags=["vip"]), NOW)
            activity.insert_interactions(
                conn, [Interaction(contact_id=cid, at=NOW, channel="call")], NOW
            )
            assert conn.execute(select(func.count()).select_from(schema.contacts)).scalar_one() == 1
            raise RuntimeError("half-way")
    for table in (schema.contacts, schema.accounts, schema.contact_tags, schema.interactions):
        assert count(store, table) == 0, table.name


def test_a_write_holds_the_lock_from_its_start(store):
    """BEGIN IMMEDIATE: a second writer cannot sneak in between a read and a write."""
    with store.write():
        other = sqlite3.connect(store.path, timeout=0, isolation_level=None)
        try:
            with pytest.raises(sqlite3.OperationalError, match="locked"):
                other.execute("BEGIN IMMEDIATE")
        finally:
            other.close()


def test_pragmas(store):
    with store.read() as conn:
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == 15_000


def test_foreign_keys_are_enforced(store):
    with pytest.raises(Exception, match="FOREIGN KEY"):
        with store.write() as conn:
            activity.insert_interactions(conn, [Interaction(contact_id=999, at=NOW, channel="call")], NOW)
    assert count(store, schema.interactions) == 0


def test_removing_a_contact_cascades_to_its_history(store):
    with store.write() as conn:
        cid = people.insert_contact(conn, Contact(name="Ada", tags=["vip"]), NOW)
        activity.insert_interactions(conn, [Interaction(contact_id=cid, at=NOW, channel="call")], NOW)
    with store.write() as conn:
        people.delete_contact(conn, cid)
    assert count(store, schema.interactions) == 0
    assert count(store, schema.contact_tags) == 0


def test_database_file_is_private_and_its_folder_too(tmp_path):
    path = tmp_path / "fresh" / "keepwarm.db"
    old = os.umask(0o022)
    try:
        with Store.open(path) as s:
            with s.write() as conn:
                people.insert_contact(conn, Contact(name="Ada"), NOW)
            # The WAL and its index exist while the store is open; they are private too.
            for name in ("keepwarm.db", "keepwarm.db-wal", "keepwarm.db-shm"):
                assert mode(path.parent / name) == 0o600, name
    finally:
        os.umask(old)
    assert mode(path) == 0o600
    assert mode(path.parent) == 0o700


def _snapshot(folder):
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def test_a_file_that_is_not_sqlite_is_refused_and_not_modified(tmp_path):
    path = tmp_path / "notes.db"
    path.write_bytes(b"shopping list: milk, eggs\n")
    before = _snapshot(tmp_path)
    with pytest.raises(StoreError) as caught:
        Store.open(path)
    assert caught.value.message == f"{path}: is not a keepwarm database (not an SQLite file)"
    assert _snapshot(tmp_path) == before


def test_an_sqlite_file_with_other_tables_is_refused_and_not_modified(tmp_path):
    path = tmp_path / "other.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE recipes (name TEXT)")
    conn.execute("INSERT INTO recipes VALUES ('bread')")
    conn.commit()
    conn.close()
    before = _snapshot(tmp_path)
    with pytest.raises(StoreError) as caught:
        Store.open(path)
    assert caught.value.message == f"{path}: is not a keepwarm database (it holds other tables)"
    # Byte for byte: not even switched to WAL, no side files left behind.
    assert _snapshot(tmp_path) == before


def test_a_damaged_sqlite_file_is_refused_and_not_modified(tmp_path):
    path = tmp_path / "damaged.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE t (x)")
    conn.commit()
    conn.close()
    data = bytearray(path.read_bytes())
    data[100:] = b"\xff" * (len(data) - 100)
    path.write_bytes(bytes(data))
    before = _snapshot(tmp_path)
    with pytest.raises(StoreError) as caught:
        Store.open(path)
    assert caught.value.message.startswith(f"{path}: cannot be opened as a keepwarm database (")
    assert _snapshot(tmp_path) == before


def test_a_database_from_a_newer_keepwarm_is_refused_and_not_modified(tmp_path):
    path = tmp_path / "keepwarm.db"
    with Store.open(path) as s:
        with s.write() as conn:
            people.insert_contact(conn, Contact(name="Ada"), NOW)
            conn.exec_driver_sql("UPDATE alembic_version SET version_num = '9999'")
    before = _snapshot(tmp_path)
    assert set(before) == {"keepwarm.db"}
    with pytest.raises(StoreError) as caught:
        Store.open(path)
    assert caught.value.message.startswith(f"{path}: was written by a newer keepwarm (schema 9999)")
    assert f"up to {HEAD}" in caught.value.message
    assert _snapshot(tmp_path) == before


def test_a_folder_is_refused(tmp_path):
    with pytest.raises(StoreError, match="is a folder, not a database file"):
        Store.open(tmp_path)


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads files whatever their mode")
def test_an_unreadable_file_is_refused(tmp_path):
    path = tmp_path / "locked.db"
    path.write_bytes(b"SQLite format 3\x00" + b"\x00" * 100)
    path.chmod(0)
    try:
        with pytest.raises(StoreError, match="cannot be read"):
            Store.open(path)
    finally:
        path.chmod(0o600)


def test_an_empty_file_becomes_a_database(tmp_path):
    path = tmp_path / "empty.db"
    path.touch()
    with Store.open(path) as s:
        assert s.schema_version() == HEAD


def test_reopening_an_up_to_date_database_copies_nothing_aside(tmp_path):
    path = tmp_path / "keepwarm.db"
    Store.open(path).close()
    Store.open(path).close()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["keepwarm.db"]


def test_a_file_that_cannot_be_read_is_refused(tmp_path, monkeypatch):
    """The same refusal as a mode-0 file, reachable when the tests run as root."""
    import pathlib

    path = tmp_path / "locked.db"
    path.write_bytes(b"SQLite format 3\x00" + b"\x00" * 100)
    real_open = pathlib.Path.open

    def deny(self, *args, **kwargs):
        if self == path:
            raise PermissionError(13, "Permission denied", str(self))
        return real_open(self, *args, **kwargs)

    monkeypatch.setattr(pathlib.Path, "open", deny)
    with pytest.raises(StoreError) as caught:
        Store.open(path)
    assert caught.value.message == f"{path}: cannot be read (Permission denied)"
