"""Which module defines each top-level command, and its one-line help.

`keepwarm --help` and `--version` read this map instead of importing every
command module (and with them SQLAlchemy, pydantic and the engine): a command's
module is imported only when that command runs or its own help is asked for.
tests/test_cli_lazy.py checks that the map and the real commands agree, so a
command added later cannot be left out or carry a stale help line.
"""

from __future__ import annotations

#: command name -> (modules of keepwarm.cli that define it and its subcommands, first sentence of its help)
COMMANDS: dict[str, tuple[tuple[str, ...], str]] = {
    "account": (("contacts",), "Organizations and their stakeholders."),
    "agenda": (
        ("engine",),
        "Who to reach out to, why, how, and what builds trust: today's best few first (the daily capacity).",
    ),
    "assess": (("activity",), "Rate a relationship on the six strength dimensions (1-5 each)."),
    "backup": (
        ("safety",),
        "Copy the database to FILE (default: a dated file in the backups folder), safely while it is in use.",
    ),
    "calendar": (
        ("calendar",),
        "Keep a CalDAV calendar (Nextcloud, Radicale, iCloud, Fastmail) in step with your follow-ups.",
    ),
    "contact": (("contacts", "merging"), "Add, list, show, edit, merge and remove contacts."),
    "correspondents": (("sources",), "People you write to or meet who are not contacts yet: add or ignore them."),
    "dashboard": (
        ("dashboard",),
        "Touches against plan, key stakeholders on cadence, overdue items, inbound share, health and trend.",
    ),
    "digest": (("digest",), "Today's short list (who, why, one suggestion each), for cron or a systemd timer."),
    "demo": (("io",), "Load the example data set, dated around today, into its own database (demo.db)."),
    "dev": (("dev",), "Developer tools (synthetic data)."),
    "doctor": (
        ("safety",),
        "Check the database (integrity, schema version), file permissions, rules and "
        "plugins; say how to fix each problem.",
    ),
    "export": (("groups", "io", "calendar"), "Take everything out (JSON backup, vCard, iCalendar)."),
    "followup": (("activity",), "Scheduled touches: add your own, complete, snooze or dismiss them."),
    "history": (("activity",), "List a contact's interactions, newest first."),
    "import": (("groups", "io"), "Bring contacts and history in (vCard, CSV)."),
    "link": (("links",), "Record who knows whom: A reports to, was introduced by, mentors or is the partner of B."),
    "links": (("links",), "List who knows whom, for everyone or for one contact."),
    "log": (("activity",), "Record an interaction with one or more CONTACTS (ids or names)."),
    "migrate-to": (
        ("server",),
        "Copy this SQLite book into an empty PostgreSQL database, checked row by row, all of it or nothing.",
    ),
    "note": (("notes",), "Dated notes on a person: family, preferences, gift ideas, how you met (not touches)."),
    "plugins": (("engine",), "Inspect the loaded plugins, or start a new one."),
    "promise": (("activity",), "Commitments: what you promised them, and what they promised you."),
    "restore": (("io",), "Load a JSON backup into an empty database (see `keepwarm export json`)."),
    "rules": (("engine",), "Check, show and copy the rule packs (TOML)."),
    "search": (
        ("search",),
        "Find contacts by any field, and touches, promises and notes by their text, best match first.",
    ),
    "source": (("sources",), "Mail and calendars to read touches from: add, list and remove them."),
    "sync": (("sources",), "Read new mail and meetings from your sources into touches."),
    "team": (
        ("team",),
        "Per person: touches against plan, late follow-ups, promises kept, key stakeholders, accounts and trends.",
    ),
    "unlink": (("links",), "Forget the links between two contacts (of one kind, with --as)."),
    "share": (
        ("users",),
        "Give a user a contact or an account to see (or, with --edit, to change), beyond what the team shares.",
    ),
    "unshare": (("users",), "Take back what a user was given, or keep a contact from the team (--team)."),
    "user": (("users",), "The people in the team: their role (member, manager, admin) and whom they report to."),
}

#: Commands left out of `keepwarm --help`.
HIDDEN = frozenset({"dev"})
