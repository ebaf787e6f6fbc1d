"""Issue #17, point 13 on the command line: a namesake (or a shared e-mail) is named before it is added,
and every prompt that names a person says which one (id and account). Point 1: `promise done` closes the
promise's reminder at once."""

from __future__ import annotations

import pytest

from keepwarm.home.session import Session
from keepwarm.store import followups

from conftest import FIXED_NOW


def ok(result):
    assert result.exit_code == 0, result.stderr
    return result


@pytest.fixture
def book(run):
    ok(run("contact", "add", "Ada Lovelace", "--account", "Analytical Engines", "--email", "ada@engines.example"))
    ok(run("contact", "add", "Grace Hopper"))
    return run


def names(run) -> list[str]:
    return sorted(c["name"] for c in ok(run("contact", "list", "--json")).json())


def test_a_namesake_is_named_with_id_and_account_and_not_added_when_declined(book):
    result = book("contact", "add", "ada  LOVELACE", input="n\n")
    assert result.exit_code == 2
    assert ("warning: Ada Lovelace (id 1, Analytical Engines) exists already (same name); "
            "see it with: keepwarm contact show 1") in result.stderr
    assert "Add ada  LOVELACE as a new contact all the same? [y/N]" in result.stderr
    assert result.stderr.rstrip().endswith("keepwarm: contact add: not added (pass --force to add a namesake anyway, or --merge to add these details to them)")
    assert result.stdout == ""
    assert names(book) == ["Ada Lovelace", "Grace Hopper"]


def test_a_shared_email_is_named_whatever_its_case(book):
    result = book("contact", "add", "Augusta King", "--email", "ADA@Engines.example", input="\n")
    assert result.exit_code == 2
    assert "Ada Lovelace (id 1, Analytical Engines) exists already (e-mail ada@engines.example)" in result.stderr
    assert names(book) == ["Ada Lovelace", "Grace Hopper"]


def test_a_namesake_is_added_when_confirmed_or_forced(book):
    assert ok(book("contact", "add", "Grace Hopper", input="y\n")).stdout == "Added contact 3: Grace Hopper\n"
    forced = ok(book("contact", "add", "Grace Hopper", "--force"))
    assert forced.stdout == "Added contact 4: Grace Hopper\n"
    assert "Grace Hopper (id 2, no account) exists already" in forced.stderr
    assert "Grace Hopper (id 3, no account) exists already" in forced.stderr
    assert "[y/N]" not in forced.stderr
    assert ok(book("contact", "add", "Grace Hopper", "--yes")).stdout == "Added contact 5: Grace Hopper\n"


def test_a_new_person_is_added_without_a_question(book):
    result = ok(book("contact", "add", "Hedy Lamarr", "--email", "hedy@example.com"))
    assert (result.stdout, result.stderr) == ("Added contact 3: Hedy Lamarr\n", "")


def test_the_remove_prompt_tells_namesakes_apart(book):
    ok(book("contact", "add", "Ada Lovelace", "--account", "Difference Co", "--force"))
    result = book("contact", "rm", "3", input="n\n")
    assert "Remove Ada Lovelace (id 3, Difference Co) and all their history? [y/N]" in result.stderr
    assert result.exit_code == 1


def test_promise_done_closes_its_reminder_at_once(run, home):
    ok(run("contact", "add", "Ada Lovelace"))
    ok(run("promise", "add", "Ada", "send the pricing sheet", "--due", "2026-11-24"))
    ok(run("agenda"))  # the engine's run stores the reminder follow-up
    session = Session(now=FIXED_NOW)
    try:
        with session.store.read() as conn:
            [reminder] = [f for f in followups.list_followups(conn, 1, statuses=followups.OPEN_STATES)
                          if f.rule_key == "promise_due.1"]
        ok(run("promise", "done", "1"))
        with session.store.read() as conn:
            closed = followups.get_followup(conn, reminder.id)
        assert (closed.status.value, closed.closed_at) == ("done", FIXED_NOW)
    finally:
        session.close()
