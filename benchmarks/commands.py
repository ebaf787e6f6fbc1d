"""Measures of whole commands: `python -m keepwarm ...` in a process of its own, as a user runs it.

What a user waits for is the command, not the call the CLI makes: start-up
(imports, settings, plugins), the engine and the printing together. Each
measure works on a copy of the cached book, so its writes never reach the
database the other measures read.
"""

from __future__ import annotations

import io
import os
import resource
import subprocess
import sys
import time
from pathlib import Path
from typing import cast

from . import data

#: Items `--limit` asks for: about a screenful.
LIMIT = 20


def _command(db: Path, *args: str) -> list[str]:
    return [sys.executable, "-m", "keepwarm", "--db", str(db), *args]


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _run(argv: list[str], cpu: list[float] | None = None) -> float:
    """One run, its output to /dev/null: the wall time from the start of the process to its exit.

    Its CPU time (user and system) goes to `cpu`: on a shared machine the wall time
    also counts the waits for a core, the CPU time does not.
    """
    with open(os.devnull, "wb") as sink:
        c0, t0 = _cpu(), time.perf_counter()
        proc = subprocess.run(argv, stdout=sink, stderr=subprocess.PIPE, cwd=data.ROOT, env=os.environ.copy())
        elapsed = time.perf_counter() - t0
    if proc.returncode != 0:
        last = (proc.stderr.decode(errors="replace").strip().splitlines() or ["failed"])[-1]
        raise RuntimeError(f"{' '.join(argv[3:])}: exit {proc.returncode}: {last}")
    if cpu is not None:
        cpu.append(round(_cpu() - c0, 3))
    return elapsed


def _first_byte(argv: list[str]) -> tuple[float, int]:
    """One run read through a pipe: when its first byte came, and how many bytes it printed."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(
        argv, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, cwd=data.ROOT, env=os.environ.copy()
    )
    assert proc.stdout is not None
    # A pipe opened in binary mode without bufsize=0 is a BufferedReader, which has read1.
    stdout = cast(io.BufferedReader, proc.stdout)
    chunk = stdout.read1(1 << 16)
    first = time.perf_counter() - t0
    size = len(chunk)
    while chunk := stdout.read1(1 << 20):
        size += len(chunk)
    proc.wait()
    return first, size


def _children_peak_mb() -> float:
    """The largest resident set among the commands run so far (they are the measure, not this process)."""
    return round(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024, 1)


def agenda_command(db: Path, repeat: int, _started: float) -> dict:
    """`keepwarm agenda --json` as a whole command, nothing changed since the last run; then with --limit."""
    copy = data.fresh_copy(db, "agenda_command.sqlite")
    full = _command(copy, "agenda", "--json")
    _run(full)  # untimed: whatever this day's first run stores is stored; the timed runs find nothing new
    cpu: list[float] = []
    times = [_run(full, cpu) for _ in range(repeat)]
    first, size = _first_byte(full)
    result: dict = {"times": times, "cpu": cpu, "first_byte_s": round(first, 3), "bytes": size}
    limited = [*full, "--limit", str(LIMIT)]
    try:
        result["limited_cpu"] = []
        result["limited"] = [_run(limited, result["limited_cpu"]) for _ in range(repeat)]
    except RuntimeError as exc:  # a version without --limit
        result["limited_error"] = str(exc)
    result["peak_mb"] = _children_peak_mb()
    for path in copy.parent.glob(copy.name + "*"):
        path.unlink()
    return result
