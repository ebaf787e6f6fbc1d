"""What an import did, record by record, for people and for scripts.

Every record lands in exactly one of four lists, with where it came from (the
card number and the line it starts on, or the line of a row), so a user can
find the card or row a message is about in their own file. A record that
updated a contact says what it was matched by, and which earlier record of
the same import it was merged with; a value left out of a record that was
otherwise imported is a warning on that record; a column the importer did
not read is a warning of the file.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .spread import Spreading

ACTIONS = ("created", "updated", "unchanged", "skipped")
#: Problems a report without detail keeps (and shows): the first ones, by line.
PROBLEMS_KEPT = 10


@dataclass(frozen=True)
class Where:
    file: str
    line: int | None = None
    card: int | None = None

    def __str__(self) -> str:
        if self.card is not None:
            return f"card {self.card} (line {self.line})"
        return f"line {self.line}" if self.line is not None else ""

    def full(self) -> str:
        here = str(self)
        return f"{self.file}: {here}" if here else self.file

    def to_json(self) -> dict:
        out: dict = {"file": self.file, "line": self.line}
        if self.card is not None:
            out["card"] = self.card
        return out


@dataclass
class Entry:
    action: str
    where: Where
    name: str = ""
    id: int | None = None
    fields: list[str] = field(default_factory=list)
    reason: str = ""
    invalid: bool = False
    matched_by: str = ""  # how an existing contact was found: "email a@b.example", "name", ...
    merged_with: list[Where] = field(default_factory=list)  # earlier records of this import, same contact
    note: str = ""  # e.g. a namesake kept apart
    warnings: list[str] = field(default_factory=list)  # values of this record left out, and why
    cleaned: list[str] = field(default_factory=list)  # fields whose control characters were made visible

    def to_json(self) -> dict:
        out = {"action": self.action, **self.where.to_json(), "name": self.name}
        if self.id is not None:
            out["id"] = self.id
        if self.cleaned:
            out["cleaned"] = list(self.cleaned)
        if self.action == "updated":
            out["fields"] = list(self.fields)
        if self.action == "skipped":
            out["reason"] = self.reason
            out["invalid"] = self.invalid
        if self.matched_by:
            out["matched_by"] = self.matched_by
        if self.merged_with:
            out["merged_with"] = [w.to_json() for w in self.merged_with]
        if self.note:
            out["note"] = self.note
        if self.warnings:
            out["warnings"] = list(self.warnings)
        return out

    def remarks(self) -> list[str]:
        """What a person reading the report should know about this record beyond its action."""
        out = []
        if self.merged_with:
            out.append("merged with " + ", ".join(str(w) for w in self.merged_with) + f" (same {self.matched_by})")
        elif self.action == "updated" and self.matched_by:
            out.append(f"matched by {self.matched_by}")
        if self.note:
            out.append(self.note)
        return out + [f"warning: {w}" for w in self.warnings]


@dataclass
class Source:
    """One input file: the format recognised and how its bytes were read."""

    file: str
    format: str
    encoding: str
    note: str = ""

    def to_json(self) -> dict:
        return {"file": self.file, "format": self.format, "encoding": self.encoding, "note": self.note}


@dataclass
class ImportReport:
    """Every record, or (`detail` False) the counts and the first problems only.

    A million-row history reported record by record held a gigabyte and printed
    a million lines; without detail, the report holds `PROBLEMS_KEPT` entries.
    """

    kind: str  # what the records are: contacts or interactions
    dry_run: bool = False
    sources: list[Source] = field(default_factory=list)
    entries: list[Entry] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)  # about the files (e.g. columns not read)
    detail: bool = True
    #: The new people spread over the days after the import (io/spread.py), if they were.
    spread: Spreading | None = None
    _counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(ACTIONS, 0))
    _invalid: int = 0

    def add(self, action: str, where: Where, name: str = "", **extra) -> Entry:
        entry = Entry(action, where, name, **extra)
        self._counts[action] += 1
        self._invalid += entry.invalid
        if self.detail or (action == "skipped" and len(self.entries) < PROBLEMS_KEPT):
            self.entries.append(entry)
        return entry

    def tally(self, action: str, n: int) -> None:
        """`n` records more with this action, known by their number only (a report without detail)."""
        assert not self.detail, "a detailed report lists each record"
        self._counts[action] += n

    def reset(self) -> None:
        """Forget every record (a plan made again reports afresh)."""
        self.entries.clear()
        self._counts = dict.fromkeys(ACTIONS, 0)
        self._invalid = 0

    def skip(self, where: Where, reason: str, name: str = "", *, invalid: bool = True) -> Entry:
        return self.add("skipped", where, name, reason=reason, invalid=invalid)

    def of(self, action: str) -> list[Entry]:
        return [e for e in self.entries if e.action == action]

    def invalid(self) -> list[Entry]:
        """The invalid records kept (all of them, or the first few without detail)."""
        return [e for e in self.entries if e.invalid]

    def invalid_count(self) -> int:
        return self._invalid

    def counts(self) -> dict[str, int]:
        return dict(self._counts)

    def summary(self) -> str:
        counts = self.counts()
        text = ", ".join(f"{counts[a]} {a}" for a in ACTIONS)
        noun = "contacts" if self.kind == "contacts" else "interactions"
        warned = len(self.warnings) + sum(len(e.warnings) for e in self.entries)
        if warned:
            text += f" ({warned} warning{'' if warned == 1 else 's'})"
        tail = " (dry run: nothing was written)" if self.dry_run else ""
        return f"{noun}: {text}{tail}"

    def to_json(self) -> dict:
        return {
            "kind": self.kind,
            "dry_run": self.dry_run,
            "sources": [s.to_json() for s in self.sources],
            "counts": self.counts(),
            "warnings": list(self.warnings),
            "spread": self.spread.to_json() if self.spread is not None else None,
            **{action: [e.to_json() for e in self.of(action)] for action in ACTIONS},
        }

    def lines(self) -> list[str]:
        """The report as plain lines: the sources, one line per record, then the counts."""
        out = []
        for source in self.sources:
            line = f"{source.file}: {source.format}, {source.encoding}"
            out.append(line + (f" ({source.note})" if source.note else ""))
        out += [f"  warning: {w}" for w in self.warnings]
        if not self.detail:
            return out + self._problem_lines() + [self.summary()] + self._spread_lines()
        several = len(self.sources) > 1
        for action in ACTIONS:
            for entry in self.of(action):
                where = entry.where.full() if several else str(entry.where)
                detail = entry.name
                if action == "updated" and entry.fields:
                    detail += f" ({', '.join(entry.fields)})"
                if action == "skipped":
                    detail = f"{detail}: {entry.reason}" if detail else entry.reason
                if entry.cleaned:
                    detail += f" (control characters shown as \\xNN in: {', '.join(entry.cleaned)})"
                out.append(f"  {action:<9}  {where:<18}  {detail}".rstrip())
                out += [f"  {'':<9}  {'':<18}    {remark}" for remark in entry.remarks()]
        out.append(self.summary())
        return out + self._spread_lines()

    def _spread_lines(self) -> list[str]:
        return [self.spread.sentence() + "."] if self.spread is not None else []

    def _problem_lines(self) -> list[str]:
        """The first problems, one line each with where they are; how many more there are."""
        kept = self.of("skipped")
        out = [f"  skipped    {str(e.where):<18}  {f'{e.name}: ' if e.name else ''}{e.reason}".rstrip() for e in kept]
        more = self._counts["skipped"] - len(kept)
        if more:
            out.append(f"  ... and {more:,} more skipped (--json lists every record)")
        return out
