"""The people in the team on a SQLite book: users, roles and managers, owners, grants and privacy (migration 0019).

SQLite records the roles; the database does not enforce what each sees (tests/test_users_postgresql.py shows
the server doing it). What holds on both is checked here: a known user, no reporting cycle, an admin managing
users, an owner removed only with an heir, one-line refusals with nothing written.
"""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

from keepwarm.home import paths

FIXTURES = Path(__file__).parent / "fixtures_db"


def ok(result):
    assert result.exit_code == 0, result.stdout + result.stderr
    return result


def refused(result, *words: str):
    assert result.exit_code != 0, result.stdout
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr, result.stderr
    for word in words:
        assert word in result.stderr, result.stderr
    return result


def users(run) -> list[tuple]:
    return [(u["name"], u["role"], u["reports_to"], u["contacts"]) for u in ok(run("user", "list", "--json")).json()]


def settings(text: str) -> None:
    paths.config_file().parent.mkdir(parents=True, exist_ok=True)
    paths.config_file().write_text(text, encoding="utf-8")


def test_the_first_write_makes_the_book_s_admin_and_new_contacts_are_theirs(run, db_path):
    ok(run("contact", "add", "Ada Lovelace", "--account", "Engines"))
    assert users(run) == [("me", "admin", None, 1)]
    assert ok(run("contact", "show", "ada", "--json")).json()["contact"]["owner"] == "me"
    with sqlite3.connect(db_path) as conn:
        assert conn.execute("SELECT owner FROM accounts").fetchall() == [("me",)]


def test_the_settings_name_the_acting_user_and_an_unknown_one_is_one_line(run, home, monkeypatch):
    settings('user = "ada"\n')
    ok(run("contact", "add", "Grace Hopper"))
    assert users(run) == [("ada", "admin", None, 1)]
    ok(run("user", "add", "bob"))
    monkeypatch.setenv("KEEPWARM_USER", "bob")
    ok(run("contact", "add", "Alan Turing"))
    assert ok(run("contact", "show", "alan", "--json")).json()["contact"]["owner"] == "bob"
    # bob is a member: users are an admin's to manage.
    refused(run("user", "add", "eve"), "only an admin", "(bob)")
    monkeypatch.setenv("KEEPWARM_USER", "zed")
    refused(run("contact", "add", "Barbara Liskov"), "KEEPWARM_USER", "'zed'", "users: ada, bob")
    monkeypatch.delenv("KEEPWARM_USER")
    settings('user = "zed"\n')
    refused(run("contact", "add", "Barbara Liskov"), "config.toml: user", "'zed'")
    settings("user = 3\n")
    refused(run("contact", "add", "Barbara Liskov"), "config.toml", "user")
    settings('user = "ada"\n')
    assert [c["name"] for c in ok(run("contact", "list", "--json")).json()] == ["Alan Turing", "Grace Hopper"]


def test_roles_managers_and_cycles(run):
    ok(run("contact", "add", "Ada Lovelace"))
    ok(run("user", "add", "carol", "--role", "manager"))
    ok(run("user", "add", "ann", "--reports-to", "carol"))
    ok(run("user", "add", "bob", "--reports-to", "ann"))
    refused(run("user", "set", "carol", "--reports-to", "bob"), "bob reports to carol already")
    refused(run("user", "set", "ann", "--reports-to", "ann"), "ann reports to ann")
    refused(run("user", "add", "dan", "--reports-to", "nobody"), "'nobody'", "no such user")
    refused(run("user", "add", "ann"), "exists already")
    refused(run("user", "add", "dan", "--role", "boss"))
    refused(run("user", "set", "me", "--role", "member"), "only admin")
    refused(run("user", "add", "dan", "--db-role", "dan"), "PostgreSQL")
    ok(run("user", "set", "bob", "--reports-to", "carol", "--role", "manager"))
    assert users(run) == [
        ("ann", "member", "carol", 0),
        ("bob", "manager", "carol", 0),
        ("carol", "manager", None, 0),
        ("me", "admin", None, 1),
    ]
    ok(run("user", "set", "bob", "--no-manager"))
    assert ("bob", "manager", None, 0) in users(run)


