"""`keepwarm doctor` on the follow-ups plugins made: rows nothing can read back, and rows no plugin tends.

A follow-up is closed by the rule that proposed it, when that rule runs and no
longer proposes it. A plugin that is gone, disabled or broken never runs, so its
open follow-ups would wait forever: they are listed here with the command that
closes them. They are never closed behind the user's back: a plugin missing for
one run (a reinstall, `--safe-mode`) must not lose what it planned. Like the
rest of the doctor, this only reads (the database is opened read-only).
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from ..home import paths
from ..store.followups import MANUAL, MAX_REASON, NO_REASON
from ..text.wording import noun, plural
from .findings import Finding, command_line
from .reading import read_book


def check_followups(db_path: Path, host) -> list[Finding]:
    """`host`: the plugins as the doctor loaded them (None when config.toml could not be read)."""

    def read(conn: sqlite3.Connection) -> tuple[list, list]:
        bad = conn.execute(
            "SELECT source, count(*) FROM followups WHERE reason IS NULL OR trim(reason) = '' "
            f"OR length(reason) > {MAX_REASON} OR typeof(reason) != 'text' GROUP BY source ORDER BY source"
        ).fetchall()
        waiting = conn.execute(
            "SELECT source, count(*) FROM followups WHERE status IN ('open', 'snoozed') AND source != ? "
            "GROUP BY source ORDER BY source",
            (MANUAL,),
        ).fetchall()
        return bad, waiting

    found_rows = read_book(db_path, "followups", read)
    if found_rows is None:
        return []
    bad, waiting = found_rows
    found = []
    for source, count in bad:
        found.append(
            Finding(
                "followups",
                False,
                f"{plural(count, 'follow-up')} made by {source} {noun(count, 'has')} no "
                f"usable reason (shown as {NO_REASON!r}; a backup holding them cannot be restored)",
                command_line(db_path, "followup", "repair"),
            )
        )
    found += _untended(db_path, waiting, host)
    if not found:
        found.append(Finding("followups", True, "every follow-up is readable and tended by a plugin that runs"))
    return found


def _untended(db_path: Path, waiting: list[tuple[str, int]], host) -> list[Finding]:
    if not waiting or host is None:
        return []  # with no host, check_rules_and_plugins reports the unreadable config.toml
    found = []
    for source, count in waiting:
        info = host.infos.get(source)
        if info is not None and info.active:
            continue
        if info is not None and info.disabled == "safe mode":
            continue  # it runs again outside safe mode and tends them itself
        if info is None:
            why = "is not installed any more"
            other = "reinstall the plugin, or "
        elif info.disabled:
            why = f"is disabled ({info.disabled})"
            other = f"enable it again in {paths.config_file()}, or "
        else:
            why = f"does not load ({info.error})"
            other = "fix the plugin, or "
        found.append(
            Finding(
                "followups",
                False,
                f"plugin {source} {why}: its {plural(count, 'open follow-up')} will never be closed by it",
                other + command_line(db_path, "followup", "close", "--source", source),
            )
        )
    return found
