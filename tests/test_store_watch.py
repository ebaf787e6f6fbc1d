"""ChangeWatcher: news once per batch of other connections' commits, never for reads."""

from __future__ import annotations

import datetime as dt

from keepwarm.model import Contact
from keepwarm.store import Store
from keepwarm.store.contacts import insert_contact
from keepwarm.store.watch import ChangeWatcher

NOW = dt.datetime(2026, 11, 22, 9, 0, tzinfo=dt.UTC)


def test_a_commit_elsewhere_is_news_once_and_reads_are_not(tmp_path):
    path = tmp_path / "kw.db"
    store = Store.open(path)
    watcher = ChangeWatcher(path)
    try:
        assert watcher.changed() is False
        with store.read() as conn:
            conn.exec_driver_sql("SELECT count(*) FROM contacts").fetchall()
        assert watcher.changed() is False

        with store.write() as conn:
            insert_contact(conn, Contact(name="Ada Lovelace"), NOW)
        with store.write() as conn:
            insert_contact(conn, Contact(name="Alan Turing"), NOW)
        assert watcher.changed() is True
        assert watcher.changed() is False
    finally:
        watcher.close()
        store.close()
