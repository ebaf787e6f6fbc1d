"""Two contacts who are one person, made one (the CLI's `contact merge`, the app's merge).

The first contact stays and takes the second's history (store/merge.py). Its
fields are the first's where it has a value; the second fills the blanks; lists
(e-mails, phones, tags, dates, interests, ...) are joined; the notes of both are
kept; a do-not-contact on either stays. Where both have a different value the
first's is kept and the second's is named in the result, so that nothing is
dropped unseen: the command prints it, and asks before it writes.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..errors import Ambiguous, UserError
from ..home.session import Session
from ..model import Contact, SocialStyle
from ..store import contacts as people
from ..store.merge import Moved, move_history
from ..text.wording import one_line, plural, spoken
from .operations import reschedule

#: Fields that are not the person's details: the first contact's stay as they are (notes and do-not-contact are
#: joined apart, below).
_OWN = frozenset({"id", "uid", "name", "notes", "do_not_contact"})
#: What counts as "no value" for a single field (tier and stage always have one).
_BLANK = (None, "", SocialStyle.UNKNOWN)


@dataclass
class Merge:
    """What a merge did (or, dry, would do)."""

    keep: int
    gone: int
    contact: Contact  # the first contact as it is after the merge
    gone_name: str
    filled: list[str] = field(default_factory=list)  # fields the second gave where the first had none
    conflicts: list[tuple[str, str, str]] = field(default_factory=list)  # (field, kept, not kept)
    moved: Moved = field(default_factory=Moved)
    written: bool = False

    def to_json(self) -> dict:
        return {
            "kept": self.keep,
            "merged": self.gone,
            "merged_name": self.gone_name,
            "contact": self.contact.model_dump(mode="json"),
            "filled": self.filled,
            "conflicts": [{"field": f, "kept": kept, "not_kept": other} for f, kept, other in self.conflicts],
            "moved": self.moved.rows,
            "dismissed_followups": self.moved.dismissed,
            "dropped": self.moved.dropped,
            "written": self.written,
        }


def _shown(value: object) -> str:
    return str(getattr(value, "value", value))


def merged_contact(first: Contact, second: Contact) -> tuple[Contact, list[str], list[tuple[str, str, str]]]:
    """The first contact with the second's values added (see the module's docstring), the fields the second
    filled, and the fields where both had a different value (the first's kept)."""
    values = first.model_dump()
    filled: list[str] = []
    conflicts: list[tuple[str, str, str]] = []
    # Every field of the model, so that one added later is merged too (never dropped unseen).
    for name in type(first).model_fields:
        if name in _OWN or name == "held_by":  # whose hold it is follows the hold kept (below)
            continue
        mine, theirs = getattr(first, name), getattr(second, name)
        if isinstance(mine, list):  # e-mails, phones, tags, dates, interests, ...: the second's added
            added = [item for item in theirs if item not in mine]
            if added:
                values[name] = [*mine, *added]
                filled.append(name)
        elif theirs in _BLANK or theirs == mine:
            continue
        elif mine in _BLANK:
            values[name] = theirs
            filled.append(name)
        else:
            conflicts.append((name, _shown(mine), _shown(theirs)))
    if second.do_not_contact and not first.do_not_contact:
        values["do_not_contact"] = True
        filled.append("do_not_contact")
    if second.notes.strip() and second.notes.strip() not in first.notes:
        values["notes"] = f"{first.notes.rstrip()}\n\n{second.notes.strip()}" if first.notes.strip() else second.notes
        filled.append("notes")
    values["held_by"] = first.held_by if values["snoozed_until"] == first.snoozed_until else second.held_by
    # Validated again: e-mails and tags that differ only in case become one, as on any edit.
    return Contact.model_validate(values), filled, conflicts


class _Dry(Exception):
    """Raised inside the write to roll it back: a dry run does everything but keep it."""


def merge_contacts(session: Session, keep: int, gone: int, *, dry_run: bool = False) -> Merge:
    """Make `gone` part of `keep` in one transaction (or, `dry_run`, say what that would do and write nothing)."""
    if keep == gone:
        raise UserError(f"contact merge: a contact cannot be merged with itself (both are #{keep})")
    result: Merge | None = None
    try:
        with session.store.write() as conn:
            first, second = people.get_contact(conn, keep), people.get_contact(conn, gone)
            contact, filled, conflicts = merged_contact(first, second)
            moved = move_history(conn, keep, gone, session.now)
            people.delete_contact(conn, gone)  # its own e-mails and the rest go with it, before the first takes them
            people.update_contact(conn, keep, contact, session.now)
            result = Merge(keep, gone, contact, second.name, filled, conflicts, moved, written=not dry_run)
            if dry_run:
                raise _Dry
    except _Dry:
        pass
    assert result is not None
    if result.written:
        reschedule(session, [keep])  # the rules schedule what comes next for the one person
    return result


_TABLES = {
    "interactions": "interaction",
    "commitments": "promise",
    "followups": "follow-up",
    "assessments": "assessment",
    "contact_notes": "note",
    "contact_links": "link",
}
#: Fields named otherwise than their spoken name.
_FIELDS = {"rhythm_days": "rhythm", "snoozed_until": "snooze"}


def _field(name: str) -> str:
    return _FIELDS.get(name) or spoken(name)


def describe(merge: Merge) -> list[str]:
    """What the merge does, a line each: what moves, what the second fills in, what of the second is not kept."""
    lines = []
    order = [*_TABLES, *sorted(set(merge.moved.rows) - _TABLES.keys())]
    moved = [
        plural(merge.moved.rows[table], _TABLES.get(table, table.replace("_", " ").rstrip("s")))
        for table in order
        if table in merge.moved.rows
    ]
    lines.append(f"  moves {', '.join(moved)}" if moved else "  moves no history (the second contact has none)")
    if merge.filled:
        lines.append(f"  adds from #{merge.gone}: {', '.join(_field(f) for f in merge.filled)}")
    for name, kept, other in merge.conflicts:
        lines.append(f"  keeps {_field(name)} {one_line(kept)!r}; #{merge.gone} has {one_line(other)!r}, not kept")
    if merge.moved.dismissed:
        lines.append(
            f"  dismisses {plural(merge.moved.dismissed, 'follow-up')} of #{merge.gone} that #{merge.keep} "
            "has from the same rule"
        )
    for table, n in merge.moved.dropped.items():
        lines.append(
            f"  drops {n} {table.replace('_', ' ')} row(s) that would repeat #{merge.keep}'s or join it to itself"
        )
    return lines


def other_contact(session: Session, keep: int, text: str) -> int:
    """The contact `text` names (an id or a name) to merge into `keep`: a name that `keep` shares with one other
    contact (the usual case: the same person twice) names that other one."""
    with session.store.read() as conn:
        try:
            found = people.resolve_contact(conn, text)
        except Ambiguous as exc:
            others = [line.split("\t") for line in exc.candidates if int(line.split("\t")[0]) != keep]
            if len(others) != 1:
                shown = "; ".join(f"#{' '.join(parts)}" for parts in others[:5])
                raise UserError(f"{exc.message}: {shown}") from None
            found = int(others[0][0])
    if found == keep:
        raise UserError("that is this contact: name the other one (its id or name)")
    return found


@dataclass
class Added:
    """The details of a contact being added again, added to the one in the book instead (`add_details`)."""

    contact_id: int
    contact: Contact  # as it is afterwards
    filled: list[str]
    conflicts: list[tuple[str, str, str]]  # (field, kept, given and not kept)

    def lines(self) -> list[str]:
        out = [f"  adds {', '.join(_field(f) for f in self.filled)}" if self.filled else "  adds nothing new"]
        out += [f"  keeps {_field(n)} {one_line(kept)!r}, not {one_line(given)!r}" for n, kept, given in self.conflicts]
        return out


def add_details(session: Session, contact_id: int, new: Contact) -> Added:
    """A contact being added who is in the book already: their new details (e-mails, phones, tags, blanks
    filled, notes) added to that contact, as a merge adds the second contact's, and no second contact made."""
    with session.store.write() as conn:
        contact, filled, conflicts = merged_contact(people.get_contact(conn, contact_id), new)
        if filled:
            people.update_contact(conn, contact_id, contact, session.now)
    if filled:
        reschedule(session, [contact_id])
    return Added(contact_id, contact, filled, conflicts)
