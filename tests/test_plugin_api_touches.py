"""A third-party plugin can read a contact's last touches: `ctx.recent_touches`.

The scenario is the one the plugin-author docs could not express before: "the
last three touches went badly". The touches are frozen copies read for every
contact of a run in one query, on the first access only.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
from sqlalchemy import event

from keepwarm.plugin import (
    RECENT_TOUCHES,
    Channel,
    ContactContext,
    Direction,
    Outcome,
    Purpose,
    Touch,
    Warning,
    hookimpl,
)
from keepwarm.testing import run_engine


class WentBadly:
    """A detector as a plugin author would write it from docs/plugins.md."""

    @hookimpl
    def keepwarm_warnings(self, ctx: ContactContext):
        last = ctx.recent_touches[:3]
        if len(last) == 3 and all(t.outcome != Outcome.COMPLETED or (t.sentiment or 0) < 0 for t in last):
            return [Warning("went_badly", f"The last three touches with {ctx.contact.name} went badly.",
                            evidence={"since": last[-1].when.date().isoformat()})]
        return None


def _keys(evaluation, contact_id):
    return [w.key for w in evaluation.warnings.get(contact_id, [])]


def test_three_bad_touches_in_a_row_warn_and_a_good_one_among_them_does_not(keepwarm_history, keepwarm_session):
    h = keepwarm_history
    ada = h.contact("Ada Lovelace")
    h.log(ada, h.days_ago(40), sentiment=2)
    h.log(ada, h.days_ago(30), sentiment=-1)
    h.log(ada, h.days_ago(20), channel="meeting", outcome="declined")
    h.log(ada, h.days_ago(10), sentiment=-2, notes="they were annoyed about the invoice")
    grace = h.contact("Grace Hopper")
    h.log(grace, h.days_ago(30), sentiment=-1)
    h.log(grace, h.days_ago(20), sentiment=1)
    h.log(grace, h.days_ago(10), sentiment=-2)
    alan = h.contact("Alan Turing")  # never touched: nothing to judge
    evaluation = run_engine(keepwarm_session, WentBadly(), names=["went_badly"], builtins=False)
    assert evaluation.problems == []
    [warning] = evaluation.warnings[ada]
    assert (warning.key, warning.message, warning.evidence) == (
        "went_badly", "The last three touches with Ada Lovelace went badly.",
        {"since": h.days_ago(30).isoformat()})
    assert _keys(evaluation, grace) == [] and _keys(evaluation, alan) == []


def test_the_touches_are_the_logged_values_newest_first_up_to_now(keepwarm_history, keepwarm_session):
    h = keepwarm_history
    ada = h.contact("Ada Lovelace")
    h.log(ada, h.days_ago(20), channel="email", direction="outbound", purpose="value_article", responded=True,
          response_hours=5.5, notes="sent the paper")
    h.log(ada, h.days_ago(5), channel="meeting", direction="inbound", outcome="rescheduled")
    h.log(ada, keepwarm_session.today + dt.timedelta(days=3), channel="meal")  # planned: not a past touch
    evaluation = run_engine(keepwarm_session, builtins=False)
    latest, earlier = evaluation.contexts[ada].recent_touches
    assert latest == Touch(
        when=dt.datetime.combine(h.days_ago(5), dt.time(10), tzinfo=dt.timezone.utc), channel=Channel.MEETING,
        direction=Direction.INBOUND, purpose=Purpose.CHECK_IN, outcome=Outcome.RESCHEDULED)
    assert not latest.completed and earlier.completed
    assert (earlier.channel, earlier.purpose, earlier.responded, earlier.response_hours, earlier.notes,
            earlier.sentiment) == (Channel.EMAIL, Purpose.VALUE_ARTICLE, True, 5.5, "sent the paper", None)


def test_only_the_last_few_touches_are_kept(keepwarm_history, keepwarm_session):
    h = keepwarm_history
    ada = h.contact("Ada Lovelace")
    for days in range(RECENT_TOUCHES + 5, 0, -1):
        h.log(ada, h.days_ago(days), notes=f"touch {days}")
    touches = run_engine(keepwarm_session, builtins=False).contexts[ada].recent_touches
    assert [t.notes for t in touches] == [f"touch {days}" for days in range(1, RECENT_TOUCHES + 1)]


def test_a_plugin_cannot_change_what_the_next_one_reads(keepwarm_history, keepwarm_session):
    h = keepwarm_history
    ada = h.contact("Ada Lovelace")
    h.log(ada, h.days_ago(3), sentiment=-2)
    seen = []

    class Vandal:
        @hookimpl
        def keepwarm_warnings(self, ctx):
            touch = ctx.recent_touches[0]
            with pytest.raises(dataclasses.FrozenInstanceError):
                touch.sentiment = 2
            with pytest.raises(TypeError):
                ctx.recent_touches[0] = dataclasses.replace(touch, sentiment=2)
            return None

    class Reader:
        @hookimpl
        def keepwarm_warnings(self, ctx):
            seen.append(ctx.recent_touches[0].sentiment)

    evaluation = run_engine(keepwarm_session, Vandal(), Reader(), names=["vandal", "reader"], builtins=False)
    assert evaluation.problems == [] and seen == [-2]


def _selects_of_touches(session):
    """Count the statements that read the latest touches (the correlated `latest` alias names them)."""
    found = []

    def listen(conn, cursor, statement, parameters, context, executemany):
        if "latest" in statement:
            found.append(statement)

    event.listen(session.store.engine, "before_cursor_execute", listen)
    return found


def test_a_whole_book_run_reads_every_contacts_touches_in_one_query(keepwarm_history, keepwarm_session):
    h = keepwarm_history
    people = [h.contact(f"Person {n}") for n in range(12)]
    for n, cid in enumerate(people):
        h.log(cid, h.days_ago(n + 1), sentiment=-1)
    statements = _selects_of_touches(keepwarm_session)
    evaluation = run_engine(keepwarm_session, WentBadly(), names=["went_badly"], builtins=False)
    assert all(len(evaluation.contexts[cid].recent_touches) == 1 for cid in people)
    assert len(statements) == 1


def test_a_run_whose_plugins_never_ask_reads_no_touches(keepwarm_history, keepwarm_session):
    h = keepwarm_history
    ada = h.contact("Ada Lovelace")
    h.log(ada, h.days_ago(3))
    statements = _selects_of_touches(keepwarm_session)
    evaluation = run_engine(keepwarm_session)  # keepwarm's own rules only
    evaluation.tips(ada), evaluation.suggestions(ada)
    assert statements == []
