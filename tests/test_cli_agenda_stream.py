"""`keepwarm agenda --json` is written item by item, and the advice is worked out only for what is shown.

The JSON is the data it was before the output was streamed (the engine's golden
book, recorded before), laid out one item to a line, still escaped so that no
control character reaches a terminal. Each item's tips and suggestions are
asked of the plugins when that item is written: the first item is out before
the last one's advice exists, and `--limit N` asks only for the N items shown.
A counting plugin, registered next to the built-ins, records who it was asked
about.
"""

from __future__ import annotations

import datetime as dt
import gzip
import json
import sys
from pathlib import Path

import pytest

from keepwarm.services import devdata
from keepwarm.cli.output import json_chunks, to_json
from keepwarm.engine.agenda import build_agenda
from keepwarm.hosting.host import PluginHost
from keepwarm.hosting import runtime as runtime_module
from keepwarm.io import demo
from keepwarm.model import Contact, FollowUp
from keepwarm.plugin import hookimpl
from keepwarm.engine import agenda as agenda_module
from keepwarm.home import paths
from keepwarm.home.session import Session
from keepwarm.store import contacts as people
from keepwarm.store import followups

GOLDEN = Path(__file__).parent / "golden" / "engine_book.json.gz"


class Counter:
    """Gives no advice; remembers every contact the agenda asked tips and suggestions for, in order."""

    def __init__(self) -> None:
        self.tips: list[int] = []
        self.suggestions: list[int] = []

    @hookimpl
    def keepwarm_tips(self, ctx):
        self.tips.append(ctx.contact.id)
        return []

    @hookimpl
    def keepwarm_suggestions(self, ctx):
        self.suggestions.append(ctx.contact.id)
        return []


@pytest.fixture
def counter(monkeypatch) -> Counter:
    """Every runtime the CLI builds has keepwarm's own plugins (no installed packages, no plugin folder) and
    the counter."""
    counting = Counter()
    real = runtime_module.build_runtime

    def build(**kwargs):
        host = PluginHost(packages=False, plugins_dir=None).load()
        host.register_for_test(counting, "counter")
        return real(**{**kwargs, "host": host})

    monkeypatch.setattr(runtime_module, "build_runtime", build)
    return counting


@pytest.fixture
def book(keepwarm_home, keepwarm_now) -> Path:
    """The engine golden's book: the example data and 90 generated contacts, never run through the engine."""
    db = keepwarm_home / "book.sqlite"
    # No daily capacity: the golden holds the engine's rows, planned by nothing (tests/test_agenda_capacity.py).
    paths.config_file().parent.mkdir(parents=True, exist_ok=True)
    paths.config_file().write_text("[agenda]\ncapacity = 0\n", encoding="utf-8")
    session = Session(db, now=keepwarm_now)
    demo.load_demo(session.store, session.today, session.now)
    devdata.generate(session, contacts=90, interactions_per_contact=10, seed=11)
    session.close()
    return db


def ok(result):
    assert result.exit_code == 0, result.stdout + result.stderr
    return result


def test_the_streamed_agenda_is_the_data_printed_before_one_item_to_a_line(run, book, counter):
    want = json.loads(gzip.decompress(GOLDEN.read_bytes()).decode("utf-8"))["first"]["agenda"]
    text = ok(run("--db", str(book), "agenda", "--json")).stdout
    got = json.loads(text)
    assert got.pop("later") == 0  # nothing left for later: no daily capacity here
    assert got == want
    lines = text.splitlines()
    assert lines[:4] == ["{", f'  "on": "{want["on"]}",', f'  "until": "{want["until"]}",', '  "items": [']
    items = lines[4:4 + len(want["items"])]
    assert [json.loads(line.strip().removesuffix(",")) for line in items] == want["items"]
    assert lines[4 + len(want["items"]):] == ["  ],", '  "later": 0,', '  "problems": []', "}"]
    # Each shown contact's advice was asked for once, in the order the items were written.
    shown = [item["contact"]["id"] for item in want["items"]]
    assert counter.tips == list(dict.fromkeys(shown)) == counter.suggestions


def test_the_first_item_is_written_before_the_last_ones_advice_is_asked_for(keepwarm_now, book, counter, monkeypatch):
    monkeypatch.setattr(agenda_module, "ADVICE_BATCH", 1)  # advice worked out one contact at a time, as streamed
    session = Session(book, now=keepwarm_now)
    agenda = build_agenda(session, advice=False)
    assert len(agenda.items) > 10 and counter.tips == []
    chunks = json_chunks(agenda.stream_json())
    written = next(chunks)
    while '"followup"' not in written:
        written += next(chunks)
    assert json.loads(written.splitlines()[-1].strip().removesuffix(","))["contact"]["id"] == counter.tips[-1]
    assert counter.tips == [agenda.items[0].contact.id]
    "".join(chunks)
    assert counter.tips == list(dict.fromkeys(item.contact.id for item in agenda.items))
    session.close()


