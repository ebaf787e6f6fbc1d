"""`keepwarm doctor` on the search index (migration 0013): its tables and triggers there, and in step.

Like the other checks it only reads. An index a user's own SQL dropped, a
trigger lost, or rows written while it was set aside show here, with the fix:
`keepwarm doctor --rebuild-search` makes it again from the book.
"""

from __future__ import annotations

from pathlib import Path

from ..store import search_index
from .findings import Finding, command_line
from .reading import read_book


def check_search(db_path: Path) -> list[Finding]:
    found = read_book(db_path, "contacts", search_index.problems)
    if found is None:
        return []
    if not found:
        return [Finding("search", True, "the search index is in step with the book")]
    fix = command_line(db_path, "doctor", "--rebuild-search")
    return [Finding("search", False, f"the search index is out of step: {problem}", fix) for problem in found]
