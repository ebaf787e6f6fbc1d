"""What every source's sync reports, whatever it reads: the parts of the summary a mail or calendar source and an
address book share, so that a stopped, dry or failed sync reads the same way for each."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass
class SyncSummary:
    """One source's sync: its name and kind, and how it ended. Subclasses add their own counts."""

    name: str
    kind: str
    problem: str | None = None
    dry_run: bool = False
    #: Cancelled by the user: what was saved stays, the rest waits for the next sync.
    stopped: bool = False

    def ended(self, text: str) -> str:
        """TEXT (the source's own counts) followed by how the sync ended."""
        if self.dry_run:
            text += " (dry run: nothing written)"
        if self.stopped:
            text += " (stopped; the next sync goes on from here)"
        if self.problem:
            text += f"; stopped: {self.problem}"
        return text

    def json_with(self, counts: dict[str, Any]) -> dict[str, Any]:
        """The --json object: name and kind, the source's own COUNTS, then how the sync ended."""
        return {
            "name": self.name,
            "kind": self.kind,
            **counts,
            "problem": self.problem,
            "dry_run": self.dry_run,
            "stopped": self.stopped,
        }
