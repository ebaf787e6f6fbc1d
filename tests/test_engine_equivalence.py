"""The agenda a long-lived book gives equals the one a from-scratch run gives, whatever happened before.

Hypothesis drives a book through random sequences of edits, touches, promises,
follow-up actions, assessments, people's own rhythms and snoozes, links between
people written and removed, renames, merges of two contacts, rule changes, plugins
turned off and on, daily capacities (the agenda's rows planned under them) and
clock moves. After each
step the agenda of the book as it is (built by the
engine the way the app and the CLI build it, with whatever the earlier runs
stored) is compared with the agenda of a copy of the database opened by a new
session with nothing stored by a run (snapshots and marks cleared), at the same
clock, rules and plugins. The incremental engine must keep these equal, every
item's tips and suggestions included (the contacts care about topics others are
experts in: the introductions read the network, and are kept while what they
read holds).
"""

from __future__ import annotations

import datetime as dt
import shutil
import sqlite3
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule

from keepwarm.services import actions, links
from keepwarm.services.merge import merge_contacts
from keepwarm.engine.agenda import build_agenda
from keepwarm.model import Assessment, Commitment, Contact, LinkKind
from keepwarm.home.session import Session
from keepwarm.home.settings import Settings
from keepwarm.store import activity, followups
from keepwarm.store import links as link_store
from keepwarm.store import contacts as people

START = dt.datetime(2026, 11, 22, 9, 0, tzinfo=dt.timezone.utc)
NAMES = ["Ada", "Bob", "Cy", "Dee", "Eve", "Fay"]
ACCOUNTS = [None, "Acme", "Globex"]
CHANNELS = ["call", "email", "meeting", "text"]
RULE_CHANGES = [
    "",
    "[cadence.tier_days]\na = 10\n",
    "[reply_slowdown]\nenabled = false\n",
    "[engine]\nrecent_days = 60\n",
]
#: What each may care about, and be an expert in: the introductions read the network by these.
TOPICS = ["sailing", "chess"]
PLUGINS_OFF = [[], ["warn_frequency_drop"], ["suggest_introduction", "tips_style"]]
#: What touches say: words of the note signals (warn_market_signals, warn_push_away), summed over the recent window.
NOTES = ["", "asked for an RFP", "budget is tight; the competitor again", "was late"]
#: The kinds of link the introductions read (a link between two skips the introduction; one to someone
#: touched lets a cold helper be introduced through them, who introduced the user to them first).
LINK_KINDS = ["introduced-by", "partner", "reports-to", "knows"]


def _comparable(agenda) -> dict:
    out = agenda.to_json()
    out.pop("problems", None)
    for item in out["items"]:
        item["followup"].pop("id", None)  # ids of follow-ups created by different runs differ
        for key in ("created_at", "updated_at"):
            item["followup"].pop(key, None)
    return out


