"""The engine's output on a rich book equals the output recorded before it was made fast.

The agenda's speed comes from shortcuts (per-run caches in the plugins, health
explained only when shown, reconcile comparing stored rows without building
objects, a cheaper plugin dispatch). None of them may change a word. Here the
example data and a generated history are run through the engine twice, a few
days apart and with the user's own changes in between (snoozed, dismissed and
completed follow-ups, new touches and a promise), and everything the engine
says is compared with `golden/engine_book.json.gz`, recorded with the plain code
before the shortcuts: every contact's proposals, warnings, health with its
terms, tips and suggestions, every account's health, the agenda's JSON, the
follow-ups table after reconcile, and a scoped run (a contact's detail) too.

After a deliberate change of the rules' output, record it again with
`KEEPWARM_WRITE_GOLDEN=1 pytest tests/test_engine_perf_golden.py` and review the diff.
"""

from __future__ import annotations

import datetime as dt
import gzip
import json
import os
from pathlib import Path

import pytest
from sqlalchemy import select

from keepwarm.services import actions, devdata
from keepwarm.api.types import to_json
from keepwarm.engine import reconcile
from keepwarm.engine.agenda import build_agenda
from keepwarm.engine.evaluate import evaluate
from keepwarm.hosting.host import PluginHost
from keepwarm.hosting.runtime import build_runtime
from keepwarm.io import demo
from keepwarm.model import Commitment, CommitmentStatus, Party, Stage
from keepwarm.home.session import Session
from keepwarm.home.settings import Settings
from keepwarm.store import activity, followups
from keepwarm.store import contacts as people
from keepwarm.store.schema import followups as followups_table

GOLDEN = Path(__file__).parent / "golden" / "engine_book.json.gz"
LATER = dt.timedelta(days=9)


def _runtime():
    # keepwarm's own plugins only: the golden must not depend on what else is installed.
    return build_runtime(host=PluginHost(packages=False, plugins_dir=None).load())


def _session(db: Path, now: dt.datetime) -> Session:
    # No daily capacity: the golden holds the engine's rows, planned by nothing (tests/test_agenda_capacity.py).
    session = Session(db, now=now, config=Settings.model_validate({"agenda": {"capacity": 0}}))
    session.__dict__["runtime"] = _runtime()
    return session


def _evaluation(ev) -> dict:
    out = {}
    for cid in sorted(ev.contacts):
        out[str(cid)] = {
            "proposals": [[plugin, to_json(p)] for plugin, p in ev.proposals.get(cid, ())],
            "warnings": to_json(ev.warnings.get(cid, [])),
            "health": ev.health[cid].to_json(),
            "tips": to_json(ev.tips(cid)),
            "suggestions": to_json(ev.suggestions(cid)),
        }
    accounts = {str(aid): {"warnings": to_json(ev.account_warnings.get(aid, [])), "health": h.to_json()}
                for aid, h in sorted(ev.account_health.items())}
    return {"contacts": out, "accounts": accounts, "problems": [p.to_json() for p in ev.problems]}


def _table(session) -> list[dict]:
    with session.store.read() as conn:
        rows = conn.execute(select(followups_table).order_by(followups_table.c.id)).mappings().all()
    return [{k: v.isoformat() if isinstance(v, (dt.date, dt.time)) else v for k, v in row.items()} for row in rows]


def _run(session, days: int) -> dict:
    agenda = build_agenda(session, days=days)
    return {
        "changes": agenda.changes,
        "agenda": agenda.to_json(),
        "evaluation": _evaluation(evaluate(session, persist=False)),  # what a run over the whole book concludes
        "followups": _table(session),
    }


def _scoped(session, ids: list[int]) -> dict:
    return _evaluation(evaluate(session, persist=False, contact_ids=ids))