def test_the_command_has_printed_its_first_items_when_the_last_ones_advice_is_asked_for(run, book, counter,
                                                                                        monkeypatch):
    printed: list[str] = []  # what the command's stdout held at each call of the counter's tips hook
    tips = Counter.keepwarm_tips

    def spying(self, ctx):
        sys.stdout.flush()
        printed.append(sys.stdout.buffer.getvalue().decode("utf-8"))
        return tips(self, ctx)

    monkeypatch.setattr(Counter, "keepwarm_tips", hookimpl(spying))
    monkeypatch.setattr(agenda_module, "ADVICE_BATCH", 1)
    text = ok(run("--db", str(book), "agenda", "--json")).stdout
    items = json.loads(text)["items"]
    assert len(printed) == len({item["contact"]["id"] for item in items}) > 10
    head = json.loads(text)
    assert printed[0] == f'{{\n  "on": "{head["on"]}",\n  "until": "{head["until"]}"'  # out before any advice
    last = printed[-1]
    assert last.startswith('{\n  "on": ') and f'{{"followup": {{"id": {items[0]["followup"]["id"]},' in last
    assert f'{{"followup": {{"id": {items[-1]["followup"]["id"]},' not in last


def test_limit_shows_the_most_urgent_items_and_asks_advice_for_them_alone(run, book, counter):
    text = ok(run("--db", str(book), "agenda", "--limit", "2")).stdout
    first_two = list(counter.tips)
    counter.tips.clear()
    counter.suggestions.clear()
    limited = ok(run("--db", str(book), "agenda", "--json", "--limit", "3")).json()
    asked = list(counter.tips)  # the third alone: the first two's advice is kept from the run before
    counter.tips.clear()
    full = ok(run("--db", str(book), "agenda", "--json")).json()
    assert limited["items"] == full["items"][:3]
    assert limited["more"] == len(full["items"]) - 3 > 0
    shown = list(dict.fromkeys(item["contact"]["id"] for item in full["items"][:3]))
    assert first_two == shown[:2] and asked == [cid for cid in shown if cid not in first_two]
    assert sorted(counter.tips) == sorted({item["contact"]["id"] for item in full["items"]} - set(shown))
    assert [line.split()[0] for line in text.splitlines() if line.startswith("  #")] == [
        f"#{item['followup']['id']}" for item in full["items"][:2]]
    assert text.rstrip().endswith(f"... and {len(full['items']) - 2} more items (without --limit: all of them)")
    counter.tips.clear()
    assert ok(run("--db", str(book), "agenda", "--json")).json() == full and counter.tips == []  # all kept


def test_limit_above_the_items_due_shows_them_all_and_nothing_more(run, book, counter):
    full = ok(run("--db", str(book), "agenda", "--json")).json()
    limited = ok(run("--db", str(book), "agenda", "--json", "--limit", str(len(full["items"]) + 5))).json()
    assert limited == {**full, "more": 0}
    result = run("--db", str(book), "agenda", "--limit", "0")
    assert result.exit_code == 2 and "--limit" in result.stderr and "0 is out of range" in result.stderr


NAME = "Eve\x1b]0;pwned\x07 Mallory\x7f\u009b31m"


def test_the_streamed_json_escapes_del_and_c1_controls_and_reads_back_exactly(run, session, counter):
    now = session.now
    with session.store.write() as conn:
        cid = people.insert_contact(conn, Contact(name=NAME), now)
        followups.insert_followup(conn, FollowUp(contact_id=cid, due=now.date(), reason="call\u0085back"), now)
    text = ok(run("agenda", "--json")).stdout
    assert not any(c in text for c in ("\x1b", "\x07", "\x7f", "\x9b", "\x85"))
    assert "\\u007f\\u009b31m" in text and "\\u0085" in text
    items = json.loads(text)["items"]
    assert {item["contact"]["name"] for item in items} == {NAME}
    assert "call\u0085back" in [item["followup"]["reason"] for item in items]


def test_every_element_is_escaped_lone_surrogates_too():
    data = {"items": iter([{"name": "a\ud800b"}, ["\x9f", dt.date(2026, 1, 2)]]), "n": "\x7f"}
    text = to_json(data)
    assert "\ud800" not in text and "\x9f" not in text and "\x7f" not in text
    assert json.loads(text) == {"items": [{"name": "a\ud800b"}, ["\x9f", "2026-01-02"]], "n": "\x7f"}
    assert text.splitlines() == ["{", '  "items": [', '    {"name": "a\\ud800b"},', '    ["\\u009f", "2026-01-02"]',
                                 "  ],", '  "n": "\\u007f"', "}"]
    # Beside other non-ASCII letters (é, and § whose UTF-8 starts as a C1 control's does) too.
    for name in ("José \x85", "José §", "§\x9f", "\xa0\x80", "Zoë\x7f"):
        text = to_json([name])
        assert not any(c in text for c in "\x7f\x80\x85\x9f") and json.loads(text) == [name]
        assert ("§" in text) == ("§" in name) and ("é" in text) == ("é" in name)