class Book(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.root = Path(_tmp_root()) / f"book-{id(self)}"
        self.root.mkdir(parents=True)
        self.now = START
        self.rules = ""
        self.off: list[str] = []
        #: The daily capacity (issue 20, point 9): the agenda's rows planned under it, in both agendas alike.
        self.capacity = 5
        self.contacts: list[int] = []

    def session(self, db: Path) -> Session:
        from keepwarm.home import paths

        rules_dir = paths.user_rules_dir()
        rules_dir.mkdir(parents=True, exist_ok=True)
        (rules_dir / "rules.toml").write_text(self.rules, encoding="utf-8")
        config = Settings.model_validate(
            {"timezone": "UTC", "plugins": {"disabled": self.off}, "agenda": {"capacity": self.capacity}}
        )
        return Session(db, now=self.now, config=config)

    @initialize()
    def start(self) -> None:
        self.db = self.root / "book.db"
        self.book = self.session(self.db)
        with self.book.store.write() as conn:
            for n, name in enumerate(NAMES):
                self.contacts.append(people.insert_contact(
                    conn, Contact(name=name, account=ACCOUNTS[n % 3], tier="abc"[n % 3], interests=[TOPICS[n % 2]],
                                  tags=[f"expert:{TOPICS[n % 2]}"] if n in (1, 2, 5) else []), self.now))

    def _reopen(self) -> None:
        self.book.close()
        self.book = self.session(self.db)

    @rule(who=st.integers(0, 5), days_ago=st.integers(0, 500), channel=st.sampled_from(CHANNELS),
          inbound=st.booleans(), outcome=st.sampled_from(["completed", "completed", "cancelled", "declined"]),
          notes=st.sampled_from(NOTES), hours=st.sampled_from([None, 1.3, 0.1, 7.7]))
    def touch(self, who, days_ago, channel, inbound, outcome, notes, hours) -> None:
        """A touch, back-dated into either window or out of both; its notes and reply time are what windows sum."""
        with self.book.store.write() as conn:
            actions.log_interactions(conn, [self.contacts[who]], self.now, at=self.now - dt.timedelta(days=days_ago),
                                     channel=channel, direction="inbound" if inbound else "outbound", outcome=outcome,
                                     notes=notes, responded=None if inbound else hours is not None,
                                     response_hours=None if inbound else hours)

    @rule(who=st.integers(0, 5), tier=st.sampled_from("abc"), account=st.sampled_from(ACCOUNTS),
          dnc=st.booleans())
    def edit(self, who, tier, account, dnc) -> None:
        cid = self.contacts[who]
        with self.book.store.write() as conn:
            contact = people.get_contact(conn, cid)
            changed = Contact.model_validate({**contact.model_dump(), "tier": tier, "account": account,
                                              "do_not_contact": dnc and who == 5})
            people.update_contact(conn, cid, changed, self.now)

    @rule(who=st.integers(0, 5), interest=st.sampled_from([None, *TOPICS]), expert=st.sampled_from([None, *TOPICS]))
    def retag(self, who, interest, expert) -> None:
        """What someone cares about and knows well: who the introductions name, and for whom."""
        cid = self.contacts[who]
        with self.book.store.write() as conn:
            contact = people.get_contact(conn, cid)
            changed = contact.model_copy(update={"interests": [interest] if interest else [],
                                                 "tags": [f"expert:{expert}"] if expert else []})
            people.update_contact(conn, cid, changed, self.now)

    @rule(who=st.integers(0, 5), days=st.sampled_from([None, 10, 21, 400]))
    def own_rhythm(self, who, days) -> None:
        """The person's own rhythm set or cleared (`keepwarm contact rhythm`): a change of their row."""
        with self.book.store.write() as conn:
            people.set_rhythm(conn, self.contacts[who], days, self.now)

    @rule(who=st.integers(0, 5), days=st.sampled_from([None, 2, 30, 200]))
    def snooze_person(self, who, days) -> None:
        """The person snoozed for some days, or woken (`keepwarm contact snooze`), their follow-ups with them."""
        until = None if days is None else self.now.date() + dt.timedelta(days=days)
        with self.book.store.write() as conn:
            people.set_snooze(conn, self.contacts[who], until, self.now)

    @rule(who=st.integers(0, 5), days=st.integers(-5, 20))
    def promise(self, who, days) -> None:
        with self.book.store.write() as conn:
            activity.insert_commitment(conn, Commitment(contact_id=self.contacts[who], text="send the deck",
                                                        due=self.now.date() + dt.timedelta(days=days)), self.now)

    @rule(who=st.integers(0, 5), trust=st.integers(1, 5))
    def assess(self, who, trust) -> None:
        with self.book.store.write() as conn:
            activity.insert_assessment(conn, Assessment(
                contact_id=self.contacts[who], on=self.now.date(), trust=trust, communication=3, sharing=3,
                advocacy=3, conflict=3, commitment=3), self.now)

    @rule(pick=st.integers(0, 50), action=st.sampled_from(["done", "dismiss", "snooze"]))
    def act_on_followup(self, pick, action) -> None:
        with self.book.store.write() as conn:
            open_ = followups.list_followups(conn, statuses=followups.OPEN_STATES)
            if not open_:
                return
            item = open_[pick % len(open_)]
            if action == "done":
                followups.complete_followup(conn, item.id, self.now)
            elif action == "dismiss":
                followups.dismiss_followup(conn, item.id, self.now)
            else:
                followups.snooze_followup(conn, item.id, self.now.date() + dt.timedelta(days=3), self.now)

    @rule(who=st.integers(0, 5), other=st.integers(0, 5), kind=st.sampled_from(LINK_KINDS), remove=st.booleans())
    def link_people(self, who, other, kind, remove) -> None:
        """Who knows whom written or removed (`keepwarm link`, `unlink`): the introductions read the links."""
        one, two = self.contacts[who], self.contacts[other]
        if one == two:
            return
        if remove:
            with self.book.store.write() as conn:
                link_store.delete_between(conn, one, two)
        else:
            links.link(self.book, one, two, LinkKind(kind))

    @rule(who=st.integers(0, 5), name=st.sampled_from(["Zed", "Yan", "Ada Lovelace"]))
    def rename(self, who, name) -> None:
        """A rename: the links of everyone linked to them show the new name."""
        cid = self.contacts[who]
        with self.book.store.write() as conn:
            contact = people.get_contact(conn, cid)
            people.update_contact(conn, cid, contact.model_copy(update={"name": f"{name} {cid}"}), self.now)

    @rule(keep=st.integers(0, 5), other=st.integers(0, 5))
    def merge(self, keep, other) -> None:
        """Two contacts found to be one person: the second's history, follow-ups and fields become the first's."""
        first, second = self.contacts[keep], self.contacts[other]
        if first == second:
            return
        merge_contacts(self.book, first, second)
        self.contacts = [first if cid == second else cid for cid in self.contacts]

    @rule(hours=st.sampled_from([1, 5, 24, 24 * 3, 24 * 40]))
    def time_passes(self, hours) -> None:
        self.now += dt.timedelta(hours=hours)
        self._reopen()

    @rule(days=st.sampled_from([1, 3]))
    def clock_set_back(self, days) -> None:
        """The clock moved back (a corrected clock, `--on` kept): the windows move back, what was kept with them."""
        self.now -= dt.timedelta(days=days)
        self._reopen()

    @rule(text=st.sampled_from(RULE_CHANGES))
    def change_rules(self, text) -> None:
        self.rules = text
        self._reopen()

    @rule(off=st.sampled_from(PLUGINS_OFF))
    def turn_plugins(self, off) -> None:
        self.off = off
        self._reopen()

    @rule(capacity=st.sampled_from([0, 1, 2, 5]))
    def change_capacity(self, capacity) -> None:
        """Touches a day: which day each row is planned for, and what waits for later."""
        self.capacity = capacity
        self._reopen()

    @invariant()
    def the_agenda_equals_a_from_scratch_run(self) -> None:
        if not hasattr(self, "book"):
            return
        kept = _comparable(build_agenda(self.book))
        again = build_agenda(self.book)  # nothing changed since: nothing is evaluated, the same agenda
        assert again.evaluation is None and _comparable(again) == kept
        copy = self.root / "scratch.db"
        self.book.store.engine.dispose()
        shutil.copyfile(self.db, copy)
        conn = sqlite3.connect(copy)
        for table in ("contact_snapshots", "account_snapshots", "snapshot_runs", "engine_marks",
                      "engine_account_marks", "advice_questions", "window_figures"):
            conn.execute(f"DELETE FROM {table}")
        conn.commit()
        conn.close()
        fresh = self.session(copy)
        try:
            scratch = _comparable(build_agenda(fresh))
        finally:
            fresh.close()
            copy.unlink()
        assert kept == scratch

    def teardown(self) -> None:
        if hasattr(self, "book"):
            self.book.close()
        shutil.rmtree(self.root, ignore_errors=True)


_ROOT: list[str] = []


def _tmp_root() -> str:
    return _ROOT[0]


@pytest.fixture
def machine_root(tmp_path, monkeypatch):
    monkeypatch.setenv("KEEPWARM_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("TZ", "UTC")
    _ROOT[:] = [str(tmp_path)]
    yield tmp_path


@pytest.mark.parametrize("group", [None, 2], ids=["one-piece", "in-groups-of-2"])
def test_a_long_lived_book_gives_the_agenda_a_fresh_run_gives(machine_root, monkeypatch, group):
    from keepwarm.home import paths
    from keepwarm.engine import evaluate as engine

    if group is not None:  # whole-book runs and advice made of runs over groups of accounts, as on a large book
        from keepwarm.engine import advisor

        monkeypatch.setattr(engine, "GROUP", group)
        monkeypatch.setattr(advisor, "ADVICE_GROUP", group)
        monkeypatch.setattr(advisor, "ALL_EXPECTED_FROM", 1)

    monkeypatch.setattr(paths, "user_rules_dir", lambda: Path(_tmp_root()) / "current-rules")
    Book.TestCase.settings = settings(max_examples=12, stateful_step_count=12, deadline=None,
                                      suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
    Book.TestCase().runTest()
