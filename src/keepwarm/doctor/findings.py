"""What `keepwarm doctor` reports: findings, each naming the thing and the fix when something is wrong."""

from __future__ import annotations

import shlex
from dataclasses import dataclass, field
from pathlib import Path

from ..home import paths


@dataclass(frozen=True)
class Finding:
    check: str  # database, integrity, schema, permissions, settings, rules, plugins, backups, followups, duplicates
    ok: bool
    message: str
    fix: str = ""
    #: Not ok, but for the user to judge rather than a problem (two contacts who may be one person): listed, and
    #: not counted in the exit status, so that two real namesakes do not make every doctor run fail.
    maybe: bool = False

    def to_json(self) -> dict:
        out = {"check": self.check, "ok": self.ok, "message": self.message, "fix": self.fix}
        if self.maybe:
            out["maybe"] = True
        return out


def command_line(db_path: Path, *words: str) -> str:
    """A keepwarm command line for this database (with --db when it is not the default one)."""
    db = [] if db_path.resolve() == paths.default_db_path().resolve() else ["--db", str(db_path)]
    return shlex.join(["keepwarm", *db, *words])


@dataclass
class Report:
    db_path: Path
    findings: list[Finding] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems()

    def problems(self) -> list[Finding]:
        return [f for f in self.findings if not f.ok and not f.maybe]

    def to_json(self) -> dict:
        return {"database": str(self.db_path), "ok": self.ok, "findings": [f.to_json() for f in self.findings]}
