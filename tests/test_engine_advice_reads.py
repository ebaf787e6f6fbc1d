"""After one change, an agenda works out again only the advice that can have changed (issue 19, 50k).

Each contact's tips and suggestions are kept with what they read of the network
(the questions the introduction suggester asks: who may speak to a topic, when
those people were last touched). A touch of someone no kept advice asked about
works out only that contact's advice; a touch of an expert works out the advice
of those who asked about the expert's topic, and it changes who they are told
to be introduced to. The clock is fixed; the agenda always equals a run from
scratch.
"""

from __future__ import annotations

import datetime as dt

from conftest import FIXED_NOW
from keepwarm.engine.agenda import build_agenda
from keepwarm.engine.network import current_answers
from keepwarm.model import Contact
from keepwarm.services import actions
from keepwarm.store import contacts as people
from test_engine_incremental import _from_scratch, _json, _log
from tui_support import AdviceAsked

PEOPLE = {
    "Sam Sailor": ([], ["sailing"]),
    "Sue Sailor": ([], ["sailing"]),
    "Cora Chess": ([], ["chess"]),
    "Hal Helm": (["expert:sailing"], []),
    "Hana Hull": (["expert:sailing"], []),
    "Chet Check": (["expert:chess"], []),
}
#: Days since each was last touched: everyone is overdue; Hal is the warmest sailing expert.
LAST = {"Hal Helm": 100, "Hana Hull": 150}


def _book(session) -> dict[str, int]:
    ids = {}
    with session.store.write() as conn:
        for name, (tags, interests) in PEOPLE.items():
            cid = people.insert_contact(conn, Contact(name=name, tags=tags, interests=interests), FIXED_NOW)
            ids[name] = cid
            at = FIXED_NOW - dt.timedelta(days=LAST.get(name, 200))
            actions.log_interactions(conn, [cid], FIXED_NOW, at=at, channel="call")
    return ids


def _agenda(session, asked: AdviceAsked, tmp_path) -> tuple[dict, set[int]]:
    """The agenda, the contacts whose advice it worked out, and a check that it equals a run from scratch
    (whose own advice is not counted)."""
    asked.asked.clear()
    found = _json(build_agenda(session))
    worked_out = set(asked.asked)
    assert found == _from_scratch(session, tmp_path)
    return found, worked_out


def _introduction(agenda_json: dict, cid: int) -> str:
    (item,) = [item for item in agenda_json["items"] if item["contact"]["id"] == cid]
    (found,) = [s for s in item["suggestions"] if s["key"] == "introduction"]
    return found["text"]


def test_one_touch_works_out_again_only_the_advice_that_read_what_changed(session, tmp_path, monkeypatch):
    from keepwarm.engine import advisor as advisor_module

    questions: list[str] = []  # the kept network questions asked again

    def answers(store, texts):
        texts = sorted(texts)
        questions.extend(texts)
        return current_answers(store, texts)

    monkeypatch.setattr(advisor_module, "current_answers", answers)
    ids = _book(session)
    asked = AdviceAsked()
    session.runtime.host.register_for_test(asked, "asked")
    first, _ = _agenda(session, asked, tmp_path)
    assert {item["contact"]["id"] for item in first["items"]} == set(ids.values())  # everyone is on it
    assert "Hal Helm" in _introduction(first, ids["Sam Sailor"])  # the warmest sailing expert

    # The first run read the book whole (advice that read it whole is kept only while nothing changes):
    # after a first change, every item's advice is worked out from runs over contacts, noting what it reads.
    _log(session, ids["Chet Check"], channel="call", outcome="cancelled")  # not a completed touch: still due
    _, worked_out = _agenda(session, asked, tmp_path)
    assert worked_out == set(ids.values())
    assert _agenda(session, asked, tmp_path)[1] == set()  # nothing changed: all kept

    # Cora is no one's expert: only her own advice is worked out again, and no question is asked again
    # (none read her rows).
    questions.clear()
    _log(session, ids["Cora Chess"], channel="call", outcome="cancelled")
    assert _agenda(session, asked, tmp_path)[1] == {ids["Cora Chess"]}
    assert questions == []

    # Hana, a sailing expert, is touched: now the warmest. The sailors asked about her: theirs are worked out
    # again, and they are told to introduce to her; Cora's and the chess expert's advice is kept.
    _log(session, ids["Hana Hull"], channel="call")
    after, worked_out = _agenda(session, asked, tmp_path)
    assert questions == [f'["last_touches",[{ids["Hal Helm"]},{ids["Hana Hull"]}]]']  # the one that read her
    assert worked_out == {ids["Sam Sailor"], ids["Sue Sailor"]} | ({ids["Hana Hull"]} & _shown(after))
    assert "Hana Hull" in _introduction(after, ids["Sam Sailor"])
    assert "Hana Hull" in _introduction(after, ids["Sue Sailor"])


def _shown(agenda_json: dict) -> set[int]:
    return {item["contact"]["id"] for item in agenda_json["items"]}


def test_an_edit_that_makes_someone_an_expert_changes_the_advice_that_asked_about_the_topic(session, tmp_path):
    ids = _book(session)
    asked = AdviceAsked()
    session.runtime.host.register_for_test(asked, "asked")
    _agenda(session, asked, tmp_path)
    _log(session, ids["Hal Helm"], channel="call", outcome="cancelled")  # after it, advice from runs over contacts
    _agenda(session, asked, tmp_path)
    with session.store.write() as conn:  # Chet, touched lately, becomes a sailing expert too
        chet = people.get_contact(conn, ids["Chet Check"])
        people.update_contact(
            conn, ids["Chet Check"], chet.model_copy(update={"tags": ["expert:chess", "expert:sailing"]}), FIXED_NOW
        )
    with session.store.write() as conn:
        actions.log_interactions(conn, [ids["Chet Check"]], FIXED_NOW, at=FIXED_NOW - dt.timedelta(days=1), channel="call")
    after, worked_out = _agenda(session, asked, tmp_path)
    assert "Chet Check" in _introduction(after, ids["Sam Sailor"])
    # Cora asked about chess: Chet's last touch is part of that answer, so hers is worked out again too.
    assert worked_out == {ids["Sam Sailor"], ids["Sue Sailor"], ids["Cora Chess"]} | ({ids["Chet Check"]} & _shown(after))
