"""`keepwarm doctor`'s checks: the database, the disk, permissions, backups, plugins, rules and sources.

It only looks: the database is opened read-only (never migrated, never
switched to WAL), no file is created or changed (but for a small hidden file
written and removed at once, to prove the disk takes writes). Each finding names the thing
and, when something is wrong, the command or edit that fixes it.
"""

from __future__ import annotations

import os
import shlex
import shutil
import sqlite3
import stat
from pathlib import Path
from typing import Any

from ..errors import UserError
from ..home import paths, settings, tempfiles
from ..hosting import trust as plugin_trust
from ..sources.registry import check as check_source
from ..sources.registry import offered as offered_kinds
from ..store import backups, readonly
from ..store.database import check_file, connect_read_only, inspect_read_only
from ..store.migrate import HEAD
from ..text.wording import plural
from .duplicates import check_duplicates
from .findings import Finding, Report
from .followups import check_followups
from .search import check_search


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def _permission(path: Path, wanted: int, why: str) -> Finding | None:
    """A problem when group or others may read, write or enter `path` (bits compared, not access())."""
    try:
        mode = _mode(path)
    except FileNotFoundError:
        return None
    except OSError as exc:
        return Finding(
            "permissions", False, f"{path}: cannot be examined ({exc.strerror})", f"check the folder {path.parent}"
        )
    if mode & 0o077:
        return Finding(
            "permissions",
            False,
            f"{path} is open to other users (mode {mode:04o}); {why}",
            f"chmod {wanted:o} {_quote(path)}",
        )
    return None


def _quote(path: Path) -> str:
    return shlex.quote(str(path))


def check_permissions(db_path: Path, backup_dir: Path) -> list[Finding]:
    found: list[Finding] = []
    checks: list[tuple[Path, int, str]] = []
    for suffix in ("", "-wal", "-shm"):
        checks.append((db_path.with_name(db_path.name + suffix), 0o600, "it holds your contacts and notes"))
    if db_path.parent == paths.data_dir():
        checks.append((db_path.parent, 0o700, "keepwarm's data folder should be yours alone"))
    if backup_dir != db_path.parent:
        checks.append((backup_dir, 0o700, "the backups folder holds copies of your database"))
    if backup_dir.is_dir():
        for copy in sorted(backup_dir.glob(f"{db_path.name}.*.bak")):
            checks.append((copy, 0o600, "a backup holds all your contacts and notes"))
    checks.append((paths.config_file(), 0o600, "it may hold your calendar password"))
    for path, wanted, why in checks:
        finding = _permission(path, wanted, why)
        if finding:
            found.append(finding)
    if not found:
        found.append(Finding("permissions", True, "the database, its backups and your settings are private to you"))
    return found


def check_database(db_path: Path) -> list[Finding]:
    """The file itself, its schema version and its integrity."""
    try:
        exists = check_file(db_path)
    except UserError as exc:
        return [
            Finding(
                "database",
                False,
                exc.message,
                "point keepwarm at its database with --db or KEEPWARM_DB, or move this file away",
            )
        ]
    if not exists:
        return [Finding("database", True, f"{db_path}: no database yet (it is created on first use)")]
    found = []
    try:
        state = inspect_read_only(db_path)
    except UserError as exc:
        if "newer keepwarm" in exc.message:
            fix = "upgrade keepwarm (pip install --upgrade keepwarm); until then keep using the program that wrote it"
        else:
            fix = "restore the newest copy from your backups folder (see docs/reliability.md), or use --db for another file"
        return [Finding("schema", False, exc.message, fix)]
    if state.current == HEAD or state.empty:
        found.append(Finding("schema", True, f"schema {state.current or HEAD} (the newest this program knows)"))
    else:
        found.append(
            Finding(
                "schema",
                True,
                f"schema {state.current}: it is upgraded to {HEAD} the next time keepwarm "
                "opens it, after an automatic copy",
            )
        )
    found.extend(check_integrity(db_path))
    return found


def check_integrity(db_path: Path) -> list[Finding]:
    fix = (
        "copy the newest good backup over it (keepwarm doctor lists them), or rescue what is readable with "
        f"`sqlite3 {_quote(db_path)} .recover | sqlite3 rescued.db` and open that with --db"
    )
    try:
        conn = connect_read_only(db_path)
    except sqlite3.Error as exc:
        return [Finding("integrity", False, f"{db_path}: cannot be read ({exc})", fix)]
    try:
        rows = [r[0] for r in conn.execute("PRAGMA integrity_check")]
        orphans = conn.execute("PRAGMA foreign_key_check").fetchall()
    except sqlite3.Error as exc:
        return [Finding("integrity", False, f"{db_path}: is damaged ({exc})", fix)]
    finally:
        conn.close()
    if rows != ["ok"]:
        more = f" (and {len(rows) - 3} more)" if len(rows) > 3 else ""
        return [Finding("integrity", False, f"{db_path}: is damaged: {'; '.join(rows[:3])}{more}", fix)]
    if orphans:
        tables = sorted({row[0] for row in orphans})
        return [
            Finding(
                "integrity",
                False,
                f"{db_path}: {plural(len(orphans), 'record')} point at records that are gone (in {', '.join(tables)})",
                "export what is there (keepwarm export json -o all.json), then restore it into a new file "
                "(keepwarm --db new.db restore all.json) to see which records are refused",
            )
        ]
    return [Finding("integrity", True, "integrity check passed; every reference points at a record")]


