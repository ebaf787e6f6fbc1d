"""One measure, in a process of its own: `python -m benchmarks.child MEASURE DB REPEAT`.

Prints one JSON line: the wall times of each repeat (time.perf_counter), and
the process's peak resident memory (VmHWM from /proc, so setup and imports
count: it is what the user's process would hold).
"""

from __future__ import annotations

import time

STARTED = time.perf_counter()  # before any keepwarm import: the TUI measure counts imports

import json  # noqa: E402
import resource  # noqa: E402
import sys  # noqa: E402
from pathlib import Path  # noqa: E402

from . import data  # noqa: E402

data.pin_environment()


def peak_mb() -> float:
    """VmHWM of this process. (ru_maxrss would carry the parent's high-water mark across fork+exec.)"""
    try:
        for line in open("/proc/self/status"):
            if line.startswith("VmHWM:"):
                return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        pass
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def main() -> None:
    name, db, repeat = sys.argv[1], Path(sys.argv[2]), int(sys.argv[3])
    import importlib

    from . import commands, imports, measures

    # A measure is a function of measures.py, commands.py or imports.py, or the function of the same name in a
    # module of its own (startup.py).
    module = next((m for m in (measures, commands, imports) if hasattr(m, name)), None) or importlib.import_module(
        f"{__package__}.{name}"
    )
    result = getattr(module, name)(db, repeat, STARTED)
    result.setdefault("peak_mb", peak_mb())  # a whole-command measure gives its commands' own peak
    print(json.dumps(result))


if __name__ == "__main__":
    main()
