"""Notes are not touches: writing, editing or deleting one changes no result of the engine.

The engine does not read notes (keepwarm.store.notes says why): no statistic
counts them, no follow-up is closed or moved by them, and no trigger marks a
contact for the engine when one is written. Scenario at the fixed clock of
conftest.py (Sunday 2026-11-22), with the shipped rules.
"""

from __future__ import annotations

import sqlite3


def _marks(db_path) -> list[tuple]:
    conn = sqlite3.connect(db_path)
    try:
        return conn.execute("SELECT contact_id FROM engine_marks").fetchall()
    finally:
        conn.close()


def _state(run) -> dict:
    shown = run("contact", "show", "ada", "--json").json()
    agenda = run("agenda", "--json")
    assert agenda.exit_code == 0, agenda.stderr
    followups = run("followup", "list", "--all", "--json").json()
    return {
        "agenda": agenda.stdout,
        "followups": followups,
        "health": shown["health"],
        "stats": shown["stats"],
        "recent": shown["recent_interactions"],
    }


def test_a_note_is_no_touch_and_moves_no_cadence(run, db_path):
    assert run("contact", "add", "Ada Lovelace", "--tier", "a", "--role", "champion").exit_code == 0
    assert run("contact", "add", "Charles Babbage").exit_code == 0
    assert run("log", "ada", "-c", "call", "--when", "2026-10-01 10:00").exit_code == 0
    before = _state(run)
    assert before["stats"]["last_touch"].startswith("2026-10-01")
    assert before["stats"]["touches_total"] == 1
    assert any(f["contact"] == "Ada Lovelace" and f["status"] == "open" for f in before["followups"])
    assert _marks(db_path) == []  # the runs above evaluated everyone

    # Notes dated today, of every kind: what would have counted, had a note been a touch.
    for kind in ("how-we-met", "family", "gift", "preference", "other"):
        assert run("note", "add", "ada", f"a {kind} note", "--kind", kind).exit_code == 0
    assert _marks(db_path) == []  # nothing for the engine to look at again
    assert run("note", "edit", "1", "--text", "met at the Royal Society").exit_code == 0
    assert run("note", "delete", "2", "--yes").exit_code == 0
    assert _marks(db_path) == []

    after = _state(run)
    assert after == before
    assert len(run("contact", "show", "ada", "--json").json()["notes"]) == 4