def check_rules_and_plugins(safe_mode: bool | None) -> tuple[list[Finding], Any]:
    """The findings, and the plugin host loaded for them (None when config.toml is unreadable).

    The host is handed on to the follow-up check: user plugins are code, run
    once per doctor, not once per check.
    """
    try:
        config = settings.load()
    except UserError as exc:
        return [Finding("settings", False, exc.message, f"edit {_quote(paths.config_file())}")], None
    # lazy for start-up: `keepwarm backup`, in the same CLI module, loads no plugin
    from ..hosting.runtime import build_runtime

    runtime = build_runtime(
        safe_mode=config.plugins.safe_mode if safe_mode is None else safe_mode,
        disabled=tuple(config.plugins.disabled),
        budget=config.plugins.budget_seconds,
    )
    found = []
    for problem in runtime.rules.problems:
        where = f"{problem.file} at line {problem.line}" if problem.line else problem.file
        found.append(
            Finding(
                "rules",
                False,
                str(problem),
                f"edit {where} (`keepwarm rules check` lists every problem; the shipped defaults apply meanwhile)",
            )
        )
    refused = {info.name for info in runtime.host.infos.values() if info.refused}  # check_plugin_folder says why
    for info in runtime.host.infos.values():
        if info.error and not info.refused:
            if info.source == "file":
                fix = f"fix or remove {info.origin}"
            elif info.source == "package":
                fix = (
                    f"upgrade or uninstall the package {info.origin} (pip uninstall {info.origin}), "
                    f'or add "{info.name}" to disabled under [plugins] in {paths.config_file()}'
                )
            else:
                fix = "reinstall keepwarm (pip install --force-reinstall keepwarm)"
            found.append(Finding("plugins", False, f"plugin {info.name} ({info.source}): {info.error}", fix))
    for failure in runtime.host.problems:
        if failure.plugin in refused and failure.hook == "load":
            continue
        found.append(
            Finding(
                "plugins",
                False,
                str(failure),
                f'add "{failure.plugin}" to disabled under [plugins] in {paths.config_file()}, or run with --safe-mode',
            )
        )
    if not found:
        active = sum(1 for i in runtime.host.infos.values() if i.active)
        found.append(
            Finding(
                "rules",
                True,
                f"{plural(len(runtime.rules.raw.files), 'rule file')} valid; {plural(active, 'plugin')} loaded",
            )
        )
    return found, runtime.host


def check_plugin_folder(folder: Path | None = None, uid: int | None = None) -> list[Finding]:
    """Plugin files that others can change are not run (see keepwarm.hosting.trust): say which, and the fix."""
    folder = paths.user_plugins_dir() if folder is None else folder
    if not folder.is_dir():
        return []
    files = sorted(p for p in folder.glob("*.py") if not p.name.startswith("_"))
    refusal = plugin_trust.folder_refusal(folder, uid)
    if refusal is not None:
        names = ", ".join(p.name for p in files) or "none yet"
        return [
            Finding("plugins", False, f"no plugin file in {folder} is run ({names}): {refusal.reason}", refusal.fix)
        ]
    found = []
    for path in files:
        refusal = plugin_trust.file_refusal(path, uid)
        if refusal is not None:
            found.append(
                Finding("plugins", False, f"plugin file {path.name} is not run: {refusal.reason}", refusal.fix)
            )
    if not found:
        found.append(
            Finding(
                "plugins", True, f"the plugins folder {folder} and the plugin files in it can be changed by you alone"
            )
        )
    return found


def check_backups(db_path: Path, backup_dir: Path) -> list[Finding]:
    copies = backups.automatic_copies(backup_dir, db_path.name)
    manual = [
        p
        for p in (sorted(backup_dir.glob(f"{db_path.name}.*.bak")) if backup_dir.is_dir() else [])
        if not any(c.path == p for c in copies)
    ]
    if not copies and not manual:
        return [Finding("backups", True, f"no backups yet in {backup_dir} (make one with `keepwarm backup`)")]
    newest = max([c.path for c in copies] + manual, key=lambda p: p.stat().st_mtime)
    return [
        Finding(
            "backups",
            True,
            f"{len(copies)} automatic and {plural(len(manual), 'manual backup')} in {backup_dir}; "
            f"newest: {newest.name}",
        )
    ]


#: Below this much free space an import, a backup or a migration copy may fail half-way.
MIN_FREE_BYTES = 50 * 1024 * 1024
PROBE_BYTES = 64 * 1024


def _size(n: float) -> str:
    for unit in ("bytes", "KB", "MB", "GB"):
        if n < 1024 or unit == "GB":
            return f"{n} {unit}" if unit == "bytes" else f"{n:.1f} {unit}"
        n /= 1024
    return ""  # pragma: no cover


