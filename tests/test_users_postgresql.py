"""A team on one PostgreSQL book (tests/pg_server.py): each user connects as their own database role, and the
server's row-level security (migration 0019) decides what each sees and may change.

The scenario: the administrator (the server's `postgres`, who created the database and ran the migrations,
the book's first user `me`) adds a manager, Carol, and two members reporting to her, Ann and Bob. Each then
works through the CLI on a URL naming their own role, at the fixed clock.
"""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from sqlalchemy import func, insert, select
from sqlalchemy.engine import make_url

from keepwarm.errors import StoreError
from keepwarm.store import Store, schema

pytestmark = pytest.mark.slow


def ok(result):
    assert result.exit_code == 0, result.stdout + result.stderr
    return result


def as_role(url: str, role: str) -> str:
    return make_url(url).set(username=role).render_as_string(hide_password=False)


@pytest.fixture
def team(run, pg_url):
    """The book with its users and each one's own contacts; `team(who, *args)` runs the CLI as `who`."""

    def invoke(who: str, *args: str):
        return run("--db", pg_url if who == "admin" else as_role(pg_url, who), *args)

    ok(invoke("admin", "user", "add", "carol", "--role", "manager"))
    ok(invoke("admin", "user", "add", "ann", "--reports-to", "carol"))
    ok(invoke("admin", "user", "add", "bob", "--reports-to", "carol"))
    ok(invoke("admin", "user", "add", "dan"))
    ok(invoke("ann", "contact", "add", "Ada Lovelace", "--account", "Engines"))
    ok(invoke("ann", "contact", "add", "Alan Turing"))
    ok(invoke("ann", "unshare", "alan", "--team"))
    ok(invoke("bob", "contact", "add", "Grace Hopper", "--account", "Navy"))
    ok(invoke("bob", "contact", "add", "Barbara Liskov"))
    ok(invoke("bob", "unshare", "barbara", "--team"))
    ok(invoke("dan", "contact", "add", "Donald Knuth"))
    ok(invoke("dan", "unshare", "donald", "--team"))
    return invoke


def names(team, who: str, *args: str) -> list[str]:
    return [c["name"] for c in ok(team(who, "contact", "list", "--json", *args)).json()]


def test_each_role_sees_its_own_what_the_team_shares_and_its_reports(team):
    shared = ["Ada Lovelace", "Grace Hopper"]
    assert names(team, "ann") == ["Ada Lovelace", "Alan Turing", "Grace Hopper"]
    assert names(team, "bob") == ["Ada Lovelace", "Barbara Liskov", "Grace Hopper"]
    # Carol manages Ann and Bob: their private contacts too, not Dan's (who reports to nobody).
    assert names(team, "carol") == ["Ada Lovelace", "Alan Turing", "Barbara Liskov", "Grace Hopper"]
    assert names(team, "dan") == ["Ada Lovelace", "Donald Knuth", "Grace Hopper"]
    everything = ["Ada Lovelace", "Alan Turing", "Barbara Liskov", "Donald Knuth", "Grace Hopper"]
    assert names(team, "admin") == everything
    assert names(team, "ann", "--owner", "bob") == ["Grace Hopper"]
    assert sorted(shared) == names(team, "dan", "--owner", "ann") + names(team, "dan", "--owner", "bob")
    # Search finds what each one sees, and no more (the server's search documents are secured as contacts are).
    assert {h["contact"] for h in ok(team("ann", "search", "barbara", "--json")).json()} == set()
    assert {h["contact"] for h in ok(team("carol", "search", "barbara", "--json")).json()} == {"Barbara Liskov"}
    # A contact's history goes with it: Ann cannot read the touches of Bob's private contact either.
    ok(team("bob", "log", "barbara", "--channel", "call", "--when", "2026-11-20"))
    assert len(ok(team("carol", "history", "barbara", "--json")).json()) == 1
    refused = team("ann", "history", "barbara", "--json")
    assert refused.exit_code != 0 and "barbara" in refused.stderr.lower()
    # Each one's agenda is made of what they see (the rules' follow-ups of a shared contact included).
    for who in ("ann", "carol", "dan"):
        agenda = ok(team(who, "agenda", "--json")).json()
        assert {item["contact"]["name"] for item in agenda["items"]} <= set(names(team, who)), who
    assert "Alan Turing" in {item["contact"]["name"] for item in ok(team("ann", "agenda", "--json")).json()["items"]}


def test_a_member_changes_only_what_is_theirs_and_a_refusal_writes_nothing(team, pg_url):
    before = names(team, "admin")
    for args in (
        ("contact", "edit", "grace", "--title", "Admiral"),
        ("log", "grace", "--channel", "call", "--when", "2026-11-20"),
        ("contact", "rm", "grace", "--yes"),
        ("note", "add", "grace", "likes COBOL"),
    ):
        refused = team("ann", *args)
        assert refused.exit_code != 0, args
        assert refused.stderr.count("\n") == 1 and "Traceback" not in refused.stderr, refused.stderr
    assert "may not change contact" in team("ann", "contact", "edit", "grace", "--title", "Admiral").stderr
    shown = ok(team("bob", "contact", "show", "grace", "--json")).json()
    assert shown["contact"]["title"] == ""
    assert shown["recent_interactions"] == [] and shown["notes"] == []
    assert names(team, "admin") == before
    # A manager reads their reports' contacts but does not change them.
    assert team("carol", "contact", "edit", "grace", "--title", "Admiral").exit_code != 0
    # Ann's own contact is hers to change.
    ok(team("ann", "contact", "edit", "ada", "--title", "Countess"))
    assert ok(team("bob", "contact", "show", "ada", "--json")).json()["contact"]["title"] == "Countess"


