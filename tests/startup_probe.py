"""A keepwarm command run in a process of its own, reporting what it loaded and built.

The start-up tests hold which modules a command imports and which pydantic models
had their validator built (no timing is asserted): `probe(home, *args)` runs the CLI
with `home` as KEEPWARM_HOME at a fixed clock and gives its exit status, its output,
its errors, the modules imported and the models built.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

PROBE = """
import contextlib, io, json, sys
from keepwarm.cli import cli

out, err = io.StringIO(), io.StringIO()
status = 0
with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
    try:
        cli.main({args!r}, prog_name="keepwarm")
    except SystemExit as exc:
        status = exc.code
modules = sorted(sys.modules)

def subclasses(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from subclasses(sub)

built = []
if "pydantic" in sys.modules:  # the command loaded it: which of its models did it build?
    import pydantic
    built = sorted({{f"{{c.__module__}}.{{c.__qualname__}}" for c in subclasses(pydantic.BaseModel)
                     if c.__dict__.get("__pydantic_complete__")}})
print(json.dumps({{"status": status, "out": out.getvalue(), "err": err.getvalue(), "built": built,
                  "modules": modules}}))
"""


def probe(home: Path, *args: str) -> dict:
    env = {**os.environ, "KEEPWARM_HOME": str(home), "KEEPWARM_NOW": "2026-03-02T09:00:00+00:00", "TZ": "UTC"}
    env.pop("KEEPWARM_DB", None)
    done = subprocess.run(
        [sys.executable, "-c", PROBE.format(args=list(args))], env=env, capture_output=True, text=True, timeout=120
    )
    assert done.stdout, done.stderr
    return json.loads(done.stdout.splitlines()[-1])