def check_storage(db_path: Path) -> list[Finding]:
    """Room on the database's filesystem, and whether keepwarm can write there at all (read-only media)."""
    folder = db_path.parent
    while not folder.exists() and folder != folder.parent:
        folder = folder.parent
    exists = db_path.is_file()
    if exists and readonly.is_read_only(db_path):
        return [
            Finding(
                "storage",
                False,
                f"{db_path}: read-only ({readonly.why_read_only(db_path)}): keepwarm can list, export and "
                "back it up, but cannot record anything",
                f"make it writable (chmod u+w {_quote(db_path)} {_quote(db_path.parent)}, or remount the media "
                f"read-write), or copy it somewhere writable: keepwarm --db {_quote(db_path)} backup COPY.db",
            )
        ]
    if not exists and not readonly.folder_writable(folder):
        return [
            Finding(
                "storage",
                False,
                f"{folder}: read-only: the database cannot be created there",
                "use a writable folder with --db or KEEPWARM_DB",
            )
        ]
    try:
        free = shutil.disk_usage(folder).free
    except OSError as exc:
        return [Finding("storage", False, f"{folder}: free space cannot be read ({exc.strerror})", "")]
    need = max(MIN_FREE_BYTES, db_path.stat().st_size if exists else 0)
    found = []
    if free < need:
        found.append(
            Finding(
                "storage",
                False,
                f"only {_size(free)} free on the filesystem of {folder}: imports, backups and upgrades "
                f"need room (at least {_size(need)}, as much as the database for a copy)",
                "free some space there, or move the database to a larger disk (and use --db)",
            )
        )
    probed = folder == db_path.parent  # never a test file in a folder keepwarm has not made yet
    if probed:
        try:
            _probe_write(folder, db_path.name)
        except OSError as exc:
            found.append(
                Finding(
                    "storage",
                    False,
                    f"{folder}: a test write failed ({exc.strerror}): nothing new can be stored",
                    "free some space there, or check the disk (dmesg, fsck)",
                )
            )
    if not found:
        found.append(
            Finding("storage", True, f"{_size(free)} free in {folder}" + ("; a test write worked" if probed else ""))
        )
    return found


def _probe_write(folder: Path, name: str) -> None:
    """Write, sync and remove a small hidden file: a full disk fails here, where free-space figures can mislead."""
    fd, temp = tempfiles.temp_beside(folder / name)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(b"\0" * PROBE_BYTES)
            fh.flush()
            os.fsync(fh.fileno())
    finally:
        try:
            os.unlink(temp)
        except OSError:
            pass


def check_leftovers(db_path: Path, backup_dir: Path) -> list[Finding]:
    """Hidden temporary files of a killed backup or export (the next command that opens the database removes them)."""
    found = tempfiles.leftovers(db_path.parent) + (
        tempfiles.leftovers(backup_dir) if backup_dir != db_path.parent else []
    )
    if not found:
        return []
    return [
        Finding(
            "leftovers",
            False,
            f"{plural(len(found), 'temporary file')} left by a backup or export that was stopped: "
            + ", ".join(str(p) for p in found),
            "any keepwarm command that opens the database removes them; or: rm " + " ".join(_quote(p) for p in found),
        )
    ]


def examine(db_path: Path, backup_dir: Path, *, safe_mode: bool | None = None) -> Report:
    report = Report(db_path)
    report.findings += check_database(db_path)
    report.findings += check_storage(db_path)
    report.findings += check_permissions(db_path, backup_dir)
    report.findings += check_backups(db_path, backup_dir)
    report.findings += check_plugin_folder()
    report.findings += check_leftovers(db_path, backup_dir)
    report.findings += check_duplicates(db_path)
    if not any(f.check == "integrity" and not f.ok for f in report.findings):
        # A damaged file has one fix (a backup, or .recover); rebuilding its index is not one of them.
        report.findings += check_search(db_path)
    plugin_findings, host = check_rules_and_plugins(safe_mode)
    report.findings += plugin_findings
    report.findings += check_followups(db_path, host)
    report.findings += check_sources(host)
    return report


def check_sources(host) -> list[Finding]:
    """Every configured mail or calendar source can be read: its kind is offered, its options hold, `me` is set."""
    if host is None:
        return []
    config = settings.load()
    if not config.sources:
        return []
    fix = f"edit {_quote(paths.config_file())} (`keepwarm source kinds` lists each kind's options)"
    checked = check_source(config, offered_kinds(host))
    found = [Finding("sources", False, source.problem, fix) for source in checked if source.problem]
    # An address book (synced both ways) needs none of your mail addresses; a mail or calendar source does.
    if not config.me and any(source.kind is None or source.kind.family != "contacts" for source in checked):
        found.append(
            Finding(
                "sources",
                False,
                f"{paths.config_file()}: me: not set, so no sync can tell your mail from the mail you received",
                f'add me = ["you@example.org"] to {_quote(paths.config_file())}',
            )
        )
    if not found:
        found.append(
            Finding(
                "sources", True, f"{plural(len(config.sources), 'source')} configured and readable by their plugins"
            )
        )
    return found
