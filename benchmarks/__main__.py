"""`python -m benchmarks [--sizes 1000,10000] [--repeat 5]`: run, print the table, save JSON.

`--sizes 50000` is the large book of issue 19 (50,000 contacts, 5M interactions): its database takes some
ten minutes to generate the first time (then it is cached), and its measures several more.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import statistics
import subprocess
import sys
import time

from . import data
from .report import table

# (measure, share of --repeat it runs; fewer for the slow, many-sample or writing measures)
MEASURES = [
    ("floor", 1.0),
    ("pyref", 1.0),
    ("stats", 1.0),
    ("agenda", 1.0),
    ("agenda_touch", 1.0),
    ("agenda_new_day", 0.4),
    ("agenda_rebuilt", 0.4),
    ("detail", 0.2),
    ("search", 1.0),
    ("find", 1.0),
    ("tui", 1.0),
    ("ics", 1.0),
    ("vcard", 0.2),
    ("json_export", 0.2),
    ("restore", 0.2),
    ("mail_sync", 0.2),
    ("calendar_sync", 0.2),
    ("agenda_command", 1.0),
    ("startup", 1.0),
    ("interactions_import", 0.2),
    ("vcard_50k", 0.2),
    ("every_command", 1.0),
]
SIZE_INDEPENDENT = {"vcard"}  # always 10,000 cards into an empty database
#: Measures run at some sizes only, those their targets are set at: a 100,000-message Maildir per size would add
#: minutes each. (`--only` runs a measure at every size.)
ONLY_AT = {
    "mail_sync": {10_000},
    "calendar_sync": {10_000},
    "agenda_command": {10_000, 50_000},
    "startup": {10_000},
    "interactions_import": {10_000},
    "vcard_50k": {10_000},
    "every_command": {50_000},  # every command's peak memory: the 400 MB target is set at 50,000 contacts
}


def run_child(measure: str, db, repeat: int) -> dict:
    if measure == "tui":  # one cold start per process
        # First one untimed start, as the start-up measure does: bytecode written (then read, as an installed
        # copy's is), the file cache warm, and the stored results brought up to date for this code (a plugin's
        # file changed since the last run makes the first engine run a whole one).
        run_child("tui_once", db, 1)
        runs = [run_child("tui_once", db, 1) for _ in range(repeat)]
        return {
            "times": [r["times"][0] for r in runs],
            "peak_mb": max(r["peak_mb"] for r in runs),
            "fresh": [r["fresh"][0] for r in runs if r.get("fresh")],
            "advice": [r["advice"][0] for r in runs if r.get("advice")],
        }
    name = "tui" if measure == "tui_once" else measure
    env = os.environ.copy()
    if measure == "tui_once":  # the TUI's starts count imports: bytecode cached, as for an installed copy
        env.pop("PYTHONDONTWRITEBYTECODE", None)
    proc = subprocess.run(
        [sys.executable, "-m", "benchmarks.child", name, str(db), str(repeat)],
        capture_output=True,
        text=True,
        cwd=data.ROOT,
        env=env,
    )
    if proc.returncode != 0:
        return {"error": (proc.stderr.strip().splitlines() or ["failed"])[-1]}
    return json.loads(proc.stdout.strip().splitlines()[-1])


def machine() -> dict:
    cpu = ""
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    import sqlite3

    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "platform": platform.platform(),
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks")
    parser.add_argument("--sizes", default="1000,10000")
    parser.add_argument(
        "--per-contact",
        default="",
        help="interactions per contact, one value or one per size (default: 100, so 1M interactions at "
        "10,000 contacts and 5M at 50,000, the sizes issue 19 sets targets at)",
    )
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--only", default="", help="comma-separated measures")
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    per = [int(p) for p in args.per_contact.split(",") if p.strip()]
    if not per:
        per = [100 for _ in sizes]
    elif len(per) == 1:
        per = per * len(sizes)
    only = {m for m in args.only.split(",") if m}
    data.pin_environment()
    started = time.time()
    results: dict = {"machine": machine(), "now": data.NOW, "seed": args.seed, "repeat": args.repeat, "sizes": {}}
    vcard_done = None
    for size, ipc in zip(sizes, per):
        db = data.ensure_db(size, ipc, args.seed, log=lambda m: print(m, file=sys.stderr, flush=True))
        figures = {}
        for measure, scale in MEASURES:
            if only and measure not in only and measure not in ("floor", "pyref"):
                continue
            if measure in ONLY_AT and size not in ONLY_AT[measure] and measure not in only:
                continue
            if measure in SIZE_INDEPENDENT and vcard_done is not None:
                figures[measure] = vcard_done
                continue
            # detail times 5 contacts per repeat; vCard and JSON take seconds each: one run of those is enough
            repeat = max(1 if scale < 1 else 3, round(args.repeat * scale)) if measure not in ("floor", "pyref") else 7
            print(f"[{size}] {measure} x{repeat} ...", file=sys.stderr, flush=True)
            result = run_child(measure, db, repeat)
            if "times" in result:
                result["median_s"] = statistics.median(result["times"])
            figures[measure] = result
            if measure in SIZE_INDEPENDENT:
                vcard_done = result
        results["sizes"][str(size)] = {"per_contact": ipc, "db": str(db), "figures": figures}
    results["elapsed_s"] = round(time.time() - started, 1)
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    out_dir = data.RESULTS
    out_dir.mkdir(exist_ok=True)
    for name in (f"bench-{stamp}.json", "latest.json"):
        (out_dir / name).write_text(json.dumps(results, indent=2) + "\n")
    text = table(results)
    (out_dir / "latest.txt").write_text(text + "\n")
    print(text)
    print(f"\nsaved {out_dir / f'bench-{stamp}.json'} (and latest.json, latest.txt)")


if __name__ == "__main__":
    main()