def test_owners_are_users_moved_by_contact_edit_and_listed_by_owner(run):
    ok(run("contact", "add", "Ada Lovelace"))
    ok(run("user", "add", "ann"))
    before = ok(run("contact", "show", "ada", "--json")).json()["contact"]
    refused(run("contact", "add", "Grace Hopper", "--owner", "sam"), "'sam'", "no such user")
    refused(run("contact", "edit", "ada", "--owner", "sam"), "'sam'")
    assert ok(run("contact", "show", "ada", "--json")).json()["contact"] == before
    assert [c["name"] for c in ok(run("contact", "list", "--json")).json()] == ["Ada Lovelace"]
    ok(run("contact", "add", "Grace Hopper", "--owner", "ann"))
    ok(run("contact", "edit", "ada", "--owner", "ann"))
    assert [c["name"] for c in ok(run("contact", "list", "--owner", "ann", "--json")).json()] == [
        "Ada Lovelace",
        "Grace Hopper",
    ]
    assert ok(run("contact", "list", "--owner", "me", "--json")).json() == []
    refused(run("contact", "list", "--owner", "sam"), "'sam'")
    assert "owner             ann" in ok(run("contact", "show", "ada")).stdout


def test_removing_an_owner_needs_an_heir_and_writes_nothing_without_one(run):
    ok(run("contact", "add", "Ada Lovelace"))
    ok(run("user", "add", "ann"))
    ok(run("user", "add", "bob", "--reports-to", "ann"))
    ok(run("contact", "add", "Grace Hopper", "--owner", "ann"))
    refused(run("user", "rm", "ann"), "still owns 1 contact", "--to")
    refused(run("user", "rm", "ann", "--to", "zed"), "'zed'")
    refused(run("user", "rm", "ann", "--to", "ann"), "their own")
    refused(run("user", "rm", "me"), "cannot remove yourself")
    assert ("ann", "member", None, 1) in users(run)
    ok(run("user", "rm", "ann", "--to", "me"))
    assert users(run) == [("bob", "member", None, 0), ("me", "admin", None, 2)]


def test_grants_and_private_contacts_are_recorded_and_shown(run, monkeypatch):
    ok(run("contact", "add", "Ada Lovelace", "--account", "Engines"))
    ok(run("user", "add", "ann"))
    ok(run("share", "ada", "--with", "ann"))
    shown = ok(run("contact", "show", "ada", "--json")).json()["sharing"]
    assert shown == {"private": False, "given": [{"user": "ann", "edit": False}]}
    ok(run("share", "ada", "--with", "ann", "--edit"))
    ok(run("unshare", "ada", "--team"))
    assert "private (only its owner, their managers and admins); given to ann (edit)" in ok(
        run("contact", "show", "ada")
    ).stdout
    ok(run("share", "--account", "Engines", "--with", "ann"))
    ok(run("unshare", "ada", "--with", "ann"))
    refused(run("unshare", "ada", "--with", "ann"), "was not shared with ann")
    refused(run("share", "ada", "--with", "zed"), "'zed'")
    refused(run("share", "ada"), "--with USER or --team")
    refused(run("share", "--account", "Nowhere", "--with", "ann"), "no such account")
    refused(run("share", "ada", "--account", "Engines", "--with", "ann"), "one of them")
    ok(run("share", "ada", "--team"))
    assert ok(run("contact", "show", "ada", "--json")).json()["sharing"] == {"private": False, "given": []}
    # A member shares only what is theirs.
    ok(run("contact", "add", "Grace Hopper", "--owner", "ann"))
    ok(run("user", "add", "bob"))
    monkeypatch.setenv("KEEPWARM_USER", "bob")
    refused(run("share", "grace", "--with", "bob", "--edit"), "ann's", "only its owner or an admin")


def test_an_old_book_s_owners_become_users(run, home, tmp_path):
    book = tmp_path / "old.db"
    shutil.copy(FIXTURES / "schema_0018.db", book)
    with sqlite3.connect(book) as conn:
        conn.execute("UPDATE contacts SET owner = 'sam' WHERE id = (SELECT min(id) FROM contacts)")
        total = conn.execute("SELECT count(*) FROM contacts").fetchone()[0]
    listed = ok(run("--db", str(book), "user", "list", "--json")).json()
    assert [(u["name"], u["role"], u["contacts"]) for u in listed] == [("me", "admin", total - 1), ("sam", "member", 1)]
    with sqlite3.connect(book) as conn:
        assert conn.execute("SELECT DISTINCT owner FROM accounts").fetchall() == [("me",)]
