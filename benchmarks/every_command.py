"""Every user command as a whole command, each with its own time and peak memory (issue 19: under 400 MB).

Each command runs once in a process of its own (`python -m keepwarm --db BOOK ...`,
output to a file), on a copy of the cached book, so that the writes of one
(`agenda` stores its conclusions, the imports add people and touches) are the
next one's starting point as they would be for a user, and never reach the
database the other measures read. Commands that write go last.

The peak is the command's own: `os.wait4` hands over the resource usage of that
one child, whose `ru_maxrss` is its largest resident set (fork and exec start it
from this process, which imports no keepwarm and stays at a few MB, so nothing of
the caller's is counted). `RUSAGE_CHILDREN` would give only the largest of all.

Not here: `sync` and `calendar publish` need a mail or CalDAV server (the
`mail_sync` and `calendar_sync` measures read local stores instead), and the
TUI is the `tui` measure.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from . import data, imports

#: name -> (arguments after `keepwarm --db BOOK`, exit statuses it may end with). {dir} is a scratch folder.
COMMANDS: dict[str, tuple[tuple[str, ...], tuple[int, ...]]] = {
    "agenda": (("agenda",), (0,)),
    "agenda_json": (("agenda", "--json"), (0,)),
    "agenda_limit": (("agenda", "--json", "--limit", "20"), (0,)),
    "contact_show": (("contact", "show", "1"), (0,)),
    "contact_list": (("contact", "list", "--json"), (0,)),
    "history": (("history", "1", "--json", "--limit", "1000"), (0,)),
    "account_list": (("account", "list", "--json"), (0,)),
    "followup_list": (("followup", "list", "--json"), (0,)),
    "promise_list": (("promise", "list", "--json"), (0,)),
    "correspondents": (("correspondents", "--json"), (0,)),
    "dashboard": (("dashboard",), (0,)),
    "dashboard_json": (("dashboard", "--json"), (0,)),
    "doctor": (("doctor",), (0, 1)),  # exit 1: it found something to say, which is not the measure's concern
    "export_ics": (("export", "ics", "--days", "3650", "-o", "{dir}/book.ics"), (0,)),
    "export_json": (("export", "json", "-o", "{dir}/backup.json"), (0,)),
    "export_vcard": (("export", "vcard", "-o", "{dir}/book.vcf"), (0,)),
    "backup": (("backup", "{dir}/copy.sqlite"), (0,)),
    # The backup just exported, into an empty database of its own (the `--db` below is replaced). The history
    # before the cards: the cards' people would share names with the book's, and a name two people have is an
    # error in a history file.
    "restore": (("restore", "{dir}/backup.json"), (0,)),
    "import_interactions": (("import", "interactions", "{history}"), (0,)),
    "import_vcard": (("import", "vcard", "{cards}"), (0,)),
}


def _run(argv: list[str], statuses: tuple[int, ...], log: Path) -> tuple[float, float]:
    """One run: its wall time and its own peak resident set in MB."""
    with open(os.devnull, "wb") as sink, open(log, "wb") as errors:
        t0 = time.perf_counter()
        proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=sink, stderr=errors, cwd=data.ROOT)
        _, status, usage = os.wait4(proc.pid, 0)
        elapsed = time.perf_counter() - t0
    proc.returncode = os.waitstatus_to_exitcode(status)  # reaped here: tell Popen, so it does not wait again
    if proc.returncode not in statuses:
        last = (log.read_text(errors="replace").strip().splitlines() or ["no message"])[-1]
        raise RuntimeError(f"keepwarm {' '.join(argv[5:])}: exit {proc.returncode}: {last}")
    return elapsed, round(usage.ru_maxrss / 1024, 1)


def every_command(db: Path, _repeat: int, _started: float) -> dict:
    """Each command of COMMANDS once, in order, on a copy of the book: {name: {"s": wall, "peak_mb": MB}}."""
    folder = Path(tempfile.mkdtemp(dir=data.RESULTS, prefix="every-command-"))
    book = folder / "book.sqlite"
    shutil.copyfile(db, book)
    fill = {
        "dir": str(folder),
        "cards": str(data.vcard_file(imports.CARDS, 7)),
        "history": str(imports.interactions_csv(db)),
    }
    commands: dict[str, dict] = {}
    try:
        for name, (args, statuses) in COMMANDS.items():
            target = folder / "restored.sqlite" if name == "restore" else book
            argv = [sys.executable, "-m", "keepwarm", "--db", str(target), *(a.format(**fill) for a in args)]
            try:
                elapsed, peak = _run(argv, statuses, folder / "stderr.txt")
            except RuntimeError as exc:
                commands[name] = {"error": str(exc)[-300:]}
                continue
            commands[name] = {"s": round(elapsed, 3), "peak_mb": peak}
            print(f"  {name}: {elapsed:.2f} s, {peak:.0f} MB", file=sys.stderr, flush=True)
    finally:
        shutil.rmtree(folder)
    done = [c for c in commands.values() if "s" in c]
    return {
        "times": [sum(c["s"] for c in done)],
        "commands": commands,
        "peak_mb": max((c["peak_mb"] for c in done), default=0.0),
        "caller_mb": _own_peak_mb(),  # what every command's figure could hold of this process: a few MB
    }


def _own_peak_mb() -> float:
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM:"):
            return round(int(line.split()[1]) / 1024, 1)
    return 0.0
