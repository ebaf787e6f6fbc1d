"""An agenda's advice worked out on first use is the advice worked out up front.

The CLI asks for every item's tips and suggestions while building the agenda
(so that plugin problems are known before it prints); the TUI asks per item as
the cursor moves. Both must give the same items, the same JSON and the same
problems, and the engine run must leave Python's garbage collector as it found it.
"""

from __future__ import annotations

import gc

from keepwarm.engine.agenda import build_agenda
from keepwarm.engine.evaluate import collector_paused, evaluate
from keepwarm.io import demo


def _loaded(session):
    demo.load_demo(session.store, session.today, session.now)
    evaluate(session)  # the rules' follow-ups, stored once
    return session


def test_lazy_advice_gives_the_same_agenda_json(keepwarm_session):
    session = _loaded(keepwarm_session)
    eager = build_agenda(session).to_json()
    lazy_agenda = build_agenda(session, advice=False)
    assert not lazy_agenda.advisor._found  # no advice had yet
    bare = lazy_agenda.to_json(advice=False)
    assert all("tips" not in item and "suggestions" not in item for item in bare["items"])
    lazy = lazy_agenda.to_json()
    assert eager["items"] and lazy == eager
    assert any(item["tips"] for item in lazy["items"]) and any(item["suggestions"] for item in lazy["items"])


def test_an_item_asks_the_evaluation_once_per_contact(keepwarm_session):
    session = _loaded(keepwarm_session)
    agenda = build_agenda(session, advice=False)
    item = agenda.items[0]
    first = item.tips
    assert first and item.tips == first and agenda.advisor.tips(item.contact.id) == first
    shown = session.runtime.engine.suggestions_shown
    assert item.suggestions == agenda.advisor.suggestions(item.contact.id)[:shown]
    assert set(agenda.advisor._found) == {item.contact.id}  # asked for that contact alone


def test_the_collector_is_back_as_it_was(keepwarm_session):
    session = _loaded(keepwarm_session)
    assert gc.isenabled()
    build_agenda(session)
    assert gc.isenabled()
    with collector_paused():
        assert not gc.isenabled()
        with collector_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()  # the inner pause leaves it to the outer one
    assert gc.isenabled()
    gc.disable()
    try:
        build_agenda(session)
        assert not gc.isenabled()  # off before, still off after
    finally:
        gc.enable()
