"""A printed agenda holds a batch, not the book; advice for many contacts is worked out a group at a time.

At 50,000 contacts an agenda has about 25,000 items. Printed, each item's whole
row (the health's terms, the warnings) and its advice are let go as the printer
passes it, so that memory holds one batch (`ADVICE_BATCH`). The first agenda
after a change works out the advice of every item it will show in runs over
groups of the book (`evaluate.GROUP`, whole accounts), never over the whole book
at once, and stores each group's advice as it goes: that advice must be what one
run over the whole book gives (its network read whole, where the groups' runs
ask the store). A generated book (services/devdata: accounts, interests, experts
to introduce) at a fixed clock, cut into groups of a few contacts.
"""

from __future__ import annotations

import pytest

from keepwarm.api.types import to_json
from keepwarm.engine import advisor as advisor_module
from keepwarm.engine import agenda as agenda_module
from keepwarm.engine import evaluate as engine
from keepwarm.engine.agenda import build_agenda
from keepwarm.services import actions, devdata


@pytest.fixture
def book(keepwarm_session):
    session = keepwarm_session
    devdata.generate(session, contacts=60, interactions_per_contact=6, seed=7, accounts_count=6)
    engine.evaluate(session)  # the results stored, as every morning after the first
    return session


def _touched(session) -> None:
    """A touch logged without a run of its own: the next agenda's advice is worked out again."""
    with session.store.write() as conn:
        actions.log_interactions(conn, [1], session.now, at=session.now, channel="call")


def _one_run_over_the_whole_book(session, contact_ids) -> dict[int, dict]:
    run = engine.evaluate(session, persist=False)
    shown = session.runtime.engine.suggestions_shown
    return {
        cid: {"tips": to_json(run.tips(cid)), "suggestions": to_json(run.suggestions(cid))[:shown]}
        for cid in contact_ids
    }


def test_advice_worked_out_a_group_at_a_time_is_the_whole_books(book, monkeypatch):
    _touched(book)
    agenda = build_agenda(book, advice=False)
    ids = list(dict.fromkeys(item.contact_id for item in agenda.items))
    assert len(ids) > 20
    want = _one_run_over_the_whole_book(book, ids)
    # The book is evaluated whole only by the run above: the advice must come from the groups.
    assert any(s["key"] == "introduction" for advice in want.values() for s in advice["suggestions"])

    monkeypatch.setattr(engine, "GROUP", 12)
    monkeypatch.setattr(advisor_module, "ADVICE_GROUP", 12)
    monkeypatch.setattr(advisor_module, "ALL_EXPECTED_FROM", 1)
    monkeypatch.setattr(agenda_module, "ADVICE_BATCH", 5)
    runs: list[list[int] | None] = []
    real = engine._evaluate

    def seen(session_, *, persist, contact_ids, at=None):
        if not persist:  # the runs that work out advice
            runs.append(sorted(contact_ids) if contact_ids is not None else None)
        return real(session_, persist=persist, contact_ids=contact_ids, at=at)

    monkeypatch.setattr(engine, "_evaluate", seen)
    items = list(agenda.stream_json()["items"])

    assert None not in runs  # never the whole book at once
    # Each contact once, but those of the run that stored the touch's results: their advice is had from it.
    assert agenda.evaluation is not None and 0 < len(agenda.evaluation.contacts) < len(ids)
    rest = sorted(cid for cid in ids if cid not in agenda.evaluation.contacts)
    assert len(runs) > 2 and sorted(cid for run in runs for cid in run) == rest
    with book.store.read() as conn:
        groups = engine._groups(conn)
    assert groups is not None
    for run in runs:  # each run over the wanted contacts of one group of the book
        assert any(set(run) <= set(group) for group in groups)
    assert [item["tips"] for item in items] == [want[item["contact"]["id"]]["tips"] for item in items]
    assert [item["suggestions"] for item in items] == [want[item["contact"]["id"]]["suggestions"] for item in items]

    runs.clear()  # stored as each group was done: the next agenda works nothing out
    assert list(build_agenda(book, advice=False).stream_json()["items"]) == items and runs == []


def test_a_printed_agenda_lets_go_of_each_item_as_it_passes(book, monkeypatch):
    monkeypatch.setattr(agenda_module, "ADVICE_BATCH", 4)
    _touched(book)
    agenda = build_agenda(book, advice=False)
    assert len(agenda.items) > 12
    held_rows, held_advice = [], []
    printed = []
    for item in agenda.shown():
        printed.append(item.to_json())
        # Rows made whole (their warnings read) and advice still held, once this item is made whole.
        held_rows.append(sum(1 for other in agenda.items if "warnings" in other.bare_json()))
        held_advice.append(len(agenda.advisor._found))
    assert max(held_rows) == 1  # the item being printed alone
    assert max(held_advice) <= 4  # one batch's advice
    assert not any("warnings" in item.bare_json() for item in agenda.items) and not agenda.advisor._found
    # What was printed is the agenda, whole: a passed item asked again is read again, the same.
    assert [item.to_json() for item in agenda.items] == printed
    assert all("warnings" in item and "tips" in item for item in printed)


def test_the_text_agenda_and_limit_let_go_as_they_print(book, monkeypatch):
    monkeypatch.setattr(agenda_module, "ADVICE_BATCH", 3)
    agenda = build_agenda(book, advice=False)
    limit = 7
    seen = [(item.contact_id, len(item.warnings), len(item.tips)) for item in agenda.shown(limit)]
    assert len(seen) == limit
    assert not any("warnings" in item.bare_json() for item in agenda.items) and not agenda.advisor._found
    stream = agenda.stream_json(limit=limit)
    assert len(list(stream["items"])) == limit and stream["more"] == len(agenda.items) - limit
    assert not any("warnings" in item.bare_json() for item in agenda.items) and not agenda.advisor._found


def test_each_groups_run_is_let_go_before_the_next_group_is_read(book, monkeypatch):
    import weakref

    _touched(book)
    monkeypatch.setattr(engine, "GROUP", 12)
    monkeypatch.setattr(advisor_module, "ADVICE_GROUP", 12)
    monkeypatch.setattr(advisor_module, "ALL_EXPECTED_FROM", 1)
    before: list[list[bool]] = []  # at each advice run's start: whether each earlier one is still alive
    runs: list[weakref.ref] = []
    real = engine._evaluate

    def seen(session_, *, persist, contact_ids, at=None):
        if persist:
            return real(session_, persist=persist, contact_ids=contact_ids, at=at)
        before.append([ref() is not None for ref in runs])
        run = real(session_, persist=persist, contact_ids=contact_ids, at=at)
        runs.append(weakref.ref(run))
        return run

    monkeypatch.setattr(engine, "_evaluate", seen)
    agenda = build_agenda(book, advice=False)
    items = list(agenda.stream_json()["items"])
    assert items and len(runs) > 2
    assert before == [[False] * n for n in range(len(runs))]  # none held while the next group runs
