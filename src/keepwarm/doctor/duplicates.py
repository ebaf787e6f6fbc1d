"""`keepwarm doctor` on contacts who are likely one person: the same e-mail, the same name, or names alike.

Only what points at one person is listed, so that a namesake at another company
does not show up on every doctor run: an e-mail both have; the same name (case,
accents and spacing aside) when they are at the same account or one has none;
names alike (rapidfuzz's token-sort ratio, which ignores word order: "Lee, Ann"
and "Ann Lee") at the same account, unless their digits differ ("Ann Lee 2"). Names alike are compared within an account
only (and, among contacts without one, within the same first letter): at 10,000
contacts every pair would be fifty million comparisons. Each finding names the
command that merges the two (`keepwarm contact merge`), the older contact kept.
"""

from __future__ import annotations

import sqlite3
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from rapidfuzz import fuzz, process

from ..text.wording import one_line
from .findings import Finding, command_line
from .reading import read_book

#: From this token-sort ratio (0-100), two names at the same account are taken as one person's.
ALIKE = 90
#: The most pairs listed; the rest are counted.
SHOWN = 20


@dataclass(frozen=True)
class Person:
    id: int
    name: str
    name_fold: str
    account_id: int | None


@dataclass(frozen=True)
class Pair:
    first: Person  # the older (lower id): the one a merge keeps
    second: Person
    why: str


def likely_duplicates(people: list[Person], emails: dict[int, set[str]]) -> list[Pair]:
    """The pairs of `people` who are likely one person (see the module's docstring), each once, the strongest
    reason given; ordered by the first's id, then the second's. `emails`: each contact's folded e-mails."""
    found: dict[tuple[int, int], str] = {}
    by_id = {p.id: p for p in people}

    def add(a: int, b: int, why: str) -> None:
        key = (min(a, b), max(a, b))
        found.setdefault(key, why)

    owners: dict[str, list[int]] = defaultdict(list)
    for cid, folded in emails.items():
        for email in folded:
            owners[email].append(cid)
    for email, ids in sorted(owners.items()):
        ids = sorted(set(ids) & by_id.keys())
        for i, a in enumerate(ids):
            for b in ids[i + 1 :]:
                add(a, b, f"both have the e-mail {email}")
    by_name: dict[str, list[Person]] = defaultdict(list)
    for person in people:
        by_name[person.name_fold].append(person)
    for same in by_name.values():
        for i, one in enumerate(same):
            for other in same[i + 1 :]:
                if one.account_id == other.account_id or one.account_id is None or other.account_id is None:
                    add(one.id, other.id, "the same name")
    groups: dict[tuple, list[Person]] = defaultdict(list)
    for person in people:
        block = ("account", person.account_id) if person.account_id is not None else ("none", person.name_fold[:1])
        groups[block].append(person)
    for group in groups.values():
        if len(group) < 2:
            continue
        names = [p.name_fold for p in group]
        for i, person in enumerate(group[:-1]):
            rest = names[i + 1 :]
            for _, score, j in process.extract(
                person.name_fold, rest, scorer=fuzz.token_sort_ratio, score_cutoff=ALIKE, limit=None
            ):
                other = group[i + 1 + j]
                if other.name_fold != person.name_fold and _digits(other.name_fold) == _digits(person.name_fold):
                    add(person.id, other.id, f"names alike, {score:.0f}%")
    return [Pair(by_id[a], by_id[b], why) for (a, b), why in sorted(found.items())]


def _digits(name: str) -> str:
    """The digits in a name: "Ann Lee 2" and "Ann Lee 3" are alike as words, yet told apart on purpose."""
    return "".join(ch for ch in name if ch.isdigit())


def _read(conn: sqlite3.Connection) -> tuple[list[Person], dict[int, set[str]]]:
    people = [Person(*row) for row in conn.execute("SELECT id, name, name_fold, account_id FROM contacts ORDER BY id")]
    emails: dict[int, set[str]] = defaultdict(set)
    for cid, email in conn.execute("SELECT contact_id, email_fold FROM contact_emails"):
        emails[cid].add(email)
    return people, emails


def check_duplicates(db_path: Path) -> list[Finding]:
    """A finding per pair of contacts likely to be one person (the first `SHOWN`, the rest counted)."""
    found_rows = read_book(db_path, "contact_emails", _read)
    if found_rows is None:
        return []
    people, emails = found_rows
    pairs = likely_duplicates(people, emails)
    if not pairs:
        return [Finding("duplicates", True, "no two contacts look like the same person")]
    found = [
        Finding(
            "duplicates",
            False,
            f"#{p.first.id} {one_line(p.first.name)} and #{p.second.id} {one_line(p.second.name)} "
            f"may be one person ({p.why})",
            command_line(db_path, "contact", "merge", str(p.first.id), str(p.second.id)),
            maybe=True,
        )
        for p in pairs[:SHOWN]
    ]
    if len(pairs) > SHOWN:
        found.append(
            Finding(
                "duplicates",
                False,
                f"{len(pairs) - SHOWN} more pairs may be one person each",
                "merge or tell apart the pairs above, then run the doctor again",
                maybe=True,
            )
        )
    return found
