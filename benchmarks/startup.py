"""Start-up: whole `keepwarm` commands, as a user runs them, timed from outside.

Each command runs in a process of its own (`python -m keepwarm --db DB ...`,
output to /dev/null), once untimed (the operating system's file cache and the
bytecode cache warm), then `repeat` times; the figure is the median wall time.
Bytecode is written and read as an installed copy's is, even when the calling
shell sets PYTHONDONTWRITEBYTECODE: without it every run would compile
keepwarm's sources again, which no installed keepwarm does.

`fixed` is the start-up every command that opens the database pays and no
command avoids: `contact show` of an id that does not exist goes through the
interpreter, click, the command's module, the settings and the store, and
stops at the lookup with a one-line error (exit 2).
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import time
from pathlib import Path

from . import data

#: name -> (arguments after `keepwarm --db DB`, the exit status it must end with)
COMMANDS: dict[str, tuple[tuple[str, ...], int]] = {
    "version": (("--version",), 0),
    "help": (("--help",), 0),
    "fixed": (("contact", "show", "999999999"), 2),
    "show": (("contact", "show", "1"), 0),
    "history": (("history", "1", "--json"), 0),
    "list": (("contact", "list", "--json"), 0),
}


def _environment() -> dict[str, str]:
    env = os.environ.copy()
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    root = str(data.ROOT)
    paths = [f"{root}/src", f"{root}/plugins", *filter(None, env.get("PYTHONPATH", "").split(os.pathsep))]
    env["PYTHONPATH"] = os.pathsep.join(dict.fromkeys(paths))
    return env


def _run(db: Path, args: tuple[str, ...], status: int, env: dict[str, str]) -> float:
    t0 = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "keepwarm", "--db", str(db), *args],
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    elapsed = time.perf_counter() - t0
    if done.returncode != status:
        last = (done.stderr.strip().splitlines() or ["no message"])[-1]
        raise RuntimeError(f"keepwarm {' '.join(args)}: exit {done.returncode}, expected {status}: {last}")
    return elapsed


def startup(db: Path, repeat: int, _started: float) -> dict:
    """The whole commands of COMMANDS, each `repeat` times after one untimed run; `times` are the fixed start-up's."""
    env = _environment()
    commands = {}
    for name, (args, status) in COMMANDS.items():
        _run(db, args, status, env)
        commands[name] = [_run(db, args, status, env) for _ in range(repeat)]
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return {"times": commands["fixed"], "commands": commands, "commands_peak_mb": round(peak, 1)}