def test_what_is_given_is_seen_or_changed_and_taken_back(team):
    refused = team("ann", "share", "grace", "--with", "ann", "--edit")
    assert refused.exit_code != 0 and "only its owner or an admin" in refused.stderr
    ok(team("bob", "share", "barbara", "--with", "ann"))
    assert "Barbara Liskov" in names(team, "ann")
    assert team("ann", "contact", "edit", "barbara", "--title", "Professor").exit_code != 0
    ok(team("bob", "share", "barbara", "--with", "ann", "--edit"))
    ok(team("ann", "contact", "edit", "barbara", "--title", "Professor"))
    ok(team("ann", "log", "barbara", "--channel", "email", "--when", "2026-11-21"))
    assert ok(team("bob", "contact", "show", "barbara", "--json")).json()["contact"]["title"] == "Professor"
    # An account given with edit brings its people.
    ok(team("bob", "share", "--account", "Navy", "--with", "dan", "--edit"))
    ok(team("dan", "contact", "edit", "grace", "--title", "Rear Admiral"))
    ok(team("bob", "unshare", "barbara", "--with", "ann"))
    assert "Barbara Liskov" not in names(team, "ann")


def test_ownership_moves_and_only_an_admin_manages_users(team, monkeypatch):
    refused = team("ann", "user", "add", "eve")
    assert refused.exit_code != 0 and "only an admin" in refused.stderr
    # On a server the user is the one of the URL's role: naming another is one line, nothing written.
    monkeypatch.setenv("KEEPWARM_USER", "bob")
    refused = team("ann", "contact", "add", "Edsger Dijkstra")
    assert refused.exit_code == 2 and "role 'ann' is user 'ann'" in refused.stderr, refused.stderr
    monkeypatch.delenv("KEEPWARM_USER")
    assert "Edsger Dijkstra" not in names(team, "admin")
    ok(team("ann", "contact", "edit", "ada", "--owner", "bob"))
    assert names(team, "admin", "--owner", "bob") == ["Ada Lovelace", "Barbara Liskov", "Grace Hopper"]
    assert team("ann", "contact", "edit", "ada", "--title", "x").exit_code != 0  # no longer hers
    refused = team("admin", "user", "rm", "bob")
    assert refused.exit_code != 0 and "--to" in refused.stderr
    assert "bob" in [u["name"] for u in ok(team("admin", "user", "list", "--json")).json()]
    ok(team("admin", "user", "rm", "bob", "--to", "carol"))
    assert names(team, "carol", "--owner", "carol") == ["Ada Lovelace", "Barbara Liskov", "Grace Hopper"]
    gone = team("bob", "contact", "list")
    assert gone.exit_code == 2 and gone.stderr.count("\n") == 1  # bob's role may no longer connect
    # A second admin (a role that is no superuser) adds users too, and they connect.
    ok(team("admin", "user", "add", "eve", "--role", "admin"))
    ok(team("eve", "user", "add", "frank", "--reports-to", "eve"))
    assert names(team, "frank") == ["Ada Lovelace", "Grace Hopper"]  # Barbara is private (now carol's)
    assert names(team, "eve") == names(team, "admin")


def test_two_users_writing_at_once_lose_nothing(team, pg_url):
    """Ann and Bob each log 25 touches on their own contact from two threads at once, on their own roles."""
    stores = {who: Store.open(as_role(pg_url, who)) for who in ("ann", "bob")}
    ids = {}
    for who, name in (("ann", "Ada Lovelace"), ("bob", "Grace Hopper")):
        with stores[who].read() as conn:
            ids[who] = conn.execute(select(schema.contacts.c.id).where(schema.contacts.c.name == name)).scalar_one()
    at = dt.datetime(2026, 11, 1, 9, 0)
    problems: list[BaseException] = []

    def write(who: str) -> None:
        try:
            for n in range(25):
                with stores[who].write() as conn:
                    conn.execute(insert(schema.interactions).values(
                        contact_id=ids[who], at=at + dt.timedelta(hours=n), channel="call", direction="outbound",
                        purpose="check-in", notes=f"{who} {n}", created_at=at))
        except BaseException as exc:  # reported below
            problems.append(exc)

    threads = [threading.Thread(target=write, args=(who,)) for who in stores]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert problems == []
    with Store.open(pg_url) as admin, admin.read() as conn:
        counted = dict(conn.execute(
            select(schema.interactions.c.contact_id, func.count()).group_by(schema.interactions.c.contact_id)).all())
        totals = dict(conn.execute(select(schema.contact_totals.c.contact_id, schema.contact_totals.c.touches_total)).all())
    assert counted == {ids["ann"]: 25, ids["bob"]: 25}
    assert totals[ids["ann"]] == 25 and totals[ids["bob"]] == 25
    # And a write across the line fails whole: Ann's batch touching Bob's contact leaves nothing.
    with pytest.raises(StoreError, match="may not change contact"):
        with stores["ann"].write() as conn:
            conn.execute(insert(schema.interactions).values(
                contact_id=ids["ann"], at=at, channel="call", direction="outbound", purpose="check-in",
                created_at=at))
            conn.execute(insert(schema.interactions).values(
                contact_id=ids["bob"], at=at, channel="call", direction="outbound", purpose="check-in",
                created_at=at))
    with stores["ann"].read() as conn:
        assert conn.execute(select(func.count()).select_from(schema.interactions)).scalar_one() == 50
    for store in stores.values():
        store.close()