def _user_changes(session) -> None:
    now = session.now
    with session.store.write() as conn:
        open_items = followups.list_followups(conn, statuses=followups.OPEN_STATES)
        followups.snooze_followup(conn, open_items[0].id, session.today + dt.timedelta(days=4), now)
        followups.dismiss_followup(conn, open_items[1].id, now)
        followups.complete_followup(conn, open_items[2].id, now)
        for n, item in enumerate(open_items[3:40:6]):
            actions.log_interactions(conn, [item.contact_id], now, at=now - dt.timedelta(hours=n + 1),
                                     channel="email" if n % 2 else "call")
        activity.insert_commitment(conn, Commitment(contact_id=open_items[5].contact_id, text="Send the deck",
                                                    due=session.today + dt.timedelta(days=2)), now)
        promise = next(p for p in activity.list_commitments(conn, status=CommitmentStatus.OPEN.value)
                       if p.by == Party.ME and p.due is not None)
        activity.set_commitment_status(conn, promise.id, CommitmentStatus.DONE, now)  # its follow-up closes
        quiet = people.get_contact(conn, open_items[7].contact_id)  # asked not to be contacted: dismissed
        people.update_contact(conn, quiet.id, quiet.model_copy(update={"do_not_contact": True}), now)
        gone = people.get_contact(conn, open_items[9].contact_id)  # left: no routine rhythm any more
        people.update_contact(conn, gone.id, gone.model_copy(update={"stage": Stage.FORMER}), now)


def _record(tmp_path: Path, now: dt.datetime) -> dict:
    db = tmp_path / "book.sqlite"
    first = _session(db, now)
    demo.load_demo(first.store, first.today, first.now)
    devdata.generate(first, contacts=90, interactions_per_contact=10, seed=11)
    out = {"first": _run(first, 7)}
    again = _run(first, 7)  # nothing changed: the agenda comes from the run's own read of the follow-ups
    out["first_again"] = {"changes": again["changes"], "agenda": again["agenda"]}
    _user_changes(first)
    first.close()
    later = _session(db, now + LATER)
    out["later"] = _run(later, 14)
    ids = sorted(out["later"]["evaluation"]["contacts"], key=int)
    out["scoped"] = _scoped(later, [int(ids[0]), int(ids[len(ids) // 2]), int(ids[-1])])
    later.close()
    return json.loads(json.dumps(out, sort_keys=True))


@pytest.mark.parametrize("read_whole_table", [False, True], ids=["rows-of-these-contacts", "whole-table"])
def test_the_engine_says_what_it_said_before_it_was_made_fast(tmp_path, keepwarm_home, keepwarm_now, monkeypatch,
                                                              read_whole_table):
    if read_whole_table:  # as for a large book: reconcile reads every stored row and keeps these contacts'
        monkeypatch.setattr(reconcile, "FEW", 0)
    got = _record(tmp_path, keepwarm_now)
    if os.environ.get("KEEPWARM_WRITE_GOLDEN") == "1" and not read_whole_table:
        GOLDEN.parent.mkdir(exist_ok=True)
        text = json.dumps(got, sort_keys=True, indent=0, ensure_ascii=False) + "\n"
        GOLDEN.write_bytes(gzip.compress(text.encode("utf-8"), compresslevel=9, mtime=0))
    want = json.loads(gzip.decompress(GOLDEN.read_bytes()).decode("utf-8"))
    assert got["first"]["changes"]["created"] > 0 and got["later"]["changes"]["moved"] > 0
    assert got["later"]["changes"]["closed"] > 0
    # Nothing changed between the two first runs: the same agenda, advice included (the first run's advice
    # sees the follow-ups its reconcile just stored, as the second's does).
    assert got["first_again"]["agenda"] == got["first"]["agenda"]
    assert sorted(got) == sorted(want)
    for part in sorted(want):
        for key in sorted(want[part]):
            if key in ("evaluation", "contacts") and isinstance(want[part][key], dict):
                _same(got[part][key], want[part][key], f"{part}.{key}")
            else:
                assert got[part][key] == want[part][key], f"{part}.{key}"


def _same(got: dict, want: dict, where: str) -> None:
    """Compared one contact at a time, so a failure names the contact and the part that differs."""
    assert sorted(got) == sorted(want), where
    for key in sorted(want):
        if isinstance(want[key], dict) and key in ("contacts", "accounts"):
            assert sorted(got[key]) == sorted(want[key]), f"{where}.{key}"
            for cid in sorted(want[key], key=int):
                for field in sorted(want[key][cid]):
                    assert got[key][cid][field] == want[key][cid][field], f"{where}.{key}[{cid}].{field}"
        else:
            assert got[key] == want[key], f"{where}.{key}"
