"""Builds one small database per schema revision: `python tests/fixtures_db/build.py`.

Each file is made by Alembic's own `upgrade <rev>` and holds the same records
(written with the columns of the first schema, which every later one keeps), so
`tests/test_migrations.py` can check that a database of every earlier version
upgrades to the newest with its data intact. Run it again after adding a
migration and commit the new `schema_<rev>.db`; the files of earlier revisions
must not change (they stand for databases users already have).
"""

from __future__ import annotations

import os
import sqlite3
import sys
from pathlib import Path

from sqlalchemy import text

HERE = Path(__file__).resolve().parent
STAMP = "2026-11-01 10:00:00"

ROWS = [
    ("INSERT INTO accounts (id, name, industry, culture, decision_making, risk_tolerance, budget_cycle, notes,"
     " created_at, updated_at) VALUES (1, 'Acme', 'steel', '', '', '', '', '', :t, :t)", {}),
    *(
        ("INSERT INTO contacts (id, uid, name, name_fold, account_id, title, role, style, motivations, interests,"
         " addresses, urls, best_time, do_not_contact, tier, stage, notes, owner, created_at, updated_at)"
         " VALUES (:id, :uid, :name, :fold, 1, '', 'champion', 'analytical', '[\"learning\"]', '[]', '[]', '[]', '',"
         " 0, 'a', 'active', :notes, '', :t, :t)",
         {"id": cid, "uid": f"uid-{cid}", "name": name, "fold": name.lower(), "notes": notes})
        for cid, name, notes in ((1, "Ada Lovelace", "likes poetry; \"notes\", commas"),
                                 (2, "Charles Babbage", "engine\nsecond line"))
    ),
    ("INSERT INTO contact_tags (contact_id, position, tag, tag_fold) VALUES (1, 0, 'VIP', 'vip')", {}),
    ("INSERT INTO contact_emails (contact_id, position, email, email_fold) VALUES (1, 0, 'ada@acme.test', 'ada@acme.test')", {}),
    ("INSERT INTO contact_dates (contact_id, position, kind, month, day, year, label)"
     " VALUES (1, 0, 'birthday', 12, 10, NULL, '')", {}),
    ("INSERT INTO interactions (contact_id, at, channel, direction, purpose, sentiment, notes, created_at)"
     " VALUES (1, '2026-10-30 14:00:00.000000', 'meeting', 'inbound', 'business', 2, 'renewal talk', :t)", {}),
    ("INSERT INTO followups (contact_id, due, reason, source, rule_key, action, status, created_at, updated_at)"
     " VALUES (2, '2026-12-01', 'send the deck', 'manual', 'manual', '', 'open', :t, :t)", {}),
    ("INSERT INTO commitments (contact_id, by, text, due, status, created_at)"
     " VALUES (1, 'me', 'intro to Mary', '2026-11-30', 'open', :t)", {}),
]


def build(path: Path, revision: str) -> Path:
    """A database at `revision` holding ROWS, as one plain file (no WAL), private."""
    from keepwarm.store import migrate
    from keepwarm.store.database import make_engine

    path = Path(path)
    path.unlink(missing_ok=True)
    fd = os.open(path, os.O_CREAT | os.O_WRONLY, 0o600)
    os.close(fd)
    engine = make_engine(path)
    try:
        with engine.connect() as conn:
            migrate.upgrade(conn, revision)
        with engine.begin() as conn:
            for sql, params in ROWS:
                conn.execute(text(sql), {"t": STAMP, **params})
    finally:
        engine.dispose()
    conn = sqlite3.connect(path)
    try:
        conn.execute("PRAGMA journal_mode = DELETE")
        conn.execute("VACUUM")
    finally:
        conn.close()
    return path


def fixture_path(revision: str) -> Path:
    return HERE / f"schema_{revision}.db"


def main() -> None:
    from keepwarm.store.migrate import REVISIONS

    for revision in REVISIONS:
        target = fixture_path(revision)
        if target.exists() and "--force" not in sys.argv:
            print(f"kept    {target.name} (it stands for databases users have; --force rebuilds it)")
            continue
        partial = target.with_suffix(".partial")
        try:
            build(partial, revision)  # a failed build leaves no file that a later run would keep
            partial.replace(target)
        finally:
            partial.unlink(missing_ok=True)
        print(f"built   {target.name}")


if __name__ == "__main__":
    main()
