"""What `keepwarm doctor` reports: findings, each naming the thing and the fix when something is wrong."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class Finding:
    check: str  # database, integrity, schema, permissions, settings, rules, plugins, backups, followups
    ok: bool
    message: str
    fix: str = ""

    def to_json(self) -> dict:
        return {"check": self.check, "ok": self.ok, "message": self.message, "fix": self.fix}


@dataclass
class Report:
    db_path: Path
    findings: list[Finding] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return all(f.ok for f in self.findings)

    def problems(self) -> list[Finding]:
        return [f for f in self.findings if not f.ok]

    def to_json(self) -> dict:
        return {"database": str(self.db_path), "ok": self.ok, "findings": [f.to_json() for f in self.findings]}
